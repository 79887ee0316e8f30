#include "taskmill/runtime/worker.hpp"

#include <cmath>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <string>

#include "taskmill/core/coarse_clock.hpp"
#include "taskmill/runtime/runtime_log.hpp"
#include "taskmill/runtime/processor.hpp"

namespace taskmill::runtime {

namespace {
// The worker whose thread this is, so stop() from inside a job does not wait for itself.
thread_local const Worker* t_worker = nullptr;

// A wait that is NaN or negative is a caller's mistake, not a zero: say so instead of guessing.
double checked_seconds(double seconds, const char* name) {
  if (!(seconds >= 0)) {  // (NaN fails the comparison too)
    std::ostringstream message;
    message << name << " must be a number of seconds >= 0, not " << seconds;
    throw std::invalid_argument(message.str());
  }
  return seconds;
}

using Clock = std::chrono::steady_clock;
// A wait longer than the clock can count (infinity included) has no deadline.
Clock::time_point deadline_after(std::optional<double> seconds, const char* name) {
  if (!seconds) return Clock::time_point::max();
  const std::chrono::duration<double> wait(checked_seconds(*seconds, name));
  const auto now = Clock::now();
  if (wait >= Clock::time_point::max() - now) return Clock::time_point::max();
  return now + std::chrono::duration_cast<Clock::duration>(wait);
}

// Removes the elements at `indices` (ascending) from `v`, keeping the others' order.
void drop_indices(std::vector<backends::Lease>& v, const std::vector<std::size_t>& indices) {
  std::size_t kept = 0, next_drop = 0;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (next_drop < indices.size() && indices[next_drop] == i) {
      ++next_drop;
      continue;
    }
    if (kept != i) v[kept] = std::move(v[i]);
    ++kept;
  }
  v.erase(v.begin() + static_cast<std::ptrdiff_t>(kept), v.end());
}

WorkerOptions validated(WorkerOptions options) {
  if (options.concurrency < 1) throw std::invalid_argument("concurrency must be at least 1");
  if (options.queues.empty()) throw std::invalid_argument("a worker needs at least one queue");
  checked_seconds(options.shutdown_timeout, "timeout");
  if (checked_seconds(options.poll_interval, "poll_interval") == 0 || std::isinf(options.poll_interval))
    throw std::invalid_argument("poll_interval must be a finite number of seconds > 0");
  return options;
}
}  // namespace

Worker::Worker(backends::BackendPtr backend, WorkerOptions options, RetryHooks hooks, std::shared_ptr<ThreadHost> host)
    : backend_(std::move(backend)),
      options_(validated(std::move(options))),
      retry_(*backend_, std::move(hooks)),
      host_(std::move(host)),
      scheduler_(backend_, options_.poll_interval) {
  if (options_.max_batch == 0) options_.max_batch = backend_->default_batch();
  scheduler_.set_process_state([this] {
    backends::ProcessState state;
    state.concurrency = options_.concurrency;
    for (const auto& q : options_.queues) state.queues.push_back(q.name);
    state.busy = busy_.load();
    state.quiet = quiet_.load();
    state.started_at = started_at_;
    for (std::size_t i = 0; i < slots_.size(); ++i) {
      std::lock_guard lock(slots_[i]->mutex);
      if (const backends::Lease* job = slots_[i]->current) {
        std::string thread = std::to_string(i);
        thread.insert(0, 1, 't');  // (built in place: GCC 12 misreports "t" + to_string under -O3)
        std::string payload = job->token.empty() ? job->job.to_payload().dump() : job->token;
        state.running.push_back({std::move(thread), job->queue, std::move(payload), slots_[i]->current_since});
      }
    }
    return state;
  });
  scheduler_.set_signal_handler([this](const std::string& signal) {
    // From the scheduler thread: only flags here; whoever waits on the worker (run(), join())
    // sees `stopping` and completes the stop.
    if (signal == "TSTP") {
      quiet();
    } else if (signal == "TERM") {
      quiet_ = true;
      stopping_ = true;
      backend_->wake();
    } else if (signal == "TTIN") {
      std::string line = "taskmill worker: TTIN: ";
      line.append(std::to_string(busy_.load())).append(" busy batch(es), ");
      line.append(std::to_string(processed_.load())).append(" jobs processed");
      log_runtime(LogLevel::Warn, line);
    }
  });
}

Worker::~Worker() {
  if (!started_) return;
  stop();
  join();
}

