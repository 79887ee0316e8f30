// Binding of named coercions and validators, in-task retries and the built-in middlewares.
// Python callables become core std::functions that take the GIL; the rules stay in the core.
#include <chrono>
#include <thread>

#include <pybind11/stl.h>

#include "convert.hpp"
#include "py_model.hpp"
#include "taskmill/core/coercion_registry.hpp"
#include "taskmill/core/halt.hpp"
#include "taskmill/core/middlewares.hpp"

namespace taskmill::py_binding {

namespace {

// The text of the Python exception being handled: its message, or its type's name.
std::string exception_text(py::error_already_set& e) {
  std::string text = py::str(e.value());
  return text.empty() ? std::string(py::str(py::type::handle_of(e.value()).attr("__name__"))) : text;
}

// A Python check's answer: None passes, a str is the problem.
std::optional<std::string> check_answer(py::handle answer, const std::string& who) {
  if (answer.is_none()) return std::nullopt;
  if (py::isinstance<py::str>(answer)) return answer.cast<std::string>();
  throw py::type_error(who + " must return None or an error message (str), not " +
                       std::string(py::str(py::type::handle_of(answer).attr("__name__"))));
}

}  // namespace

Validator python_validate(py::object fn) {
  auto held = std::make_shared<const PyForeign>(std::move(fn));
  Validator v;
  v.name = "validate";
  v.check = [held](const Value& value) -> std::optional<std::string> {
    py::gil_scoped_acquire gil;
    try {
      return check_answer(held->object()(to_py(value)), "a validate= callable");
    } catch (py::error_already_set& e) {
      // A check that raises ValueError / TypeError reports a problem; anything else is a bug and
      // fails the run with it (the executor records it as the cause).
      if (e.matches(PyExc_ValueError) || e.matches(PyExc_TypeError)) return exception_text(e);
      throw ForeignError(std::make_shared<ErrorCause>(ErrorCause{
          std::string(py::str(py::type::handle_of(e.value()).attr("__name__"))), py::str(e.value()), {},
          std::make_shared<const PyForeign>(e.value()), nullptr}));
    }
  };
  return v;
}

RetryOn parse_retry_on(const std::string& task, py::handle desc) {
  RetryOn policy;
  if (desc.is_none()) return policy;
  auto d = desc.cast<py::dict>();
  policy.limit = d["limit"].cast<int>();
  policy.delay = d["delay"].cast<double>();
  try {
    policy.backoff = parse_backoff(d["backoff"].cast<std::string>());
  } catch (const std::invalid_argument& e) {
    throw DefinitionError(task + ": retry_on " + e.what());
  }
  auto exceptions = std::make_shared<const PyForeign>(py::reinterpret_borrow<py::object>(d["exceptions"]));
  policy.matches = [exceptions](const ErrorCause& cause) {
    auto* obj = dynamic_cast<const PyForeign*>(cause.object.get());
    if (!obj) return false;  // a C++ exception: Python exception classes cannot match it
    py::gil_scoped_acquire gil;
    return PyObject_IsInstance(obj->object().ptr(), exceptions->object().ptr()) == 1;
  };
  policy.wait = [](double seconds) {
    // Let other Python threads run while this one waits (when it holds the GIL at all).
    if (PyGILState_Check()) {
      py::gil_scoped_release release;
      std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    } else {
      std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    }
  };
  return policy;
}

void bind_model(py::module_& m) {
  m.def(
      "register_coercion",
      [](const std::string& name, py::object fn) {
        auto held = std::make_shared<const PyForeign>(std::move(fn));
        register_coercion(name, [held, name](const Value& input) {
          py::gil_scoped_acquire gil;
          try {
            return Coerced::success(to_value_shallow(held->object()(to_py(input))));
          } catch (py::error_already_set& e) {
            // ValueError / TypeError: the input cannot be coerced; report its message.
            if (e.matches(PyExc_ValueError) || e.matches(PyExc_TypeError)) return Coerced::failure(exception_text(e));
            throw;
          }
        });
      },
      py::arg("name"), py::arg("fn"));
  m.def(
      "register_validator",
      [](const std::string& name, py::object fn) {
        auto held = std::make_shared<const PyForeign>(std::move(fn));
        register_validator(name, [held, name](const Value& value, const Value& options) -> std::optional<std::string> {
          py::gil_scoped_acquire gil;
          try {
            return check_answer(held->object()(to_py(value), to_py(options)), "validator '" + name + "'");
          } catch (py::error_already_set& e) {
            if (e.matches(PyExc_ValueError) || e.matches(PyExc_TypeError)) return exception_text(e);
            throw;
          }
        });
      },
      py::arg("name"), py::arg("fn"));
  m.def("has_validator", [](const std::string& name) { return has_validator(name); });
  m.def("has_coercion", [](const std::string& name) { return find_coercion(name) != nullptr; });
  m.def(
      "retry_delay",
      [](const std::string& backoff, double delay, int retry) {
        RetryOn policy;
        policy.delay = delay;
        policy.backoff = parse_backoff(backoff);
        return policy.delay_for(retry);
      },
      py::arg("backoff"), py::arg("delay"), py::arg("retry"));

  py::class_<NativeMiddleware>(m, "NativeMiddleware", "A middleware implemented in the C++ core.")
      .def_property_readonly("name", [](const NativeMiddleware& mw) { return mw.name; })
      .def("__repr__", [](const NativeMiddleware& mw) { return "<taskmill middleware " + mw.name + ">"; });
  m.def("correlate_middleware", [] { return NativeMiddleware{"Correlate()", middlewares::correlate()}; });
  m.def("runtime_middleware", [] { return NativeMiddleware{"Runtime()", middlewares::runtime()}; });
  m.def(
      "timeout_middleware",
      [](double seconds) {
        return NativeMiddleware{"Timeout(" + py::repr(py::float_(seconds)).cast<std::string>() + ")",
                                middlewares::timeout(seconds)};
      },
      py::arg("seconds"));
}

}  // namespace taskmill::py_binding
