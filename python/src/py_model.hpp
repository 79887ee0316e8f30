// Binding helpers for the rest of the task model: Python callables as core validators,
// coercions and retry matchers, and the native (C++) middlewares as Python objects.
#pragma once

#include <pybind11/pybind11.h>

#include "taskmill/core/callback.hpp"
#include "taskmill/core/retry_on.hpp"
#include "taskmill/core/validators.hpp"

namespace taskmill::py_binding {

namespace py = pybind11;

// A core middleware held by a Python object (tm.middlewares.Runtime() and friends), so listing it
// on a task puts the C++ middleware itself in the spec: no Python call on the run's path.
struct NativeMiddleware {
  std::string name;
  Middleware fn;
};

// `validate=fn`: fn(value) returns None (ok) or a message.
Validator python_validate(py::object fn);
// A retry_on declaration from taskmill.retry.RetryOn.describe(): {"exceptions": (types...),
// "limit": n, "delay": s, "backoff": "..."}.
RetryOn parse_retry_on(const std::string& task, py::handle desc);

void bind_model(py::module_& m);

}  // namespace taskmill::py_binding
