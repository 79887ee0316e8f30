// Validators from C++: each built-in's pass/fail table, options checked at declaration, the
// registry of named validators, and the resolver collecting every error of every attribute.
#include <gtest/gtest.h>

#include "taskmill/core/define_task.hpp"
#include "taskmill/core/executor.hpp"
#include "taskmill/core/halt.hpp"

using namespace taskmill;

namespace {

std::vector<std::string> check(const std::string& name, const Value& options, const Value& value, bool required = true) {
  std::vector<std::string> errors;
  run_validators({compile_validator("T.a", name, options, required)}, value, errors);
  return errors;
}

using Msgs = std::vector<std::string>;

struct Echo : Task {
  void work() override { context().set("age", attribute("age")); }
};

}  // namespace

TEST(Validators, Presence) {
  EXPECT_EQ(check("presence", true, Value("x")), Msgs{});
  EXPECT_EQ(check("presence", true, Value("  ")), Msgs{"cannot be empty"});
  EXPECT_EQ(check("presence", true, Value(Value::List{})), Msgs{"cannot be empty"});
  EXPECT_EQ(check("presence", true, Value(), false), Msgs{"cannot be empty"});  // None is never present
  EXPECT_EQ(check("absence", true, Value("x")), Msgs{"must be empty"});
  EXPECT_EQ(check("absence", true, Value("")), Msgs{});
}

TEST(Validators, Format) {
  EXPECT_EQ(check("format", "@", Value("a@b")), Msgs{});
  EXPECT_EQ(check("format", "@", Value("ab")), Msgs{"is an invalid format"});
  const Value both = Value::Dict{{"with", Value("^[a-z]+$")}, {"without", Value("x")}};
  EXPECT_EQ(check("format", both, Value("abc")), Msgs{});
  EXPECT_EQ(check("format", both, Value("abx")), Msgs{"is an invalid format"});
  EXPECT_EQ(check("format", "@", Value(5)), Msgs{"is an invalid format"});
}

TEST(Validators, InclusionAndExclusion) {
  const Value list = Value::List{Value("a"), Value("b")};
  EXPECT_EQ(check("inclusion", list, Value("a")), Msgs{});
  EXPECT_EQ(check("inclusion", list, Value("c")), Msgs{"must be one of: a, b"});
  EXPECT_EQ(check("exclusion", Value::Dict{{"in", list}}, Value("a")), Msgs{"must not be one of: a, b"});
  const Value within = Value::Dict{{"within", Value::List{Value(1), Value(5)}}};
  EXPECT_EQ(check("inclusion", within, Value(5)), Msgs{});
  EXPECT_EQ(check("inclusion", within, Value(6)), Msgs{"must be within 1 and 5"});
}

TEST(Validators, Length) {
  EXPECT_EQ(check("length", Value::Dict{{"min", Value(2)}}, Value("é")), Msgs{"length must be at least 2"});
  EXPECT_EQ(check("length", Value::Dict{{"max", Value(1)}}, Value(Value::List{Value(1), Value(2)})),
            Msgs{"length must be at most 1"});
  EXPECT_EQ(check("length", Value::Dict{{"is", Value(3)}}, Value("abc")), Msgs{});
  EXPECT_EQ(check("length", Value::Dict{{"is", Value(3)}}, Value(4)), Msgs{"has no length"});
}

TEST(Validators, Numeric) {
  const Value range = Value::Dict{{"min", Value(0)}, {"max", Value(10)}};
  EXPECT_EQ(check("numeric", range, Value(10)), Msgs{});
  EXPECT_EQ(check("numeric", range, Value(-1)), Msgs{"must be at least 0"});
  EXPECT_EQ(check("numeric", range, Value(10.5)), Msgs{"must be at most 10"});
  EXPECT_EQ(check("numeric", Value::Dict{{"gt", Value(0)}}, Value(0)), Msgs{"must be greater than 0"});
  EXPECT_EQ(check("numeric", Value::Dict{{"lt", Value(1.5)}}, Value(2)), Msgs{"must be less than 1.5"});
  EXPECT_EQ(check("numeric", Value::Dict{{"is", Value(3)}}, Value(Decimal{"3.0"})), Msgs{});
  EXPECT_EQ(check("numeric", range, Value("5")), Msgs{"must be a number"});
}

TEST(Validators, AllowNoneAndMessage) {
  const Value opts = Value::Dict{{"min", Value(1)}, {"message", Value("too small")}};
  EXPECT_EQ(check("numeric", opts, Value(0)), Msgs{"too small"});
  EXPECT_EQ(check("numeric", opts, Value(), /*required=*/false), Msgs{});  // optional: None passes
  const Value strict = Value::Dict{{"min", Value(1)}, {"allow_none", Value(false)}};
  EXPECT_EQ(check("numeric", strict, Value(), false), Msgs{"must be a number"});
}

