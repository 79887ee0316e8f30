#include "taskmill/core/attribute_resolver.hpp"

#include "taskmill/core/coercion.hpp"

namespace taskmill {

std::string ResolvedAttributes::reason() const {
  std::size_t size = 0;
  for (const auto& [name, messages] : errors)
    for (const auto& message : messages) size += name.size() + message.size() + 3;
  std::string out;
  out.reserve(size);  // one allocation: a failed run writes this for every bad input
  for (const auto& [name, messages] : errors) {
    for (const auto& message : messages) {
      if (!out.empty()) out += ". ";
      out.append(name).append(" ").append(message);
    }
  }
  return out;
}

Value ResolvedAttributes::take_errors_value() {
  Value::Dict out;
  for (auto& [name, messages] : errors) {
    Value::List list;
    list.reserve(messages.size());
    for (auto& m : messages) list.emplace_back(std::move(m));
    out.emplace(std::move(name), Value(std::move(list)));
  }
  errors.clear();
  return Value(std::move(out));
}

namespace {

const Type& group_type(const Type& type) {
  return type.kind == Type::Kind::Optional ? type.args.at(0) : type;
}

// One attribute: its value (or default), coerced and validated, written to `out` (left null when
// resolution fails). Problems go to `errors` under `key` (a group's fields under "key.field").
void resolve_one(const Attribute& attr, const Value* given, const std::string& key, AttributeErrors& errors, Value& out) {
  // `input` points at the given value, or at the default made for this run (never copied twice:
  // coercion makes the one copy the run keeps).
  Value made;
  const Value* input = given;
  if ((!input || input->is_null()) && attr.has_default()) {
    made = attr.make_default();
    input = &made;
  }
  if (!input || input->is_null()) {
    if (attr.required) {
      errors.push_back({key, {"is required"}});
      return;
    }
  } else if (const Type& g = group_type(attr.type); g.kind == Type::Kind::Group) {
    // Resolved here rather than in coerce() so each field's problem is reported under its own key.
    std::optional<Value> plain = input->is_foreign() ? input->resolved() : std::optional<Value>(*input);
    if (!plain || !plain->is_dict()) {
      errors.push_back({key, {"could not coerce into a group (expected a mapping)"}});
      return;
    }
    AttributeErrors nested;
    Value group = resolve_group(*g.fields, plain->as_dict(), nested);
    if (!nested.empty()) {
      for (auto& [field, messages] : nested) errors.push_back({key + "." + field, std::move(messages)});
      return;
    }
    out = std::move(group);
  } else if (needs_no_coercion(*input, attr.type)) {
    out = input == &made ? std::move(made) : *input;
  } else {
    Coerced coerced = coerce(*input, attr.type);
    if (!coerced.ok()) {
      errors.push_back({key, {std::move(coerced.error)}});
      return;
    }
    out = std::move(*coerced.value);
  }
  if (!attr.validators.empty()) {
    std::vector<std::string> problems;
    run_validators(attr.validators, out, problems);
    if (!problems.empty()) {
      errors.push_back({key, std::move(problems)});
      out = Value();
    }
  }
}

}  // namespace

Value resolve_group(const std::vector<Attribute>& fields, const Value::Dict& input, AttributeErrors& errors) {
  Value::Dict out;
  for (const auto& field : fields) {
    auto it = input.find(field.name);
    resolve_one(field, it == input.end() ? nullptr : &it->second, field.name, errors, out[field.name]);
  }
  return Value(std::move(out));
}

ResolvedAttributes resolve_attributes(const TaskSpec& spec, const Context& context) {
  ResolvedAttributes out;
  out.values.reserve(spec.attributes.size());
  for (const auto& attr : spec.attributes)
    resolve_one(attr, context.find(attr.name), attr.name, out.errors, out.values.emplace_back());
  return out;
}

}  // namespace taskmill
