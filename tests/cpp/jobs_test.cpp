// The jobs layer from C++: payloads, the JSON check, the retry policy, the client and the
// memory backend's queues and sets.
#include <gtest/gtest.h>

#include <limits>
#include <regex>

#include "taskmill/backends/memory_backend.hpp"
#include "taskmill/core/define_task.hpp"
#include "taskmill/core/executor.hpp"
#include "taskmill/core/halt.hpp"
#include "taskmill/core/middlewares.hpp"
#include "taskmill/jobs/client.hpp"
#include "taskmill/jobs/retry_policy.hpp"
#include "taskmill/runtime/processor.hpp"

using namespace taskmill;
using namespace taskmill::jobs;
using backends::JobSet;
using backends::Lease;
using backends::MemoryBackend;

namespace {

struct Charge : Task {
  void work() override {}
};

const TaskSpec& charge() {
  static TaskSpecPtr spec = [] {
    TaskOptions o;
    o.queue = "billing";
    o.retry = Value(3);
    return define_task<Charge>("jobs_test.Charge",
                               {Attribute::required_attr("id", Type::integer()),
                                Attribute::optional_attr("note", Type::str(), Value("")),
                                Attribute::optional_attr("extra", Type::any(), Value())},
                               o);
  }();
  return *spec;
}

std::vector<std::string> names(std::initializer_list<const char*> n) { return {n.begin(), n.end()}; }

}  // namespace

TEST(Payload, BuildsTheWireFormat) {
  const auto args = positional_args(charge(), {Value(7)}, {{"extra", Value("x")}});
  Payload p = build_payload(charge(), args, {}, 1700000000.25);
  EXPECT_TRUE(std::regex_match(p["jid"].get<std::string>(), std::regex("[0-9a-f]{24}")));
  EXPECT_EQ(p["class"], "jobs_test.Charge");
  EXPECT_EQ(p["args"], nlohmann::json::parse(R"([7, null, "x"])"));
  EXPECT_EQ(p["queue"], "billing");
  EXPECT_EQ(p["retry"], 3);
  EXPECT_TRUE(p["created_at"].is_number_float());
  EXPECT_FALSE(p.contains("enqueued_at"));
}

TEST(Payload, JsonCheckNamesTaskArgumentPathAndType) {
  Value::Dict inner{{"when", Value(Value::List{Value(1), Value(Date{2024, 1, 2})})}};
  try {
    check_json_args(charge(), {Value(1), Value("n"), Value(inner)});
    FAIL() << "expected ArgumentError";
  } catch (const ArgumentError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("jobs_test.Charge"), std::string::npos) << m;
    EXPECT_NE(m.find("'extra'"), std::string::npos) << m;
    EXPECT_NE(m.find(R"(args[2]["when"][1])"), std::string::npos) << m;
    EXPECT_NE(m.find("date"), std::string::npos) << m;
  }
}

// JSON has no NaN or Infinity (the encoder would write null), and an int is 64-bit.
TEST(Payload, JsonCheckRefusesNonFiniteFloats) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  const auto message = [](const std::vector<Value>& args) -> std::string {
    try {
      check_json_args(charge(), args);
    } catch (const ArgumentError& e) {
      return e.what();
    }
    return "(accepted)";
  };
  EXPECT_NE(message({Value(nan)}).find("args[0] is the float nan"), std::string::npos) << message({Value(nan)});
  const std::vector<Value> nested{Value(1), Value("n"), Value(Value::List{Value(1.5), Value(-inf)})};
  EXPECT_NE(message(nested).find("'extra'"), std::string::npos) << message(nested);
  EXPECT_NE(message(nested).find("args[2][1] is the float -inf"), std::string::npos) << message(nested);
  EXPECT_EQ(message({Value(1), Value("n"), Value(1e308)}), "(accepted)");
}

TEST(Payload, PayloadFromAValueNamesWhatJsonCannotCarry) {
  const Value ok(Value::Dict{{"class", Value("X")}, {"args", Value(Value::List{Value(1)})}});
  EXPECT_EQ(payload_from(ok)["args"][0], 1);
  const Value bad(Value::Dict{{"class", Value("X")},
                              {"args", Value(Value::List{Value(std::numeric_limits<double>::infinity())})}});
  try {
    payload_from(bad);
    FAIL() << "expected ArgumentError";
  } catch (const ArgumentError& e) {
    EXPECT_NE(std::string(e.what()).find(R"(payload["args"][0] is the float inf)"), std::string::npos) << e.what();
  }
  EXPECT_THROW(payload_from(Value(Value::List{})), ArgumentError);
}

