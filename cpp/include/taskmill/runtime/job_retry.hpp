// JobRetry: after a failed attempt, carries out the retry policy's decision — the retry set,
// retries_exhausted, death handlers, the dead set — on a backend.
#pragma once

#include <functional>
#include <vector>

#include "taskmill/backends/backend.hpp"
#include "taskmill/core/error_cause.hpp"
#include "taskmill/jobs/retry_policy.hpp"

namespace taskmill::runtime {

using jobs::Payload;

// A task's own retry behaviour; the binding supplies Python's `retry_in` / `retries_exhausted`
// classmethods. A hook that throws is logged and treated as absent.
struct RetryHooks {
  std::function<jobs::RetryIn(const TaskSpec&, int count, const jobs::Failure&, const ErrorCausePtr&)> retry_in;
  std::function<void(const TaskSpec&, const Payload&, const jobs::Failure&, const ErrorCausePtr&)> retries_exhausted;
};

// Called for every job that dies (process-wide; registered once, like configuration).
using DeathHandler = std::function<void(const Payload&, const jobs::Failure&)>;
void add_death_handler(DeathHandler handler);
void clear_death_handlers();

class JobRetry {
 public:
  JobRetry(backends::Backend& backend, RetryHooks hooks) : backend_(backend), hooks_(std::move(hooks)) {}

  // Handles the failure of `payload`'s attempt. `spec` is null when the task is unknown.
  // Returns the action taken.
  jobs::RetryAction handle(Payload payload, const TaskSpec* spec, const jobs::Failure& failure,
                           const ErrorCausePtr& cause) const;
  // A payload that cannot even be read goes straight to the dead set, with the reason.
  void bury_malformed(Payload payload, const std::string& reason) const;

 private:
  void die(Payload payload, const TaskSpec* spec, const jobs::Failure& failure, const ErrorCausePtr& cause,
           double now) const;
  backends::Backend& backend_;
  RetryHooks hooks_;
};

}  // namespace taskmill::runtime
