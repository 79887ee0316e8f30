// Attribute: one declared input of a task — its name, type, whether it is required, its default
// and its validators.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "taskmill/core/type.hpp"
#include "taskmill/core/validators.hpp"
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
  // Declared validators, name → options, in declaration order ({"numeric", {{"min", 0}}}).
  // prepare_attributes() compiles them into `validators`.
  std::vector<std::pair<std::string, Value>> validations;
  // Compiled checks; a binding may also add ones it built itself (a Python callable).
  std::vector<Validator> validators;

  bool has_default() const { return default_value.has_value() || static_cast<bool>(default_factory); }
  Value make_default() const { return default_factory ? default_factory() : *default_value; }

  // Adds a declared validator (chainable): Attribute::required_attr("age", Type::integer())
  //   .validate("numeric", Value::Dict{{"min", 0}})
  Attribute& validate(std::string validator, Value options = Value(true)) {
    validations.emplace_back(std::move(validator), std::move(options));
    return *this;
  }

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

inline Type Type::group(std::vector<Attribute> fields) {
  Type t{Kind::Group, {}, {}, {}, {}};
  t.fields = std::make_shared<const std::vector<Attribute>>(std::move(fields));
  return t;
}

// Completes a declaration: compiles validators, resolves custom coercion names (recursively,
// into groups), and checks that every plain default coerces and passes its own validators.
// Throws DefinitionError naming the task and the attribute. Called by make_spec (C++) and by the
// Python binding, before the spec is registered.
void prepare_attributes(const std::string& task, std::vector<Attribute>& attributes);

}  // namespace taskmill