TEST(Payload, ReadsSecondsAndMilliseconds) {
  EXPECT_DOUBLE_EQ(*read_time(nlohmann::json(1700000000.5)), 1700000000.5);
  EXPECT_DOUBLE_EQ(*read_time(nlohmann::json(1700000000123LL)), 1700000000.123);
  EXPECT_DOUBLE_EQ(*read_time(nlohmann::json(1700000000LL)), 1700000000.0);
  EXPECT_FALSE(read_time(nlohmann::json("soon")));
}

TEST(Payload, MalformedReasons) {
  EXPECT_NE(malformed_reason(nlohmann::json::array()), "");
  EXPECT_NE(malformed_reason({{"args", nlohmann::json::array()}, {"jid", "x"}}).find("class"), std::string::npos);
  EXPECT_EQ(malformed_reason({{"class", "A"}, {"args", nlohmann::json::array()}, {"jid", "x"}}), "");
}

TEST(RetryPolicy, SidekiqCountsAndFields) {
  Payload p = {{"class", "A"}, {"args", nlohmann::json::array()}, {"jid", "j"}, {"retry", 2}};
  EXPECT_FALSE(is_final_attempt(p));
  auto d = decide_retry(p, {"ValueError", "boom", {}}, {}, 100.0);
  EXPECT_EQ(d.action, RetryAction::Retry);
  EXPECT_EQ(p["retry_count"], 0);
  EXPECT_EQ(p["failed_at"], 100.0);
  EXPECT_FALSE(p.contains("retried_at"));
  EXPECT_GE(d.at, 100.0 + 15);  // 0**4 + 15 + rand(10) * 1
  EXPECT_LE(d.at, 100.0 + 24);
  d = decide_retry(p, {"ValueError", "boom", {}}, {RetryIn::Kind::Seconds, 0.5}, 200.0);
  EXPECT_EQ(p["retry_count"], 1);
  EXPECT_EQ(p["retried_at"], 200.0);
  EXPECT_DOUBLE_EQ(d.at, 200.5);
  EXPECT_TRUE(is_final_attempt(p));
  d = decide_retry(p, {"ValueError", "boom", {}}, {}, 300.0);
  EXPECT_EQ(d.action, RetryAction::Exhausted);
  EXPECT_EQ(p["retry_count"], 2);
}

TEST(RetryPolicy, RetryZeroFalseKillDiscard) {
  Payload zero = {{"retry", 0}};
  EXPECT_TRUE(is_final_attempt(zero));
  EXPECT_EQ(decide_retry(zero, {"E", "m", {}}, {}, 1).action, RetryAction::Exhausted);
  Payload never = {{"retry", false}};
  EXPECT_EQ(decide_retry(never, {"E", "m", {}}, {}, 1).action, RetryAction::Drop);
  EXPECT_FALSE(never.contains("error_class"));
  Payload kill = {{"retry", true}};
  EXPECT_EQ(max_retries(kill), 25);
  EXPECT_EQ(decide_retry(kill, {"E", "m", {}}, {RetryIn::Kind::Kill, 0}, 1).action, RetryAction::Exhausted);
  Payload discard = {{"retry", true}};
  EXPECT_EQ(decide_retry(discard, {"E", "m", {}}, {RetryIn::Kind::Discard, 0}, 1).action, RetryAction::Discard);
}

TEST(RetryPolicy, DefaultDelayFollowsTheFormula) {
  for (int count : {0, 1, 5, 10}) {
    const double d = default_delay(count);
    const double base = std::pow(count, 4) + 15;
    EXPECT_GE(d, base);
    EXPECT_LE(d, base + 9.0 * (count + 1));
  }
}

TEST(RetryPolicy, MessageIsCutAndBacktraceEncoded) {
  Payload p = {{"retry", 1}, {"backtrace", 2}};
  decide_retry(p, {"E", std::string(20000, 'x'), {"a", "b", "c"}}, {}, 1);
  EXPECT_EQ(p["error_message"].get<std::string>().size(), 10000u);
  // zlib header 0x78 0x01 in base64 is "eAE"; two lines kept (the innermost).
  const std::string bt = p["error_backtrace"];
  EXPECT_EQ(bt.substr(0, 3), "eAE");
  EXPECT_EQ(encode_backtrace({"b", "c"}), bt);
}

