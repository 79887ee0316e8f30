#include "taskmill/backends/redis_backend.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <random>


namespace taskmill::backends {

namespace {

constexpr const char* kQueues = "queues";
constexpr const char* kInflightPrefix = "taskmill:inflight:";
constexpr const char* kRecoveries = "taskmill:recoveries";  // jid → times recovered from a dead process
constexpr long kStatTtlSeconds = 5L * 365 * 24 * 3600;

std::string key_of(JobSet set) {
  switch (set) {
    case JobSet::Scheduled: return "schedule";
    case JobSet::Retry: return "retry";
    case JobSet::Dead: return "dead";
  }
  return "dead";
}

// Scores and timestamps as Sidekiq writes them: float seconds with a fractional part.
std::string score(double seconds) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6f", seconds);
  return buf;
}

// A job's text parsed; text that is not JSON becomes a JSON string, which the processor reports
// as malformed and sends to the dead set (the worker goes on).
Payload parse_job(const std::string& text) {
  auto parsed = nlohmann::json::parse(text, nullptr, false);
  if (parsed.is_discarded()) return Payload(text);
  return parsed;
}

std::string dump(const Payload& job) { return job.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

std::string random_hex12() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%012llx", static_cast<unsigned long long>(rng() & 0xffffffffffffULL));
  return buf;
}

std::string make_identity() {
  char host[256] = {0};
  ::gethostname(host, sizeof host - 1);
  return std::string(host) + ":" + std::to_string(::getpid()) + ":" + random_hex12();
}

std::optional<std::string> jid_of(const Payload& job) {
  auto it = job.is_object() ? job.find("jid") : job.end();
  if (job.is_object() && it != job.end() && it->is_string()) return it->get<std::string>();
  return std::nullopt;
}

}  // namespace

RedisBackend::RedisBackend(const std::string& url, RedisTimeouts timeouts)
    : pool_(RedisUrl::parse(url), timeouts), identity_(make_identity()) {
  auto conn = pool_.take();
  conn->connect();  // a wrong URL, password or db fails here, clearly, not at the first job
}

std::string RedisBackend::inflight_key(const std::string& queue) const { return kInflightPrefix + identity_ + ":" + queue; }

std::string RedisBackend::push_command_json(Payload& job, double now) const {
  job["enqueued_at"] = now;
  return dump(job);
}

void RedisBackend::push(Payload job) { push_bulk({std::move(job)}); }

void RedisBackend::push_bulk(std::vector<Payload> jobs) {
  if (jobs.empty()) return;
  const double now = jobs::now_seconds();
  std::vector<std::vector<std::string>> commands;
  for (auto& job : jobs) {
    const std::string queue = queue_of(job);
    commands.push_back({"SADD", kQueues, queue});
    commands.push_back({"LPUSH", "queue:" + queue, push_command_json(job, now)});
  }
  auto conn = pool_.take();
  for (const auto& r : conn->pipeline(commands))
    if (r.is_error()) throw RedisCommandError("pushing jobs failed: " + r.text);
}

void RedisBackend::schedule(double at, Payload job) {
  job.erase("enqueued_at");
  auto conn = pool_.take();
  conn->command({"ZADD", "schedule", score(at), dump(job)});
}

bool RedisBackend::take(RedisConnection& conn, std::span<const std::string> queues, std::size_t max,
                        std::size_t takers, std::vector<Lease>& out) {
  std::vector<std::string> keys;
  keys.reserve(queues.size() * 2);
  for (const auto& queue : queues) {
    keys.push_back("queue:" + queue);
    keys.push_back(inflight_key(queue));
  }
  auto reply = take_script_.run(conn, keys, {std::to_string(max), std::to_string(std::max<std::size_t>(takers, 1))});
  if (reply.kind != RedisReply::Kind::Array || reply.elements.size() < 2) return false;
  const std::string& queue = queues[static_cast<std::size_t>(reply.elements[0].integer)];
  {
    std::lock_guard lock(held_mutex_);
    auto& held = held_[queue];
    for (std::size_t i = 1; i < reply.elements.size(); ++i) held.insert(reply.elements[i].text);
  }
  for (std::size_t i = 1; i < reply.elements.size(); ++i) {
    std::string& text = reply.elements[i].text;
    jobs::Job job = jobs::Job::from_payload(parse_job(text));
    out.push_back(Lease{queue, std::move(job), std::move(text)});
  }
  return true;
}

