#include "taskmill/runtime/scheduler.hpp"

#include <algorithm>

#include "taskmill/runtime/runtime_log.hpp"

namespace taskmill::runtime {

Scheduler::Scheduler(backends::BackendPtr backend, double poll_interval)
    : backend_(std::move(backend)), poll_interval_(poll_interval) {}

Scheduler::~Scheduler() { stop(); }

void Scheduler::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { loop(); });
}

void Scheduler::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

void Scheduler::poke() {
  {
    std::lock_guard lock(mutex_);
    poked_ = true;
  }
  cv_.notify_all();
}

void Scheduler::loop() {
  std::unique_lock lock(mutex_);
  bool failing = false;  // an outage is logged when it starts and when it ends, not every poll
  while (!stopping_) {
    poked_ = false;
    lock.unlock();
    double wait = poll_interval_;
    try {
      const double now = jobs::now_seconds();
      heartbeat(now);
      backend_->enqueue_due(now);
      if (auto due = backend_->next_due()) wait = std::clamp(*due - jobs::now_seconds(), 0.0, poll_interval_);
      if (failing) log_runtime(LogLevel::Info, "taskmill scheduler: the backend answers again");
      failing = false;
    } catch (const std::exception& e) {  // a remote backend may fail; try again next time
      if (!failing) log_runtime(LogLevel::Error, std::string("taskmill scheduler: ") + e.what() + " (retrying quietly)");
      failing = true;
    }
    lock.lock();
    wait = std::min(wait, kHeartbeatSeconds);
    cv_.wait_for(lock, std::chrono::duration<double>(wait), [&] { return stopping_ || poked_; });
  }
  lock.unlock();
  try {
    backend_->leave();
  } catch (const std::exception& e) {
    log_runtime(LogLevel::Warn, std::string("taskmill scheduler: could not remove the heartbeat: ") + e.what());
  }
}

void Scheduler::heartbeat(double now) {
  if (!state_ || now - last_beat_ < kHeartbeatSeconds) return;
  last_beat_ = now;
  for (const auto& signal : backend_->maintain(state_()))
    if (on_signal_) on_signal_(signal);
}

}  // namespace taskmill::runtime