TEST(Client, PerformVariantsReachTheBackend) {
  auto backend = std::make_shared<MemoryBackend>();
  Client client(backend);
  const std::string jid = client.perform_async(charge(), {Value(1)});
  EXPECT_EQ(jid.size(), 24u);
  client.perform_in(3600, charge(), {Value(2)});
  client.perform_at(1.0, charge(), {Value(3)});  // in the past: now
  client.perform_bulk(charge(), {{Value(4)}, {Value(5)}});
  EXPECT_THROW(client.perform_async(charge(), {Value(1), Value(2), Value(3), Value(4)}), ArgumentError);
  EXPECT_THROW(client.perform_async(charge(), {Value(Decimal{"1.5"})}), ArgumentError);
  const auto s = backend->stats(now_seconds());
  EXPECT_EQ(s.queues.at("billing").size, 4u);
  EXPECT_EQ(s.scheduled, 1u);
  const auto leases = backend->fetch(names({"billing"}), 10, std::chrono::milliseconds(0));
  ASSERT_EQ(leases.size(), 4u);
  EXPECT_EQ(leases[0].job.to_payload()["jid"], jid);  // oldest first
  EXPECT_TRUE(leases[0].job.to_payload()["enqueued_at"].is_number_float());
  EXPECT_EQ(backend->pending(names({"billing"})), 4u);
  backend->ack(leases);
  EXPECT_EQ(backend->pending(names({"billing"})), 0u);
}

// A NaN time compares false with every other and an infinite one never comes due: both are
// refused, and nothing is enqueued.
TEST(Client, NonFiniteTimesAreRefused) {
  auto backend = std::make_shared<MemoryBackend>();
  Client client(backend);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_THROW(client.perform_at(nan, charge(), {Value(1)}), std::invalid_argument);
  EXPECT_THROW(client.perform_at(inf, charge(), {Value(1)}), std::invalid_argument);
  EXPECT_THROW(client.perform_in(nan, charge(), {Value(1)}), std::invalid_argument);
  EXPECT_THROW(client.perform_in(-inf, charge(), {Value(1)}), std::invalid_argument);
  EXPECT_THROW(client.push({{"class", "X"}, {"args", nlohmann::json::array()}, {"at", inf}}), std::invalid_argument);
  const auto s = backend->stats(now_seconds());
  EXPECT_EQ(s.enqueued + s.scheduled, 0u);
}

// Correlate: a job enqueued during a run carries the run's correlation id, and Correlate in the
// worker's run of that job takes it up; a job enqueued outside any run carries none.
TEST(Client, AJobEnqueuedUnderCorrelateCarriesTheIdIntoItsRun) {
  struct Followup : Task {
    void work() override {}
  };
  TaskSpec followup_spec = make_spec<Followup>("jobs_test.CorrelFollowup");
  followup_spec.middlewares = {middlewares::correlate()};
  static TaskSpecPtr followup = std::make_shared<const TaskSpec>(std::move(followup_spec));
  Registry::global().add(followup);
  static auto backend = std::make_shared<MemoryBackend>();
  struct Request : Task {
    void work() override { Client(backend).perform_async(*followup, {}); }
  };
  TaskSpec request_spec = make_spec<Request>("jobs_test.CorrelRequest");
  request_spec.middlewares = {middlewares::correlate()};
  auto request = Executor::run(std::make_shared<const TaskSpec>(std::move(request_spec)), {});
  ASSERT_TRUE(request->success()) << request->reason;
  Client(backend).perform_async(*followup, {});

  const auto leases = backend->fetch(names({"default"}), 2, std::chrono::milliseconds(0));
  ASSERT_EQ(leases.size(), 2u);
  const Value id = request->metadata.at("correlation_id");
  EXPECT_EQ(leases[0].job.to_payload().at("correlation_id"), id.as_string());
  EXPECT_FALSE(leases[1].job.to_payload().contains("correlation_id"));
  EXPECT_EQ(runtime::run_payload(leases[0].job.to_payload())->metadata.at("correlation_id"), id);
  EXPECT_NE(runtime::run_payload(leases[1].job.to_payload())->metadata.at("correlation_id"), id);
  backend->ack(leases);
}

TEST(Client, PushCompletesRawPayloads) {
  charge();  // registered, so the push takes its queue and retry (ctest runs each test alone)
  auto backend = std::make_shared<MemoryBackend>();
  Client client(backend);
  client.push({{"class", "jobs_test.Charge"}, {"args", {1}}});
  client.push({{"class", "Ruby::Job"}, {"args", nlohmann::json::array()}, {"at", now_seconds() + 100}});
  EXPECT_THROW(client.push({{"args", nlohmann::json::array()}}), ArgumentError);
  const auto leases = backend->fetch(names({"billing"}), 1, std::chrono::milliseconds(0));
  ASSERT_EQ(leases.size(), 1u);
  EXPECT_EQ(leases[0].job.to_payload()["retry"], 3);
  const auto scheduled = backend->list(JobSet::Scheduled);
  ASSERT_EQ(scheduled.size(), 1u);
  EXPECT_EQ(scheduled[0].payload["queue"], "default");
  EXPECT_FALSE(scheduled[0].payload.contains("at"));
  backend->ack(leases);
}