void RedisBackend::fetch(std::span<const std::string> queues, std::size_t max, std::size_t takers,
                         std::chrono::milliseconds wait, std::vector<Lease>& out) {
  if (queues.empty() || max == 0) return;
  const std::uint64_t epoch = wake_epoch_.load();
  const auto deadline = std::chrono::steady_clock::now() + wait;
  auto conn = pool_.take();
  for (;;) {
    if (take(*conn, queues, max, takers, out)) return;
    if (wake_epoch_.load() != epoch) return;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return;
    // Block in Redis on the first queue: for at most a second when it is the only one (so wake()
    // is noticed), for 50 ms when others must be looked at again (Redis has no blocking move from
    // several lists). A job arriving on the first queue is taken at once either way.
    const auto block = std::min(left, std::chrono::milliseconds(queues.size() == 1 ? 1000 : 50));
    auto reply = conn->command({"BRPOPLPUSH", "queue:" + queues[0], inflight_key(queues[0]),
                                score(static_cast<double>(block.count()) / 1000.0)});
    if (reply.kind == RedisReply::Kind::String) {
      hold(queues[0], reply.text);
      out.push_back(Lease{queues[0], jobs::Job::from_payload(parse_job(reply.text)), std::move(reply.text)});
      return;
    }
  }
}

void RedisBackend::hold(const std::string& queue, const std::string& token) {
  std::lock_guard lock(held_mutex_);
  held_[queue].insert(token);
}

void RedisBackend::release(const std::string& queue, const std::string& token) {
  std::lock_guard lock(held_mutex_);
  auto& tokens = held_[queue];
  if (auto it = tokens.find(token); it != tokens.end()) tokens.erase(it);
}

void RedisBackend::ack(std::span<const Lease> leases) {
  if (leases.empty()) return;
  std::vector<std::vector<std::string>> commands;
  commands.reserve(leases.size());
  for (const auto& l : leases) {
    release(l.queue, l.token);
    commands.push_back({"LREM", inflight_key(l.queue), "-1", l.token});
  }
  try {
    auto conn = pool_.take();
    conn->pipeline(commands);
  } catch (const RedisUnavailable&) {
    // Done jobs must not be recovered as orphans and run again: retry their acks at the next beat.
    std::lock_guard lock(held_mutex_);
    for (const auto& l : leases) unacked_.emplace_back(l.queue, l.token);
    throw;
  }
}

void RedisBackend::requeue(std::vector<Lease> leases) {
  if (leases.empty()) return;
  for (const auto& l : leases) release(l.queue, l.token);
  // One transaction: a job is either still in flight or back at its queue's head, never both or
  // neither. Pushed in reverse so the first lease ends up frontmost.
  std::vector<std::vector<std::string>> commands = {{"MULTI"}};
  for (auto it = leases.rbegin(); it != leases.rend(); ++it) {
    commands.push_back({"LREM", inflight_key(it->queue), "-1", it->token});
    commands.push_back({"RPUSH", "queue:" + it->queue, it->token});
  }
  commands.push_back({"EXEC"});
  auto conn = pool_.take();
  conn->pipeline(commands);
}

void RedisBackend::wake() { wake_epoch_.fetch_add(1); }

std::size_t RedisBackend::pending(std::span<const std::string> queues) {
  std::vector<std::vector<std::string>> commands;
  for (const auto& q : queues) {
    commands.push_back({"LLEN", "queue:" + q});
    commands.push_back({"LLEN", inflight_key(q)});
  }
  auto conn = pool_.take();
  std::size_t n = 0;
  for (const auto& r : conn->pipeline(commands)) n += static_cast<std::size_t>(std::max<std::int64_t>(0, r.integer));
  return n;
}

void RedisBackend::add_retry(double at, Payload job) {
  auto conn = pool_.take();
  conn->command({"ZADD", "retry", score(at), dump(job)});
}

void RedisBackend::add_dead(double at, Payload job, const DeadLimits& limits) {
  std::string oldest_kept = score(at - limits.max_age_seconds);
  oldest_kept.insert(oldest_kept.begin(), '(');  // exclusive bound: trim strictly older members
  auto conn = pool_.take();
  conn->pipeline({{"MULTI"},
                  {"ZADD", "dead", score(at), dump(job)},
                  {"ZREMRANGEBYSCORE", "dead", "-inf", oldest_kept},
                  {"ZREMRANGEBYRANK", "dead", "0", std::to_string(-static_cast<long long>(limits.max_jobs) - 1)},
                  {"EXEC"}});
}

