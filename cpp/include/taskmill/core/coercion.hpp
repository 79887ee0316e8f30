// Coercion: turning an input Value into the Value an attribute's Type asks for.
//
// The rules (which strings count as booleans, which numbers are integers, ...) live here once and
// serve Python and C++ tasks alike; docs/attributes.md lists them as a table.
#pragma once

#include <optional>
#include <string>

#include "taskmill/core/type.hpp"
#include "taskmill/core/value.hpp"

namespace taskmill {

struct Coerced {
  std::optional<Value> value;  // set on success
  std::string error;           // set on failure: a message without the attribute's name
  bool ok() const { return value.has_value(); }
  static Coerced success(Value v) { return {std::move(v), {}}; }
  static Coerced failure(std::string message) { return {std::nullopt, std::move(message)}; }
};

// Coerce `input` to `type`. Never throws for bad input; reports it in Coerced::error.
Coerced coerce(const Value& input, const Type& type);

// Whether `input` is already of `type` (Any, or the exact kind: a str for str, an int for int),
// so coerce() would hand it back unchanged. Lets the hot path copy the value once instead of
// building a Coerced around it.
bool needs_no_coercion(const Value& input, const Type& type);

}  // namespace taskmill
