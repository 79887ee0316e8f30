// Named custom coercions, registered by users (`tm.register_coercion(name, fn)` or from C++) and
// used as an attribute's type.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "taskmill/core/coercion.hpp"

namespace taskmill {

// Turns an input into the attribute's value, or reports why it cannot. Must be safe to call from
// any thread (a Python one takes the GIL).
struct CustomCoercion {
  std::string name;
  std::function<Coerced(const Value& input)> fn;
};

// Registers (or replaces) a coercion, process-wide. Tasks declared earlier keep the one they
// resolved. Throws std::invalid_argument for an empty name or a built-in type's name.
void register_coercion(const std::string& name, std::function<Coerced(const Value& input)> fn);
// The coercion called `name`, or null.
std::shared_ptr<const CustomCoercion> find_coercion(const std::string& name);

}  // namespace taskmill
