// TaskSpec: everything the engine knows about a task type — registered once, read-only after.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "taskmill/core/attribute.hpp"
#include "taskmill/core/callback.hpp"
#include "taskmill/core/retry_on.hpp"
#include "taskmill/core/task_options.hpp"
#include "taskmill/core/value.hpp"

namespace taskmill {

class Task;
class Run;

struct TaskSpec {
  std::string name;    // registered name, e.g. "ChargeSubscription" or "taskmill.Sleep"
  std::string origin;  // where it was declared ("myapp.tasks.Charge", "C++"), for messages
  std::vector<Attribute> attributes;  // in declaration order = positional argument order
  TaskOptions options;
  CallbackTable callbacks;
  std::vector<Middleware> middlewares;
  RetryOn retry_on;  // in-task retries of `work` (disabled by default)
  // Builds the instance that runs one execution (given the run it will serve).
  std::function<std::unique_ptr<Task>(Run&)> factory;
  // The Python class of a task declared in Python; null for C++ tasks.
  std::shared_ptr<const Foreign> host;

  // Index of the attribute called `name`, or -1.
  int attribute_index(std::string_view attr) const {
    for (std::size_t i = 0; i < attributes.size(); ++i)
      if (attributes[i].name == attr) return static_cast<int>(i);
    return -1;
  }
};

using TaskSpecPtr = std::shared_ptr<const TaskSpec>;

}  // namespace taskmill
