// Run: the state of one execution of one task, from its inputs to its Result.
//
// The executor creates a Run, hands it to the task instance, middlewares and callbacks, and
// returns its Result. Ownership: a Run belongs to the thread that executes it; nothing in it is
// locked (a C++ task's cooperative stop flag is the one field other threads may touch).
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "taskmill/core/context.hpp"
#include "taskmill/core/job_info.hpp"
#include "taskmill/core/result.hpp"
#include "taskmill/core/task_spec.hpp"

namespace taskmill {

class Task;

class Run {
 public:
  Run(TaskSpecPtr spec, ContextPtr context, const JobInfo* job, Run* parent);
  ~Run();
  Run(const Run&) = delete;
  Run& operator=(const Run&) = delete;

  // The innermost run executing on this thread, or null. Runs nest (a task executed inside
  // another's work); follow parent() outwards.
  static Run* current();

  const TaskSpec& spec() const { return *result_->task; }
  const TaskSpecPtr& spec_ptr() const { return result_->task; }
  Context& context() { return *result_->context; }
  const ContextPtr& context_ptr() const { return result_->context; }
  const JobInfo* job() const { return job_; }
  // The run that executed this one (null for a chain's root).
  Run* parent() const { return parent_; }
  Task* task() const { return task_.get(); }

  // Attribute values after coercion and validation, in declaration order.
  const std::vector<Value>& attributes() const { return attributes_; }
  const Value& attribute(std::string_view name) const;

  Result& result() { return *result_; }
  const Result& result() const { return *result_; }
  std::shared_ptr<Result> result_ptr() const { return result_; }

  // Ends `work` now with `status` (Skipped or Failed): records the outcome, then throws
  // HaltSignal. Metadata entries are merged into the Result's metadata.
  [[noreturn]] void halt(Status status, std::string reason, Value::Dict metadata = {});
  // Takes on `other`'s failure as this run's (status, reason, metadata) and halts; does nothing
  // when `other` did not fail.
  void throw_failure(const ResultPtr& other, Value::Dict metadata = {});
  // The recording halves of halt / throw_failure, for a binding that unwinds in its own
  // language. record_throw returns whether `other` failed (and so whether to unwind).
  void record_halt(Status status, std::string reason, Value::Dict metadata = {});
  bool record_throw(const ResultPtr& other, Value::Dict metadata = {});
  // Records an exception as the run's failure, without throwing. When the run had already failed,
  // the first failure stands and this one is kept as metadata["callback_error"].
  void fail_with(ErrorCausePtr cause);

  // Cooperative stop for C++ tasks (set by the Timeout middleware or a worker shutting down).
  bool stop_requested() const { return stop_requested_.load(std::memory_order_relaxed); }
  void request_stop() { stop_requested_.store(true, std::memory_order_relaxed); }

 private:
  friend class Executor;
  friend class Lifecycle;
  const JobInfo* job_;
  Run* parent_;
  std::unique_ptr<Task> task_;
  std::vector<Value> attributes_;
  std::shared_ptr<Result> result_;
  std::atomic<bool> stop_requested_{false};
};

}  // namespace taskmill
