// GilGuard: holds the GIL for a scope, taking it only when this thread does not hold it already.
//
// Runs started from Python already hold the GIL, so the common path costs one thread-local check
// instead of pybind11's full acquire/release bookkeeping.
#pragma once

#include <Python.h>

namespace taskmill::py_binding {

// True once the interpreter is finalizing or gone: Python objects can then no longer be released
// (their owners let them go without a decref instead of crashing at exit).
inline bool interpreter_gone() {
#if PY_VERSION_HEX >= 0x030D0000
  return !Py_IsInitialized() || Py_IsFinalizing();
#else
  return !Py_IsInitialized() || _Py_IsFinalizing();
#endif
}

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
