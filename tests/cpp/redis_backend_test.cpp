// The Redis backend in Sidekiq's layout, against a real redis-server: queues, crash-safe fetch,
// ack, requeue, recovery of a dead process's jobs, sets, the poller, counters.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include "support/redis_server.hpp"
#include "taskmill/backends/redis/redis_connection.hpp"
#include "taskmill/backends/redis_backend.hpp"

using namespace taskmill;
using namespace taskmill::backends;
using taskmill::testing::RedisServer;

namespace {

Payload job(const std::string& jid, const std::string& queue = "default") {
  return Payload{{"class", "taskmill.Noop"}, {"args", Payload::array()}, {"jid", jid}, {"queue", queue},
                 {"retry", true}, {"created_at", 1700000000.5}};
}

std::vector<std::string> one(const std::string& q) { return {q}; }

}  // namespace

TEST(RedisBackend, PushWritesSidekiqLayout) {
  RedisServer server;
  RedisBackend backend(server.url());
  backend.push(job("a1", "critical"));
  RedisConnection raw(RedisUrl::parse(server.url()));
  EXPECT_EQ(raw.command({"SISMEMBER", "queues", "critical"}).integer, 1);
  auto stored = nlohmann::json::parse(raw.command({"LINDEX", "queue:critical", "0"}).text);
  EXPECT_EQ(stored["jid"], "a1");
  EXPECT_TRUE(stored["enqueued_at"].is_number_float());
}

TEST(RedisBackend, FetchIsOldestFirstAndCrashSafe) {
  RedisServer server;
  RedisBackend backend(server.url());
  backend.push_bulk({job("j1"), job("j2"), job("j3")});
  auto leases = backend.fetch(one("default"), 2, std::chrono::milliseconds(0));
  ASSERT_EQ(leases.size(), 2u);
  EXPECT_EQ(leases[0].job.to_payload()["jid"], "j1");
  EXPECT_EQ(leases[1].job.to_payload()["jid"], "j2");
  RedisConnection raw(RedisUrl::parse(server.url()));
  // Leased jobs sit in the private list until acked; the queue keeps the rest.
  EXPECT_EQ(raw.command({"LLEN", backend.inflight_key("default")}).integer, 2);
  EXPECT_EQ(raw.command({"LLEN", "queue:default"}).integer, 1);
  EXPECT_EQ(backend.pending(one("default")), 3u);
  backend.ack(std::span<const Lease>(leases.data(), 1));
  EXPECT_EQ(raw.command({"LLEN", backend.inflight_key("default")}).integer, 1);
  backend.requeue(std::vector<Lease>{leases[1]});
  EXPECT_EQ(raw.command({"LLEN", backend.inflight_key("default")}).integer, 0);
  auto again = backend.fetch(one("default"), 5, std::chrono::milliseconds(0));
  ASSERT_EQ(again.size(), 2u);
  EXPECT_EQ(again[0].job.to_payload()["jid"], "j2");  // requeued at the head
  EXPECT_EQ(again[1].job.to_payload()["jid"], "j3");
}

// One script moves a fair share of the first non-empty queue: at most max, ceil(waiting / takers).
TEST(RedisBackend, FetchTakesAFairShareOfTheFirstNonEmptyQueue) {
  RedisServer server;
  RedisBackend backend(server.url());
  std::vector<Payload> batch;
  for (int i = 0; i < 10; ++i) batch.push_back(job(std::to_string(100 + i), "bulk"));
  backend.push_bulk(std::move(batch));
  const std::vector<std::string> queues = {"empty", "bulk"};
  std::vector<Lease> out;
  backend.fetch(queues, 32, 4, std::chrono::milliseconds(0), out);
  ASSERT_EQ(out.size(), 3u);  // ceil(10 / 4)
  EXPECT_EQ(out[0].queue, "bulk");
  EXPECT_EQ(out[0].job.to_payload()["jid"], "100");
  EXPECT_EQ(out[2].job.to_payload()["jid"], "102");
  backend.fetch(queues, 2, 1, std::chrono::milliseconds(0), out);
  ASSERT_EQ(out.size(), 5u);  // capped by max
  EXPECT_EQ(out[4].job.to_payload()["jid"], "104");
  RedisConnection raw(RedisUrl::parse(server.url()));
  EXPECT_EQ(raw.command({"LLEN", backend.inflight_key("bulk")}).integer, 5);
  EXPECT_EQ(raw.command({"LLEN", "queue:bulk"}).integer, 5);
  backend.ack(out);
  EXPECT_EQ(raw.command({"LLEN", backend.inflight_key("bulk")}).integer, 0);
}

