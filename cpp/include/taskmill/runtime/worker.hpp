// Worker: a pool of C++ threads, each looping fetch → processor → ack, plus the scheduler thread.
//
// Ownership: the Worker owns its threads. Each thread owns the leases it fetched (a batch) until
// it acks or requeues them; the Slot of a thread, under its mutex, is what stop() may take from
// it when the shutdown timeout passes, and what an idle thread may take unstarted jobs from.
// A fetch takes at most a fair share of a queue (its length / concurrency), so a few slow jobs
// spread over the threads instead of queueing behind each other in one thread's batch. Public methods may be called from any thread; stop() from
// inside a job only signals (it cannot wait for itself).
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "taskmill/backends/backend.hpp"
#include "taskmill/runtime/fetch.hpp"
#include "taskmill/runtime/job_retry.hpp"
#include "taskmill/runtime/pending_jobs.hpp"
#include "taskmill/runtime/scheduler.hpp"
#include "taskmill/runtime/thread_host.hpp"

namespace taskmill::runtime {

struct WorkerOptions {
  std::vector<QueueWeight> queues{{"default", 1}};
  bool weighted = false;          // weighted random queue order instead of strict
  int concurrency = 10;
  double shutdown_timeout = 25;   // seconds running jobs get to finish at stop()
  double poll_interval = 1.0;     // scheduler's longest sleep, seconds
  std::size_t max_batch = 0;      // jobs leased per fetch; 0: the backend's default_batch()
};

class Worker {
 public:
  Worker(backends::BackendPtr backend, WorkerOptions options, RetryHooks hooks = {},
         std::shared_ptr<ThreadHost> host = nullptr);
  ~Worker();  // stop() and join(): a Worker never outlives its threads
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Starts the threads. Throws std::logic_error when started before.
  void start();
  // Stops fetching; running jobs go on (Sidekiq's quiet state).
  void quiet();
  // Stops fetching, waits up to `timeout` (default: the option) for running jobs, then requeues
  // what is still unfinished at the head of its queue. From inside a job: signals only.
  void stop(std::optional<double> timeout = std::nullopt);
  // Waits for the threads to end (after stop); false on timeout.
  bool join(std::optional<double> timeout = std::nullopt);
  // Waits until the worker's queues are empty and no job of them runs; false on timeout.
  bool wait_idle(std::optional<double> timeout = std::nullopt);

  bool running() const { return started_ && live_threads_.load() > 0; }
  bool stopping() const { return stopping_.load(); }
  bool quieted() const { return quiet_.load(); }
  // Threads running jobs now (each runs one job at a time).
  std::size_t busy() const { return busy_.load(); }
  std::int64_t processed() const { return processed_.load(); }
  std::int64_t failed() const { return failed_.load(); }
  const WorkerOptions& options() const { return options_; }
  const backends::BackendPtr& backend() const { return backend_; }

 private:
  // What a thread holds, visible to stop() for the shutdown timeout.
  struct Slot {
    std::mutex mutex;
    PendingJobs pending;                  // the batch running: started jobs, then unstarted ones
    backends::Lease* current = nullptr;   // running
    double current_since = 0;             // epoch seconds `current` started
    bool abandoned = false;               // stop() requeued `current`: do not ack or retry it
  };

  void thread_main(Slot& slot);
  // Runs a fetched batch in place, then acks it; `batch` comes back empty, its storage kept.
  void run_batch(Slot& slot, std::vector<backends::Lease>& batch);
  // Whether another thread holds fetched jobs it has not started.
  bool backlog_elsewhere(const Slot& self);
  // Moves half (rounded up) of the unstarted jobs of the thread with the most to `out`: a thread
  // whose queues ran dry helps with a batch another one fetched, so no job waits behind a slow
  // one while a thread idles.
  void steal(const Slot& self, std::vector<backends::Lease>& out);
  void abandon_unfinished();
  void thread_exited();

  backends::BackendPtr backend_;
  WorkerOptions options_;
  JobRetry retry_;
  std::shared_ptr<ThreadHost> host_;
  Scheduler scheduler_;

  std::vector<std::unique_ptr<Slot>> slots_;
  std::vector<std::thread> threads_;
  std::atomic<bool> started_{false};
  std::mutex start_mutex_;  // start / join
  std::atomic<bool> quiet_{false}, stopping_{false};
  std::atomic<int> live_threads_{0};
  std::atomic<std::size_t> busy_{0};
  std::atomic<bool> fetch_failing_{false};  // a fetch failed and none succeeded since: logged once
  double started_at_ = 0;  // set by start(), before the scheduler thread reads it
  std::atomic<std::int64_t> processed_{0}, failed_{0};
  std::mutex state_mutex_;  // with `changed_`: thread exits and finished batches
  std::condition_variable changed_;
};

}  // namespace taskmill::runtime
