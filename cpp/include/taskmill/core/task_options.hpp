// TaskOptions: a task's job options (queue, retries, ...) and its strict-mode breakpoints.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "taskmill/core/status.hpp"
#include "taskmill/core/value.hpp"

namespace taskmill {

struct TaskOptions {
  std::string queue = "default";
  Value retry = true;     // true (25 retries), false, or a retry count
  std::optional<std::string> retry_queue;
  bool dead = true;       // exhausted jobs go to the dead set
  Value backtrace = false;  // false, true, or a line count
  std::vector<std::string> tags;
  std::vector<Status> breakpoints = {Status::Failed};

  bool is_breakpoint(Status s) const {
    for (Status b : breakpoints)
      if (b == s) return true;
    return false;
  }
};

// Reads options given by name (as a Python class's keyword arguments are), checking each one's
// type and range. Throws DefinitionError naming the task and the option.
TaskOptions parse_task_options(const std::string& task, const Value::Dict& given);

}  // namespace taskmill
