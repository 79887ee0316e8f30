// Log lines of the runtime itself (not of runs): through the configured logger, honouring the
// configured level, so log_level="off" silences them too.
#pragma once

#include <string>

#include "taskmill/core/config.hpp"

namespace taskmill::runtime {

void log_runtime(LogLevel level, const std::string& message);

}  // namespace taskmill::runtime
