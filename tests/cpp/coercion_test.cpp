// The coercion table of docs/attributes.md, row by row: accepted inputs → value, rejected → message.
#include <gtest/gtest.h>

#include "taskmill/core/attribute.hpp"
#include "taskmill/core/coercion.hpp"
#include "taskmill/core/coercion_registry.hpp"

using namespace taskmill;

namespace {

struct Accepts {
  Value input;
  Value expected;
};

void expect_accepts(const Type& type, const std::vector<Accepts>& rows) {
  for (const auto& row : rows) {
    Coerced c = coerce(row.input, type);
    ASSERT_TRUE(c.ok()) << type.name() << " should accept " << row.input.repr() << ": " << c.error;
    EXPECT_EQ(*c.value, row.expected) << type.name() << " from " << row.input.repr() << " gave " << c.value->repr();
  }
}

void expect_rejects(const Type& type, const std::vector<Value>& inputs, const std::string& message) {
  for (const auto& input : inputs) {
    Coerced c = coerce(input, type);
    EXPECT_FALSE(c.ok()) << type.name() << " should reject " << input.repr();
    EXPECT_EQ(c.error, message) << type.name() << " from " << input.repr();
  }
}

Value dt(int y, int mo, int d, int h, int mi, int s, int us, std::optional<int> offset) {
  return Value(DateTime{Date{y, mo, d}, Time{h, mi, s, us, offset}});
}

}  // namespace

TEST(Coercion, Int) {
  expect_accepts(Type::integer(), {{Value(7), Value(7)}, {Value("42"), Value(42)}, {Value(" -3 "), Value(-3)},
                                   {Value("+5"), Value(5)}, {Value(2.0), Value(2)}});
  expect_rejects(Type::integer(), {Value("1.5"), Value("1e3"), Value(""), Value("+-5"), Value("+"), Value(1.5), Value(true), Value(Value::List{})},
                 "could not coerce into an integer");
}

TEST(Coercion, Float) {
  expect_accepts(Type::floating(), {{Value(1.5), Value(1.5)}, {Value(2), Value(2.0)}, {Value("2.5"), Value(2.5)},
                                    {Value("1e3"), Value(1000.0)}});
  expect_rejects(Type::floating(), {Value("abc"), Value("nan"), Value("inf"), Value(true)}, "could not coerce into a float");
}

TEST(Coercion, Bool) {
  for (const char* t : {"true", "TRUE", "yes", "on", "y", "1", "t", "T"})
    expect_accepts(Type::boolean(), {{Value(t), Value(true)}});
  for (const char* f : {"false", "No", "off", "n", "0", "f"}) expect_accepts(Type::boolean(), {{Value(f), Value(false)}});
  expect_accepts(Type::boolean(), {{Value(1), Value(true)}, {Value(0), Value(false)}, {Value(true), Value(true)}});
  expect_rejects(Type::boolean(), {Value("maybe"), Value(2), Value(1.0)}, "could not coerce into a boolean");
}

TEST(Coercion, Str) {
  expect_accepts(Type::str(), {{Value("a"), Value("a")}, {Value(12), Value("12")}, {Value(true), Value("true")},
                               {Value(Decimal{"1.50"}), Value("1.50")}, {Value(Date{2024, 2, 29}), Value("2024-02-29")}});
  expect_rejects(Type::str(), {Value(Value::List{}), Value(Value::Dict{})}, "could not coerce into a string");
}

TEST(Coercion, Decimal) {
  expect_accepts(Type::decimal(), {{Value("1.50"), Value(Decimal{"1.50"})}, {Value(" +2 "), Value(Decimal{"2"})},
                                   {Value(3), Value(Decimal{"3"})}, {Value(0.1), Value(Decimal{"0.1"})},
                                   {Value("-.5e2"), Value(Decimal{"-.5e2"})}});
  expect_rejects(Type::decimal(), {Value("1.2.3"), Value("NaN"), Value(""), Value(true), Value("1e")},
                 "could not coerce into a decimal");
}

TEST(Coercion, Date) {
  expect_accepts(Type::date(), {{Value("2024-02-29"), Value(Date{2024, 2, 29})},
                                {dt(2024, 1, 2, 0, 0, 0, 0, std::nullopt), Value(Date{2024, 1, 2})}});
  expect_rejects(Type::date(), {Value("2023-02-29"), Value("2024-13-01"), Value("24-01-01"), Value(20240101)},
                 "could not coerce into a date (expected YYYY-MM-DD)");
  expect_rejects(Type::date(), {dt(2024, 1, 2, 3, 0, 0, 0, std::nullopt)},
                 "could not coerce into a date (the datetime has a time of day)");
}

