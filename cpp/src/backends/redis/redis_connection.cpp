#include "taskmill/backends/redis/redis_connection.hpp"

#include <algorithm>
#include <thread>

#include <hiredis/hiredis.h>
#include <spdlog/spdlog.h>

#include "taskmill/core/config.hpp"

namespace taskmill {

namespace {

timeval to_timeval(std::chrono::milliseconds ms) {
  timeval tv{};
  tv.tv_sec = static_cast<decltype(tv.tv_sec)>(ms.count() / 1000);
  tv.tv_usec = static_cast<decltype(tv.tv_usec)>((ms.count() % 1000) * 1000);
  return tv;
}

RedisReply copy_reply(const redisReply* r) {
  RedisReply out;
  if (r == nullptr) return out;
  switch (r->type) {
    case REDIS_REPLY_STATUS: out.kind = RedisReply::Kind::Status; out.text.assign(r->str, r->len); break;
    case REDIS_REPLY_ERROR: out.kind = RedisReply::Kind::Error; out.text.assign(r->str, r->len); break;
    case REDIS_REPLY_STRING: out.kind = RedisReply::Kind::String; out.text.assign(r->str, r->len); break;
    case REDIS_REPLY_INTEGER: out.kind = RedisReply::Kind::Integer; out.integer = r->integer; break;
    case REDIS_REPLY_ARRAY:
      out.kind = RedisReply::Kind::Array;
      out.elements.reserve(r->elements);
      for (std::size_t i = 0; i < r->elements; ++i) out.elements.push_back(copy_reply(r->element[i]));
      break;
    default: out.kind = RedisReply::Kind::Nil; break;
  }
  return out;
}

struct ReplyDeleter {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using ReplyPtr = std::unique_ptr<redisReply, ReplyDeleter>;

void log_warn(const std::string& message) {
  if (Config::global().log_enabled(LogLevel::Warn)) Config::global().logger()->warn(message);
}

}  // namespace

void RedisConnection::ContextDeleter::operator()(redisContext* c) const { redisFree(c); }

void RedisOutage::failed(const std::string& why) {
  if (!down_.exchange(true)) log_warn("taskmill: Redis unavailable, retrying with backoff: " + why);
}

void RedisOutage::recovered(const std::string& where) {
  if (down_.load() && down_.exchange(false)) log_warn("taskmill: Redis connection restored at " + where);
}

RedisConnection::RedisConnection(RedisUrl url, RedisTimeouts timeouts, std::shared_ptr<RedisOutage> outage)
    : url_(std::move(url)), timeouts_(timeouts), outage_(std::move(outage)) {}

RedisConnection::~RedisConnection() = default;

void RedisConnection::drop() { context_.reset(); }

void RedisConnection::connect() {
  drop();
  const timeval tv = to_timeval(timeouts_.connect);
  std::unique_ptr<redisContext, ContextDeleter> c(redisConnectWithTimeout(url_.host.c_str(), url_.port, tv));
  if (!c) throw RedisUnavailable("cannot reach Redis at " + url_.display() + ": out of memory");
  if (c->err) throw RedisUnavailable("cannot reach Redis at " + url_.display() + ": " + c->errstr);
  const timeval cmd = to_timeval(timeouts_.command);
  redisSetTimeout(c.get(), cmd);
  context_ = std::move(c);
  try {
    if (!url_.password.empty()) {
      RedisReply r = url_.username.empty() ? command({"AUTH", url_.password})
                                           : command({"AUTH", url_.username, url_.password});
      (void)r;
    }
    // SELECT, or PING for db 0: either fails at once (NOAUTH) when the server wants a password
    // the URL does not give, instead of at the first real command.
    if (url_.db != 0) command({"SELECT", std::to_string(url_.db)});
    else command({"PING"});
  } catch (const RedisCommandError& e) {
    drop();
    throw RedisSetupError("Redis at " + url_.display() + " refused the connection setup: " + e.what());
  }
}

void RedisConnection::wait_backoff() {
  const auto now = std::chrono::steady_clock::now();
  if (now < next_attempt_) std::this_thread::sleep_until(next_attempt_);
}

void RedisConnection::ensure_connected() {
  if (context_) return;
  wait_backoff();
  try {
    connect();
  } catch (const RedisUnavailable& e) {
    backoff_ = std::clamp(backoff_ * 2, timeouts_.backoff_min, timeouts_.backoff_max);
    next_attempt_ = std::chrono::steady_clock::now() + backoff_;
    outage_->failed(e.what());
    throw;
  }
  outage_->recovered(url_.display());
  backoff_ = std::chrono::milliseconds{0};
}

RedisReply RedisConnection::command(const std::vector<std::string>& argv) {
  auto replies = pipeline({argv});
  RedisReply& r = replies.front();
  if (r.is_error()) throw RedisCommandError(r.text);
  return std::move(r);
}

std::vector<RedisReply> RedisConnection::pipeline(const std::vector<std::vector<std::string>>& commands) {
  ensure_connected();
  for (const auto& argv : commands) {
    std::vector<const char*> ptrs;
    std::vector<std::size_t> lens;
    ptrs.reserve(argv.size());
    lens.reserve(argv.size());
    for (const auto& a : argv) {
      ptrs.push_back(a.data());
      lens.push_back(a.size());
    }
    redisAppendCommandArgv(context_.get(), static_cast<int>(argv.size()), ptrs.data(), lens.data());
  }
  std::vector<RedisReply> out;
  out.reserve(commands.size());
  for (std::size_t i = 0; i < commands.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(context_.get(), &raw) != REDIS_OK) {
      const std::string why = context_->errstr;
      drop();
      // Not replayed here: the command may have run before the connection broke, and only the
      // caller knows whether repeating it is safe. The next command reconnects.
      throw RedisUnavailable("lost the connection to Redis at " + url_.display() + ": " + why);
    }
    ReplyPtr reply(static_cast<redisReply*>(raw));
    out.push_back(copy_reply(reply.get()));
  }
  return out;
}

}  // namespace taskmill