TEST(RedisBackend, StrictQueueOrderAndBlockingWait) {
  RedisServer server;
  RedisBackend backend(server.url());
  backend.push(job("low", "low"));
  backend.push(job("high", "high"));
  std::vector<std::string> queues = {"high", "low"};
  EXPECT_EQ(backend.fetch(queues, 1, std::chrono::milliseconds(0)).at(0).job.to_payload()["jid"], "high");
  EXPECT_EQ(backend.fetch(queues, 1, std::chrono::milliseconds(0)).at(0).job.to_payload()["jid"], "low");
  EXPECT_TRUE(backend.fetch(queues, 1, std::chrono::milliseconds(100)).empty());
  std::thread producer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    RedisBackend other(server.url());
    other.push(job("late"));
  });
  auto got = backend.fetch(one("default"), 1, std::chrono::milliseconds(3000));
  producer.join();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].job.to_payload()["jid"], "late");
}

TEST(RedisBackend, RecoversTheJobsOfAProcessThatStoppedBeating) {
  RedisServer server;
  RedisTimeouts t;
  {
    RedisBackend crashed(server.url());
    crashed.push_bulk({job("x1"), job("x2")});
    ProcessState beating;
    beating.busy = 2;
    crashed.beat("{}", beating);
    ASSERT_EQ(crashed.fetch(one("default"), 2, std::chrono::milliseconds(0)).size(), 2u);
    RedisConnection raw(RedisUrl::parse(server.url()));
    RedisBackend survivor(server.url());
    EXPECT_EQ(survivor.recover_orphans(), 0u);  // still heart-beating: left alone
    raw.command({"DEL", crashed.identity()});    // its heartbeat expired
    EXPECT_EQ(survivor.recover_orphans(), 2u);
    auto back = survivor.fetch(one("default"), 5, std::chrono::milliseconds(0));
    ASSERT_EQ(back.size(), 2u);
    EXPECT_EQ(back[0].job.to_payload()["jid"], "x1");
    EXPECT_EQ(back[1].job.to_payload()["jid"], "x2");
  }
}

TEST(RedisBackend, MalformedJobIsLeasedForTheDeadSet) {
  RedisServer server;
  RedisBackend backend(server.url());
  RedisConnection raw(RedisUrl::parse(server.url()));
  raw.command({"LPUSH", "queue:default", "{not json"});
  auto leases = backend.fetch(one("default"), 1, std::chrono::milliseconds(0));
  ASSERT_EQ(leases.size(), 1u);
  EXPECT_TRUE(leases[0].job.to_payload().is_string());
  backend.ack(leases);
  EXPECT_EQ(raw.command({"LLEN", backend.inflight_key("default")}).integer, 0);
}

