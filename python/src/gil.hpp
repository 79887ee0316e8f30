// GilGuard: holds the GIL for a scope, taking it only when this thread does not hold it already.
//
// Runs started from Python already hold the GIL, so the common path costs one thread-local check
// instead of pybind11's full acquire/release bookkeeping.
#pragma once

#include <Python.h>

namespace taskmill::py_binding {

class GilGuard {
 public:
  GilGuard() : acquired_(PyGILState_Check() == 0) {
    if (acquired_) state_ = PyGILState_Ensure();
  }
  ~GilGuard() {
    if (acquired_) PyGILState_Release(state_);
  }
  GilGuard(const GilGuard&) = delete;
  GilGuard& operator=(const GilGuard&) = delete;

 private:
  bool acquired_;
  PyGILState_STATE state_{};
};

}  // namespace taskmill::py_binding
