#include "taskmill/core/utc_time.hpp"

#include <charconv>

namespace taskmill {

namespace {

using namespace std::chrono;

// `value` as exactly `width` decimal digits (0 <= value < 10^width).
char* put_digits(char* out, unsigned value, int width) {
  for (int i = width - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  return out + width;
}

// YYYY-MM-DD into `out` (room for 12 characters); returns the end. A year outside 0..9999 is
// written in full, with its sign, rather than cut to four digits.
char* put_date(char* out, const year_month_day& date) {
  const int y = static_cast<int>(date.year());
  if (y >= 0 && y <= 9999) out = put_digits(out, static_cast<unsigned>(y), 4);
  else out = std::to_chars(out, out + 7, y).ptr;
  *out++ = '-';
  out = put_digits(out, static_cast<unsigned>(date.month()), 2);
  *out++ = '-';
  return put_digits(out, static_cast<unsigned>(date.day()), 2);
}

}  // namespace

std::size_t write_iso_utc(char* out, system_clock::time_point t) {
  const auto ms = floor<milliseconds>(t);
  const auto day = floor<days>(ms);  // floor: a time before 1970 still falls in its own day
  const hh_mm_ss<milliseconds> time(ms - day);
  char* p = put_date(out, year_month_day(day));
  *p++ = 'T';
  p = put_digits(p, static_cast<unsigned>(time.hours().count()), 2);
  *p++ = ':';
  p = put_digits(p, static_cast<unsigned>(time.minutes().count()), 2);
  *p++ = ':';
  p = put_digits(p, static_cast<unsigned>(time.seconds().count()), 2);
  *p++ = '.';
  p = put_digits(p, static_cast<unsigned>(time.subseconds().count()), 3);
  *p++ = 'Z';
  return static_cast<std::size_t>(p - out);
}

std::string iso_utc(system_clock::time_point t) {
  char buf[kIsoUtcRoom];
  return std::string(buf, write_iso_utc(buf, t));
}

std::string utc_date(system_clock::time_point t) {
  char buf[16];
  const char* end = put_date(buf, year_month_day(floor<days>(t)));
  return std::string(buf, static_cast<std::size_t>(end - buf));
}

}  // namespace taskmill
