// Processor: one leased job, from payload to outcome — resolve the task by name in the registry,
// rebuild its inputs from `args`, run it through the executor strictly (a failed result or an
// exception is a failure), and hand failures to job_retry.
//
// Split in three. prepare reads the job and needs no host: the worker prepares a whole batch
// before it takes the host's lock (the GIL) for its Python jobs. attempt runs the job. finish
// comes after the worker has checked the job is still its own: a job abandoned at shutdown was
// requeued and must not also be retried.
#pragma once

#include <optional>

#include "taskmill/backends/backend.hpp"
#include "taskmill/core/job_info.hpp"
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

// What a leased job says beyond its fields, worked out once before the batch runs.
struct Prepared {
  std::string malformed;  // why the payload cannot be run; empty when it can
  JobInfo info;           // the run's job info (meaningful when not malformed)
};

class Processor {
 public:
  explicit Processor(const JobRetry& retry) : retry_(retry) {}

  // Whether the job is malformed, and its job info. Never throws.
  static Prepared prepare(const jobs::Job& job);
  // The task the job names, or null (unknown task or malformed payload). No side effect.
  static TaskSpecPtr resolve(const jobs::Job& job);
  // Runs the job once with `spec` (from resolve; kept alive by the caller). Never throws.
  static Attempt attempt(const jobs::Job& job, const Prepared& prepared, const TaskSpecPtr& spec);
  // Records a failed attempt: retry set, dead set or dropped. Returns whether it failed.
  bool finish(backends::Lease& lease, const Attempt& attempt) const;

 private:
  const JobRetry& retry_;
};

// Runs a payload in the caller with its job info (testing modes: inline and fake drains).
// Throws ArgumentError for a malformed payload and UnknownTaskError for an unknown task.
ResultPtr run_payload(const jobs::Payload& payload);

}  // namespace taskmill::runtime
