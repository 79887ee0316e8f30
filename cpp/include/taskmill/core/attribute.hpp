// Attribute: one declared input of a task — its name, type, whether it is required, its default.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "taskmill/core/type.hpp"
#include "taskmill/core/value.hpp"

namespace taskmill {

struct Attribute {
  std::string name;
  Type type = Type::any();
  bool required = true;
  // Used when the input is missing or None. A factory is called once per run (for mutable or
  // time-dependent defaults); a plain value is copied.
  std::optional<Value> default_value;
  std::function<Value()> default_factory;

  bool has_default() const { return default_value.has_value() || static_cast<bool>(default_factory); }
  Value make_default() const { return default_factory ? default_factory() : *default_value; }

  static Attribute required_attr(std::string name, Type type) {
    Attribute a;
    a.name = std::move(name);
    a.type = std::move(type);
    return a;
  }
  static Attribute optional_attr(std::string name, Type type, std::optional<Value> default_value = std::nullopt) {
    Attribute a;
    a.name = std::move(name);
    a.type = std::move(type);
    a.required = false;
    a.default_value = std::move(default_value);
    return a;
  }
};

}  // namespace taskmill
