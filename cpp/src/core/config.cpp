#include "taskmill/core/config.hpp"

#include <stdexcept>

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace taskmill {

namespace {
std::shared_ptr<spdlog::logger> make_logger(const LogSettings& settings) {
  spdlog::sink_ptr sink;
  if (settings.file.empty()) {
    sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  } else {
    try {
      sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>(settings.file);
    } catch (const spdlog::spdlog_ex& e) {
      throw std::runtime_error("cannot open log_file '" + settings.file + "': " + e.what());
    }
  }
  // Not registered with spdlog's global registry: the logger is owned here alone.
  auto logger = std::make_shared<spdlog::logger>("taskmill", std::move(sink));
  logger->set_pattern("%v");  // the run line is complete as formatted by run_log
  logger->set_level(spdlog::level::trace);
  // Every line is flushed: a crash must not swallow the last runs' lines, and `tail -f` must show
  // them as they happen (bench/execute.py measures the cost).
  logger->flush_on(spdlog::level::trace);
  return logger;
}
}  // namespace

LogFormat parse_log_format(std::string_view text) {
  if (text == "json") return LogFormat::Json;
  if (text == "line") return LogFormat::Line;
  throw std::invalid_argument("log_format must be \"json\" or \"line\", not \"" + std::string(text) + "\"");
}

LogLevel parse_log_level(std::string_view text) {
  if (text == "debug") return LogLevel::Debug;
  if (text == "info") return LogLevel::Info;
  if (text == "warn" || text == "warning") return LogLevel::Warn;
  if (text == "error") return LogLevel::Error;
  if (text == "off") return LogLevel::Off;
  throw std::invalid_argument("log_level must be one of \"debug\", \"info\", \"warn\", \"error\", \"off\", not \"" +
                              std::string(text) + "\"");
}

std::string_view to_string(LogFormat f) { return f == LogFormat::Json ? "json" : "line"; }

std::string_view to_string(LogLevel l) {
  switch (l) {
    case LogLevel::Debug: return "debug";
    case LogLevel::Info: return "info";
    case LogLevel::Warn: return "warn";
    case LogLevel::Error: return "error";
    case LogLevel::Off: return "off";
  }
  return "off";
}

Config::Config() : logger_(make_logger(settings_)), middlewares_(std::make_shared<const std::vector<Middleware>>()) {}

Config& Config::global() {
  static Config instance;
  return instance;
}

void Config::set_log(LogSettings settings) {
  auto logger = make_logger(settings);  // may throw: nothing changes then
  std::lock_guard lock(mutex_);
  if (logger_) logger_->flush();
  settings_ = std::move(settings);
  logger_ = std::move(logger);
  level_.store(static_cast<int>(settings_.level), std::memory_order_relaxed);
  format_.store(static_cast<int>(settings_.format), std::memory_order_relaxed);
}

LogSettings Config::log() const {
  std::lock_guard lock(mutex_);
  return settings_;
}

std::shared_ptr<spdlog::logger> Config::logger() const {
  std::lock_guard lock(mutex_);
  return logger_;
}

void Config::flush_log() const {
  if (auto l = logger()) l->flush();
}

void Config::set_middlewares(std::vector<Middleware> middlewares) {
  auto snapshot = std::make_shared<const std::vector<Middleware>>(std::move(middlewares));
  std::lock_guard lock(mutex_);
  has_middlewares_.store(!snapshot->empty(), std::memory_order_release);
  middlewares_ = std::move(snapshot);
}

std::shared_ptr<const std::vector<Middleware>> Config::middlewares() const {
  std::lock_guard lock(mutex_);
  return middlewares_;
}

}  // namespace taskmill
