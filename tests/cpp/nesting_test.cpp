// Nested runs: throw_failure, Faults from strict nested runs, shared context, rollback.
#include <gtest/gtest.h>

#include "taskmill/core/define_task.hpp"
#include "taskmill/core/executor.hpp"
#include "taskmill/core/halt.hpp"

using namespace taskmill;

namespace {

struct Check : Task {
  void work() override {
    if (attribute("value").as_int() < 0) fail("negative", {{"value", attribute("value")}});
  }
};

struct Pipeline : Task {
  void work() override {
    RunRequest request;
    request.context = run().context_ptr();
    auto inner = Executor::run(Registry::global().get("nest.Check"), std::move(request));
    throw_failure(inner, {{"stage", Value("check")}});
    context().set("done", Value(true));
  }
};

struct StrictPipeline : Task {
  bool rolled_back = false;
  void work() override {
    RunRequest request;
    request.context = run().context_ptr();
    Executor::run_strict(Registry::global().get("nest.Check"), std::move(request));
    context().set("done", Value(true));
  }
  bool has_rollback() const override { return true; }
  void rollback() override { context().set("rolled_back", Value(true)); }
};

void register_nesting_tasks() {
  static const bool once = [] {
    define_task<Check>("nest.Check", {Attribute::required_attr("value", Type::integer())});
    define_task<Pipeline>("nest.Pipeline");
    define_task<StrictPipeline>("nest.StrictPipeline");
    return true;
  }();
  (void)once;
}

RunRequest with_value(int v) {
  RunRequest r;
  r.kwargs = {{"value", Value(v)}};
  return r;
}

}  // namespace

TEST(Nesting, ThrowFailurePassesReasonAndMetadata) {
  register_nesting_tasks();
  auto result = Executor::run(Registry::global().get("nest.Pipeline"), with_value(-4));
  EXPECT_TRUE(result->failed());
  EXPECT_EQ(result->reason, "negative");
  EXPECT_EQ(result->metadata.at("value"), Value(-4));
  EXPECT_EQ(result->metadata.at("stage"), Value("check"));
  ASSERT_NE(result->caused_failure(), nullptr);
  EXPECT_EQ(result->caused_failure()->task_name(), "nest.Check");
  EXPECT_EQ(result->threw_failure(), result->caused_failure());
  EXPECT_FALSE(result->context->has("done"));
}

TEST(Nesting, ThrowOfSuccessIsANoop) {
  register_nesting_tasks();
  auto result = Executor::run(Registry::global().get("nest.Pipeline"), with_value(4));
  EXPECT_TRUE(result->success());
  EXPECT_EQ(result->context->get("done"), Value(true));
}

TEST(Nesting, StrictNestedFaultFailsParentAndRollsBack) {
  register_nesting_tasks();
  auto result = Executor::run(Registry::global().get("nest.StrictPipeline"), with_value(-1));
  EXPECT_TRUE(result->failed());
  EXPECT_EQ(result->reason, "negative");
  EXPECT_EQ(result->caused_failure()->task_name(), "nest.Check");
  EXPECT_EQ(result->context->get("rolled_back"), Value(true));
  EXPECT_FALSE(result->context->has("done"));
  EXPECT_THROW(Executor::run_strict(Registry::global().get("nest.StrictPipeline"), with_value(-1)), FailFault);
}

TEST(Nesting, RollbackIsNotCalledOnSuccess) {
  register_nesting_tasks();
  auto result = Executor::run(Registry::global().get("nest.StrictPipeline"), with_value(1));
  EXPECT_TRUE(result->success());
  EXPECT_FALSE(result->context->has("rolled_back"));
}
