// UTC times as text: the run log's timestamp, the Timing middleware's started_at / ended_at, and
// the day the stats are counted under.
//
// Worked out with calendar arithmetic rather than gmtime_r: glibc's gmtime_r takes a process-wide
// lock (the time zone's) on every call, which the worker threads would all queue on, one log line
// per job, and with snprintf it was a third of the cost of writing a log line.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace taskmill {

// ISO 8601 with milliseconds, e.g. 2026-12-04T09:30:00.123Z.
std::string iso_utc(std::chrono::system_clock::time_point t);
// The same written into `out`, which has room for kIsoUtcRoom characters; returns how many it
// wrote (24, for any year from 0 to 9999).
inline constexpr std::size_t kIsoUtcRoom = 32;
std::size_t write_iso_utc(char* out, std::chrono::system_clock::time_point t);
// The date alone, e.g. 2026-12-04.
std::string utc_date(std::chrono::system_clock::time_point t);

}  // namespace taskmill