// A fetch takes at most `max` and at most ceil(waiting / takers), at least one.
TEST(MemoryBackend, FetchTakesAFairShare) {
  MemoryBackend b;
  for (int i = 0; i < 10; ++i) b.push({{"jid", std::to_string(i)}, {"queue", "q"}});
  std::vector<Lease> out;
  b.fetch(names({"q"}), 32, 4, std::chrono::milliseconds(0), out);
  ASSERT_EQ(out.size(), 3u);  // ceil(10 / 4)
  EXPECT_EQ(out[0].job.to_payload()["jid"], "0");
  b.fetch(names({"q"}), 2, 1, std::chrono::milliseconds(0), out);
  EXPECT_EQ(out.size(), 5u);  // capped by max
  b.fetch(names({"q"}), 32, 10, std::chrono::milliseconds(0), out);
  EXPECT_EQ(out.size(), 6u);  // at least one
  b.ack(out);
  EXPECT_EQ(backends::fair_share(0, 32, 4), 1u);
  EXPECT_EQ(backends::fair_share(100, 32, 0), 32u);
}

TEST(MemoryBackend, StrictOrderRequeueAtHeadAndDueMoves) {
  MemoryBackend b;
  b.push({{"jid", "low1"}, {"queue", "low"}});
  b.push({{"jid", "high1"}, {"queue", "high"}});
  b.push({{"jid", "high2"}, {"queue", "high"}});
  auto first = b.fetch(names({"high", "low"}), 1, std::chrono::milliseconds(0));
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].job.to_payload()["jid"], "high1");
  b.requeue(std::move(first));
  auto again = b.fetch(names({"low", "high"}), 5, std::chrono::milliseconds(0));
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].job.to_payload()["jid"], "low1");
  b.ack(again);
  auto head = b.fetch(names({"high"}), 5, std::chrono::milliseconds(0));
  ASSERT_EQ(head.size(), 2u);
  EXPECT_EQ(head[0].job.to_payload()["jid"], "high1");  // put back at the head
  b.ack(head);

  b.add_retry(10.0, {{"jid", "r"}, {"queue", "q"}});
  b.schedule(20.0, {{"jid", "s"}, {"queue", "q"}});
  EXPECT_EQ(*b.next_due(), 10.0);
  EXPECT_EQ(b.enqueue_due(15.0), 1u);
  EXPECT_EQ(b.enqueue_due(25.0), 1u);
  EXPECT_FALSE(b.next_due());
  EXPECT_EQ(b.stats(30.0).queues.at("q").size, 2u);
}

TEST(MemoryBackend, DeadSetCapsAndSetOperations) {
  MemoryBackend b;
  backends::DeadLimits limits{2, 100.0};
  b.add_dead(1.0, {{"jid", "old"}}, limits);
  b.add_dead(500.0, {{"jid", "a"}, {"queue", "q"}}, limits);  // "old" is past the age cap
  EXPECT_EQ(b.size(JobSet::Dead), 1u);
  b.add_dead(501.0, {{"jid", "b"}}, limits);
  b.add_dead(502.0, {{"jid", "c"}}, limits);  // over the count cap: "a" goes
  auto dead = b.list(JobSet::Dead);
  ASSERT_EQ(dead.size(), 2u);
  EXPECT_EQ(dead[0].payload["jid"], "b");
  EXPECT_TRUE(b.remove(JobSet::Dead, "b"));
  EXPECT_FALSE(b.remove(JobSet::Dead, "b"));
  EXPECT_TRUE(b.enqueue_now(JobSet::Dead, "c"));
  EXPECT_EQ(b.size(JobSet::Dead), 0u);
  EXPECT_EQ(b.stats(600).queues.at("default").size, 1u);
}

TEST(MemoryBackend, FetchWaitsForAPushAndWakeReleasesIt) {
  MemoryBackend b;
  std::thread pusher([&] { b.push({{"jid", "x"}, {"queue", "q"}}); });
  auto got = b.fetch(names({"q"}), 1, std::chrono::seconds(10));
  pusher.join();
  ASSERT_EQ(got.size(), 1u);
  b.ack(got);
  std::thread waker([&] { b.wake(); });
  // Returns once woken (or after the bound if the wake came first: then it is simply empty).
  EXPECT_TRUE(b.fetch(names({"q"}), 1, std::chrono::milliseconds(200)).empty());
  waker.join();
}
