#include "taskmill/core/run_log.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include "json_text.hpp"
#include "taskmill/core/task_spec.hpp"

namespace taskmill {

namespace {

// ISO 8601 UTC with milliseconds, e.g. 2026-12-04T09:30:00.123Z.
std::string utc_timestamp() {
  const auto now = std::chrono::system_clock::now();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[80];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
  return buf;
}

LogLevel level_of(const Result& r) { return r.failed() ? LogLevel::Error : LogLevel::Info; }

// Writes the fields one at a time into one string: a JSON object, or `key=value` pairs where a
// string stays bare when unambiguous and is JSON-quoted when it holds spaces, quotes or '=' (or
// is empty). Values other than strings are written as JSON in both formats.
class LineWriter {
 public:
  explicit LineWriter(LogFormat format) : json_(format == LogFormat::Json) {
    out_.reserve(384);
    if (json_) out_ += '{';
  }
  void string(std::string_view key, std::string_view value) {
    begin(key);
    if (!json_ && bare(value)) out_.append(value);
    else json_text::append_string(out_, value);
  }
  void number(std::string_view key, std::int64_t value) {
    begin(key);
    json_text::append_number(out_, value);
  }
  void number(std::string_view key, double value) {
    begin(key);
    json_text::append_number(out_, value);
  }
  void json(std::string_view key, std::string_view text) {  // null, an object: already JSON
    begin(key);
    out_.append(text);
  }
  std::string finish() {
    if (json_) out_ += '}';
    return std::move(out_);
  }

 private:
  void begin(std::string_view key) {
    if (json_) {
      if (out_.size() > 1) out_ += ',';
      json_text::append_string(out_, key);
      out_ += ':';
    } else {
      if (!out_.empty()) out_ += ' ';
      out_.append(key);
      out_ += '=';
    }
  }
  static bool bare(std::string_view text) {
    return !text.empty() && text.find_first_of(" \"=\t\n") == std::string_view::npos;
  }

  bool json_;
  std::string out_;
};

std::string metadata_json(const Value::Dict& metadata) {
  if (metadata.empty()) return "{}";
  // Invalid UTF-8 in a value is replaced rather than failing the log line.
  return Value(metadata).to_json().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

std::string format_run_line(const Result& r, const JobInfo* job, LogFormat format) {
  LineWriter w(format);
  w.string("timestamp", utc_timestamp());
  w.string("level", to_string(level_of(r)));
  w.number("pid", static_cast<std::int64_t>(::getpid()));
  w.number("index", static_cast<std::int64_t>(r.index));
  w.string("chain_id", r.chain_id);
  w.string("task", r.task_name());
  w.string("task_id", r.task_id);
  w.string("state", to_string(r.state));
  w.string("status", to_string(r.status));
  if (r.reason.empty()) w.json("reason", "null");
  else w.string("reason", r.reason);
  w.json("metadata", metadata_json(r.metadata));
  w.number("runtime_ms", r.runtime_ms);
  if (r.retries > 0) w.number("retries", static_cast<std::int64_t>(r.retries));
  if (job) {
    w.string("jid", job->jid);
    w.string("queue", job->queue);
    if (job->retry_count) w.number("retry_count", static_cast<std::int64_t>(*job->retry_count));
    else w.json("retry_count", "null");
  }
  return w.finish();
}

void log_run(const Result& result, const JobInfo* job) {
  auto& config = Config::global();
  const LogLevel level = level_of(result);
  if (!config.log_enabled(level)) return;
  const auto logger = config.logger();
  const std::string line = format_run_line(result, job, config.log_format());
  logger->log(level == LogLevel::Error ? spdlog::level::err : spdlog::level::info, line);
}

}  // namespace taskmill
