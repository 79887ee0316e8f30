// Resolving a task's attributes from its context: value → default → coercion → validation.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "taskmill/core/context.hpp"
#include "taskmill/core/task_spec.hpp"

namespace taskmill {

// attribute → messages, in declaration order of the attributes that have errors. A group's field
// is named "group.field".
using AttributeErrors = std::vector<std::pair<std::string, std::vector<std::string>>>;

struct ResolvedAttributes {
  std::vector<Value> values;  // in declaration order (null where resolution failed)
  AttributeErrors errors;

  bool ok() const { return errors.empty(); }
  // "user_id is required. email is an invalid format"
  std::string reason() const;
  // {"user_id": ["is required"], ...}, made from `errors` by moving their text (errors is left empty).
  Value take_errors_value();
};

ResolvedAttributes resolve_attributes(const TaskSpec& spec, const Context& context);

// Resolves one group's fields from a mapping, with the same rules as a task's attributes;
// returns the resolved mapping and appends problems (keyed by field name) to `errors`.
Value resolve_group(const std::vector<Attribute>& fields, const Value::Dict& input, AttributeErrors& errors);

}  // namespace taskmill
