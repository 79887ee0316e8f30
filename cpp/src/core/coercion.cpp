#include "taskmill/core/coercion.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

#include <nlohmann/json.hpp>

#include "coercion_rules.hpp"
#include "taskmill/core/attribute_resolver.hpp"
#include "taskmill/core/coercion_registry.hpp"

namespace taskmill {

// Checked inline: numbers are parsed on every run, and find_first_not_of would call memchr once
// per character it looks at.
std::string_view coercion_rules::trimmed(std::string_view s) {
  auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && blank(s.back())) s.remove_suffix(1);
  return s;
}

namespace {

using coercion_rules::trimmed;

std::string lower_trimmed(const std::string& s) {
  std::string out(trimmed(s));
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// Strict decimal integer: optional sign, digits only ("1.5", "1e3", "" are rejected). Parsed in
// place: numbers arrive as text on every job, so no copy is made.
std::optional<std::int64_t> parse_int(const std::string& text) {
  std::string_view s = trimmed(text);
  if (s.empty()) return std::nullopt;
  const bool plus = s.front() == '+';
  if (plus) s.remove_prefix(1);
  if (s.empty() || (plus && s.front() == '-')) return std::nullopt;  // "+", "+-5"
  std::int64_t out = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return out;
}

std::optional<double> parse_float(const std::string& text) {
  std::string_view s = trimmed(text);
  if (s.empty()) return std::nullopt;
  const bool plus = s.front() == '+';
  if (plus) s.remove_prefix(1);
  if (s.empty() || (plus && s.front() == '-')) return std::nullopt;  // "+", "+-5"
  double out = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (ec != std::errc() || ptr != s.data() + s.size() || !std::isfinite(out)) return std::nullopt;
  return out;
}

Coerced to_int(const Value& v) {
  static const std::string msg = "could not coerce into an integer";
  switch (v.kind()) {
    case Value::Kind::Int: return Coerced::success(v);
    case Value::Kind::Float: {
      const double d = v.as_float();
      if (std::isfinite(d) && d == std::trunc(d) && std::fabs(d) < 9.2e18)
        return Coerced::success(Value(static_cast<std::int64_t>(d)));
      return Coerced::failure(msg);
    }
    case Value::Kind::String: {
      if (auto i = parse_int(v.as_string())) return Coerced::success(Value(*i));
      return Coerced::failure(msg);
    }
    default: return Coerced::failure(msg);
  }
}

Coerced to_float(const Value& v) {
  static const std::string msg = "could not coerce into a float";
  switch (v.kind()) {
    case Value::Kind::Float: return Coerced::success(v);
    case Value::Kind::Int: return Coerced::success(Value(static_cast<double>(v.as_int())));
    case Value::Kind::String: {
      if (auto d = parse_float(v.as_string())) return Coerced::success(Value(*d));
      return Coerced::failure(msg);
    }
    default: return Coerced::failure(msg);
  }
}

Coerced to_bool(const Value& v) {
  static const std::string msg = "could not coerce into a boolean";
  switch (v.kind()) {
    case Value::Kind::Bool: return Coerced::success(v);
    case Value::Kind::Int:
      if (v.as_int() == 0 || v.as_int() == 1) return Coerced::success(Value(v.as_int() == 1));
      return Coerced::failure(msg);
    case Value::Kind::String: {
      const std::string s = lower_trimmed(v.as_string());
      for (const char* t : {"true", "yes", "on", "y", "1", "t"})
        if (s == t) return Coerced::success(Value(true));
      for (const char* f : {"false", "no", "off", "n", "0", "f"})
        if (s == f) return Coerced::success(Value(false));
      return Coerced::failure(msg);
    }
    default: return Coerced::failure(msg);
  }
}

Coerced to_str(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::String: return Coerced::success(v);
    case Value::Kind::Int: return Coerced::success(Value(std::to_string(v.as_int())));
    case Value::Kind::Float:
    case Value::Kind::Bool:
    case Value::Kind::Decimal:
    case Value::Kind::Date:
    case Value::Kind::Time:
    case Value::Kind::DateTime: {
      auto j = v.to_json();
      return Coerced::success(Value(j.is_string() ? j.get<std::string>() : j.dump()));
    }
    default: return Coerced::failure("could not coerce into a string");
  }
}

Coerced to_list(const Value& v, const Type& type) {
  if (!v.is_list()) return Coerced::failure("could not coerce into a list");
  if (type.args.empty()) return Coerced::success(v);
  Value::List out;
  out.reserve(v.as_list().size());
  for (std::size_t i = 0; i < v.as_list().size(); ++i) {
    Coerced item = coerce(v.as_list()[i], type.args[0]);
    if (!item.ok()) return Coerced::failure("item " + std::to_string(i) + " " + item.error);
    out.push_back(std::move(*item.value));
  }
  return Coerced::success(Value(std::move(out)));
}

Coerced to_union(const Value& v, const Type& type) {
  for (const auto& option : type.args) {
    Coerced c = coerce(v, option);
    if (c.ok()) return c;
  }
  return Coerced::failure("could not coerce into any of " + type.name());
}

Coerced to_custom(const Value& v, const Type& type) {
  auto coercion = type.coercion ? type.coercion : find_coercion(type.custom);
  if (!coercion) return Coerced::failure("has no coercion named '" + type.custom + "'");
  return coercion->fn(v);
}

Coerced to_group(const Value& v, const Type& type) {
  if (!v.is_dict()) return Coerced::failure("could not coerce into a group (expected a mapping)");
  AttributeErrors errors;
  Value out = resolve_group(*type.fields, v.as_dict(), errors);
  if (errors.empty()) return Coerced::success(std::move(out));
  std::string message;
  for (const auto& [name, messages] : errors)
    for (const auto& m : messages) message += (message.empty() ? "" : ", ") + name + " " + m;
  return Coerced::failure(message);
}

// Kinds handled without looking inside foreign objects: Any passes them through untouched, and a
// custom coercion receives the caller's object as it is.
// Optional and Union defer the decision to their options.
bool passes_foreign(const Type& type) {
  switch (type.kind) {
    case Type::Kind::Any:
    case Type::Kind::Custom:
    case Type::Kind::Optional:
    case Type::Kind::Union: return true;
    default: return false;
  }
}

}  // namespace

