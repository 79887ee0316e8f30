// Callbacks: functions a task runs at the events of its lifecycle.
#pragma once

#include <array>
#include <cstddef>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

namespace taskmill {

class Run;

// In the order the executor reaches them.
enum class Event {
  BeforeValidation,
  BeforeExecution,
  OnComplete,
  OnInterrupted,
  OnExecuted,
  OnSuccess,
  OnSkipped,
  OnFailed,
  OnGood,
  OnBad,
};
inline constexpr std::size_t kEventCount = 10;

std::string_view to_string(Event e);
std::optional<Event> parse_event(std::string_view name);

struct Callback {
  std::function<void(Run&)> fn;
  std::function<bool(Run&)> if_;     // run only when this returns true (if set)
  std::function<bool(Run&)> unless;  // skip when this returns true (if set)
};

using CallbackTable = std::array<std::vector<Callback>, kEventCount>;

// A middleware wraps a whole run; it must call `next` exactly once to run the task (or not at all
// to prevent the run, after halting it). The first registered is the outermost.
using Middleware = std::function<void(Run& run, const std::function<void()>& next)>;

}  // namespace taskmill
