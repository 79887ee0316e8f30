// Result: the outcome of one run — what users read after `execute` and what logs record.
//
// A Result is written by the executor during its run and is read-only once the run returns.
#pragma once

#include <memory>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "taskmill/core/context.hpp"
#include "taskmill/core/error_cause.hpp"
#include "taskmill/core/status.hpp"
#include "taskmill/core/uuid.hpp"
#include "taskmill/core/value.hpp"

namespace taskmill {

struct TaskSpec;

class Result : public std::enable_shared_from_this<Result> {
 public:
  std::shared_ptr<const TaskSpec> task;
  Uuid task_id;          // UUIDv7 of this run
  Uuid chain_id;         // UUIDv7 shared by the runs of one chain
  int index = 0;         // position in the chain, the root at 0
  Status status = Status::Success;
  State state = State::Complete;
  std::string reason;    // empty when none
  Value::Dict metadata;
  ContextPtr context;
  ErrorCausePtr cause;   // the exception that failed the run, if any
  double runtime_ms = 0;
  int retries = 0;       // in-task retries of `work`
  // For a failure passed on from another run (`throw`, or a Fault raised by a nested strict
  // run): the run it came from. Null when this run originated its failure (or did not fail).
  std::shared_ptr<const Result> thrown_from;
  // The host language's object for this Result while one exists, so that a Result reached twice
  // (returned, then read back through `threw_failure`) is the same object there. Owned and read
  // only by the binding, under its own lock (the GIL); the core never touches it.
  mutable void* host_object = nullptr;

  bool success() const { return status == Status::Success; }
  bool skipped() const { return status == Status::Skipped; }
  bool failed() const { return status == Status::Failed; }
  bool good() const { return status != Status::Failed; }
  bool bad() const { return status != Status::Success; }
  bool complete() const { return state == State::Complete; }
  bool interrupted() const { return state == State::Interrupted; }

  // The run that originated this failure (this one when it did), or null when not failed.
  std::shared_ptr<const Result> caused_failure() const;
  // The run that passed the failure on to this one (this one when it originated), or null.
  std::shared_ptr<const Result> threw_failure() const;

  const std::string& task_name() const;
  // The fields of the spec's Result, JSON-ready; foreign values become their JSON or repr form.
  nlohmann::json to_json() const;
};

using ResultPtr = std::shared_ptr<const Result>;

// What strict execution does with a finished run.
enum class StrictOutcome {
  Return,       // the status is not a breakpoint: return the Result
  RethrowCause, // re-raise the exception `work` raised, as itself
  RaiseFault,   // raise the task's Fault for the status (FailFault / SkipFault)
};
StrictOutcome strict_outcome(const Result& result);

}  // namespace taskmill
