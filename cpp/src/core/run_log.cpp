#include "taskmill/core/run_log.hpp"

#include <chrono>
#include <cstring>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include "json_text.hpp"
#include "taskmill/core/task_spec.hpp"
#include "taskmill/core/utc_time.hpp"

namespace taskmill {

namespace {

LogLevel level_of(const Result& r) { return r.failed() ? LogLevel::Error : LogLevel::Info; }

// Writes the fields one at a time into one string: a JSON object, or `key=value` pairs where a
// string stays bare when unambiguous and is JSON-quoted when it holds spaces, quotes or '=' (or
// is empty). Values other than strings are written as JSON in both formats.
//
// Keys are the line's own names (plain ASCII), written as they are. So are values the line makes
// itself (timestamp, ids, level, state, status): `word` writes those without the escaping scan.
class LineWriter {
 public:
  explicit LineWriter(LogFormat format) : json_(format == LogFormat::Json) {
    out_.reserve(384);
    if (json_) out_.push_back('{');
  }
  void string(std::string_view key, std::string_view value) {
    begin(key);
    if (!json_ && bare(value)) out_.append(value);
    else json_text::append_string(out_, value);
  }
  // A value with nothing to escape and no space: bare in the line format, quoted as is in JSON.
  void word(std::string_view key, std::string_view value) {
    if (value.empty()) return string(key, value);  // quoted, even in the line format
    begin(key);
    quote();
    out_.append(value);
    quote();
  }
  void timestamp(std::string_view key) {
    begin(key);
    quote();
    char text[kIsoUtcRoom];
    out_.append(std::string_view(text, write_iso_utc(text, std::chrono::system_clock::now())));
    quote();
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
  // The finished line; valid until the writer is destroyed.
  std::string_view finish() {
    if (json_) out_.push_back('}');
    return std::string_view(out_.data(), out_.size());
  }

 private:
  // The key and its punctuation, appended in one step (a step costs more than the few bytes).
  void begin(std::string_view key) {
    char text[kMaxKey + 4];
    std::size_t n = 0;
    if (json_) {
      if (!first_) text[n++] = ',';
      text[n++] = '"';
    } else if (!first_) {
      text[n++] = ' ';
    }
    key = key.substr(0, kMaxKey);
    std::memcpy(text + n, key.data(), key.size());
    n += key.size();
    if (json_) text[n++] = '"';
    text[n++] = json_ ? ':' : '=';
    out_.append(text, n);
    first_ = false;
  }
  void quote() {
    if (json_) out_.push_back('"');
  }
  static bool bare(std::string_view text) {
    return !text.empty() && text.find_first_of(" \"=\t\n") == std::string_view::npos;
  }

  static constexpr std::size_t kMaxKey = 28;  // the longest key here is 11 characters

  bool json_;
  bool first_ = true;
  std::string out_;
};

std::string metadata_json(const Value::Dict& metadata) {
  if (metadata.empty()) return "{}";
  // Invalid UTF-8 in a value is replaced rather than failing the log line.
  return Value(metadata).to_json().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// The line for `r` into `w`.
void write_run_line(LineWriter& w, const Result& r, const JobInfo* job) {
  w.timestamp("timestamp");
  w.word("level", to_string(level_of(r)));
  w.number("pid", static_cast<std::int64_t>(::getpid()));
  w.number("index", static_cast<std::int64_t>(r.index));
  w.word("chain_id", r.chain_id);
  w.string("task", r.task_name());
  w.word("task_id", r.task_id);
  w.word("state", to_string(r.state));
  w.word("status", to_string(r.status));
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
}

}  // namespace

std::string format_run_line(const Result& r, const JobInfo* job, LogFormat format) {
  LineWriter w(format);
  write_run_line(w, r, job);
  return std::string(w.finish());
}

void log_run(const Result& result, const JobInfo* job) {
  auto& config = Config::global();
  const LogLevel level = level_of(result);
  if (!config.log_enabled(level)) return;
  const auto logger = config.logger();
  // Written straight from the writer's buffer: a line needs no string of its own.
  LineWriter w(config.log_format());
  write_run_line(w, result, job);
  logger->log(level == LogLevel::Error ? spdlog::level::err : spdlog::level::info, w.finish());
}

}  // namespace taskmill
