// The Python face of a core Result: a small native type (bind_result.cpp), not a pybind11 class.
//
// `execute` returns one Result per call, so creating and freeing its Python object is on the
// hottest path users have. A pybind11 instance registers itself in a global map on creation and
// leaves it on destruction; this type keeps a back-pointer in the core Result instead
// (`Result::host_object`), which gives the same guarantee for a fraction of the cost: while a
// Result has a Python object, every path to that Result returns the same object.
//
// The casters below let every other binding keep taking and returning `std::shared_ptr<Result>`.
// Everything here requires the GIL.
#pragma once

#include <memory>

#include <pybind11/pybind11.h>

#include "taskmill/core/result.hpp"

namespace taskmill::py_binding {

namespace py = pybind11;

// A new reference to the Python object for `result` (None for a null pointer).
py::object wrap_result(std::shared_ptr<const Result> result);
// The Result a Python object stands for, or null when it is not a Result.
std::shared_ptr<const Result> unwrap_result(py::handle obj);

}  // namespace taskmill::py_binding

namespace pybind11::detail {

template <typename Held>
struct native_result_caster {
  PYBIND11_TYPE_CASTER(Held, const_name("Result"));
  bool load(handle src, bool) {
    auto result = taskmill::py_binding::unwrap_result(src);
    if (!result) return false;
    value = std::const_pointer_cast<typename Held::element_type>(std::move(result));
    return true;
  }
  static handle cast(const Held& result, return_value_policy, handle) {
    return taskmill::py_binding::wrap_result(result).release();
  }
};

template <>
struct type_caster<std::shared_ptr<taskmill::Result>> : native_result_caster<std::shared_ptr<taskmill::Result>> {};
template <>
struct type_caster<std::shared_ptr<const taskmill::Result>>
    : native_result_caster<std::shared_ptr<const taskmill::Result>> {};

}  // namespace pybind11::detail
