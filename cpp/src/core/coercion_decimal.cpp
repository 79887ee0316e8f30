// Decimal coercion: exact decimal numbers, kept as canonical text so no binary rounding creeps in.
#include <cctype>
#include <charconv>
#include <cmath>

#include "coercion_rules.hpp"

namespace taskmill::coercion_rules {

namespace {

bool digits(const std::string& s, std::size_t& i) {
  const std::size_t start = i;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
  return i > start;
}

// [+-]digits[.digits][e[+-]digits], or [+-].digits — what Python's Decimal() accepts, less
// NaN/Infinity (not numbers a task can compute with) and underscores.
bool is_decimal_literal(const std::string& s) {
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  const bool whole = digits(s, i);
  bool fraction = false;
  if (i < s.size() && s[i] == '.') {
    ++i;
    fraction = digits(s, i);
  }
  if (!whole && !fraction) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digits(s, i)) return false;
  }
  return i == s.size();
}

}  // namespace

Coerced to_decimal(const Value& v) {
  static const std::string msg = "could not coerce into a decimal";
  switch (v.kind()) {
    case Value::Kind::Decimal: return Coerced::success(v);
    case Value::Kind::Int: return Coerced::success(Value(Decimal{std::to_string(v.as_int())}));
    case Value::Kind::Float: {
      // The shortest text that reads back as the same double: 0.1 becomes Decimal("0.1").
      const double d = v.as_float();
      if (!std::isfinite(d)) return Coerced::failure(msg);
      char buf[64];
      auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
      if (ec != std::errc()) return Coerced::failure(msg);
      return Coerced::success(Value(Decimal{std::string(buf, end)}));
    }
    case Value::Kind::String: {
      std::string s(trimmed(v.as_string()));
      if (!is_decimal_literal(s)) return Coerced::failure(msg);
      if (s.front() == '+') s.erase(0, 1);
      return Coerced::success(Value(Decimal{std::move(s)}));
    }
    default: return Coerced::failure(msg);
  }
}

}  // namespace taskmill::coercion_rules
