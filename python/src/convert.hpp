// Conversions between Python objects and core Values. No rules live here: coercion and
// validation happen in the core on the converted Values.
#pragma once

#include <pybind11/pybind11.h>

#include "py_result.hpp"  // so every binding file converts Results the same way
#include "taskmill/core/context.hpp"
#include "taskmill/core/value.hpp"

namespace taskmill::py_binding {

namespace py = pybind11;

// A Python object carried through the core untouched. Thread-safe: every call takes the GIL.
class PyForeign final : public Foreign {
 public:
  explicit PyForeign(py::object obj) : obj_(std::move(obj)) {}
  ~PyForeign() override;
  PyForeign(const PyForeign&) = delete;
  PyForeign& operator=(const PyForeign&) = delete;

  std::string type_name() const override;
  std::string repr() const override;
  std::optional<Value> to_value() const override;
  const py::object& object() const { return obj_; }

 private:
  py::object obj_;
};

// Scalars (None, bool, int, float, str) become core values; anything else is wrapped as it is, so
// a caller's object keeps its identity. Requires the GIL.
Value to_value_shallow(py::handle obj);
// A full conversion: containers, dates, decimals are converted recursively; objects with no core
// form stay wrapped. Requires the GIL.
Value to_value_deep(py::handle obj);
// A dict with str keys (kwargs, metadata), converted shallowly. Throws TypeError naming `what` on a
// non-str key.
Value::Dict to_dict_shallow(py::handle mapping, const char* what);
// The same as named entries in the dict's order, as a run's inputs and a Context take them.
Context::Entries to_entries(py::handle mapping, const char* what);
// For functions CPython calls directly (a type's slots, a METH_* function): runs `fn`, which
// returns a new reference, and turns a C++ or pybind11 exception into the pending Python one
// (returning null), as pybind11 does for the functions it binds.
template <typename Fn>
PyObject* python_call(Fn&& fn) {
  try {
    return fn();
  } catch (py::error_already_set& e) {
    e.restore();
  } catch (...) {
    py::detail::try_translate_exceptions();
  }
  return nullptr;
}

// A core value as a Python object (a wrapped object comes back as itself). Requires the GIL.
py::object to_py(const Value& value);
py::dict to_py(const Value::Dict& dict);

}  // namespace taskmill::py_binding
