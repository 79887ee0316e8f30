// The lifecycle order: callbacks at every event, conditions, middlewares outermost-first.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "taskmill/core/config.hpp"
#include "taskmill/core/define_task.hpp"
#include "taskmill/core/executor.hpp"

using namespace taskmill;

namespace {

struct Traced : Task {
  void work() override {
    trace().push_back("work");
    const auto mode = attribute("mode").as_string();
    if (mode == "skip") skip("skipped");
    if (mode == "fail") fail("failed");
  }
  static std::vector<std::string>& trace() {
    static thread_local std::vector<std::string> t;
    return t;
  }
};

TaskSpecPtr traced_spec() {
  static TaskSpecPtr spec = [] {
    TaskSpec s = make_spec<Traced>("life.Traced", {Attribute::required_attr("mode", Type::str())});
    for (std::size_t i = 0; i < kEventCount; ++i) {
      const std::string name(to_string(static_cast<Event>(i)));
      s.callbacks[i].push_back({[name](Run&) { Traced::trace().push_back(name); }, {}, {}});
    }
    // Conditional callbacks: only on "fail" mode, and never on "skip".
    s.callbacks[static_cast<std::size_t>(Event::OnExecuted)].push_back(
        {[](Run&) { Traced::trace().push_back("if"); },
         [](Run& r) { return r.context().get("mode") == Value("fail"); }, {}});
    s.callbacks[static_cast<std::size_t>(Event::OnExecuted)].push_back(
        {[](Run&) { Traced::trace().push_back("unless"); }, {},
         [](Run& r) { return r.context().get("mode") == Value("skip"); }});
    s.middlewares.push_back([](Run&, const std::function<void()>& next) {
      Traced::trace().push_back("mw1 in");
      next();
      Traced::trace().push_back("mw1 out");
    });
    s.middlewares.push_back([](Run&, const std::function<void()>& next) {
      Traced::trace().push_back("mw2 in");
      next();
      Traced::trace().push_back("mw2 out");
    });
    auto ptr = std::make_shared<const TaskSpec>(std::move(s));
    Registry::global().add(ptr);
    return ptr;
  }();
  return spec;
}

std::vector<std::string> run_mode(const std::string& mode) {
  Traced::trace().clear();
  RunRequest r;
  r.kwargs = {{"mode", Value(mode)}};
  Executor::run(traced_spec(), std::move(r));
  return Traced::trace();
}

}  // namespace

TEST(Lifecycle, SuccessOrder) {
  const std::vector<std::string> expected = {"mw1 in",      "mw2 in",     "before_validation", "before_execution",
                                             "work",        "on_complete", "on_executed",      "unless",
                                             "on_success",  "on_good",     "mw2 out",          "mw1 out"};
  EXPECT_EQ(run_mode("ok"), expected);
}

TEST(Lifecycle, SkipOrder) {
  const std::vector<std::string> expected = {"mw1 in",     "mw2 in",     "before_validation", "before_execution",
                                             "work",       "on_interrupted", "on_executed",    "on_skipped",
                                             "on_good",    "on_bad",     "mw2 out",           "mw1 out"};
  EXPECT_EQ(run_mode("skip"), expected);
}

TEST(Lifecycle, FailOrder) {
  const std::vector<std::string> expected = {"mw1 in",     "mw2 in",    "before_validation", "before_execution",
                                             "work",       "on_interrupted", "on_executed",   "if",
                                             "unless",     "on_failed", "on_bad",            "mw2 out",
                                             "mw1 out"};
  EXPECT_EQ(run_mode("fail"), expected);
}

TEST(Lifecycle, InvalidInputSkipsWorkButRunsEndingCallbacks) {
  Traced::trace().clear();
  Executor::run(traced_spec(), {});
  const std::vector<std::string> expected = {"mw1 in",    "mw2 in", "before_validation", "on_interrupted",
                                             "on_executed", "unless", "on_failed", "on_bad", "mw2 out", "mw1 out"};
  EXPECT_EQ(Traced::trace(), expected);
}

TEST(Lifecycle, CallbackErrorAfterAFailureKeepsTheFirstReason) {
  TaskSpec s = make_spec<Traced>("life.BadCallback", {Attribute::required_attr("mode", Type::str())});
  s.callbacks[static_cast<std::size_t>(Event::OnFailed)].push_back(
      {[](taskmill::Run&) { throw std::runtime_error("callback broke"); }, {}, {}});
  auto spec = std::make_shared<const TaskSpec>(std::move(s));
  RunRequest r;
  r.kwargs = {{"mode", Value("fail")}};
  auto result = Executor::run(spec, std::move(r));
  EXPECT_EQ(result->reason, "failed");
  EXPECT_EQ(result->metadata.at("callback_error"), Value("[std::runtime_error] callback broke"));
  RunRequest ok;
  ok.kwargs = {{"mode", Value("ok")}};
  TaskSpec s2 = make_spec<Traced>("life.BadSuccessCallback", {Attribute::required_attr("mode", Type::str())});
  s2.callbacks[static_cast<std::size_t>(Event::OnSuccess)].push_back(
      {[](taskmill::Run&) { throw std::runtime_error("callback broke"); }, {}, {}});
  auto result2 = Executor::run(std::make_shared<const TaskSpec>(std::move(s2)), std::move(ok));
  EXPECT_TRUE(result2->failed());
  EXPECT_EQ(result2->reason, "[std::runtime_error] callback broke");
}

TEST(Lifecycle, GlobalMiddlewaresWrapTaskMiddlewares) {
  Config::global().set_middlewares({[](taskmill::Run&, const std::function<void()>& next) {
    Traced::trace().push_back("global in");
    next();
    Traced::trace().push_back("global out");
  }});
  auto trace = run_mode("ok");
  Config::global().set_middlewares({});
  ASSERT_GE(trace.size(), 2u);
  EXPECT_EQ(trace.front(), "global in");
  EXPECT_EQ(trace[1], "mw1 in");
  EXPECT_EQ(trace.back(), "global out");
}

TEST(Lifecycle, MiddlewareThatThrowsFailsTheRun) {
  TaskSpec s = make_spec<Traced>("life.Throwing", {Attribute::required_attr("mode", Type::str())});
  s.middlewares.push_back([](taskmill::Run&, const std::function<void()>&) { throw std::runtime_error("middleware broke"); });
  auto spec = std::make_shared<const TaskSpec>(std::move(s));
  RunRequest r;
  r.kwargs = {{"mode", Value("ok")}};
  auto result = Executor::run(spec, std::move(r));
  EXPECT_TRUE(result->failed());
  EXPECT_EQ(result->reason, "[std::runtime_error] middleware broke");
}
