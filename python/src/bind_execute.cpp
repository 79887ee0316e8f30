// `SomeTask.execute(...)`: the call users make most, bound without a Python frame in between.
//
// Each concrete task class gets its own `execute`, a builtin function whose `self` is
// (spec capsule, single): the arguments arrive as CPython's vectorcall hands them over (positional values
// plus keyword names), and go straight into a RunRequest. Neither a kwargs dict nor pybind11's
// argument dispatch is built per call: with a few inputs those cost as much as the run itself.
// A call with one positional argument and nothing else is ambiguous (a Context to share, a mapping
// of inputs, or the first input) and goes to `single`, the Python function that settles it.
#include <memory>

#include <pybind11/pybind11.h>

#include "convert.hpp"
#include "py_task.hpp"

namespace taskmill::py_binding {

namespace {

RunRequest request_from(PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
  RunRequest request;
  request.args.reserve(static_cast<std::size_t>(nargs));
  for (Py_ssize_t i = 0; i < nargs; ++i) request.args.push_back(to_value_shallow(args[i]));
  const Py_ssize_t nkw = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
  for (Py_ssize_t i = 0; i < nkw; ++i) {
    // Keyword names from a call are always str (CPython checks before the call is made).
    Py_ssize_t size = 0;
    const char* name = PyUnicode_AsUTF8AndSize(PyTuple_GET_ITEM(kwnames, i), &size);
    if (name == nullptr) throw py::error_already_set();
    request.kwargs.insert_or_assign(std::string(name, static_cast<std::size_t>(size)),
                                    to_value_shallow(args[nargs + i]));
  }
  return request;
}

// The spec rides in a capsule rather than as the TaskSpec Python object: reading it back is a
// pointer load, where pybind11's cast looks the type up on every call.
constexpr const char* kSpecCapsule = "taskmill.TaskSpecPtr";

const std::shared_ptr<TaskSpec>& spec_in(PyObject* capsule) {
  return *static_cast<std::shared_ptr<TaskSpec>*>(PyCapsule_GetPointer(capsule, kSpecCapsule));
}

py::capsule spec_capsule(std::shared_ptr<TaskSpec> spec) {
  auto owned = std::make_unique<std::shared_ptr<TaskSpec>>(std::move(spec));
  PyObject* capsule = PyCapsule_New(owned.get(), kSpecCapsule, [](PyObject* self) {
    // Takes the pointer back into a unique_ptr, which frees it.
    std::unique_ptr<std::shared_ptr<TaskSpec>>(static_cast<std::shared_ptr<TaskSpec>*>(PyCapsule_GetPointer(self, kSpecCapsule)));
  });
  if (capsule == nullptr) throw py::error_already_set();
  owned.release();  // the capsule owns it now
  return py::reinterpret_steal<py::capsule>(capsule);
}

PyObject* execute_vectorcall(PyObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
  try {
    if (nargs == 1 && (kwnames == nullptr || PyTuple_GET_SIZE(kwnames) == 0))
      return PyObject_CallOneArg(PyTuple_GET_ITEM(self, 1), args[0]);
    ResultPtr result = run_for_python(spec_in(PyTuple_GET_ITEM(self, 0)), request_from(args, nargs, kwnames));
    return wrap_result(std::move(result)).release().ptr();
  } catch (py::error_already_set& e) {
    e.restore();
  } catch (...) {
    py::detail::try_translate_exceptions();
  }
  return nullptr;
}

PyMethodDef execute_def = {
    "execute", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(&execute_vectorcall)),
    METH_FASTCALL | METH_KEYWORDS,
    // The first line is the signature inspect.signature() reads (CPython's __text_signature__).
    "execute($self, /, *args, **kwargs)\n--\n\nRun the task in the caller. Never raises for a task failure: the "
    "Result says it."};

}  // namespace

void bind_execute(py::module_& m) {
  m.def(
      "bound_execute",
      [](std::shared_ptr<TaskSpec> spec, py::object single) {
        py::tuple self = py::make_tuple(spec_capsule(std::move(spec)), std::move(single));
        PyObject* fn = PyCFunction_NewEx(&execute_def, self.ptr(), nullptr);
        if (fn == nullptr) throw py::error_already_set();
        return py::reinterpret_steal<py::object>(fn);
      },
      py::arg("spec"), py::arg("single"),
      "A task class's `execute`: a builtin taking the call's arguments as they come (see bind_execute.cpp).");
}

}  // namespace taskmill::py_binding
