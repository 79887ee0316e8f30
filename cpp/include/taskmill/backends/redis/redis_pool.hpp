// RedisPool: connections handed out one per caller at a time (hiredis contexts are not
// thread-safe). A connection goes back to the pool when its lease ends; the pool grows on demand.
// After fork(), the child never uses a connection it inherited: its replies could be read by the
// parent. It closes its copies (the parent's stay open) and connects anew.
#pragma once

#include <unistd.h>

#include <memory>
#include <mutex>
#include <vector>

#include "taskmill/backends/redis/redis_connection.hpp"

namespace taskmill {

class RedisPool {
 public:
  RedisPool(RedisUrl url, RedisTimeouts timeouts) : url_(std::move(url)), timeouts_(timeouts) {}

  class Lease {
   public:
    Lease(RedisPool& pool, std::unique_ptr<RedisConnection> conn) : pool_(pool), conn_(std::move(conn)) {}
    ~Lease() { pool_.give_back(std::move(conn_)); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    RedisConnection* operator->() { return conn_.get(); }
    RedisConnection& operator*() { return *conn_; }

   private:
    RedisPool& pool_;
    std::unique_ptr<RedisConnection> conn_;
  };

  Lease take() {
    std::lock_guard lock(mutex_);
    if (owner_ != ::getpid()) {
      idle_.clear();
      owner_ = ::getpid();
    }
    if (idle_.empty()) return Lease(*this, std::make_unique<RedisConnection>(url_, timeouts_, outage_));
    auto conn = std::move(idle_.back());
    idle_.pop_back();
    return Lease(*this, std::move(conn));
  }
  const RedisUrl& url() const { return url_; }

 private:
  void give_back(std::unique_ptr<RedisConnection> conn) {
    std::lock_guard lock(mutex_);
    if (owner_ == ::getpid()) idle_.push_back(std::move(conn));
  }
  RedisUrl url_;
  RedisTimeouts timeouts_;
  std::shared_ptr<RedisOutage> outage_ = std::make_shared<RedisOutage>();  // one log line per outage
  std::mutex mutex_;
  pid_t owner_ = ::getpid();  // the process whose connections idle_ holds
  std::vector<std::unique_ptr<RedisConnection>> idle_;
};

}  // namespace taskmill
