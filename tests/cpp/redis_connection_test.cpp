// The Redis connection layer against a real redis-server: URLs, commands, pipelines, AUTH,
// an unreachable server, and recovery after the server comes back.
#include <gtest/gtest.h>

#include "support/redis_server.hpp"
#include "taskmill/backends/redis/redis_connection.hpp"

using namespace taskmill;
using taskmill::testing::RedisServer;

TEST(RedisUrl, ParsesEveryPart) {
  auto u = RedisUrl::parse("redis://user:s3cret@example.org:6380/4");
  EXPECT_EQ(u.host, "example.org");
  EXPECT_EQ(u.port, 6380);
  EXPECT_EQ(u.db, 4);
  EXPECT_EQ(u.username, "user");
  EXPECT_EQ(u.password, "s3cret");
  EXPECT_EQ(u.display(), "redis://user:***@example.org:6380/4");
  auto d = RedisUrl::parse("redis://localhost");
  EXPECT_EQ(d.port, 6379);
  EXPECT_EQ(d.db, 0);
  auto p = RedisUrl::parse("redis://:pw@127.0.0.1:7000/0");
  EXPECT_EQ(p.username, "");
  EXPECT_EQ(p.password, "pw");
}

TEST(RedisUrl, RejectsBadUrlsWithoutLeakingThePassword) {
  EXPECT_THROW(RedisUrl::parse("http://localhost"), std::invalid_argument);
  EXPECT_THROW(RedisUrl::parse("rediss://localhost"), std::invalid_argument);
  try {
    RedisUrl::parse("redis://:topsecret@localhost:notaport/0");
    FAIL() << "expected invalid_argument";
  } catch (const std::invalid_argument& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("port"), std::string::npos) << msg;
    EXPECT_EQ(msg.find("topsecret"), std::string::npos) << msg;
  }
  EXPECT_THROW(RedisUrl::parse("redis://localhost:70000"), std::invalid_argument);
  EXPECT_THROW(RedisUrl::parse("redis://localhost/x"), std::invalid_argument);
}

TEST(RedisConnection, CommandsAndPipelines) {
  RedisServer server;
  RedisConnection conn(RedisUrl::parse(server.url() + "/2"));
  EXPECT_EQ(conn.command({"PING"}).text, "PONG");
  conn.command({"SET", "k", std::string("bin\0ary", 7)});
  EXPECT_EQ(conn.command({"GET", "k"}).text, std::string("bin\0ary", 7));
  auto replies = conn.pipeline({{"LPUSH", "q", "a"}, {"LPUSH", "q", "b"}, {"LRANGE", "q", "0", "-1"}, {"INCR", "k"}});
  ASSERT_EQ(replies.size(), 4u);
  EXPECT_EQ(replies[1].integer, 2);
  ASSERT_EQ(replies[2].elements.size(), 2u);
  EXPECT_EQ(replies[2].elements[0].text, "b");
  EXPECT_TRUE(replies[3].is_error());  // INCR of a non-number: returned, not thrown
  EXPECT_THROW(conn.command({"INCR", "k"}), RedisCommandError);
  // SELECT 2 took effect: db 0 does not see the key.
  RedisConnection db0(RedisUrl::parse(server.url()));
  EXPECT_TRUE(db0.command({"GET", "k"}).is_nil());
}

TEST(RedisConnection, WrongPasswordIsAClearError) {
  RedisServer server({"--requirepass", "right"});
  RedisConnection wrong(RedisUrl::parse("redis://:wrong@127.0.0.1:" + std::to_string(server.port())));
  try {
    wrong.connect();
    FAIL() << "expected RedisSetupError";
  } catch (const RedisSetupError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("refused the connection setup"), std::string::npos) << msg;
    EXPECT_EQ(msg.find("wrong@"), std::string::npos) << msg;
  }
  // No password where one is needed: refused at connect (NOAUTH), not at the first real command.
  RedisConnection none(RedisUrl::parse(server.url()));
  try {
    none.connect();
    FAIL() << "expected RedisSetupError";
  } catch (const RedisSetupError& e) {
    EXPECT_NE(std::string(e.what()).find("NOAUTH"), std::string::npos) << e.what();
  }
  RedisConnection right(RedisUrl::parse("redis://:right@127.0.0.1:" + std::to_string(server.port())));
  EXPECT_EQ(right.command({"PING"}).text, "PONG");
}

TEST(RedisConnection, DownAtStartThenRecovers) {
  const int port = taskmill::testing::free_loopback_port();
  RedisTimeouts fast;
  fast.connect = std::chrono::milliseconds(200);
  fast.backoff_min = std::chrono::milliseconds(10);
  fast.backoff_max = std::chrono::milliseconds(50);
  RedisConnection conn(RedisUrl::parse("redis://127.0.0.1:" + std::to_string(port)), fast);
  try {
    conn.command({"PING"});
    FAIL() << "expected RedisUnavailable";
  } catch (const RedisUnavailable& e) {
    EXPECT_NE(std::string(e.what()).find(std::to_string(port)), std::string::npos);
  }
  RedisServer server({}, port);
  EXPECT_EQ(conn.command({"PING"}).text, "PONG");
}

TEST(RedisConnection, ServerLostMidUseThenBack) {
  RedisServer server;
  RedisTimeouts fast;
  fast.backoff_min = std::chrono::milliseconds(10);
  fast.backoff_max = std::chrono::milliseconds(50);
  RedisConnection conn(RedisUrl::parse(server.url()), fast);
  EXPECT_EQ(conn.command({"PING"}).text, "PONG");
  server.stop();
  EXPECT_THROW(conn.command({"PING"}), RedisUnavailable);
  EXPECT_FALSE(conn.connected());
  server.start();
  EXPECT_EQ(conn.command({"PING"}).text, "PONG");
}
