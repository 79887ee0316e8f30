// Executor: one run of one task, in the lifecycle order of the spec.
//
//   middlewares (first registered outermost)
//     → before_validation → attributes (value, default, coercion; every error collected)
//     → before_execution → work → rollback (when failed)
//     → on_complete | on_interrupted → on_executed → on_success | on_skipped | on_failed
//     → on_good | on_bad
//   → Result final → one log line
//
// Python and C++ tasks both run through here; the binding only adapts a Python class to `Task`.
#pragma once

#include <vector>

#include "taskmill/core/context.hpp"
#include "taskmill/core/job_info.hpp"
#include "taskmill/core/result.hpp"
#include "taskmill/core/task_spec.hpp"

namespace taskmill {

struct RunRequest {
  std::vector<Value> args;   // positional, bound in attribute declaration order
  Context::Entries kwargs;   // by name, in any order (a name given twice: the later wins)
  ContextPtr context;        // when set, the run shares it (the inputs are written into it)
  const JobInfo* job = nullptr;
};

class Executor {
 public:
  // Runs the task; never throws for a task failure (the Result says it). Throws ArgumentError
  // for inputs that cannot be bound (too many positional arguments, one given twice).
  static ResultPtr run(const TaskSpecPtr& spec, RunRequest request);
  // Like run, then: a breakpoint status throws the matching Fault; an exception from `work`
  // raised in C++ is rethrown as itself.
  static ResultPtr run_strict(const TaskSpecPtr& spec, RunRequest request);

  // The context a run would read: `request.context` (or a new one) with the inputs written in.
  static ContextPtr bind_inputs(const TaskSpec& spec, RunRequest& request);
};

}  // namespace taskmill