TEST(RedisBackend, SetsPollerAndDeadTrimming) {
  RedisServer server;
  RedisBackend backend(server.url());
  const double now = jobs::now_seconds();
  backend.schedule(now - 1, job("due"));
  backend.schedule(now + 3600, job("later"));
  backend.add_retry(now - 2, job("retry-due"));
  EXPECT_EQ(backend.size(JobSet::Scheduled), 2u);
  ASSERT_TRUE(backend.next_due().has_value());
  EXPECT_NEAR(*backend.next_due(), now - 2, 0.01);
  EXPECT_EQ(backend.enqueue_due(now), 2u);
  auto leases = backend.fetch(one("default"), 5, std::chrono::milliseconds(0));
  ASSERT_EQ(leases.size(), 2u);
  EXPECT_EQ(leases[0].job.to_payload()["jid"], "retry-due");  // retry set first, as Sidekiq's poller
  EXPECT_TRUE(leases[0].job.to_payload()["enqueued_at"].is_number_float());

  DeadLimits limits{3, 100.0};
  for (int i = 0; i < 5; ++i) backend.add_dead(now + i, job("d" + std::to_string(i)), limits);
  auto dead = backend.list(JobSet::Dead);
  ASSERT_EQ(dead.size(), 3u);
  EXPECT_EQ(dead[0].payload["jid"], "d2");  // the oldest were trimmed
  backend.add_dead(now + 500, job("new"), limits);  // the rest are now too old
  EXPECT_EQ(backend.size(JobSet::Dead), 1u);

  EXPECT_TRUE(backend.enqueue_now(JobSet::Scheduled, "later"));
  EXPECT_FALSE(backend.enqueue_now(JobSet::Scheduled, "later"));
  EXPECT_TRUE(backend.remove(JobSet::Dead, "new"));
  EXPECT_EQ(backend.size(JobSet::Dead), 0u);
}

TEST(RedisBackend, CountersAndStats) {
  RedisServer server;
  RedisBackend backend(server.url());
  const double now = jobs::now_seconds();
  backend.record(3, 1, now);
  backend.push_bulk({job("s1"), job("s2", "mail")});
  auto s = backend.stats(now + 2);
  EXPECT_EQ(s.processed, 3);
  EXPECT_EQ(s.failed, 1);
  EXPECT_EQ(s.enqueued, 2u);
  ASSERT_EQ(s.queues.count("mail"), 1u);
  EXPECT_GE(s.queues["mail"].latency, 1.5);
  RedisConnection raw(RedisUrl::parse(server.url()));
  EXPECT_EQ(raw.command({"GET", "stat:processed"}).text, "3");
  EXPECT_GT(raw.command({"TTL", "stat:failed:" + s.by_day.begin()->first}).integer, 0);
  backend.flush();
  EXPECT_EQ(backend.stats(now).processed, 0);
  EXPECT_EQ(raw.command({"EXISTS", "queue:mail"}).integer, 0);
}

TEST(RedisBackend, WrongUrlOrDownServerIsAClearError) {
  const int port = taskmill::testing::free_loopback_port();
  try {
    RedisBackend backend("redis://127.0.0.1:" + std::to_string(port) + "/0");
    FAIL() << "expected RedisUnavailable";
  } catch (const RedisUnavailable& e) {
    EXPECT_NE(std::string(e.what()).find(std::to_string(port)), std::string::npos);
  }
  EXPECT_THROW(RedisBackend("redis://localhost:notaport"), std::invalid_argument);
}

TEST(RedisBackend, HeartbeatInSidekiqsProcessLayoutAndRecoveryOfAStaleProcess) {
  RedisServer server;
  RedisBackend crashed(server.url());
  RedisBackend survivor(server.url());
  ProcessState state;
  state.concurrency = 4;
  state.queues = {"default"};
  state.busy = 2;
  state.started_at = jobs::now_seconds();
  crashed.maintain(state);
  RedisConnection raw(RedisUrl::parse(server.url()));
  EXPECT_EQ(raw.command({"SISMEMBER", "processes", crashed.identity()}).integer, 1);
  auto info = nlohmann::json::parse(raw.command({"HGET", crashed.identity(), "info"}).text);
  EXPECT_EQ(info["concurrency"], 4);
  EXPECT_EQ(info["identity"], crashed.identity());
  EXPECT_EQ(raw.command({"HGET", crashed.identity(), "busy"}).text, "2");
  EXPECT_EQ(raw.command({"HGET", crashed.identity(), "quiet"}).text, "false");
  EXPECT_EQ(raw.command({"HGET", crashed.identity(), "concurrency"}).text, "4");  // Sidekiq 7's UI reads it here
  const double beat = std::stod(raw.command({"HGET", crashed.identity(), "beat"}).text);
  EXPECT_NEAR(beat, jobs::now_seconds(), 5.0);
  EXPECT_GT(std::stol(raw.command({"HGET", crashed.identity(), "rss"}).text), 0);
  EXPECT_GE(std::stol(raw.command({"HGET", crashed.identity(), "rtt_us"}).text), 0);
  EXPECT_GT(raw.command({"TTL", crashed.identity()}).integer, 0);

  crashed.push_bulk({job("r1"), job("r2")});
  ASSERT_EQ(crashed.fetch(one("default"), 2, std::chrono::milliseconds(0)).size(), 2u);
  survivor.maintain(state);  // the crashed process beat just now: its jobs stay
  EXPECT_EQ(raw.command({"LLEN", "queue:default"}).integer, 0);
  // Its last beat is now older than the limit, as after a crash.
  raw.command({"HSET", crashed.identity(), "beat", std::to_string(jobs::now_seconds() - 31)});
  survivor.maintain(state);
  EXPECT_EQ(raw.command({"LLEN", "queue:default"}).integer, 2);

  survivor.leave();
  EXPECT_EQ(raw.command({"SISMEMBER", "processes", survivor.identity()}).integer, 0);
  EXPECT_EQ(raw.command({"EXISTS", survivor.identity()}).integer, 0);
}

