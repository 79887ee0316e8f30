// Backend: where jobs wait — queues, the scheduled / retry / dead sets, and the counters.
//
// The runtime speaks only this interface, so a Redis or SQLite backend slots in without touching
// it. Every backend stores the same payload (jobs/payload.hpp); a leased one comes as a jobs::Job.
// A job fetched is *leased*: it is off its queue but counted as in flight until acked, or
// requeued at the head of its queue.
// Implementations are thread-safe: any thread may call any method.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "taskmill/jobs/job.hpp"
#include "taskmill/jobs/payload.hpp"

namespace taskmill::backends {

using jobs::Payload;

enum class JobSet { Scheduled, Retry, Dead };
std::string_view to_string(JobSet set);

// A job taken from a queue, owned by the worker thread that took it until ack or requeue.
struct Lease {
  std::string queue;
  jobs::Job job;
  // Backend-private: what the backend needs to ack or requeue this job (Redis: its exact text in
  // the in-flight list). Empty for the memory backend.
  std::string token;
};

struct SetEntry {
  double score = 0;  // run time (scheduled, retry) or death time (dead)
  Payload payload;
};

struct QueueStats {
  std::size_t size = 0;
  double latency = 0;  // seconds since the oldest waiting job was enqueued
};

struct Stats {
  std::int64_t processed = 0, failed = 0;  // totals; processed counts failures too
  std::map<std::string, std::pair<std::int64_t, std::int64_t>> by_day;  // "YYYY-MM-DD" (UTC) → (processed, failed)
  std::map<std::string, QueueStats> queues;
  std::size_t enqueued = 0, busy = 0, scheduled = 0, retries = 0, dead = 0;
};

// Caps of the dead set, applied on every add.
struct DeadLimits {
  std::size_t max_jobs = 10'000;
  double max_age_seconds = 180.0 * 24 * 3600;
};

// A job running on one of a worker's threads, as a heartbeat reports it.
struct RunningJob {
  std::string thread;   // a stable id of the worker thread
  std::string queue;
  std::string payload;  // the job's JSON text
  double run_at = 0;    // epoch seconds when it started
};

// What a running worker tells its backend at each heartbeat.
struct ProcessState {
  int concurrency = 0;
  std::vector<std::string> queues;
  std::size_t busy = 0;
  bool quiet = false;
  double started_at = 0;  // epoch seconds
  std::vector<RunningJob> running;
};

class Backend {
 public:
  virtual ~Backend() = default;

  // Periodic upkeep by a running worker, every few seconds from its scheduler thread. A shared
  // backend (Redis) writes this process's heartbeat and recovers the jobs of processes that
  // stopped heart-beating; an in-process one has nothing to do. Returns the signals sent to this
  // process from outside since the last call ("TSTP" quiet, "TERM" stop, "TTIN" dump), in order.
  virtual std::vector<std::string> maintain(const ProcessState& state) {
    (void)state;
    return {};
  }
  // The worker stopped: a shared backend removes this process's heartbeat.
  virtual void leave() {}

  // Appends jobs to the tail of their queue (`payload["queue"]`), setting enqueued_at = now.
  virtual void push(Payload job) = 0;
  virtual void push_bulk(std::vector<Payload> jobs) = 0;
  // Adds a job to the scheduled set, due at `at` (epoch seconds).
  virtual void schedule(double at, Payload job) = 0;

  // Leases jobs from the first non-empty queue of `queues` (in that order), waiting up to `wait`
  // for one to arrive; appends them to `out` (a buffer the caller reuses, so a fetch allocates
  // nothing). Appends nothing on timeout or wake(). Takes at most `max` jobs and at most a fair
  // share, ceil(waiting / `takers`) (at least one), of the queue: `takers` threads fetching from
  // it each get work, instead of the first taking a whole batch of slow jobs the others wait on.
  virtual void fetch(std::span<const std::string> queues, std::size_t max, std::size_t takers,
                     std::chrono::milliseconds wait, std::vector<Lease>& out) = 0;
  std::vector<Lease> fetch(std::span<const std::string> queues, std::size_t max, std::chrono::milliseconds wait) {
    std::vector<Lease> out;
    fetch(queues, max, 1, wait, out);
    return out;
  }
  // The leases are done with (processed, retried or dead).
  virtual void ack(std::span<const Lease> leases) = 0;
  // Puts leased jobs back at the head of their queue, the first of `leases` frontmost.
  virtual void requeue(std::vector<Lease> leases) = 0;
  // The batch a worker leases per fetch unless told otherwise. A larger batch amortizes the
  // fetch, the ack and (for Python jobs) the GIL hand-off over more jobs; a smaller one leaves
  // fewer jobs in flight in a process that dies. 32 suits a shared backend.
  virtual std::size_t default_batch() const { return 32; }
  // Wakes every thread blocked in fetch (shutdown).
  virtual void wake() = 0;
  // Jobs waiting in `queues` plus jobs leased from them and not yet acked.
  virtual std::size_t pending(std::span<const std::string> queues) = 0;

  virtual void add_retry(double at, Payload job) = 0;
  virtual void add_dead(double at, Payload job, const DeadLimits& limits) = 0;
  // Moves due jobs (score <= now) of the retry then the scheduled set to their queues; returns
  // how many. Safe against several pollers: each job moves once.
  virtual std::size_t enqueue_due(double now) = 0;
  // The earliest score in the retry and scheduled sets.
  virtual std::optional<double> next_due() = 0;

  virtual std::vector<SetEntry> list(JobSet set) = 0;
  virtual std::size_t size(JobSet set) = 0;
  // Enqueues the set's job `jid` now; false when it is not there.
  virtual bool enqueue_now(JobSet set, const std::string& jid) = 0;
  virtual bool remove(JobSet set, const std::string& jid) = 0;
  virtual void clear(JobSet set) = 0;

  // Counts finished attempts (processed includes failed), at UTC day of `now`.
  virtual void record(std::int64_t processed, std::int64_t failed, double now) = 0;
  virtual Stats stats(double now) = 0;
  // Empties every queue, set and counter (tests, tools).
  virtual void flush() = 0;
};

using BackendPtr = std::shared_ptr<Backend>;

// Helpers every backend shares.
// How many of `waiting` jobs one of `takers` fetching threads takes: a fair share, 1 to `max`.
std::size_t fair_share(std::size_t waiting, std::size_t max, std::size_t takers);
// The UTC day of `now` (epoch seconds) as "YYYY-MM-DD", the suffix of daily counters.
std::string utc_day(double now);
// The queue a payload names ("default" when it names none or not a non-empty string).
std::string queue_of(const Payload& job);

// The backend a URL names: "memory://" (the process's in-memory backend) or "memory://<name>"
// (another one, shared by every caller naming it). Throws std::invalid_argument for others.
BackendPtr open_backend(const std::string& url);
// The process default (configure(backend=...)), initially "memory://".
BackendPtr default_backend();
void set_default_backend(const std::string& url);
std::string default_backend_url();

// Caps of the dead set used by workers (configurable, process-wide).
DeadLimits dead_limits();
void set_dead_limits(DeadLimits limits);

}  // namespace taskmill::backends