void Worker::start() {
  std::lock_guard lock(start_mutex_);
  if (started_) throw std::logic_error("this worker was already started (a Worker runs once; create a new one)");
  started_ = true;
  started_at_ = jobs::now_seconds();
  live_threads_ = options_.concurrency;
  for (int i = 0; i < options_.concurrency; ++i) slots_.push_back(std::make_unique<Slot>());
  for (int i = 0; i < options_.concurrency; ++i) {
    Slot& slot = *slots_[static_cast<std::size_t>(i)];
    threads_.emplace_back([this, &slot] { thread_main(slot); });
  }
  scheduler_.start();
}

void Worker::thread_main(Slot& slot) {
  t_worker = this;
  if (host_) host_->thread_started();
  QueueOrder order(options_.queues, options_.weighted);
  // Buffers reused batch after batch: the hot loop allocates nothing of its own.
  std::vector<backends::Lease> batch;
  batch.reserve(options_.max_batch);
  const auto takers = static_cast<std::size_t>(options_.concurrency);
  while (!quiet_.load()) {
    batch.clear();
    try {
      // While another thread has fetched jobs it has not started, look at the queues without
      // waiting, then help with those jobs; otherwise wait for the queues.
      const bool backlog = backlog_elsewhere(slot);
      backend_->fetch(order.next(), options_.max_batch, takers, std::chrono::milliseconds(backlog ? 0 : 100), batch);
      if (fetch_failing_.load(std::memory_order_relaxed) && fetch_failing_.exchange(false))
        log_runtime(LogLevel::Warn, "taskmill worker: fetching works again");
    } catch (const std::exception& e) {
      // Logged once per outage, not once per thread and attempt; each thread retries gently.
      if (!fetch_failing_.exchange(true))
        log_runtime(LogLevel::Error, std::string("taskmill worker: fetch failed, retrying: ") + e.what());
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      continue;
    }
    if (batch.empty()) steal(slot, batch);
    if (!batch.empty()) run_batch(slot, batch);
  }
  if (host_) host_->thread_stopping();
  thread_exited();
}

bool Worker::backlog_elsewhere(const Slot& self) {
  for (const auto& other : slots_) {
    if (other.get() == &self) continue;
    std::lock_guard lock(other->mutex);
    if (!other->pending.empty()) return true;
  }
  return false;
}

void Worker::steal(const Slot& self, std::vector<backends::Lease>& out) {
  Slot* victim = nullptr;
  std::size_t most = 0;
  for (const auto& other : slots_) {
    if (other.get() == &self) continue;
    std::lock_guard lock(other->mutex);
    if (other->pending.size() > most) {
      most = other->pending.size();
      victim = other.get();
    }
  }
  if (victim == nullptr) return;
  std::lock_guard lock(victim->mutex);
  // The back half (rounded up): the victim goes on from the front, the thief keeps their order.
  const std::size_t n = (victim->pending.size() + 1) / 2;
  victim->pending.take_back(n, out);
}

