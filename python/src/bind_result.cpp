// Binding of Result: read-only fields, predicates, handlers, to_dict / to_json.
#include <nlohmann/json.hpp>
#include <pybind11/stl.h>

#include "convert.hpp"
#include "taskmill/core/result.hpp"
#include "taskmill/core/task_spec.hpp"

namespace taskmill::py_binding {

namespace {

using ResultHandle = std::shared_ptr<Result>;

py::object optional_result(std::shared_ptr<const Result> r) {
  if (!r) return py::none();
  return py::cast(std::const_pointer_cast<Result>(r));
}

// A C++ exception as the Python exception a user would expect for it.
py::object python_exception_for(const ErrorCause& cause) {
  PyObject* type = PyExc_RuntimeError;
  if (cause.type_name == "std::invalid_argument" || cause.type_name == "std::domain_error") type = PyExc_ValueError;
  else if (cause.type_name == "std::out_of_range") type = PyExc_IndexError;
  else if (cause.type_name == "std::bad_alloc") type = PyExc_MemoryError;
  return py::reinterpret_borrow<py::object>(type)(cause.message);
}

py::object cause_of(const Result& r) {
  if (!r.cause) return py::none();
  if (auto* f = dynamic_cast<const PyForeign*>(r.cause->object.get())) return f->object();
  return python_exception_for(*r.cause);
}

py::object task_class(const Result& r) {
  if (!r.task) return py::none();
  if (auto* f = dynamic_cast<const PyForeign*>(r.task->host.get())) return f->object();
  return py::module_::import("taskmill").attr("task")(r.task->name);
}

py::object reason_of(const Result& r) { return r.reason.empty() ? py::object(py::none()) : py::object(py::str(r.reason)); }

// `handler(fn)` calls fn(result) when the predicate holds and returns the result, for chaining.
template <bool (Result::*Predicate)() const>
py::object handler(const ResultHandle& self, py::function fn) {
  py::object me = py::cast(self);
  if (((*self).*Predicate)()) fn(me);
  return me;
}

py::dict to_dict(const Result& r) {
  py::dict d;
  d["task"] = r.task_name();
  d["task_id"] = r.task_id;
  d["chain_id"] = r.chain_id;
  d["index"] = r.index;
  d["state"] = std::string(to_string(r.state));
  d["status"] = std::string(to_string(r.status));
  d["reason"] = reason_of(r);
  d["metadata"] = to_py(r.metadata);
  d["runtime_ms"] = r.runtime_ms;
  d["retries"] = r.retries;
  d["cause"] = r.cause ? py::object(py::str(r.cause->reason())) : py::none();
  return d;
}

}  // namespace

void bind_result(py::module_& m) {
  py::class_<Result, ResultHandle>(m, "Result", "The outcome of one run of a task.")
      .def_property_readonly("status", [](const Result& r) { return std::string(to_string(r.status)); })
      .def_property_readonly("state", [](const Result& r) { return std::string(to_string(r.state)); })
      .def_property_readonly("reason", &reason_of)
      .def_property_readonly("metadata", [](const Result& r) { return to_py(r.metadata); })
      .def_property_readonly("context", [](const Result& r) { return r.context; })
      .def_property_readonly("cause", &cause_of)
      .def_property_readonly("task", &task_class)
      .def_property_readonly("task_name", &Result::task_name)
      .def_property_readonly("task_id", [](const Result& r) { return r.task_id; })
      .def_property_readonly("chain_id", [](const Result& r) { return r.chain_id; })
      .def_property_readonly("index", [](const Result& r) { return r.index; })
      .def_property_readonly("runtime_ms", [](const Result& r) { return r.runtime_ms; })
      .def_property_readonly("retries", [](const Result& r) { return r.retries; })
      .def_property_readonly("success", &Result::success)
      .def_property_readonly("skipped", &Result::skipped)
      .def_property_readonly("failed", &Result::failed)
      .def_property_readonly("good", &Result::good)
      .def_property_readonly("bad", &Result::bad)
      .def_property_readonly("complete", &Result::complete)
      .def_property_readonly("interrupted", &Result::interrupted)
      .def_property_readonly("caused_failure", [](const Result& r) { return optional_result(r.caused_failure()); })
      .def_property_readonly("threw_failure", [](const Result& r) { return optional_result(r.threw_failure()); })
      .def("on_success", &handler<&Result::success>, py::arg("fn"))
      .def("on_skipped", &handler<&Result::skipped>, py::arg("fn"))
      .def("on_failed", &handler<&Result::failed>, py::arg("fn"))
      .def("on_good", &handler<&Result::good>, py::arg("fn"))
      .def("on_bad", &handler<&Result::bad>, py::arg("fn"))
      .def("on_complete", &handler<&Result::complete>, py::arg("fn"))
      .def("on_interrupted", &handler<&Result::interrupted>, py::arg("fn"))
      .def("to_dict", &to_dict)
      .def("to_json", [](const Result& r) { return r.to_json().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); })
      .def("__repr__", [](const Result& r) {
        std::string s = "<Result " + r.task_name() + " " + std::string(to_string(r.status));
        if (!r.reason.empty()) s += ": " + r.reason;
        return s + ">";
      });
}

}  // namespace taskmill::py_binding
