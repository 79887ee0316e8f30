// Config: the process-wide settings of the model layer — run logging and global middlewares.
//
// One of the two pieces of global mutable state (with the Registry). Reads on the hot path are a
// relaxed atomic load of the log level; changes take a mutex and swap whole snapshots.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "taskmill/core/callback.hpp"

namespace spdlog {
class logger;
}

namespace taskmill {

enum class LogFormat { Json, Line };
enum class LogLevel { Debug = 0, Info = 1, Warn = 2, Error = 3, Off = 4 };

struct LogSettings {
  LogFormat format = LogFormat::Json;
  LogLevel level = LogLevel::Info;
  std::string file;  // empty: stderr
};

LogFormat parse_log_format(std::string_view text);  // throws std::invalid_argument
LogLevel parse_log_level(std::string_view text);    // throws std::invalid_argument
std::string_view to_string(LogFormat f);
std::string_view to_string(LogLevel l);

class Config {
 public:
  static Config& global();

  // Replaces the log settings; opens the file (throws std::runtime_error naming it on failure).
  void set_log(LogSettings settings);
  LogSettings log() const;
  bool log_enabled(LogLevel level) const {
    return static_cast<int>(level) >= level_.load(std::memory_order_relaxed);
  }
  // The line format, read without the lock (once per logged run).
  LogFormat log_format() const { return static_cast<LogFormat>(format_.load(std::memory_order_relaxed)); }
  std::shared_ptr<spdlog::logger> logger() const;
  // Writes everything logged so far (a file sink buffers).
  void flush_log() const;

  void set_middlewares(std::vector<Middleware> middlewares);
  std::shared_ptr<const std::vector<Middleware>> middlewares() const;
  // Lock-free check, so runs without global middlewares skip the snapshot.
  bool has_middlewares() const { return has_middlewares_.load(std::memory_order_acquire); }

 private:
  Config();
  mutable std::mutex mutex_;
  LogSettings settings_;
  std::atomic<int> level_{static_cast<int>(LogLevel::Info)};
  std::atomic<int> format_{static_cast<int>(LogFormat::Json)};
  std::shared_ptr<spdlog::logger> logger_;
  std::shared_ptr<const std::vector<Middleware>> middlewares_;
  std::atomic<bool> has_middlewares_{false};
};

}  // namespace taskmill
