// Opening backends by URL, and the process defaults (backend URL, dead-set caps): configuration,
// the one kind of global mutable state allowed besides the registry.
#include "taskmill/backends/backend.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <unordered_map>

#include "taskmill/backends/memory_backend.hpp"
#include "taskmill/core/utc_time.hpp"
#ifdef TASKMILL_WITH_REDIS
#include "taskmill/backends/redis_backend.hpp"
#endif

namespace taskmill::backends {

std::string_view to_string(JobSet set) {
  switch (set) {
    case JobSet::Scheduled: return "scheduled";
    case JobSet::Retry: return "retry";
    case JobSet::Dead: return "dead";
  }
  return "?";
}

std::size_t fair_share(std::size_t waiting, std::size_t max, std::size_t takers) {
  const std::size_t share = (waiting + std::max<std::size_t>(takers, 1) - 1) / std::max<std::size_t>(takers, 1);
  return std::clamp<std::size_t>(share, 1, std::max<std::size_t>(max, 1));
}

std::string utc_day(double now) {
  const auto since_epoch = std::chrono::duration_cast<std::chrono::system_clock::duration>(
      std::chrono::duration<double>(now));
  return utc_date(std::chrono::system_clock::time_point(since_epoch));
}

std::string queue_of(const Payload& job) { return std::string(jobs::queue_name(job)); }

namespace {
struct Defaults {
  std::mutex mutex;
  std::unordered_map<std::string, BackendPtr> memory;  // by name; "" is memory://
  // By URL, with the pid that opened it: a child process after fork() opens its own (its own
  // connections and process identity) instead of sharing the parent's sockets.
  std::unordered_map<std::string, std::pair<pid_t, BackendPtr>> redis;
  std::string url = "memory://";
  DeadLimits dead;
};
Defaults& defaults() {
  static Defaults d;
  return d;
}
}  // namespace

BackendPtr open_backend(const std::string& url) {
  static constexpr std::string_view memory = "memory://";
#ifdef TASKMILL_WITH_REDIS
  if (url.rfind("redis://", 0) == 0) {
    // One backend (one connection pool, one process identity) per URL.
    auto& d = defaults();
    std::lock_guard lock(d.mutex);
    auto& [opener, backend] = d.redis[url];
    if (!backend || opener != ::getpid()) {
      backend = std::make_shared<RedisBackend>(url);
      opener = ::getpid();
    }
    return backend;
  }
#endif
  if (url.rfind(memory, 0) != 0)
    throw std::invalid_argument("unsupported backend URL '" + url + "' (supported: memory://[name], redis://host:port/db)");
  auto& d = defaults();
  std::lock_guard lock(d.mutex);
  auto& slot = d.memory[url.substr(memory.size())];
  if (!slot) slot = std::make_shared<MemoryBackend>();
  return slot;
}

BackendPtr default_backend() { return open_backend(default_backend_url()); }

void set_default_backend(const std::string& url) {
  open_backend(url);  // validates
  auto& d = defaults();
  std::lock_guard lock(d.mutex);
  d.url = url;
}

std::string default_backend_url() {
  auto& d = defaults();
  std::lock_guard lock(d.mutex);
  return d.url;
}

DeadLimits dead_limits() {
  auto& d = defaults();
  std::lock_guard lock(d.mutex);
  return d.dead;
}

void set_dead_limits(DeadLimits limits) {
  auto& d = defaults();
  std::lock_guard lock(d.mutex);
  d.dead = limits;
}

}  // namespace taskmill::backends
