// UUIDv7 (time-ordered) identifiers for runs and chains.
#pragma once

#include <string>

namespace taskmill {

// A new UUIDv7 in canonical text form: 8-4-4-4-12 lowercase hex digits.
std::string new_uuid7();

}  // namespace taskmill
