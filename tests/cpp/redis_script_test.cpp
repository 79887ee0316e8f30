// Lua scripts of the Redis layout: atomic pop of due members, requeue of in-flight lists, and
// reloading a script the server forgot.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "support/redis_server.hpp"
#include "taskmill/backends/redis/redis_script.hpp"

using namespace taskmill;
using taskmill::testing::RedisServer;

TEST(RedisScript, PopDueTakesOnlyDueMembersLowestFirst) {
  RedisServer server;
  RedisConnection conn(RedisUrl::parse(server.url()));
  conn.command({"ZADD", "schedule", "100", "late", "10", "early", "50", "middle"});
  RedisScript pop(redis_scripts::pop_due());
  EXPECT_EQ(pop.run(conn, {"schedule"}, {"60.5"}).text, "early");
  EXPECT_EQ(pop.run(conn, {"schedule"}, {"60.5"}).text, "middle");
  EXPECT_TRUE(pop.run(conn, {"schedule"}, {"60.5"}).is_nil());
  EXPECT_EQ(conn.command({"ZCARD", "schedule"}).integer, 1);
}

TEST(RedisScript, SeveralPollersNeverTakeAMemberTwice) {
  RedisServer server;
  {
    RedisConnection setup(RedisUrl::parse(server.url()));
    std::vector<std::string> zadd = {"ZADD", "retry"};
    for (int i = 0; i < 500; ++i) {
      zadd.push_back(std::to_string(i));
      zadd.push_back("job-" + std::to_string(i));
    }
    setup.command(zadd);
  }
  std::mutex mutex;
  std::multiset<std::string> taken;
  std::vector<std::thread> pollers;
  for (int p = 0; p < 4; ++p) {
    pollers.emplace_back([&] {
      RedisConnection conn(RedisUrl::parse(server.url()));
      RedisScript pop(redis_scripts::pop_due());
      for (;;) {
        auto r = pop.run(conn, {"retry"}, {"1000"});
        if (r.is_nil()) return;
        std::lock_guard lock(mutex);
        taken.insert(r.text);
      }
    });
  }
  for (auto& t : pollers) t.join();
  EXPECT_EQ(taken.size(), 500u);
  std::set<std::string> unique(taken.begin(), taken.end());
  EXPECT_EQ(unique.size(), 500u);
}

TEST(RedisScript, RequeueAllMovesInFlightJobsBackInOrder) {
  RedisServer server;
  RedisConnection conn(RedisUrl::parse(server.url()));
  conn.command({"LPUSH", "queue:default", "a", "b", "c"});  // enqueued a, b, c: a sits at the right end
  // Fetch two the crash-safe way: from the queue's right end into a private list.
  EXPECT_EQ(conn.command({"RPOPLPUSH", "queue:default", "taskmill:inflight:p1"}).text, "a");
  EXPECT_EQ(conn.command({"RPOPLPUSH", "queue:default", "taskmill:inflight:p1"}).text, "b");
  RedisScript requeue(redis_scripts::requeue_all());
  auto moved = requeue.run(conn, {"taskmill:inflight:p1", "queue:default", "recoveries", "dead"}, {"100.5", "3"});
  ASSERT_EQ(moved.elements.size(), 2u);
  EXPECT_EQ(moved.elements[0].integer, 2);
  EXPECT_EQ(moved.elements[1].integer, 0);
  // Taken again in the original order.
  EXPECT_EQ(conn.command({"RPOP", "queue:default"}).text, "a");
  EXPECT_EQ(conn.command({"RPOP", "queue:default"}).text, "b");
  EXPECT_EQ(conn.command({"RPOP", "queue:default"}).text, "c");
  EXPECT_EQ(conn.command({"EXISTS", "taskmill:inflight:p1"}).integer, 0);
}

TEST(RedisScript, AJobThatKeepsKillingItsWorkersGoesToTheDeadSet) {
  RedisServer server;
  RedisConnection conn(RedisUrl::parse(server.url()));
  RedisScript requeue(redis_scripts::requeue_all());
  const std::string job = R"({"class":"Crash","args":[],"jid":"abc","queue":"default","created_at":1.5})";
  conn.command({"LPUSH", "queue:default", job});
  for (int round = 1; round <= 4; ++round) {
    ASSERT_EQ(conn.command({"RPOPLPUSH", "queue:default", "inflight"}).text.empty(), false) << round;
    auto r = requeue.run(conn, {"inflight", "queue:default", "recoveries", "dead"}, {"200.25", "3"});
    EXPECT_EQ(r.elements[0].integer, round <= 3 ? 1 : 0) << round;
    EXPECT_EQ(r.elements[1].integer, round <= 3 ? 0 : 1) << round;
  }
  EXPECT_EQ(conn.command({"LLEN", "queue:default"}).integer, 0);
  auto dead = nlohmann::json::parse(conn.command({"ZRANGE", "dead", "0", "0"}).elements.at(0).text);
  EXPECT_EQ(dead["jid"], "abc");
  EXPECT_EQ(dead["error_class"], "taskmill::ProcessLost");
  EXPECT_EQ(conn.command({"HEXISTS", "recoveries", "abc"}).integer, 0);
}

TEST(RedisScript, ReloadsAfterTheServerForgetsScripts) {
  RedisServer server;
  RedisConnection conn(RedisUrl::parse(server.url()));
  RedisScript pop(redis_scripts::pop_due());
  conn.command({"ZADD", "schedule", "1", "x", "2", "y"});
  EXPECT_EQ(pop.run(conn, {"schedule"}, {"5"}).text, "x");
  conn.command({"SCRIPT", "FLUSH"});
  EXPECT_EQ(pop.run(conn, {"schedule"}, {"5"}).text, "y");
}
