// UTC times as text: calendar arithmetic checked against the C library's gmtime_r.
#include <gtest/gtest.h>

#include <cstdio>
#include <ctime>
#include <random>

#include "taskmill/core/utc_time.hpp"

using namespace taskmill;
using namespace std::chrono;

namespace {

system_clock::time_point at_ms(std::int64_t ms) { return system_clock::time_point(milliseconds(ms)); }

// What the text should be, by gmtime_r (what the log line used before).
std::string by_gmtime(std::int64_t ms) {
  const std::int64_t secs = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);  // floor
  const std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms - secs * 1000));
  return buf;
}

}  // namespace

TEST(UtcTime, KnownInstants) {
  EXPECT_EQ(iso_utc(at_ms(0)), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(iso_utc(at_ms(1796376600123)), "2026-12-04T09:30:00.123Z");
  EXPECT_EQ(iso_utc(at_ms(951782399999)), "2000-02-28T23:59:59.999Z");
  EXPECT_EQ(iso_utc(at_ms(951782400000)), "2000-02-29T00:00:00.000Z");  // a leap day
  EXPECT_EQ(iso_utc(at_ms(-1)), "1969-12-31T23:59:59.999Z");             // before 1970: floored
  EXPECT_EQ(utc_date(at_ms(1796376600123)), "2026-12-04");
  EXPECT_EQ(utc_date(at_ms(-1)), "1969-12-31");
}

TEST(UtcTime, SubMillisecondsAreDroppedNotRounded) {
  EXPECT_EQ(iso_utc(system_clock::time_point(microseconds(1999))), "1970-01-01T00:00:00.001Z");
}

TEST(UtcTime, AgreesWithGmtimeAcrossThreeCenturies) {
  std::mt19937_64 rng(20261204);
  // From 1900 to 2260 (system_clock counts nanoseconds in 64 bits: it ends in 2262). Leap years
  // and century years among them: 2000 is a leap year, 1900 and 2100 are not.
  std::uniform_int_distribution<std::int64_t> any(-2208988800000LL, 9151315200000LL);
  for (int i = 0; i < 20000; ++i) {
    const std::int64_t ms = any(rng);
    ASSERT_EQ(iso_utc(at_ms(ms)), by_gmtime(ms)) << ms;
    ASSERT_EQ(utc_date(at_ms(ms)), by_gmtime(ms).substr(0, 10)) << ms;
  }
}

TEST(UtcTime, WritesIntoABufferAndSaysHowMuch) {
  char buf[kIsoUtcRoom];
  const std::size_t n = write_iso_utc(buf, at_ms(0));
  EXPECT_EQ(std::string(buf, n), "1970-01-01T00:00:00.000Z");
}