std::size_t RedisBackend::enqueue_due(double now) {
  std::size_t moved = 0;
  auto conn = pool_.take();
  for (const char* set : {"retry", "schedule"}) {
    for (;;) {
      RedisReply r = move_due_script_.run(*conn, {set, kQueues, "dead"}, {score(now)});
      if (r.kind != RedisReply::Kind::Array || r.elements.empty()) break;
      if (r.elements[0].text == "queued") ++moved;  // else it was unreadable: kept in the dead set
    }
  }
  return moved;
}

std::optional<double> RedisBackend::next_due() {
  auto conn = pool_.take();
  auto replies = conn->pipeline({{"ZRANGE", "retry", "0", "0", "WITHSCORES"}, {"ZRANGE", "schedule", "0", "0", "WITHSCORES"}});
  std::optional<double> due;
  for (const auto& r : replies) {
    if (r.elements.size() == 2) {
      const double s = std::stod(r.elements[1].text);
      if (!due || s < *due) due = s;
    }
  }
  return due;
}

std::vector<SetEntry> RedisBackend::list(JobSet set) {
  auto conn = pool_.take();
  auto r = conn->command({"ZRANGE", key_of(set), "0", "-1", "WITHSCORES"});
  std::vector<SetEntry> out;
  for (std::size_t i = 0; i + 1 < r.elements.size(); i += 2)
    out.push_back(SetEntry{std::stod(r.elements[i + 1].text), parse_job(r.elements[i].text)});
  return out;
}

std::size_t RedisBackend::size(JobSet set) {
  auto conn = pool_.take();
  return static_cast<std::size_t>(conn->command({"ZCARD", key_of(set)}).integer);
}

bool RedisBackend::enqueue_now(JobSet set, const std::string& jid) {
  auto conn = pool_.take();
  auto members = conn->command({"ZRANGE", key_of(set), "0", "-1"});
  for (const auto& m : members.elements) {
    Payload job = parse_job(m.text);
    if (jid_of(job) != jid) continue;
    // ZREM decides: if another process took it first, it is not pushed twice.
    if (conn->command({"ZREM", key_of(set), m.text}).integer != 1) return false;
    const std::string queue = queue_of(job);
    conn->pipeline({{"SADD", kQueues, queue}, {"LPUSH", "queue:" + queue, push_command_json(job, jobs::now_seconds())}});
    return true;
  }
  return false;
}

bool RedisBackend::remove(JobSet set, const std::string& jid) {
  auto conn = pool_.take();
  auto members = conn->command({"ZRANGE", key_of(set), "0", "-1"});
  for (const auto& m : members.elements)
    if (jid_of(parse_job(m.text)) == jid) return conn->command({"ZREM", key_of(set), m.text}).integer == 1;
  return false;
}

void RedisBackend::clear(JobSet set) {
  auto conn = pool_.take();
  conn->command({"DEL", key_of(set)});
}

void RedisBackend::record(std::int64_t processed, std::int64_t failed, double now) {
  const std::string day = utc_day(now);
  const std::string ttl = std::to_string(kStatTtlSeconds);
  auto conn = pool_.take();
  conn->pipeline({{"INCRBY", "stat:processed", std::to_string(processed)},
                  {"INCRBY", "stat:processed:" + day, std::to_string(processed)},
                  {"EXPIRE", "stat:processed:" + day, ttl},
                  {"INCRBY", "stat:failed", std::to_string(failed)},
                  {"INCRBY", "stat:failed:" + day, std::to_string(failed)},
                  {"EXPIRE", "stat:failed:" + day, ttl}});
}

