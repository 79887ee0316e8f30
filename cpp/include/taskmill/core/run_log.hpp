// The one structured log line written for every run.
#pragma once

#include <string>

#include "taskmill/core/config.hpp"
#include "taskmill/core/job_info.hpp"
#include "taskmill/core/result.hpp"

namespace taskmill {

// The line's text in `format` (JSON object, or `key=value` pairs).
std::string format_run_line(const Result& result, const JobInfo* job, LogFormat format);
// Writes the line through the configured logger, if its level is enabled: info for good runs,
// error for failed ones.
void log_run(const Result& result, const JobInfo* job);

}  // namespace taskmill
