// ErrorCause: an exception that ended a run, in a form every layer can read.
#pragma once

#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "taskmill/core/value.hpp"

namespace taskmill {

struct ErrorCause {
  std::string type_name;               // "ValueError", "std::runtime_error"
  std::string message;                 // str(exception) / what()
  std::vector<std::string> backtrace;  // innermost last; empty when unknown
  std::shared_ptr<const Foreign> object;  // the Python exception object, when it came from Python
  std::exception_ptr native;           // the C++ exception, when it came from C++

  // "[ValueError] message", the form used as a failed run's reason.
  std::string reason() const { return "[" + type_name + "] " + message; }
};

using ErrorCausePtr = std::shared_ptr<const ErrorCause>;

}  // namespace taskmill