TEST(RedisBackend, AJobWhoseFetchReplyWasLostIsPutBackByTheNextBeats) {
  RedisServer server;
  RedisBackend backend(server.url());
  backend.push_bulk({job("held"), job("lost")});
  auto leases = backend.fetch(one("default"), 1, std::chrono::milliseconds(0));
  ASSERT_EQ(leases.size(), 1u);
  // The second job moved into this process's list, but the reply never arrived (connection lost).
  RedisConnection raw(RedisUrl::parse(server.url()));
  ASSERT_FALSE(raw.command({"RPOPLPUSH", "queue:default", backend.inflight_key("default")}).is_nil());
  ProcessState state;
  state.queues = {"default"};
  backend.maintain(state);  // first sighting: only suspected
  EXPECT_EQ(raw.command({"LLEN", "queue:default"}).integer, 0);
  backend.maintain(state);  // still unheld: put back; the held one stays
  EXPECT_EQ(raw.command({"LLEN", "queue:default"}).integer, 1);
  EXPECT_EQ(raw.command({"LLEN", backend.inflight_key("default")}).integer, 1);
  auto again = backend.fetch(one("default"), 1, std::chrono::milliseconds(0));
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].job.to_payload()["jid"], "lost");
  backend.ack(leases);
  backend.ack(again);
  EXPECT_EQ(raw.command({"LLEN", backend.inflight_key("default")}).integer, 0);
}

// A worker process forked from one that used Redis (taskmill worker --processes) must not share
// the parent's sockets (their replies would cross) nor its identity (its in-flight lists).
TEST(RedisBackend, AForkedChildOpensItsOwnConnectionsAndIdentity) {
  RedisServer server;
  RedisPool pool(RedisUrl::parse(server.url()), {});
  auto client_id = [&] { return pool.take()->command({"CLIENT", "ID"}).integer; };
  const auto parent_client = client_id();
  auto parent = open_backend(server.url());
  parent->push(job("before-fork"));
  const pid_t pid = ::fork();
  if (pid == 0) {
    int code = 0;
    auto child = open_backend(server.url());
    if (client_id() == parent_client) code = 1;
    if (child == parent ||
        static_cast<RedisBackend&>(*child).identity() == static_cast<RedisBackend&>(*parent).identity())
      code = 2;
    if (child->fetch(one("default"), 5, std::chrono::milliseconds(0)).size() != 1) code = 3;
    ::_exit(code);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "1: shared a connection, 2: shared the backend, 3: could not fetch";
  EXPECT_EQ(client_id(), parent_client);  // the parent's connection is untouched
  EXPECT_EQ(open_backend(server.url()), parent);
}

TEST(RedisBackend, KeepsBatchesSmall) {
  // A process killed mid-batch leaves its leased jobs to recovery, which runs them again.
  RedisServer server;
  RedisBackend backend(server.url());
  EXPECT_EQ(backend.default_batch(), 32u);
}
