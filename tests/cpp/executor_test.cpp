// The executor's lifecycle from C++: results, halting, faults, exceptions, callbacks, middlewares.
#include <gtest/gtest.h>

#include <stdexcept>

#include "taskmill/core/define_task.hpp"
#include "taskmill/core/executor.hpp"
#include "taskmill/core/halt.hpp"
#include "taskmill/core/registry.hpp"

using namespace taskmill;

namespace {

struct Add : Task {
  void work() override {
    const auto a = attribute("a").as_int();
    const auto b = attribute("b").as_int();
    if (a < 0) fail("a must not be negative", {{"code", Value("negative")}});
    if (a == 0) skip("nothing to add");
    if (a == 13) throw std::invalid_argument("unlucky");
    context().set("sum", Value(a + b));
  }
};

TaskSpecPtr add_spec() {
  static TaskSpecPtr spec = define_task<Add>(
      "test.Add", {Attribute::required_attr("a", Type::integer()), Attribute::optional_attr("b", Type::integer(), Value(10))});
  return spec;
}

RunRequest args(std::vector<Value> positional, Context::Entries named = {}) {
  RunRequest r;
  r.args = std::move(positional);
  r.kwargs = std::move(named);
  return r;
}

}  // namespace

TEST(Executor, SuccessWritesContextAndResultFields) {
  auto result = Executor::run(add_spec(), args({Value(2), Value(3)}));
  EXPECT_TRUE(result->success());
  EXPECT_TRUE(result->complete());
  EXPECT_TRUE(result->good());
  EXPECT_FALSE(result->bad());
  EXPECT_EQ(result->context->get("sum"), Value(5));
  EXPECT_EQ(result->index, 0);
  EXPECT_EQ(result->task_id.view().size(), 36u);
  EXPECT_EQ(result->task_id.view()[14], '7');  // UUID version 7
  EXPECT_EQ(result->chain_id, result->task_id);  // a chain is named after its root
  EXPECT_GE(result->runtime_ms, 0.0);
  EXPECT_EQ(result->task_name(), "test.Add");
}

TEST(Executor, DefaultsAndStringCoercion) {
  auto result = Executor::run(add_spec(), args({}, {{"a", Value("4")}}));
  ASSERT_TRUE(result->success()) << result->reason;
  EXPECT_EQ(result->context->get("sum"), Value(14));
}

TEST(Executor, FailRecordsReasonAndMetadata) {
  auto result = Executor::run(add_spec(), args({Value(-1)}));
  EXPECT_TRUE(result->failed());
  EXPECT_TRUE(result->interrupted());
  EXPECT_EQ(result->reason, "a must not be negative");
  EXPECT_EQ(result->metadata.at("code"), Value("negative"));
  EXPECT_FALSE(result->context->has("sum"));
  EXPECT_EQ(result->caused_failure().get(), result.get());
  EXPECT_EQ(result->threw_failure().get(), result.get());
}

TEST(Executor, SkipIsGoodAndBad) {
  auto result = Executor::run(add_spec(), args({Value(0)}));
  EXPECT_TRUE(result->skipped());
  EXPECT_TRUE(result->good());
  EXPECT_TRUE(result->bad());
  EXPECT_EQ(result->reason, "nothing to add");
  EXPECT_EQ(result->caused_failure(), nullptr);
}

TEST(Executor, ExceptionBecomesFailureWithCause) {
  auto result = Executor::run(add_spec(), args({Value(13)}));
  EXPECT_TRUE(result->failed());
  EXPECT_EQ(result->reason, "[std::invalid_argument] unlucky");
  ASSERT_NE(result->cause, nullptr);
  EXPECT_EQ(result->cause->message, "unlucky");
}

TEST(Executor, InvalidInputsCollectEveryError) {
  auto result = Executor::run(add_spec(), args({}, {{"b", Value("x")}}));
  EXPECT_TRUE(result->failed());
  EXPECT_TRUE(result->interrupted());
  EXPECT_EQ(result->reason, "a is required. b could not coerce into an integer");
  const auto& errors = result->metadata.at("errors").as_dict();
  EXPECT_EQ(errors.at("a"), Value(Value::List{Value("is required")}));
  EXPECT_EQ(errors.at("b"), Value(Value::List{Value("could not coerce into an integer")}));
}

TEST(Executor, TooManyPositionalArgumentsThrowAtTheCall) {
  EXPECT_THROW(Executor::run(add_spec(), args({Value(1), Value(2), Value(3)})), ArgumentError);
  EXPECT_THROW(Executor::run(add_spec(), args({Value(1)}, {{"a", Value(2)}})), ArgumentError);
}

TEST(Executor, StrictRaisesFaultsAndRethrowsExceptions) {
  EXPECT_NO_THROW(Executor::run_strict(add_spec(), args({Value(1)})));
  try {
    Executor::run_strict(add_spec(), args({Value(-1)}));
    FAIL() << "expected a FailFault";
  } catch (const FailFault& fault) {
    EXPECT_EQ(fault.result()->reason, "a must not be negative");
  }
  EXPECT_THROW(Executor::run_strict(add_spec(), args({Value(13)})), std::invalid_argument);
  // Skipped is not a breakpoint by default.
  EXPECT_NO_THROW(Executor::run_strict(add_spec(), args({Value(0)})));
}

TEST(Executor, SharedContextIsWrittenByTheRun) {
  auto context = Context::make({{"a", Value(1)}});
  RunRequest r;
  r.context = context;
  auto result = Executor::run(add_spec(), std::move(r));
  EXPECT_EQ(result->context, context);
  EXPECT_EQ(context->get("sum"), Value(11));
}

TEST(Executor, UnknownTaskAndDuplicateNamesAreErrors) {
  EXPECT_THROW(Registry::global().get("test.NoSuchTask"), UnknownTaskError);
  add_spec();
  EXPECT_THROW(define_task<Add>("test.Add"), DefinitionError);
  try {
    Registry::global().get("test.NoSuchTask");
  } catch (const UnknownTaskError& e) {
    EXPECT_NE(std::string(e.what()).find("test.NoSuchTask"), std::string::npos);
  }
}

TEST(Executor, BuiltinTasksAreRegistered) {
  auto noop = Executor::run(Registry::global().get("taskmill.Noop"), {});
  EXPECT_TRUE(noop->success());
  auto sleep = Executor::run(Registry::global().get("taskmill.Sleep"), args({Value(0.001)}));
  EXPECT_TRUE(sleep->success()) << sleep->reason;
  auto bad = Executor::run(Registry::global().get("taskmill.Sleep"), args({Value("soon")}));
  EXPECT_EQ(bad->reason, "seconds could not coerce into a float");
}