TEST(Coercion, Time) {
  expect_accepts(Type::time(), {{Value("13:45"), Value(Time{13, 45, 0, 0, std::nullopt})},
                                {Value("13:45:30.25"), Value(Time{13, 45, 30, 250000, std::nullopt})},
                                {Value("08:00:00+02:00"), Value(Time{8, 0, 0, 0, 120})}});
  expect_rejects(Type::time(), {Value("25:00"), Value("1:00"), Value("12:00:00+2"), Value(12)},
                 "could not coerce into a time (expected HH:MM[:SS[.ffffff]][±HH:MM])");
}

TEST(Coercion, DateTime) {
  expect_accepts(Type::datetime(), {{Value("2024-01-02T03:04:05Z"), dt(2024, 1, 2, 3, 4, 5, 0, 0)},
                                    {Value("2024-01-02 03:04"), dt(2024, 1, 2, 3, 4, 0, 0, std::nullopt)},
                                    {Value("2024-01-02T03:04:05.123456-05:30"), dt(2024, 1, 2, 3, 4, 5, 123456, -330)},
                                    {Value("2024-01-02"), dt(2024, 1, 2, 0, 0, 0, 0, std::nullopt)},
                                    {Value(Date{2024, 1, 2}), dt(2024, 1, 2, 0, 0, 0, 0, std::nullopt)},
                                    {Value(86400), dt(1970, 1, 2, 0, 0, 0, 0, 0)},
                                    {Value(-0.5), dt(1969, 12, 31, 23, 59, 59, 500000, 0)}});
  expect_rejects(Type::datetime(), {Value("2024-01-02T"), Value("yesterday"), Value(true)},
                 "could not coerce into a datetime (expected ISO 8601, YYYY-MM-DDTHH:MM[:SS][±HH:MM])");
}

TEST(Coercion, ListOfIntCoercesEveryElement) {
  expect_accepts(Type::list_of(Type::integer()), {{Value(Value::List{Value("1"), Value(2)}), Value(Value::List{Value(1), Value(2)})}});
  expect_rejects(Type::list_of(Type::integer()), {Value(Value::List{Value(1), Value("x")})}, "item 1 could not coerce into an integer");
  expect_rejects(Type::list(), {Value("a,b")}, "could not coerce into a list");
}

TEST(Coercion, UnionTriesOptionsInOrder) {
  const Type t = Type::one_of({Type::integer(), Type::str()});
  expect_accepts(t, {{Value("5"), Value(5)}, {Value("five"), Value("five")}});
  expect_rejects(Type::one_of({Type::integer(), Type::boolean()}), {Value("x")},
                 "could not coerce into any of Union[int, bool]");
}

TEST(Coercion, OptionalAcceptsNone) {
  expect_accepts(Type::optional(Type::integer()), {{Value(), Value()}, {Value("3"), Value(3)}});
}

TEST(Coercion, CustomByName) {
  register_coercion("test.upper", [](const Value& v) {
    if (!v.is_string()) return Coerced::failure("needs text");
    std::string s = v.as_string();
    for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return Coerced::success(Value(s));
  });
  std::vector<Attribute> attrs{Attribute::required_attr("code", Type::custom_named("test.upper"))};
  prepare_attributes("T", attrs);
  expect_accepts(attrs[0].type, {{Value("ab"), Value("AB")}});
  expect_rejects(attrs[0].type, {Value(1)}, "needs text");
  EXPECT_THROW(register_coercion("int", [](const Value& v) { return Coerced::success(v); }), std::invalid_argument);
}

// The resolver's shortcut must agree with coerce(): whatever it lets through unchanged, coerce()
// would also have returned unchanged, and it never claims a value that needs converting.
TEST(Coercion, NeedsNoCoercionOnlyWhereCoerceReturnsTheInput) {
  const std::vector<Value> inputs = {Value(), Value(true), Value(7), Value(2.5), Value("42"), Value(Value::List{Value(1)}),
                                     Value(Value::Dict{{"a", Value(1)}}), Value(Date{2026, 12, 4})};
  const std::vector<Type> types = {Type::any(), Type::str(), Type::integer(), Type::floating(), Type::boolean(),
                                   Type::dict(), Type::list_of(Type::integer()), Type::decimal(), Type::date(),
                                   Type::optional(Type::integer()), Type::one_of({Type::integer(), Type::str()})};
  int shortcuts = 0;
  for (const auto& type : types) {
    for (const auto& input : inputs) {
      if (!needs_no_coercion(input, type)) continue;
      ++shortcuts;
      Coerced c = coerce(input, type);
      ASSERT_TRUE(c.ok()) << type.name() << " from " << input.repr();
      EXPECT_EQ(*c.value, input) << type.name() << " from " << input.repr();
    }
  }
  EXPECT_EQ(shortcuts, 8 + 5 + 2);  // Any: every input; str, int, float, bool, dict: their own; Optional[int]: null, 7
  EXPECT_FALSE(needs_no_coercion(Value("42"), Type::integer()));
  EXPECT_FALSE(needs_no_coercion(Value(7), Type::floating()));  // becomes 7.0
}