Stats RedisBackend::stats(double now) {
  auto conn = pool_.take();
  Stats s;
  const std::string day = utc_day(now);
  auto base = conn->pipeline({{"GET", "stat:processed"},
                              {"GET", "stat:failed"},
                              {"GET", "stat:processed:" + day},
                              {"GET", "stat:failed:" + day},
                              {"ZCARD", "schedule"},
                              {"ZCARD", "retry"},
                              {"ZCARD", "dead"},
                              {"SMEMBERS", kQueues}});
  auto num = [](const RedisReply& r) -> std::int64_t { return r.kind == RedisReply::Kind::String ? std::stoll(r.text) : 0; };
  s.processed = num(base[0]);
  s.failed = num(base[1]);
  s.by_day[day] = {num(base[2]), num(base[3])};
  s.scheduled = static_cast<std::size_t>(base[4].integer);
  s.retries = static_cast<std::size_t>(base[5].integer);
  s.dead = static_cast<std::size_t>(base[6].integer);
  for (const auto& q : base[7].elements) {
    auto qr = conn->pipeline({{"LLEN", "queue:" + q.text}, {"LINDEX", "queue:" + q.text, "-1"}, {"LLEN", inflight_key(q.text)}});
    QueueStats qs;
    qs.size = static_cast<std::size_t>(qr[0].integer);
    if (qr[1].kind == RedisReply::Kind::String) {
      Payload oldest = parse_job(qr[1].text);
      if (oldest.is_object())
        if (auto it = oldest.find("enqueued_at"); it != oldest.end())
          qs.latency = std::max(0.0, now - jobs::read_time(*it).value_or(now));
    }
    s.enqueued += qs.size;
    s.busy += static_cast<std::size_t>(qr[2].integer);
    s.queues.emplace(q.text, qs);
  }
  return s;
}

void RedisBackend::flush() {
  auto conn = pool_.take();
  auto queues = conn->command({"SMEMBERS", kQueues});
  std::vector<std::string> del = {"DEL", "schedule", "retry", "dead", kQueues, "stat:processed", "stat:failed"};
  for (const auto& q : queues.elements) del.push_back("queue:" + q.text);
  conn->command(del);
  std::string cursor = "0";
  do {
    auto r = conn->command({"SCAN", cursor, "MATCH", "stat:*", "COUNT", "500"});
    cursor = r.elements.at(0).text;
    std::vector<std::string> keys = {"DEL"};
    for (const auto& k : r.elements.at(1).elements) keys.push_back(k.text);
    if (keys.size() > 1) conn->command(keys);
  } while (cursor != "0");
}

std::size_t RedisBackend::recover_orphans() {
  auto conn = pool_.take();
  std::size_t moved = 0;
  std::string cursor = "0";
  const std::string prefix = kInflightPrefix;
  do {
    auto r = conn->command({"SCAN", cursor, "MATCH", prefix + "*", "COUNT", "500"});
    cursor = r.elements.at(0).text;
    for (const auto& k : r.elements.at(1).elements) {
      // taskmill:inflight:<hostname:pid:hex>:<queue>
      const std::string rest = k.text.substr(prefix.size());
      std::size_t cut = 0;
      for (int colons = 0; colons < 3 && cut != std::string::npos; ++colons) cut = rest.find(':', cut == 0 ? 0 : cut + 1);
      if (cut == std::string::npos) continue;
      const std::string identity = rest.substr(0, cut);
      const std::string queue = rest.substr(cut + 1);
      if (identity == identity_) continue;
      auto beat = conn->command({"HGET", identity, "beat"});
      if (beat.kind == RedisReply::Kind::String && std::stod(beat.text) > jobs::now_seconds() - kDeadAfterSeconds)
        continue;  // still heart-beating
      auto r = requeue_script_.run(*conn, {k.text, "queue:" + queue, kRecoveries, "dead"},
                                  {score(jobs::now_seconds()), std::to_string(kMaxRecoveries)});
      if (r.elements.size() == 2) moved += static_cast<std::size_t>(r.elements[0].integer);
    }
  } while (cursor != "0");
  return moved;
}

namespace {
// Resident set size in KB, as Sidekiq reports it (0 when unknown).
long rss_kb() {
  long pages = 0, resident = 0;
  if (std::FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
    std::fclose(f);
  }
  return resident * (::sysconf(_SC_PAGESIZE) / 1024);
}
}  // namespace

