#include "taskmill/core/callback.hpp"

namespace taskmill {

namespace {
constexpr std::array<std::string_view, kEventCount> kEventNames = {
    "before_validation", "before_execution", "on_complete", "on_interrupted", "on_executed",
    "on_success",        "on_skipped",       "on_failed",   "on_good",        "on_bad",
};
}  // namespace

std::string_view to_string(Event e) { return kEventNames[static_cast<std::size_t>(e)]; }

std::optional<Event> parse_event(std::string_view name) {
  for (std::size_t i = 0; i < kEventCount; ++i)
    if (kEventNames[i] == name) return static_cast<Event>(i);
  return std::nullopt;
}

}  // namespace taskmill
