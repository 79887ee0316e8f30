// JSON text written straight into a string, for the run log line: one line per run is built on
// every run, and going through a JSON document (a map of nodes, then a dump) costs several times
// what the line itself does.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace taskmill::json_text {

// `s` as a quoted JSON string. Control characters, quotes and backslashes are escaped; bytes that
// are not valid UTF-8 become U+FFFD, so the line is always valid JSON (a log line never fails).
void append_string(std::string& out, std::string_view s);
// Shortest text that reads back as `v` ("1.0" for whole numbers); null when not finite.
void append_number(std::string& out, double v);
void append_number(std::string& out, std::int64_t v);

}  // namespace taskmill::json_text