void RedisBackend::beat(const std::string& info_json, const ProcessState& state) {
  char beat_at[64];
  std::snprintf(beat_at, sizeof beat_at, "%.6f", jobs::now_seconds());
  auto conn = pool_.take();
  const auto ping_start = std::chrono::steady_clock::now();
  conn->command({"PING"});
  const auto rtt_us =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - ping_start).count();
  std::vector<std::vector<std::string>> commands = {
      {"SADD", "processes", identity_},
      {"HSET", identity_, "info", info_json, "busy", std::to_string(state.busy), "beat", beat_at, "quiet",
       state.quiet ? "true" : "false", "rss", std::to_string(rss_kb()), "rtt_us", std::to_string(rtt_us),
       "concurrency", std::to_string(state.concurrency)},
      {"EXPIRE", identity_, "60"}};
  for (const std::string& key : {identity_ + ":workers", identity_ + ":work"}) {
    commands.push_back({"DEL", key});
    if (state.running.empty()) continue;
    std::vector<std::string> hset = {"HSET", key};
    for (const auto& job : state.running) {
      hset.push_back(job.thread);
      hset.push_back(nlohmann::json{{"queue", job.queue}, {"payload", job.payload},
                                    {"run_at", static_cast<long long>(job.run_at)}}.dump());
    }
    commands.push_back(std::move(hset));
    commands.push_back({"EXPIRE", key, "60"});
  }
  conn->pipeline(commands);
}

std::vector<std::string> RedisBackend::take_signals() {
  auto conn = pool_.take();
  const std::string key = identity_ + "-signals";
  auto replies = conn->pipeline({{"MULTI"}, {"LRANGE", key, "0", "-1"}, {"DEL", key}, {"EXEC"}});
  std::vector<std::string> out;
  const RedisReply& exec = replies.back();
  if (exec.kind != RedisReply::Kind::Array || exec.elements.empty()) return out;
  // The UI LPUSHes: the oldest signal is at the right end.
  const auto& list = exec.elements[0].elements;
  for (auto it = list.rbegin(); it != list.rend(); ++it) out.push_back(it->text);
  return out;
}

std::vector<std::string> RedisBackend::maintain(const ProcessState& state) {
  char host[256] = {0};
  ::gethostname(host, sizeof host - 1);
  const nlohmann::json info = {{"hostname", host},
                               {"started_at", state.started_at},
                               {"pid", static_cast<long>(::getpid())},
                               {"tag", ""},
                               {"concurrency", state.concurrency},
                               {"queues", state.queues},
                               {"labels", nlohmann::json::array()},
                               {"identity", identity_}};
  beat(info.dump(), state);
  reconcile_own(state.queues);
  recover_orphans();
  return take_signals();
}

void RedisBackend::reconcile_own(const std::vector<std::string>& queues) {
  auto conn = pool_.take();
  std::vector<std::pair<std::string, std::string>> retry_acks;
  {
    std::lock_guard lock(held_mutex_);
    retry_acks.swap(unacked_);
  }
  if (!retry_acks.empty()) {
    std::vector<std::vector<std::string>> commands;
    for (const auto& [queue, token] : retry_acks) commands.push_back({"LREM", inflight_key(queue), "-1", token});
    conn->pipeline(commands);
  }
  std::set<std::pair<std::string, std::string>> unheld;
  for (const auto& queue : queues) {
    auto listed = conn->command({"LRANGE", inflight_key(queue), "0", "-1"});
    std::lock_guard lock(held_mutex_);
    std::multiset<std::string> held = held_[queue];
    for (const auto& entry : listed.elements) {
      if (auto it = held.find(entry.text); it != held.end()) {
        held.erase(it);
        continue;
      }
      unheld.emplace(queue, entry.text);
    }
  }
  // An entry unheld at two beats in a row is orphaned (a fetch registers what it takes within
  // microseconds of the move), so putting it back cannot run a job that a thread still holds.
  std::vector<std::vector<std::string>> commands = {{"MULTI"}};
  std::set<std::pair<std::string, std::string>> still_suspect;
  for (const auto& item : unheld) {
    if (suspects_.count(item)) {
      commands.push_back({"LREM", inflight_key(item.first), "-1", item.second});
      commands.push_back({"RPUSH", "queue:" + item.first, item.second});
    } else {
      still_suspect.insert(item);
    }
  }
  suspects_ = std::move(still_suspect);
  if (commands.size() > 1) {
    commands.push_back({"EXEC"});
    conn->pipeline(commands);
  }
}

void RedisBackend::leave() {
  auto conn = pool_.take();
  conn->pipeline({{"SREM", "processes", identity_},
                  {"DEL", identity_, identity_ + ":workers", identity_ + ":work", identity_ + "-signals"}});
}

}  // namespace taskmill::backends
