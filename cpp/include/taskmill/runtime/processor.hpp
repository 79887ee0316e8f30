// Processor: one leased job, from payload to outcome — resolve the task by name in the registry,
// rebuild its inputs from `args`, run it through the executor strictly (a failed result or an
// exception is a failure), and hand failures to job_retry.
//
// Split in three. prepare reads the payload and needs no host: the worker prepares a whole batch
// before it takes the host's lock (the GIL) for its Python jobs. attempt runs the job. finish
// comes after the worker has checked the job is still its own: a job abandoned at shutdown was
// requeued and must not also be retried.
#pragma once

#include <optional>

#include "taskmill/backends/backend.hpp"
#include "taskmill/core/job_info.hpp"
#include "taskmill/core/result.hpp"
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

// What a leased payload says, read once. `fields` points into the lease's payload, whose storage
// stays put when the lease is moved (into a queue of pending jobs, or to another thread).
struct Prepared {
  jobs::PayloadFields fields;
  std::string malformed;  // why the payload cannot be run; empty when it can
  JobInfo info;           // the run's job info (meaningful when not malformed)

  // The task name the payload gives, or null when it is malformed.
  const std::string* task_name() const {
    return malformed.empty() ? &fields.cls->get_ref<const std::string&>() : nullptr;
  }
};

class Processor {
 public:
  explicit Processor(const JobRetry& retry) : retry_(retry) {}

  // Reads the payload: its fields, whether it is malformed, the job info. Never throws.
  static Prepared prepare(const jobs::Payload& payload);
  // The task a prepared payload names, or null (unknown task or malformed payload). No side effect.
  static TaskSpecPtr resolve(const Prepared& prepared);
  // Runs the job once with `spec` (from resolve; kept alive by the caller). Never throws.
  static Attempt attempt(const Prepared& prepared, const TaskSpecPtr& spec);
  // Records a failed attempt: retry set, dead set or dropped. Returns whether it failed.
  bool finish(backends::Lease& lease, const Attempt& attempt) const;

 private:
  const JobRetry& retry_;
};

// Runs a payload in the caller with its job info (testing modes: inline and fake drains).
// Throws ArgumentError for a malformed payload and UnknownTaskError for an unknown task.
ResultPtr run_payload(const jobs::Payload& payload);

}  // namespace taskmill::runtime
