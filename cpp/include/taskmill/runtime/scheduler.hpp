// Scheduler: the poller thread that moves due jobs of the retry and scheduled sets to their
// queues. It sleeps until the earliest due job or `poll_interval`, whichever comes first, and
// wakes early when poked (a retry was just scheduled by this process).
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "taskmill/backends/backend.hpp"

namespace taskmill::runtime {

class Scheduler {
 public:
  Scheduler(backends::BackendPtr backend, double poll_interval);
  ~Scheduler();  // stops and joins
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  void start();
  void stop();
  void poke();
  // Where the heartbeat reads the worker's state from (set before start()).
  void set_process_state(std::function<backends::ProcessState()> state) { state_ = std::move(state); }
  // What to do with a signal sent from outside through the backend ("TSTP", "TERM", "TTIN").
  void set_signal_handler(std::function<void(const std::string&)> handler) { on_signal_ = std::move(handler); }

  static constexpr double kHeartbeatSeconds = 5.0;

 private:
  void loop();
  void heartbeat(double now);
  backends::BackendPtr backend_;
  double poll_interval_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stopping_ = false;
  bool poked_ = false;
  std::function<backends::ProcessState()> state_;
  std::function<void(const std::string&)> on_signal_;
  double last_beat_ = 0;  // touched by the scheduler thread only
  std::thread thread_;  // owned by whoever calls start/stop (the Worker)
};

}  // namespace taskmill::runtime
