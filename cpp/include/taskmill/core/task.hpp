// Task: the base of a task instance. One instance serves one run.
//
// C++ tasks derive from it and implement `work`; Python tasks are adapted to it by the binding.
// Inside `work`, `fail` / `skip` end the run with that status; any exception fails it.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "taskmill/core/run.hpp"

namespace taskmill {

// Stops a running `work` from another thread (used by the Timeout middleware). It must be safe to
// call from any thread at any time, also after the run ended (it then does nothing).
using Interrupter = std::function<void(const std::string& message)>;

class Task {
 public:
  virtual ~Task() = default;

  // The body of the task.
  virtual void work() = 0;
  // Called when the run fails, if the task defines one (has_rollback returns true).
  virtual void rollback() {}
  virtual bool has_rollback() const { return false; }
  // Called once the attributes are resolved, before `before_execution` callbacks.
  virtual void on_attributes_bound() {}
  // How to interrupt `work` preemptively, or null when the task only stops cooperatively (C++
  // tasks: they poll stop_requested()). A Python task raises TimeoutError in its thread. Asked on
  // the run's own thread before `work` starts (by the Timeout middleware), so a task may set up
  // what interrupting needs only then, and runs without Timeout pay nothing for it.
  virtual std::shared_ptr<const Interrupter> interrupter() { return nullptr; }

  Run& run() { return *run_; }
  const Run& run() const { return *run_; }

 protected:
  const Value& attribute(std::string_view name) const { return run_->attribute(name); }
  Context& context() { return run_->context(); }
  // The background job this run is for (null under execute); valid during the run only.
  const JobInfo* job() const { return run_->job(); }
  [[noreturn]] void fail(std::string reason = {}, Value::Dict metadata = {}) {
    run_->halt(Status::Failed, std::move(reason), std::move(metadata));
  }
  [[noreturn]] void skip(std::string reason = {}, Value::Dict metadata = {}) {
    run_->halt(Status::Skipped, std::move(reason), std::move(metadata));
  }
  void throw_failure(const ResultPtr& other, Value::Dict metadata = {}) {
    run_->throw_failure(other, std::move(metadata));
  }
  bool stop_requested() const { return run_->stop_requested(); }

 private:
  friend class Executor;
  Run* run_ = nullptr;
};

}  // namespace taskmill