TEST(Validators, OptionMistakesAreDefinitionErrorsNamingTheAttribute) {
  auto message = [](const std::string& name, const Value& options) {
    try {
      compile_validator("Task.attr", name, options, true);
    } catch (const DefinitionError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message("numeric", Value::Dict{{"min", Value("x")}}),
            "Task.attr: validator 'numeric' option 'min' must be a number, not str");
  EXPECT_EQ(message("format", Value("(")).rfind("Task.attr: validator 'format' has an invalid regex '('", 0), 0u);
  EXPECT_EQ(message("length", Value::Dict{{"minimum", Value(1)}}),
            "Task.attr: validator 'length' has no option 'minimum' (options: min, max, is, within, allow_none, message)");
  EXPECT_EQ(message("nope", Value(true)).rfind("Task.attr: unknown validator 'nope'", 0), 0u);
  EXPECT_EQ(message("numeric", Value::Dict{{"min", Value(1)}, {"allow_none", Value(1)}}),
            "Task.attr: validator 'numeric' option 'allow_none' must be a bool, not int");
}

TEST(Validators, RegisteredByName) {
  register_validator("test.even", [](const Value& v, const Value&) -> std::optional<std::string> {
    if (v.is_int() && v.as_int() % 2 == 0) return std::nullopt;
    return "must be even";
  });
  EXPECT_EQ(check("test.even", true, Value(3)), Msgs{"must be even"});
  EXPECT_EQ(check("test.even", true, Value(4)), Msgs{});
  EXPECT_THROW(register_validator("numeric", [](const Value&, const Value&) { return std::nullopt; }), std::invalid_argument);
}

TEST(Validators, DefaultThatFailsItsOwnValidationIsRejectedAtDeclaration) {
  auto attr = Attribute::optional_attr("age", Type::integer(), Value(-1)).validate("numeric", Value::Dict{{"min", Value(0)}});
  try {
    make_spec<Echo>("test.BadDefault", {attr});
    FAIL() << "expected a DefinitionError";
  } catch (const DefinitionError& e) {
    EXPECT_STREQ(e.what(), "test.BadDefault.age: default -1 must be at least 0");
  }
  EXPECT_THROW(make_spec<Echo>("test.BadCoercion", {Attribute::required_attr("age", Type::custom_named("test.missing"))}),
               DefinitionError);
}

TEST(Validators, EveryErrorOfEveryAttributeIsCollected) {
  static auto spec = std::make_shared<const TaskSpec>(make_spec<Echo>(
      "test.Collect", {Attribute::required_attr("age", Type::integer())
                           .validate("numeric", Value::Dict{{"min", Value(18)}})
                           .validate("inclusion", Value::List{Value(20), Value(30)}),
                       Attribute::required_attr("email", Type::str()).validate("format", Value("@")),
                       Attribute::required_attr("name", Type::str())}));
  RunRequest request;
  request.kwargs = {{"age", Value("7")}, {"email", Value("nope")}};
  ResultPtr r = Executor::run(spec, std::move(request));
  EXPECT_TRUE(r->failed());
  EXPECT_TRUE(r->interrupted());
  EXPECT_EQ(r->reason, "age must be at least 18. age must be one of: 20, 30. email is an invalid format. name is required");
  const auto& errors = r->metadata.at("errors").as_dict();
  EXPECT_EQ(errors.at("age").as_list().size(), 2u);
  EXPECT_EQ(errors.at("email").as_list()[0], Value("is an invalid format"));
  EXPECT_FALSE(r->context->has("age") && r->context->get("age") == Value(7));  // work did not run
}

TEST(Validators, GroupFieldsAreResolvedAndReportedUnderTheirPath) {
  static auto spec = std::make_shared<const TaskSpec>(make_spec<Echo>(
      "test.Group", {Attribute::required_attr(
                        "age", Type::group({Attribute::required_attr("years", Type::integer()),
                                            Attribute::required_attr("unit", Type::str()).validate("inclusion", Value::List{Value("y")})}))}));
  RunRequest ok;
  ok.kwargs = {{"age", Value(Value::Dict{{"years", Value("3")}, {"unit", Value("y")}})}};
  ResultPtr r = Executor::run(spec, std::move(ok));
  ASSERT_TRUE(r->success()) << r->reason;
  EXPECT_EQ(r->context->get("age").as_dict().at("years"), Value(3));
  RunRequest bad;
  bad.kwargs = {{"age", Value(Value::Dict{{"unit", Value("m")}})}};
  r = Executor::run(spec, std::move(bad));
  EXPECT_EQ(r->reason, "age.years is required. age.unit must be one of: y");
}
