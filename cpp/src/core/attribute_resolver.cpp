#include "taskmill/core/attribute_resolver.hpp"

#include "taskmill/core/coercion.hpp"

namespace taskmill {

std::string ResolvedAttributes::reason() const {
  std::string out;
  for (const auto& [name, messages] : errors) {
    for (const auto& message : messages) {
      if (!out.empty()) out += ". ";
      out += name + " " + message;
    }
  }
  return out;
}

Value ResolvedAttributes::errors_value() const {
  Value::Dict out;
  for (const auto& [name, messages] : errors) {
    Value::List list;
    for (const auto& m : messages) list.emplace_back(m);
    out.emplace(name, Value(std::move(list)));
  }
  return Value(std::move(out));
}

ResolvedAttributes resolve_attributes(const TaskSpec& spec, const Context& context) {
  ResolvedAttributes out;
  out.values.reserve(spec.attributes.size());
  for (const auto& attr : spec.attributes) {
    const Value* given = context.find(attr.name);
    Value value = given ? *given : Value();
    if (value.is_null() && attr.has_default()) value = attr.make_default();
    if (value.is_null()) {
      if (attr.required) out.errors.push_back({attr.name, {"is required"}});
      out.values.emplace_back();
      continue;
    }
    Coerced coerced = coerce(value, attr.type);
    if (!coerced.ok()) {
      out.errors.push_back({attr.name, {coerced.error}});
      out.values.emplace_back();
      continue;
    }
    out.values.push_back(std::move(*coerced.value));
  }
  return out;
}

}  // namespace taskmill
