// RedisConnection: one hiredis connection with timeouts, AUTH/SELECT, and reconnection.
//
// Ownership: a connection belongs to one thread at a time (hiredis contexts are not thread-safe);
// the backend keeps one per worker thread plus one for the poller. A lost connection is
// re-established on the next command, with exponential backoff between failed attempts; the first
// failure and the recovery are logged once each, for all the connections sharing a RedisOutage.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "taskmill/backends/redis/redis_reply.hpp"
#include "taskmill/backends/redis/redis_url.hpp"

struct redisContext;

namespace taskmill {

// Redis could not be reached (refused, timed out, lost mid-command). Retrying may succeed.
class RedisUnavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Redis answered with an error to a command (wrong password, a script error, WRONGTYPE...).
class RedisCommandError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The server refused the connection's setup (a wrong or missing password, a db out of range):
// retrying will not help, unlike RedisUnavailable.
class RedisSetupError : public RedisCommandError {
 public:
  using RedisCommandError::RedisCommandError;
};

struct RedisTimeouts {
  std::chrono::milliseconds connect{2000};
  // Read/write timeout for ordinary commands. Blocking commands pass their own, longer one.
  std::chrono::milliseconds command{5000};
  std::chrono::milliseconds backoff_min{50};
  std::chrono::milliseconds backoff_max{5000};
};

// Whether the server is known to be unreachable, shared by the connections of one pool so that an
// outage is logged once (not once per connection) and its end once.
class RedisOutage {
 public:
  void failed(const std::string& why);          // logs if it is news
  void recovered(const std::string& where);     // logs if it was down
  bool down() const { return down_.load(); }

 private:
  std::atomic<bool> down_{false};
};

class RedisConnection {
 public:
  explicit RedisConnection(RedisUrl url, RedisTimeouts timeouts = {},
                           std::shared_ptr<RedisOutage> outage = std::make_shared<RedisOutage>());
  ~RedisConnection();
  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  // Runs one command. Throws RedisUnavailable when Redis cannot be reached (after one reconnect
  // attempt) and RedisCommandError for an error reply.
  RedisReply command(const std::vector<std::string>& argv);
  // Runs commands in one round trip; the replies come back in order (an error reply is returned,
  // not thrown, so the caller can see which command failed).
  std::vector<RedisReply> pipeline(const std::vector<std::vector<std::string>>& commands);
  // Connects now (the constructor does not): throws RedisUnavailable / RedisCommandError with a
  // clear message when the URL, password or db is wrong.
  void connect();
  bool connected() const { return context_ != nullptr; }
  const RedisUrl& url() const { return url_; }

 private:
  void ensure_connected();
  void drop();
  void wait_backoff();
  RedisUrl url_;
  RedisTimeouts timeouts_;
  struct ContextDeleter {
    void operator()(redisContext* c) const;
  };
  std::unique_ptr<redisContext, ContextDeleter> context_;
  std::chrono::milliseconds backoff_{0};
  std::chrono::steady_clock::time_point next_attempt_{};
  std::shared_ptr<RedisOutage> outage_;
};

}  // namespace taskmill
