// Lua scripts of the Redis layout: atomic move of due members to their queues, requeue of in-flight lists, and
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

namespace {
std::string job_json(const std::string& jid, const std::string& queue = "default") {
  return nlohmann::json{{"class", "T"}, {"args", nlohmann::json::array()}, {"jid", jid}, {"queue", queue},
                        {"created_at", 1.5}}.dump();
}
nlohmann::json parse(const RedisReply& r) { return nlohmann::json::parse(r.text); }
}  // namespace

TEST(RedisScript, MoveDueTakesOnlyDueMembersLowestFirstIntoTheirQueues) {
  RedisServer server;
  RedisConnection conn(RedisUrl::parse(server.url()));
  conn.command({"ZADD", "schedule", "100", job_json("late"), "10", job_json("early", "mail"), "50", job_json("middle")});
  RedisScript move(redis_scripts::move_due());
  auto r = move.run(conn, {"schedule", "queues", "dead"}, {"60.5"});
  ASSERT_EQ(r.elements.size(), 2u);
  EXPECT_EQ(r.elements[0].text, "queued");
  EXPECT_EQ(r.elements[1].text, "mail");
  EXPECT_EQ(move.run(conn, {"schedule", "queues", "dead"}, {"60.5"}).elements.at(1).text, "default");
  EXPECT_TRUE(move.run(conn, {"schedule", "queues", "dead"}, {"60.5"}).is_nil());
  EXPECT_EQ(conn.command({"ZCARD", "schedule"}).integer, 1);
  EXPECT_EQ(conn.command({"SISMEMBER", "queues", "mail"}).integer, 1);
  auto early = parse(conn.command({"RPOP", "queue:mail"}));
  EXPECT_EQ(early["jid"], "early");
  EXPECT_DOUBLE_EQ(early["enqueued_at"].get<double>(), 60.5);  // added: scheduled jobs have none
  EXPECT_EQ(parse(conn.command({"RPOP", "queue:default"}))["jid"], "middle");
}

TEST(RedisScript, MoveDueRewritesOnlyEnqueuedAtAndKeepsEveryOtherByte) {
  RedisServer server;
  RedisConnection conn(RedisUrl::parse(server.url()));
  // A retried job: an old enqueued_at, an empty args array, a float cjson would round, and a
  // string holding the field's name (escaped quotes are not a key).
  const std::string job =
      R"({"args":[],"class":"T","created_at":1733300000.1234567,"enqueued_at":5.25,)"
      R"("error_message":"bad \"enqueued_at\": 1","jid":"r1","queue":"default"})";
  conn.command({"ZADD", "retry", "1", job});
  RedisScript move(redis_scripts::move_due());
  move.run(conn, {"retry", "queues", "dead"}, {"99.000001"});
  std::string expected = job;
  expected.replace(expected.find("5.25"), 4, "99.000001");
  EXPECT_EQ(conn.command({"RPOP", "queue:default"}).text, expected);

  // The name nested in args as well as at the top: ambiguous, so the job moves untouched.
  const std::string nested = R"({"args":[{"enqueued_at":1}],"class":"T","enqueued_at":2.5,"jid":"n"})";
  conn.command({"ZADD", "retry", "1", nested});
  move.run(conn, {"retry", "queues", "dead"}, {"99.5"});
  EXPECT_EQ(conn.command({"RPOP", "queue:default"}).text, nested);
}

TEST(RedisScript, MoveDueSendsAnUnreadableMemberToTheDeadSet) {
  RedisServer server;
  RedisConnection conn(RedisUrl::parse(server.url()));
  conn.command({"ZADD", "schedule", "1", "not json", "2", "[1,2]"});
  RedisScript move(redis_scripts::move_due());
  EXPECT_EQ(move.run(conn, {"schedule", "queues", "dead"}, {"5"}).elements.at(0).text, "dead");
  EXPECT_EQ(move.run(conn, {"schedule", "queues", "dead"}, {"5"}).elements.at(0).text, "dead");
  EXPECT_EQ(conn.command({"ZCARD", "dead"}).integer, 2);
  EXPECT_EQ(conn.command({"EXISTS", "queues"}).integer, 0);
}

TEST(RedisScript, SeveralPollersNeverMoveAMemberTwice) {
  RedisServer server;
  {
    RedisConnection setup(RedisUrl::parse(server.url()));
    std::vector<std::string> zadd = {"ZADD", "retry"};
    for (int i = 0; i < 500; ++i) {
      zadd.push_back(std::to_string(i));
      zadd.push_back(job_json("job-" + std::to_string(i)));
    }
    setup.command(zadd);
  }
  std::vector<std::thread> pollers;
  for (int p = 0; p < 4; ++p) {
    pollers.emplace_back([&] {
      RedisConnection conn(RedisUrl::parse(server.url()));
      RedisScript move(redis_scripts::move_due());
      while (!move.run(conn, {"retry", "queues", "dead"}, {"1000"}).is_nil()) {
      }
    });
  }
  for (auto& t : pollers) t.join();
  RedisConnection conn(RedisUrl::parse(server.url()));
  std::set<std::string> jids;
  for (const auto& item : conn.command({"LRANGE", "queue:default", "0", "-1"}).elements)
    jids.insert(parse(item)["jid"].get<std::string>());
  EXPECT_EQ(conn.command({"LLEN", "queue:default"}).integer, 500);
  EXPECT_EQ(jids.size(), 500u);
  EXPECT_EQ(conn.command({"ZCARD", "retry"}).integer, 0);
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
  const std::string job = R"({"class":"Crash","args":[],"jid":"abc","queue":"default","created_at":1733300000.1234567})";
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
  EXPECT_EQ(dead["error_message"], "the process running this job died 4 times");
  EXPECT_DOUBLE_EQ(dead["failed_at"].get<double>(), 200.25);
  EXPECT_TRUE(dead["args"].is_array());  // not rewritten as {} (what cjson.encode would write)
  EXPECT_NE(conn.command({"ZRANGE", "dead", "0", "0"}).elements.at(0).text.find("1733300000.1234567"), std::string::npos);
  EXPECT_EQ(conn.command({"HEXISTS", "recoveries", "abc"}).integer, 0);
}

TEST(RedisScript, ReloadsAfterTheServerForgetsScripts) {
  RedisServer server;
  RedisConnection conn(RedisUrl::parse(server.url()));
  RedisScript move(redis_scripts::move_due());
  conn.command({"ZADD", "schedule", "1", job_json("x", "a"), "2", job_json("y", "b")});
  EXPECT_EQ(move.run(conn, {"schedule", "queues", "dead"}, {"5"}).elements.at(1).text, "a");
  conn.command({"SCRIPT", "FLUSH"});
  EXPECT_EQ(move.run(conn, {"schedule", "queues", "dead"}, {"5"}).elements.at(1).text, "b");
}
