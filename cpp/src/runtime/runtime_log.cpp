#include "taskmill/runtime/runtime_log.hpp"

#include <spdlog/spdlog.h>

namespace taskmill::runtime {

void log_runtime(LogLevel level, const std::string& message) {
  auto& config = Config::global();
  if (!config.log_enabled(level)) return;
  const auto spd = level == LogLevel::Error  ? spdlog::level::err
                   : level == LogLevel::Warn ? spdlog::level::warn
                                             : spdlog::level::info;
  config.logger()->log(spd, message);
}

}  // namespace taskmill::runtime
