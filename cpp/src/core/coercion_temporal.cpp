// Date, time and datetime coercion: ISO 8601 text, and the neighbouring kinds where the meaning
// is unambiguous (a date is a datetime at midnight; a number is a Unix timestamp in UTC).
#include <cmath>
#include <cstdint>

#include "coercion_rules.hpp"

namespace taskmill::coercion_rules {

namespace {

// A tiny cursor over ISO text; each reader returns false (leaving the parse failed) on mismatch.
struct Cursor {
  const std::string& s;
  std::size_t i = 0;
  bool done() const { return i == s.size(); }
  bool peek(char c) const { return i < s.size() && s[i] == c; }
  bool eat(char c) {
    if (!peek(c)) return false;
    ++i;
    return true;
  }
  bool number(int width, int& out) {
    if (i + static_cast<std::size_t>(width) > s.size()) return false;
    out = 0;
    for (int k = 0; k < width; ++k) {
      const char c = s[i++];
      if (c < '0' || c > '9') return false;
      out = out * 10 + (c - '0');
    }
    return true;
  }
};

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
int days_in_month(int y, int m) {
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : days[m - 1];
}

bool read_date(Cursor& c, Date& d) {
  if (!(c.number(4, d.year) && c.eat('-') && c.number(2, d.month) && c.eat('-') && c.number(2, d.day))) return false;
  return d.year >= 1 && d.month >= 1 && d.month <= 12 && d.day >= 1 && d.day <= days_in_month(d.year, d.month);
}

// HH:MM[:SS[.f{1,6}]][Z|±HH:MM|±HHMM]
bool read_time(Cursor& c, Time& t) {
  if (!(c.number(2, t.hour) && c.eat(':') && c.number(2, t.minute))) return false;
  if (c.eat(':')) {
    if (!c.number(2, t.second)) return false;
    if (c.eat('.') || c.eat(',')) {
      int digits = 0, value = 0;
      while (!c.done() && c.s[c.i] >= '0' && c.s[c.i] <= '9') {
        if (digits < 6) value = value * 10 + (c.s[c.i] - '0');
        ++digits;
        ++c.i;
      }
      if (digits == 0) return false;
      for (int k = digits; k < 6; ++k) value *= 10;
      t.microsecond = value;
    }
  }
  if (t.hour > 23 || t.minute > 59 || t.second > 59) return false;
  if (c.eat('Z') || c.eat('z')) {
    t.utc_offset_minutes = 0;
  } else if (c.peek('+') || c.peek('-')) {
    const int sign = c.s[c.i++] == '-' ? -1 : 1;
    int h = 0, m = 0;
    if (!c.number(2, h)) return false;
    c.eat(':');
    if (!c.number(2, m) || h > 23 || m > 59) return false;
    t.utc_offset_minutes = sign * (h * 60 + m);
  }
  return true;
}

// Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
Date civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const auto y = static_cast<int>(static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2));
  return {y, static_cast<int>(m), static_cast<int>(d)};
}

std::optional<DateTime> from_timestamp(double seconds) {
  if (!std::isfinite(seconds) || std::fabs(seconds) > 253402300799.0) return std::nullopt;  // year 9999
  const double whole = std::floor(seconds);
  auto micros = static_cast<int>(std::llround((seconds - whole) * 1e6));
  auto total = static_cast<std::int64_t>(whole);
  if (micros == 1000000) {
    micros = 0;
    ++total;
  }
  std::int64_t days = total / 86400, rest = total % 86400;
  if (rest < 0) {
    rest += 86400;
    --days;
  }
  DateTime dt;
  dt.date = civil_from_days(days);
  dt.time = Time{static_cast<int>(rest / 3600), static_cast<int>(rest % 3600 / 60), static_cast<int>(rest % 60), micros, 0};
  if (dt.date.year < 1) return std::nullopt;
  return dt;
}

}  // namespace

Coerced to_date(const Value& v) {
  static const std::string msg = "could not coerce into a date (expected YYYY-MM-DD)";
  switch (v.kind()) {
    case Value::Kind::Date: return Coerced::success(v);
    case Value::Kind::DateTime: {
      // Only a midnight datetime is a date without losing information.
      const Time& t = v.as_datetime().time;
      if (t.hour == 0 && t.minute == 0 && t.second == 0 && t.microsecond == 0)
        return Coerced::success(Value(v.as_datetime().date));
      return Coerced::failure("could not coerce into a date (the datetime has a time of day)");
    }
    case Value::Kind::String: {
      const std::string s(trimmed(v.as_string()));
      Cursor c{s};
      Date d;
      if (read_date(c, d) && c.done()) return Coerced::success(Value(d));
      return Coerced::failure(msg);
    }
    default: return Coerced::failure(msg);
  }
}

Coerced to_time(const Value& v) {
  static const std::string msg = "could not coerce into a time (expected HH:MM[:SS[.ffffff]][±HH:MM])";
  switch (v.kind()) {
    case Value::Kind::Time: return Coerced::success(v);
    case Value::Kind::String: {
      const std::string s(trimmed(v.as_string()));
      Cursor c{s};
      Time t;
      if (read_time(c, t) && c.done()) return Coerced::success(Value(t));
      return Coerced::failure(msg);
    }
    default: return Coerced::failure(msg);
  }
}

Coerced to_datetime(const Value& v) {
  static const std::string msg = "could not coerce into a datetime (expected ISO 8601, YYYY-MM-DDTHH:MM[:SS][±HH:MM])";
  switch (v.kind()) {
    case Value::Kind::DateTime: return Coerced::success(v);
    case Value::Kind::Date: return Coerced::success(Value(DateTime{v.as_date(), Time{}}));
    case Value::Kind::Int:
    case Value::Kind::Float: {
      const double seconds = v.is_int() ? static_cast<double>(v.as_int()) : v.as_float();
      if (auto dt = from_timestamp(seconds)) return Coerced::success(Value(*dt));
      return Coerced::failure(msg);
    }
    case Value::Kind::String: {
      const std::string s(trimmed(v.as_string()));
      Cursor c{s};
      DateTime dt;
      if (!read_date(c, dt.date)) return Coerced::failure(msg);
      if (c.done()) return Coerced::success(Value(dt));
      if (!(c.eat('T') || c.eat('t') || c.eat(' ')) || !read_time(c, dt.time) || !c.done())
        return Coerced::failure(msg);
      return Coerced::success(Value(dt));
    }
    default: return Coerced::failure(msg);
  }
}

}  // namespace taskmill::coercion_rules