bool needs_no_coercion(const Value& input, const Type& type) {
  switch (type.kind) {
    case Type::Kind::Any: return true;
    case Type::Kind::Optional: return input.is_null() || needs_no_coercion(input, type.args.at(0));
    case Type::Kind::Int: return input.is_int();
    case Type::Kind::Float: return input.is_float();
    case Type::Kind::Bool: return input.is_bool();
    case Type::Kind::Str: return input.is_string();
    case Type::Kind::Dict: return input.is_dict();
    default: return false;
  }
}

Coerced coerce(const Value& input, const Type& type) {
  if (input.is_foreign() && !passes_foreign(type)) {
    auto plain = input.resolved();
    if (!plain) return Coerced::failure("could not coerce a " + input.type_name() + " into " + type.name());
    return coerce(*plain, type);
  }
  switch (type.kind) {
    case Type::Kind::Any: return Coerced::success(input);
    case Type::Kind::Optional:
      if (input.is_null()) return Coerced::success(input);
      return coerce(input, type.args.at(0));
    case Type::Kind::Union: return to_union(input, type);
    case Type::Kind::Int: return to_int(input);
    case Type::Kind::Float: return to_float(input);
    case Type::Kind::Bool: return to_bool(input);
    case Type::Kind::Str: return to_str(input);
    case Type::Kind::List: return to_list(input, type);
    case Type::Kind::Dict:
      if (input.is_dict()) return Coerced::success(input);
      return Coerced::failure("could not coerce into a dict");
    case Type::Kind::Decimal: return coercion_rules::to_decimal(input);
    case Type::Kind::Date: return coercion_rules::to_date(input);
    case Type::Kind::DateTime: return coercion_rules::to_datetime(input);
    case Type::Kind::Time: return coercion_rules::to_time(input);
    case Type::Kind::Custom: return to_custom(input, type);
    case Type::Kind::Group: return to_group(input, type);
  }
  return Coerced::failure("could not coerce into " + type.name());
}

}  // namespace taskmill
