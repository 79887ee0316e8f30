// The signals that unwind a run's `work`: halting (fail / skip / throw) and faults.
//
// HaltSignal deliberately does not derive from std::exception: a task's own
// `catch (const std::exception&)` must not swallow a halt, just as Python's `except Exception`
// does not catch taskmill's halt (a BaseException there).
#pragma once

#include <stdexcept>
#include <string>

#include "taskmill/core/result.hpp"

namespace taskmill {

// Thrown by Run::halt after it recorded the outcome in the run's Result.
struct HaltSignal {};

// Raised by strict execution when a run ends in a breakpoint status. `result` is the finished run.
class Fault : public std::runtime_error {
 public:
  explicit Fault(ResultPtr result);
  const ResultPtr& result() const { return result_; }

 private:
  ResultPtr result_;
};
class FailFault : public Fault {
 public:
  using Fault::Fault;
};
class SkipFault : public Fault {
 public:
  using Fault::Fault;
};

// Carries an exception from another runtime (Python) through the C++ executor.
class ForeignError : public std::runtime_error {
 public:
  explicit ForeignError(ErrorCausePtr cause) : std::runtime_error(cause->reason()), cause_(std::move(cause)) {}
  const ErrorCausePtr& cause() const { return cause_; }

 private:
  ErrorCausePtr cause_;
};

// A caller's mistake that is not a task failure (too many positional arguments, unknown task):
// raised at the call, as a TypeError / LookupError in Python.
class ArgumentError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};
class UnknownTaskError : public std::out_of_range {
 public:
  using std::out_of_range::out_of_range;
};
// A mistake in a task's declaration, found when it is registered.
class DefinitionError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

}  // namespace taskmill
