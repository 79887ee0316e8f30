// RedisScript: a Lua script run by EVALSHA, loaded into the server on first use (or again after
// the server restarted and forgot it). Thread-safe: any thread may run it on its own connection.
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "taskmill/backends/redis/redis_connection.hpp"

namespace taskmill {

class RedisScript {
 public:
  explicit RedisScript(std::string source) : source_(std::move(source)) {}

  // Runs the script; throws like RedisConnection::command.
  RedisReply run(RedisConnection& conn, const std::vector<std::string>& keys, const std::vector<std::string>& args);

  const std::string& source() const { return source_; }

 private:
  std::string load(RedisConnection& conn);
  std::string sha();

  const std::string source_;
  std::mutex mutex_;  // guards sha_ only; the script runs without it
  std::string sha_;   // filled by the first SCRIPT LOAD; the same on every server
};

// The scripts of Sidekiq's layout that must run atomically.
namespace redis_scripts {

// KEYS[1] = a sorted set (schedule / retry), KEYS[2] = the `queues` set, KEYS[3] = the dead set;
// ARGV[1] = now (float seconds). Moves the lowest member whose score is <= now to its queue
// (LPUSH `queue:<its queue>`, SADD queues) with `enqueued_at` = now, in one atomic step, so a
// connection lost in between cannot drop it. A member that is not a JSON object goes to the dead
// set. Returns {"queued", queue}, {"dead", member}, or nil when nothing is due. Safe with several
// pollers, taskmill's and Ruby's. The queue key is derived from the payload inside the script:
// fine on a single Redis (Sidekiq's layout does not support Redis Cluster either).
const std::string& move_due();

// KEYS = queue list 1, its in-flight list, queue list 2, its in-flight list, ...; ARGV[1] = the
// most jobs to take, ARGV[2] = how many threads share the queues. Moves jobs (RPOPLPUSH, oldest
// first) from the first non-empty queue into its in-flight list: at most ARGV[1], and at most a
// fair share ceil(length / ARGV[2]), at least one. Returns {queue number (0-based), job, job...}
// or nil when every queue is empty. One round trip and one command whatever the batch size.
const std::string& take_batch();

// KEYS[1] = a private in-flight list, KEYS[2] = the queue list, KEYS[3] = the recovery-count hash,
// KEYS[4] = the dead set; ARGV[1] = now, ARGV[2] = how many recoveries a job may have. Moves every
// job of the private list back to the queue's head (RPUSH, the end the fetch side takes from),
// oldest first, except jobs recovered too often, which go to the dead set with error_class
// "taskmill::ProcessLost". Returns {moved, killed}.
const std::string& requeue_all();

}  // namespace redis_scripts

}  // namespace taskmill