void Worker::run_batch(Slot& slot, std::vector<backends::Lease>& batch) {
  {
    std::lock_guard lock(slot.mutex);
    slot.pending.adopt(batch);  // `batch` is now the spare storage, empty
  }
  // Counted per batch, not per job: a counter shared by the threads is a contended write.
  busy_.fetch_add(1);
  std::int64_t processed = 0, failed = 0;
  bool retried = false;
  std::unique_ptr<HostHold> hold;  // kept across consecutive host (Python) jobs
  const Processor processor(retry_);
  // Jobs of one batch mostly name one task: resolve a name once per run of it, sparing the
  // registry's lock (shared by every thread) per job.
  TaskSpecPtr spec;
  std::string spec_name;
  std::vector<std::size_t> not_acked;          // started jobs to leave out of the ack (by index)
  std::vector<backends::Lease> unrecorded;     // failed jobs whose failure the backend did not take
  for (std::size_t index = 0;; ++index) {
    backends::Lease* started = nullptr;
    {
      std::lock_guard lock(slot.mutex);
      if (slot.pending.empty() || quiet_.load()) break;
      started = &slot.pending.start_next();
      slot.current = started;
      slot.current_since = static_cast<double>(coarse_epoch_ms()) / 1000.0;  // shown in whole seconds
    }
    backends::Lease& lease = *started;
    if (!(spec && !lease.job.malformed() && lease.job.task_name() == spec_name)) {
      spec = Processor::resolve(lease.job);
      spec_name = spec ? spec->name : std::string();
    }
    if (host_ && spec && host_->needs_host(*spec)) {
      if (!hold) hold = host_->hold();
    } else {
      hold.reset();  // C++ jobs never hold the host's lock
    }
    // Destroyed at the end of this iteration, while the hold is kept: it may own Python objects.
    Attempt attempt = Processor::attempt(lease.job, spec);
    bool mine;
    {
      std::lock_guard lock(slot.mutex);
      mine = !slot.abandoned;
      slot.current = nullptr;
      slot.abandoned = false;
    }
    if (!mine) {  // stop() put it back on its queue already
      not_acked.push_back(index);
      continue;
    }
    bool job_failed = false;
    try {
      job_failed = processor.finish(lease, attempt);
    } catch (const std::exception& e) {
      // The failure could not be written to the retry or dead set (the backend is down): the job
      // goes back to its queue instead of being acked, so it is run again, not lost.
      log_runtime(LogLevel::Error, std::string("taskmill worker: could not record a failed job, requeueing it: ") +
                                       e.what());
      job_failed = true;
      not_acked.push_back(index);
      unrecorded.push_back(std::move(lease));
    }
    retried |= job_failed;
    ++processed;
    failed += job_failed ? 1 : 0;
  }
  hold.reset();
  busy_.fetch_sub(1);
  std::vector<backends::Lease> unstarted;
  {
    std::lock_guard lock(slot.mutex);
    slot.pending.drain(unstarted);
    slot.pending.release(batch);  // `batch`: the jobs this thread started, kept whole until acked
  }
  if (!not_acked.empty()) drop_indices(batch, not_acked);
  std::move(unrecorded.begin(), unrecorded.end(), std::back_inserter(unstarted));
  try {
    if (!unstarted.empty()) backend_->requeue(std::move(unstarted));
    backend_->ack(batch);
    backend_->record(processed, failed, jobs::now_seconds());
  } catch (const std::exception& e) {
    log_runtime(LogLevel::Error, std::string("taskmill worker: ack failed: ") + e.what());
  }
  // The jobs are freed here, with no host lock held: freeing memory the enqueuing thread
  // allocated is done after the batch, not where it would hold the GIL.
  batch.clear();
  processed_ += processed;
  failed_ += failed;
  if (retried) scheduler_.poke();
  // wait_idle can only return once no batch runs: wake it then, not after every batch (tens of
  // thousands of wake-ups a second, each taking the backend's lock, on a core the workers need).
  // Every batch leaves busy_ before its ack, so the last thread to ack sees 0.
  if (busy_.load() == 0) {
    {
      std::lock_guard lock(state_mutex_);  // pairs with wait_idle's predicate check
    }
    changed_.notify_all();
  }
}

void Worker::thread_exited() {
  {
    std::lock_guard lock(state_mutex_);
    live_threads_.fetch_sub(1);
  }
  changed_.notify_all();
}

void Worker::quiet() {
  quiet_ = true;
  backend_->wake();
}

void Worker::stop(std::optional<double> timeout) {
  const double wait = checked_seconds(timeout.value_or(options_.shutdown_timeout), "timeout");  // before any change
  quiet_ = true;
  stopping_ = true;
  backend_->wake();
  if (!started_ || t_worker == this) return;  // from inside one of our jobs: signal only
  scheduler_.stop();
  const auto deadline = deadline_after(wait, "timeout");
  std::unique_lock lock(state_mutex_);
  if (!changed_.wait_until(lock, deadline, [&] { return live_threads_.load() == 0; })) {
    lock.unlock();
    abandon_unfinished();
  }
}

void Worker::abandon_unfinished() {
  std::vector<backends::Lease> back;
  for (auto& slot : slots_) {
    std::lock_guard lock(slot->mutex);
    if (slot->current && !slot->abandoned) {
      back.push_back(backends::Lease{slot->current->queue, slot->current->job, slot->current->token});
      slot->abandoned = true;
    }
    slot->pending.drain(back);
  }
  if (back.empty()) return;
  log_runtime(LogLevel::Warn, "taskmill worker: shutdown timeout; " + std::to_string(back.size()) +
                                  " unfinished job(s) put back on their queues");
  backend_->requeue(std::move(back));
}

bool Worker::join(std::optional<double> timeout) {
  if (t_worker == this) throw std::logic_error("join() called from inside one of this worker's jobs");
  const auto deadline = deadline_after(timeout, "timeout");
  {
    std::unique_lock lock(state_mutex_);
    if (!changed_.wait_until(lock, deadline, [&] { return live_threads_.load() == 0; })) return false;
  }
  std::lock_guard lock(start_mutex_);
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  scheduler_.stop();
  return true;
}

bool Worker::wait_idle(std::optional<double> timeout) {
  const auto deadline = deadline_after(timeout, "timeout");
  const std::vector<std::string> names = QueueOrder(options_.queues, false).names();
  std::unique_lock lock(state_mutex_);
  for (;;) {
    if (backend_->pending(names) == 0) return true;
    if (Clock::now() >= deadline) return false;
    // Woken at each finished batch; the short bound covers jobs pushed by others meanwhile.
    changed_.wait_until(lock, std::min(deadline, Clock::now() + std::chrono::milliseconds(20)));
  }
}

}  // namespace taskmill::runtime
