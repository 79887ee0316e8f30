// In-task retries, rollback, callbacks with conditions and the built-in middlewares, from C++.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <system_error>
#include <thread>

#include "taskmill/core/define_task.hpp"
#include "taskmill/core/executor.hpp"
#include "taskmill/core/middlewares.hpp"
#include "taskmill/core/run.hpp"

using namespace taskmill;

namespace {

// Fails with `error` until the context's "attempts" reaches "succeed_at".
struct Flaky : Task {
  void work() override {
    const auto n = context().get("attempts").is_int() ? context().get("attempts").as_int() + 1 : 1;
    context().set("attempts", Value(n));
    if (n < context().get("succeed_at").as_int()) {
      if (context().get("error") == Value("system")) throw std::system_error(std::make_error_code(std::errc::timed_out));
      if (context().get("error") == Value("fail")) fail("gave up");
      throw std::runtime_error("boom");
    }
  }
  void rollback() override { context().set("rolled_back", Value(true)); }
  bool has_rollback() const override { return true; }
};

TaskSpecPtr flaky(RetryOn policy, std::string name) {
  TaskSpec spec = make_spec<Flaky>(std::move(name));
  spec.retry_on = std::move(policy);
  return std::make_shared<const TaskSpec>(std::move(spec));
}

ResultPtr run_with(const TaskSpecPtr& spec, Context::Entries inputs) {
  RunRequest r;
  r.kwargs = std::move(inputs);
  return Executor::run(spec, std::move(r));
}

struct Spin : Task {  // a C++ task that honours the cooperative stop
  void work() override {
    while (!stop_requested()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    context().set("stopped", Value(true));
  }
};

}  // namespace

TEST(RetryOn, RetriesMatchingErrorsUntilSuccess) {
  auto spec = flaky(RetryOn{3, 0, Backoff::Constant, RetryOn::on<std::system_error>(), {}}, "test.RetrySystem");
  auto r = run_with(spec, {{"succeed_at", Value(3)}, {"error", Value("system")}});
  EXPECT_TRUE(r->success()) << r->reason;
  EXPECT_EQ(r->retries, 2);
  EXPECT_EQ(r->context->get("attempts"), Value(3));
}

TEST(RetryOn, StopsAtTheLimitAndRollsBack) {
  auto spec = flaky(RetryOn{2, 0, Backoff::Constant, {}, {}}, "test.RetryLimit");
  auto r = run_with(spec, {{"succeed_at", Value(10)}});
  EXPECT_TRUE(r->failed());
  EXPECT_EQ(r->retries, 2);
  EXPECT_EQ(r->context->get("attempts"), Value(3));
  EXPECT_EQ(r->reason, "[std::runtime_error] boom");
  EXPECT_EQ(r->context->get("rolled_back"), Value(true));
}

TEST(RetryOn, DoesNotRetryOtherErrorsOrHalts) {
  auto spec = flaky(RetryOn{5, 0, Backoff::Constant, RetryOn::on<std::system_error>(), {}}, "test.RetryOther");
  EXPECT_EQ(run_with(spec, {{"succeed_at", Value(3)}})->retries, 0);
  auto halted = run_with(spec, {{"succeed_at", Value(3)}, {"error", Value("fail")}});
  EXPECT_EQ(halted->retries, 0);
  EXPECT_EQ(halted->reason, "gave up");
}

TEST(RetryOn, BackoffStrategies) {
  RetryOn p{5, 0.5, Backoff::Constant, {}, {}};
  EXPECT_DOUBLE_EQ(p.delay_for(3), 0.5);
  p.backoff = Backoff::Linear;
  EXPECT_DOUBLE_EQ(p.delay_for(3), 1.5);
  p.backoff = Backoff::Exponential;
  EXPECT_DOUBLE_EQ(p.delay_for(3), 2.0);
  p.backoff = Backoff::Jitter;
  for (int i = 0; i < 50; ++i) {
    const double d = p.delay_for(3);
    EXPECT_GE(d, 0.0);
    EXPECT_LE(d, 2.0);
  }
  EXPECT_EQ(parse_backoff("linear"), Backoff::Linear);
  EXPECT_THROW(parse_backoff("fast"), std::invalid_argument);
}

TEST(RetryOn, WaitsThroughTheGivenWaitFunction) {
  std::vector<double> waits;
  RetryOn policy{3, 0.25, Backoff::Exponential, {}, [&waits](double s) { waits.push_back(s); }};
  auto r = run_with(flaky(policy, "test.RetryWait"), {{"succeed_at", Value(4)}});
  EXPECT_TRUE(r->success());
  // 0.25 s, 0.5 s, 1 s of backoff, waited in 10 ms slices.
  double total = 0;
  for (double w : waits) {
    EXPECT_LE(w, 0.01 + 1e-12);
    total += w;
  }
  EXPECT_NEAR(total, 1.75, 1e-9);
}

TEST(Callbacks, ConditionsAndOrderFromCpp) {
  TaskSpec spec = make_spec<Flaky>("test.CallbackOrder");
  std::vector<std::string> seen;
  auto note = [&seen](std::string what) { return [&seen, what](taskmill::Run&) { seen.push_back(what); }; };
  spec.callbacks[static_cast<std::size_t>(Event::OnFailed)].push_back({note("failed-1"), {}, {}});
  spec.callbacks[static_cast<std::size_t>(Event::OnFailed)].push_back(
      {note("failed-if"), [](taskmill::Run& run) { return run.result().reason == "gave up"; }, {}});
  spec.callbacks[static_cast<std::size_t>(Event::OnFailed)].push_back({note("failed-unless"), {}, [](taskmill::Run&) { return true; }});
  spec.callbacks[static_cast<std::size_t>(Event::OnBad)].push_back({note("bad"), {}, {}});
  spec.callbacks[static_cast<std::size_t>(Event::BeforeExecution)].push_back({note("before"), {}, {}});
  auto shared = std::make_shared<const TaskSpec>(std::move(spec));
  run_with(shared, {{"succeed_at", Value(2)}, {"error", Value("fail")}});
  EXPECT_EQ(seen, (std::vector<std::string>{"before", "failed-1", "failed-if", "bad"}));
}

TEST(Middlewares, RuntimeAndCorrelate) {
  TaskSpec spec = make_spec<Flaky>("test.Measured");
  spec.middlewares = {middlewares::correlate(), middlewares::runtime()};
  auto r = run_with(std::make_shared<const TaskSpec>(std::move(spec)), {{"succeed_at", Value(0)}});
  ASSERT_TRUE(r->success());
  EXPECT_TRUE(r->metadata.at("runtime").is_float());
  EXPECT_EQ(r->metadata.at("started_at").as_string().size(), 24u);  // 2024-01-02T03:04:05.678Z
  EXPECT_EQ(r->metadata.at("correlation_id").as_string().size(), 36u);
}

TEST(Middlewares, CorrelateIsInheritedByNestedRuns) {
  TaskSpec inner_spec = make_spec<Flaky>("test.CorrelInner");
  inner_spec.middlewares = {middlewares::correlate()};
  static TaskSpecPtr inner = std::make_shared<const TaskSpec>(std::move(inner_spec));
  struct Outer : Task {
    void work() override {
      RunRequest r;
      r.kwargs = {{"succeed_at", Value(0)}};
      context().set("inner_id", Executor::run(inner, std::move(r))->metadata.at("correlation_id"));
    }
  };
  TaskSpec outer = make_spec<Outer>("test.CorrelOuter");
  outer.middlewares = {middlewares::correlate()};
  auto r = run_with(std::make_shared<const TaskSpec>(std::move(outer)), {});
  ASSERT_TRUE(r->success()) << r->reason;
  EXPECT_EQ(r->context->get("inner_id"), r->metadata.at("correlation_id"));
  RunRequest from_job;
  from_job.kwargs = {{"succeed_at", Value(0)}, {"correlation_id", Value("from-the-job")}};
  EXPECT_EQ(Executor::run(inner, std::move(from_job))->metadata.at("correlation_id"), Value("from-the-job"));
}

TEST(Middlewares, TimeoutStopsACppTaskCooperatively) {
  TaskSpec spec = make_spec<Spin>("test.Spin");
  spec.middlewares = {middlewares::timeout(0.05)};
  auto r = run_with(std::make_shared<const TaskSpec>(std::move(spec)), {});
  EXPECT_TRUE(r->failed());
  EXPECT_TRUE(r->interrupted());
  EXPECT_EQ(r->reason, "[TimeoutError] execution exceeded 0.05 seconds");
  EXPECT_EQ(r->context->get("stopped"), Value(true));
  EXPECT_THROW(middlewares::timeout(0), std::invalid_argument);
}

TEST(Middlewares, TimeoutEndsARetryBackoff) {
  TaskSpec spec = make_spec<Flaky>("test.SlowRetry");
  spec.retry_on = RetryOn{5, 60, Backoff::Constant, {}, {}};  // a minute between attempts
  spec.middlewares = {middlewares::timeout(0.05)};
  auto r = run_with(std::make_shared<const TaskSpec>(std::move(spec)), {{"succeed_at", Value(10)}});
  EXPECT_EQ(r->reason, "[TimeoutError] execution exceeded 0.05 seconds");
  EXPECT_EQ(r->context->get("attempts"), Value(1));  // the wait ended without another attempt
}

TEST(Middlewares, TimeoutLeavesAFastRunAlone) {
  TaskSpec spec = make_spec<Flaky>("test.Fast");
  spec.middlewares = {middlewares::timeout(5)};
  auto r = run_with(std::make_shared<const TaskSpec>(std::move(spec)), {{"succeed_at", Value(0)}});
  EXPECT_TRUE(r->success()) << r->reason;
}
