// RedisBackend: the Backend interface over Redis, in Sidekiq's key layout (spec/sidekiq-wire.md),
// so Ruby Sidekiq processes and its Web UI share queues, sets and counters with taskmill.
//
// Crash safety beyond Sidekiq's free fetch: a fetched job moves atomically (RPOPLPUSH) from
// `queue:<q>` into `taskmill:inflight:<identity>:<q>`, a list private to this process, and leaves it
// on ack. recover_orphans() pushes the private lists of processes that stopped heart-beating back to
// their queues. Private lists are never listed in `queues`, so Sidekiq's UI is unaffected.
// Thread-safe: each call takes its own connection from a pool.
#pragma once

#include <atomic>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "taskmill/backends/backend.hpp"
#include "taskmill/backends/redis/redis_pool.hpp"
#include "taskmill/backends/redis/redis_script.hpp"

namespace taskmill::backends {

class RedisBackend final : public Backend {
 public:
  explicit RedisBackend(const std::string& url, RedisTimeouts timeouts = {});

  using Backend::fetch;  // the convenience overload returning a vector
  void push(Payload job) override;
  void push_bulk(std::vector<Payload> jobs) override;
  void schedule(double at, Payload job) override;
  void fetch(std::span<const std::string> queues, std::size_t max, std::size_t takers, std::chrono::milliseconds wait,
             std::vector<Lease>& out) override;
  void ack(std::span<const Lease> leases) override;
  void requeue(std::vector<Lease> leases) override;
  void wake() override;
  std::size_t pending(std::span<const std::string> queues) override;
  void add_retry(double at, Payload job) override;
  void add_dead(double at, Payload job, const DeadLimits& limits) override;
  std::size_t enqueue_due(double now) override;
  std::optional<double> next_due() override;
  std::vector<SetEntry> list(JobSet set) override;
  std::size_t size(JobSet set) override;
  bool enqueue_now(JobSet set, const std::string& jid) override;
  bool remove(JobSet set, const std::string& jid) override;
  void clear(JobSet set) override;
  void record(std::int64_t processed, std::int64_t failed, double now) override;
  Stats stats(double now) override;
  void flush() override;
  // Heartbeat (Sidekiq's process hash) and recovery of dead processes' in-flight jobs.
  std::vector<std::string> maintain(const ProcessState& state) override;
  // SREM processes and DEL the process hash: Sidekiq's UI stops listing this process.
  void leave() override;

  // This process's identity, `hostname:pid:<12 hex>` as Sidekiq spells it.
  const std::string& identity() const { return identity_; }
  // The private list holding this process's jobs fetched from `queue`.
  std::string inflight_key(const std::string& queue) const;
  // Pushes the in-flight jobs of processes that stopped heart-beating (no beat within
  // kDeadAfterSeconds) back to their queues; returns how many jobs moved.
  std::size_t recover_orphans();
  static constexpr double kDeadAfterSeconds = 30.0;
  // A job whose process died this many times is not recovered again but goes to the dead set.
  static constexpr int kMaxRecoveries = 3;
  // Writes this process's heartbeat: SADD processes, the `<identity>` hash with EXPIRE 60, and the
  // running jobs in `<identity>:workers` (Sidekiq 6's UI) and `<identity>:work` (7 and later).
  void beat(const std::string& info_json, const ProcessState& state);
  // Takes the signals Sidekiq's UI pushed to `<identity>-signals`, oldest first.
  std::vector<std::string> take_signals();

 private:
  std::string push_command_json(Payload& job, double now) const;
  // Moves a fair share of the first non-empty queue into its in-flight list (take_batch); false
  // when every queue is empty.
  bool take(RedisConnection& conn, std::span<const std::string> queues, std::size_t max, std::size_t takers,
            std::vector<Lease>& out);
  void hold(const std::string& queue, const std::string& token);
  void release(const std::string& queue, const std::string& token);
  // Retries acks that failed, then requeues jobs of this process's in-flight lists that no thread
  // holds: their fetch reply was lost with the connection, so nothing here will ever run them.
  void reconcile_own(const std::vector<std::string>& queues);

  // Jobs leased and not yet acked or requeued, by queue and text (a job may appear twice).
  std::mutex held_mutex_;
  std::unordered_map<std::string, std::multiset<std::string>> held_;
  std::vector<std::pair<std::string, std::string>> unacked_;  // (queue, token) whose LREM failed
  std::set<std::pair<std::string, std::string>> suspects_;    // unheld in-flight entries seen once
  RedisPool pool_;
  std::string identity_;
  RedisScript take_script_{redis_scripts::take_batch()};
  RedisScript move_due_script_{redis_scripts::move_due()};
  RedisScript requeue_script_{redis_scripts::requeue_all()};
  std::atomic<std::uint64_t> wake_epoch_{0};
};

}  // namespace taskmill::backends
