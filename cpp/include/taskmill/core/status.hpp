// Status and State of a run, and their spellings ("success", "interrupted", ...).
#pragma once

#include <optional>
#include <string_view>

namespace taskmill {

enum class Status { Success, Skipped, Failed };
enum class State { Complete, Interrupted };

std::string_view to_string(Status s);
std::string_view to_string(State s);
std::optional<Status> parse_status(std::string_view text);

}  // namespace taskmill
