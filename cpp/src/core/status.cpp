#include "taskmill/core/status.hpp"

namespace taskmill {

std::string_view to_string(Status s) {
  switch (s) {
    case Status::Success: return "success";
    case Status::Skipped: return "skipped";
    case Status::Failed: return "failed";
  }
  return "failed";
}

std::string_view to_string(State s) { return s == State::Complete ? "complete" : "interrupted"; }

std::optional<Status> parse_status(std::string_view text) {
  if (text == "success") return Status::Success;
  if (text == "skipped") return Status::Skipped;
  if (text == "failed") return Status::Failed;
  return std::nullopt;
}

}  // namespace taskmill
