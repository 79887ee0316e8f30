#include "taskmill/core/run_log.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include "taskmill/core/task_spec.hpp"

namespace taskmill {

namespace {

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

nlohmann::ordered_json fields(const Result& r, const JobInfo* job) {
  nlohmann::ordered_json j;
  j["timestamp"] = utc_timestamp();
  j["level"] = std::string(to_string(level_of(r)));
  j["pid"] = static_cast<long>(::getpid());
  j["index"] = r.index;
  j["chain_id"] = r.chain_id;
  j["task"] = r.task_name();
  j["task_id"] = r.task_id;
  j["state"] = std::string(to_string(r.state));
  j["status"] = std::string(to_string(r.status));
  j["reason"] = r.reason.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(r.reason);
  j["metadata"] = Value(r.metadata).to_json();
  j["runtime_ms"] = r.runtime_ms;
  if (r.retries > 0) j["retries"] = r.retries;
  if (job) {
    j["jid"] = job->jid;
    j["queue"] = job->queue;
    j["retry_count"] = job->retry_count ? nlohmann::ordered_json(*job->retry_count) : nlohmann::ordered_json(nullptr);
  }
  return j;
}

std::string as_line(const nlohmann::ordered_json& j) {
  std::string out;
  for (const auto& [key, value] : j.items()) {
    if (!out.empty()) out += ' ';
    out += key;
    out += '=';
    if (value.is_string()) {
      const auto& text = value.get_ref<const std::string&>();
      // Bare when unambiguous; JSON-quoted when it holds spaces, quotes or '=' (or is empty).
      const bool bare = !text.empty() && text.find_first_of(" \"=\t\n") == std::string::npos;
      out += bare ? text : value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    } else {
      out += value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
  }
  return out;
}

}  // namespace

std::string format_run_line(const Result& result, const JobInfo* job, LogFormat format) {
  const auto j = fields(result, job);
  // Invalid UTF-8 in a reason or value is replaced rather than failing the log line.
  return format == LogFormat::Json ? j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) : as_line(j);
}

void log_run(const Result& result, const JobInfo* job) {
  auto& config = Config::global();
  const LogLevel level = level_of(result);
  if (!config.log_enabled(level)) return;
  const auto logger = config.logger();
  const std::string line = format_run_line(result, job, config.log().format);
  logger->log(level == LogLevel::Error ? spdlog::level::err : spdlog::level::info, line);
}

}  // namespace taskmill
