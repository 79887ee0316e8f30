// ThreadHost: what a host language runtime (the Python binding) needs around worker threads,
// without the runtime knowing Python. The binding keeps one Python thread state per worker
// thread (thread_started / thread_stopping) and lends the GIL to a run of consecutive Python
// jobs (hold), so it is handed off once per run of jobs instead of once per job.
#pragma once

#include <memory>

#include "taskmill/core/task_spec.hpp"

namespace taskmill::runtime {

// Held while jobs of the host run; released when destroyed.
class HostHold {
 public:
  virtual ~HostHold() = default;
};

class ThreadHost {
 public:
  virtual ~ThreadHost() = default;
  virtual void thread_started() {}
  virtual void thread_stopping() {}
  // Whether `spec` runs code of the host (a Python task).
  virtual bool needs_host(const TaskSpec& spec) const { return spec.host != nullptr; }
  virtual std::unique_ptr<HostHold> hold() { return nullptr; }
};

}  // namespace taskmill::runtime
