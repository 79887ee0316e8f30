// Resolving a task's attributes from its context: value → default → coercion → validation.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "taskmill/core/context.hpp"
#include "taskmill/core/task_spec.hpp"

namespace taskmill {

struct ResolvedAttributes {
  std::vector<Value> values;  // in declaration order (null where resolution failed)
  // attribute → messages, in declaration order of the attributes that have errors
  std::vector<std::pair<std::string, std::vector<std::string>>> errors;

  bool ok() const { return errors.empty(); }
  // "user_id is required. email is an invalid format"
  std::string reason() const;
  // {"user_id": ["is required"], ...}
  Value errors_value() const;
};

ResolvedAttributes resolve_attributes(const TaskSpec& spec, const Context& context);

}  // namespace taskmill
