// Processor: one leased job, from payload to outcome — resolve the task by name in the registry,
// rebuild its inputs from `args`, run it through the executor strictly (a failed result or an
// exception is a failure), and hand failures to job_retry.
//
// Split in three. resolve finds the task (the worker reuses it across a batch's jobs of one task).
// attempt runs the job. finish comes after the worker has checked the job is still its own: a job
// abandoned at shutdown was requeued and must not also be retried.
#pragma once

#include <optional>

#include "taskmill/backends/backend.hpp"
#include "taskmill/core/result.hpp"
#include "taskmill/jobs/job.hpp"
#include "taskmill/jobs/payload.hpp"
#include "taskmill/runtime/job_retry.hpp"

namespace taskmill::runtime {

struct Attempt {
  const TaskSpec* spec = nullptr;         // null when unknown or malformed (owned by the caller)
  std::string malformed;                  // why the payload cannot be run, if it cannot
  std::optional<jobs::Failure> failure;   // set when the attempt failed
  ErrorCausePtr cause;
  ResultPtr result;                       // null when the task never ran
};

class Processor {
 public:
  explicit Processor(const JobRetry& retry) : retry_(retry) {}

  // The task the job names, or null (unknown task or malformed payload). No side effect.
  static TaskSpecPtr resolve(const jobs::Job& job);
  // Runs the job once with `spec` (from resolve; kept alive by the caller). Never throws.
  static Attempt attempt(const jobs::Job& job, const TaskSpecPtr& spec);
  // Records a failed attempt: retry set, dead set or dropped. Returns whether it failed.
  bool finish(backends::Lease& lease, const Attempt& attempt) const;

 private:
  const JobRetry& retry_;
};

// Runs a payload in the caller with its job info (testing modes: inline and fake drains).
// Throws ArgumentError for a malformed payload and UnknownTaskError for an unknown task.
ResultPtr run_payload(const jobs::Payload& payload);

}  // namespace taskmill::runtime
