// `SomeTask.execute(...)`: the call users make most, bound without a Python frame in between.
//
// Each concrete task class gets its own `execute`, a builtin function whose `self` is
// (spec capsule, single, dict_gives_inputs): the arguments arrive as CPython's vectorcall hands
// them over (positional values plus keyword names), and go straight into a RunRequest. Neither a
// kwargs dict nor pybind11's argument dispatch is built per call: with a few inputs those cost as
// much as the run itself.
// A call with one positional argument and nothing else is ambiguous (a Context to share, a mapping
// of inputs, or the first input) and goes to `single`, the Python function that settles it. The
// one case settled here is the common one, `execute({"name": value, ...})`: a plain dict with str
// keys, for a task whose first input does not itself take a dict (`dict_gives_inputs`, worked out
// once per class by the same rule `single` applies).
#include <memory>
#include <optional>

#include <pybind11/pybind11.h>

#include "convert.hpp"
#include "py_task.hpp"

namespace taskmill::py_binding {

namespace {

// One input by name; `name` is a str.
void add_input(RunRequest& request, PyObject* name, PyObject* value) {
  Py_ssize_t size = 0;
  const char* text = PyUnicode_AsUTF8AndSize(name, &size);
  if (text == nullptr) throw py::error_already_set();
  request.kwargs.emplace_back(std::string(text, static_cast<std::size_t>(size)), to_value_shallow(value));
}

RunRequest request_from(PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
  RunRequest request;
  request.args.reserve(static_cast<std::size_t>(nargs));
  for (Py_ssize_t i = 0; i < nargs; ++i) request.args.push_back(to_value_shallow(args[i]));
  const Py_ssize_t nkw = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
  request.kwargs.reserve(static_cast<std::size_t>(nkw));
  // Keyword names from a call are always str (CPython checks before the call is made).
  for (Py_ssize_t i = 0; i < nkw; ++i) add_input(request, PyTuple_GET_ITEM(kwnames, i), args[nargs + i]);
  return request;
}

// The inputs of `execute({...})`, or nothing when a key is not a str (then the dict is the first
// input, which `single` handles).
std::optional<RunRequest> request_from_dict(PyObject* dict) {
  RunRequest request;
  request.kwargs.reserve(static_cast<std::size_t>(PyDict_GET_SIZE(dict)));
  Py_ssize_t pos = 0;
  PyObject* key = nullptr;
  PyObject* value = nullptr;
  while (PyDict_Next(dict, &pos, &key, &value)) {
    if (!PyUnicode_Check(key)) return std::nullopt;
    add_input(request, key, value);
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
  return python_call([&]() -> PyObject* {
    const auto& spec = spec_in(PyTuple_GET_ITEM(self, 0));
    if (nargs == 1 && (kwnames == nullptr || PyTuple_GET_SIZE(kwnames) == 0)) {
      if (PyTuple_GET_ITEM(self, 2) == Py_True && PyDict_CheckExact(args[0])) {
        if (auto request = request_from_dict(args[0])) return wrap_result(run_for_python(spec, std::move(*request))).release().ptr();
      }
      return PyObject_CallOneArg(PyTuple_GET_ITEM(self, 1), args[0]);
    }
    return wrap_result(run_for_python(spec, request_from(args, nargs, kwnames))).release().ptr();
  });
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
      [](std::shared_ptr<TaskSpec> spec, py::object single, bool dict_gives_inputs) {
        py::tuple self = py::make_tuple(spec_capsule(std::move(spec)), std::move(single), py::bool_(dict_gives_inputs));
        PyObject* fn = PyCFunction_NewEx(&execute_def, self.ptr(), nullptr);
        if (fn == nullptr) throw py::error_already_set();
        return py::reinterpret_steal<py::object>(fn);
      },
      py::arg("spec"), py::arg("single"), py::arg("dict_gives_inputs"),
      "A task class's `execute`: a builtin taking the call's arguments as they come (see bind_execute.cpp).");
}

}  // namespace taskmill::py_binding
