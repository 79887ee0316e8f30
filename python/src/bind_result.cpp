// Binding of Result as a native Python type (see py_result.hpp for why): read-only fields,
// predicates, handlers, to_dict / to_json.
#include <memory>
#include <type_traits>

#include <nlohmann/json.hpp>

#include "convert.hpp"
#include "py_result.hpp"
#include "taskmill/core/task_spec.hpp"

#include <structmember.h>  // after Python.h, which it needs

namespace taskmill::py_binding {

namespace {

struct ResultObject {
  PyObject_HEAD
  std::shared_ptr<const Result> result;  // constructed in wrap_result, destroyed in dealloc
  PyObject* weakrefs;
};

// Created once by bind_result, when the module is imported, and kept for the interpreter's life.
PyTypeObject* result_type = nullptr;

const Result& result_of(PyObject* self) { return *reinterpret_cast<ResultObject*>(self)->result; }

void dealloc(PyObject* self) {
  auto* obj = reinterpret_cast<ResultObject*>(self);
  PyTypeObject* type = Py_TYPE(self);
  if (obj->weakrefs != nullptr) PyObject_ClearWeakRefs(self);
  obj->result->host_object = nullptr;
  std::destroy_at(&obj->result);
  type->tp_free(self);
  Py_DECREF(type);  // instances of a heap type own a reference to it
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

py::dict to_dict(const Result& r) {
  py::dict d;
  d["task"] = r.task_name();
  d["task_id"] = r.task_id.str();
  d["chain_id"] = r.chain_id.str();
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

// A read-only attribute: `Read(result)` converted by pybind11's usual rules.
template <auto Read>
PyObject* get(PyObject* self, void*) {
  return python_call([&] {
    auto value = Read(result_of(self));
    if constexpr (std::is_base_of_v<py::handle, decltype(value)>) return value.release().ptr();
    else return py::cast(std::move(value)).release().ptr();
  });
}

template <bool (Result::*Predicate)() const>
PyObject* predicate(PyObject* self, void*) {
  return PyBool_FromLong((result_of(self).*Predicate)() ? 1 : 0);
}

// `on_success(fn)` and its siblings: call fn(result) when the predicate holds; return the result,
// so handlers chain.
template <bool (Result::*Predicate)() const>
PyObject* handler(PyObject* self, PyObject* args, PyObject* kwargs) {
  static const char* keywords[] = {"fn", nullptr};
  PyObject* fn = nullptr;
  if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O", const_cast<char**>(keywords), &fn)) return nullptr;
  if ((result_of(self).*Predicate)()) {
    PyObject* ignored = PyObject_CallOneArg(fn, self);
    if (ignored == nullptr) return nullptr;
    Py_DECREF(ignored);
  }
  Py_INCREF(self);
  return self;
}

PyObject* to_dict_method(PyObject* self, PyObject*) {
  return python_call([&] { return to_dict(result_of(self)).release().ptr(); });
}

PyObject* to_json_method(PyObject* self, PyObject*) {
  return python_call([&] {
    std::string text = result_of(self).to_json().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return py::str(text).release().ptr();
  });
}

PyObject* refuse_new(PyTypeObject*, PyObject*, PyObject*) {
  PyErr_SetString(PyExc_TypeError, "cannot create Result instances: a Result comes from running a task");
  return nullptr;
}

PyObject* repr(PyObject* self) {
  return python_call([&] {
    const Result& r = result_of(self);
    std::string s = "<Result " + r.task_name() + " " + std::string(to_string(r.status));
    if (!r.reason.empty()) s += ": " + r.reason;
    return py::str(s + ">").release().ptr();
  });
}

// Python's C API takes these tables as non-const arrays that live as long as the type.
PyGetSetDef getters[] = {
    {"status", get<[](const Result& r) { return std::string(to_string(r.status)); }>, nullptr,
     "'success', 'skipped' or 'failed'.", nullptr},
    {"state", get<[](const Result& r) { return std::string(to_string(r.state)); }>, nullptr,
     "'complete' or 'interrupted'.", nullptr},
    {"reason", get<&reason_of>, nullptr, "Why the run was skipped or failed; None when it succeeded.", nullptr},
    {"metadata", get<[](const Result& r) { return to_py(r.metadata); }>, nullptr, "Metadata the run recorded.", nullptr},
    {"context", get<[](const Result& r) { return r.context; }>, nullptr, "The run's context.", nullptr},
    {"cause", get<&cause_of>, nullptr, "The exception that failed the run, or None.", nullptr},
    {"task", get<&task_class>, nullptr, "The task class that ran.", nullptr},
    {"task_name", get<[](const Result& r) { return r.task_name(); }>, nullptr, "The task's registered name.", nullptr},
    {"task_id", get<[](const Result& r) { return r.task_id.str(); }>, nullptr, "This run's UUIDv7.", nullptr},
    {"chain_id", get<[](const Result& r) { return r.chain_id.str(); }>, nullptr, "The root run's task_id.", nullptr},
    {"index", get<[](const Result& r) { return r.index; }>, nullptr, "Position in the chain, the root at 0.", nullptr},
    {"runtime_ms", get<[](const Result& r) { return r.runtime_ms; }>, nullptr, "Wall time of the run.", nullptr},
    {"retries", get<[](const Result& r) { return r.retries; }>, nullptr, "In-task retries of work.", nullptr},
    {"success", predicate<&Result::success>, nullptr, "status == 'success'.", nullptr},
    {"skipped", predicate<&Result::skipped>, nullptr, "status == 'skipped'.", nullptr},
    {"failed", predicate<&Result::failed>, nullptr, "status == 'failed'.", nullptr},
    {"good", predicate<&Result::good>, nullptr, "Not failed.", nullptr},
    {"bad", predicate<&Result::bad>, nullptr, "Not a success.", nullptr},
    {"complete", predicate<&Result::complete>, nullptr, "state == 'complete'.", nullptr},
    {"interrupted", predicate<&Result::interrupted>, nullptr, "state == 'interrupted'.", nullptr},
    {"caused_failure", get<[](const Result& r) { return wrap_result(r.caused_failure()); }>, nullptr,
     "The run that originated this failure, or None.", nullptr},
    {"threw_failure", get<[](const Result& r) { return wrap_result(r.threw_failure()); }>, nullptr,
     "The run that passed this failure on, or None.", nullptr},
    {nullptr, nullptr, nullptr, nullptr, nullptr},
};

#define TASKMILL_HANDLER(name, predicate_fn, doc) \
  {name, reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(&handler<predicate_fn>)), \
   METH_VARARGS | METH_KEYWORDS, doc}

PyMethodDef methods[] = {
    TASKMILL_HANDLER("on_success", &Result::success, "on_success($self, /, fn)\n--\n\nCall fn(result) if it succeeded."),
    TASKMILL_HANDLER("on_skipped", &Result::skipped, "on_skipped($self, /, fn)\n--\n\nCall fn(result) if it was skipped."),
    TASKMILL_HANDLER("on_failed", &Result::failed, "on_failed($self, /, fn)\n--\n\nCall fn(result) if it failed."),
    TASKMILL_HANDLER("on_good", &Result::good, "on_good($self, /, fn)\n--\n\nCall fn(result) unless it failed."),
    TASKMILL_HANDLER("on_bad", &Result::bad, "on_bad($self, /, fn)\n--\n\nCall fn(result) unless it succeeded."),
    TASKMILL_HANDLER("on_complete", &Result::complete, "on_complete($self, /, fn)\n--\n\nCall fn(result) if complete."),
    TASKMILL_HANDLER("on_interrupted", &Result::interrupted,
                     "on_interrupted($self, /, fn)\n--\n\nCall fn(result) if interrupted."),
    {"to_dict", &to_dict_method, METH_NOARGS, "to_dict($self, /)\n--\n\nThe fields as a dict."},
    {"to_json", &to_json_method, METH_NOARGS, "to_json($self, /)\n--\n\nThe fields as a JSON string."},
    {nullptr, nullptr, 0, nullptr},
};
#undef TASKMILL_HANDLER

PyMemberDef members[] = {
    {"__weaklistoffset__", T_PYSSIZET, offsetof(ResultObject, weakrefs), READONLY, nullptr},
    {nullptr, 0, 0, 0, nullptr},
};

PyType_Slot slots[] = {
    {Py_tp_doc, const_cast<char*>("The outcome of one run of a task.")},
    {Py_tp_new, reinterpret_cast<void*>(&refuse_new)},
    {Py_tp_dealloc, reinterpret_cast<void*>(&dealloc)},
    {Py_tp_repr, reinterpret_cast<void*>(&repr)},
    {Py_tp_getset, getters},
    {Py_tp_methods, methods},
    {Py_tp_members, members},
    {0, nullptr},
};

// Not subclassable and not constructible from Python: Results come only from runs.
PyType_Spec spec = {"taskmill._core.Result", sizeof(ResultObject), 0,
                    Py_TPFLAGS_DEFAULT, slots};

}  // namespace

py::object wrap_result(std::shared_ptr<const Result> result) {
  if (!result) return py::none();
  if (result->host_object != nullptr) return py::reinterpret_borrow<py::object>(static_cast<PyObject*>(result->host_object));
  PyObject* self = result_type->tp_alloc(result_type, 0);  // zeroed; counts a reference to the type
  if (self == nullptr) throw py::error_already_set();
  auto* obj = reinterpret_cast<ResultObject*>(self);
  result->host_object = self;
  std::construct_at(&obj->result, std::move(result));
  return py::reinterpret_steal<py::object>(self);
}

std::shared_ptr<const Result> unwrap_result(py::handle obj) {
  if (!obj || Py_TYPE(obj.ptr()) != result_type) return nullptr;
  return reinterpret_cast<ResultObject*>(obj.ptr())->result;
}

void bind_result(py::module_& m) {
  PyObject* type = PyType_FromSpec(&spec);
  if (type == nullptr) throw py::error_already_set();
  result_type = reinterpret_cast<PyTypeObject*>(type);
  m.add_object("Result", py::reinterpret_steal<py::object>(type));
  Py_INCREF(type);  // the pointer above keeps the type alive past the module's attribute
}

}  // namespace taskmill::py_binding
