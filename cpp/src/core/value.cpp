#include "taskmill/core/value.hpp"

#include <cstdio>

#include <nlohmann/json.hpp>

namespace taskmill {

namespace {

std::string two(int v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d", v);
  return buf;
}

std::string offset_text(int minutes) {
  if (minutes == 0) return "+00:00";
  const char sign = minutes < 0 ? '-' : '+';
  const int m = minutes < 0 ? -minutes : minutes;
  return std::string(1, sign) + two(m / 60) + ":" + two(m % 60);
}

}  // namespace

std::string to_iso(const Date& d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
  return buf;
}

std::string to_iso(const Time& t) {
  std::string s = two(t.hour) + ":" + two(t.minute) + ":" + two(t.second);
  if (t.microsecond != 0) {
    char buf[16];
    std::snprintf(buf, sizeof buf, ".%06d", t.microsecond);
    s += buf;
  }
  if (t.utc_offset_minutes) s += offset_text(*t.utc_offset_minutes);
  return s;
}

std::string to_iso(const DateTime& dt) { return to_iso(dt.date) + "T" + to_iso(dt.time); }

std::optional<Value> Value::resolved() const {
  switch (kind()) {
    case Kind::Foreign: {
      auto v = as_foreign()->to_value();
      if (!v) return std::nullopt;
      return v->resolved();
    }
    case Kind::List: {
      List out;
      out.reserve(as_list().size());
      for (const auto& item : as_list()) {
        auto r = item.resolved();
        if (!r) return std::nullopt;
        out.push_back(std::move(*r));
      }
      return Value(std::move(out));
    }
    case Kind::Dict: {
      Dict out;
      for (const auto& [k, item] : as_dict()) {
        auto r = item.resolved();
        if (!r) return std::nullopt;
        out.emplace(k, std::move(*r));
      }
      return Value(std::move(out));
    }
    default:
      return *this;
  }
}

nlohmann::json Value::to_json() const {
  switch (kind()) {
    case Kind::Null: return nullptr;
    case Kind::Bool: return as_bool();
    case Kind::Int: return as_int();
    case Kind::Float: return as_float();
    case Kind::String: return as_string();
    case Kind::List: {
      auto arr = nlohmann::json::array();
      for (const auto& item : as_list()) arr.push_back(item.to_json());
      return arr;
    }
    case Kind::Dict: {
      auto obj = nlohmann::json::object();
      for (const auto& [k, item] : as_dict()) obj[k] = item.to_json();
      return obj;
    }
    case Kind::Decimal: return as_decimal().text;
    case Kind::Date: return to_iso(as_date());
    case Kind::Time: return to_iso(as_time());
    case Kind::DateTime: return to_iso(as_datetime());
    case Kind::Foreign: {
      auto v = as_foreign()->to_value();
      if (v) return v->to_json();
      return as_foreign()->repr();
    }
  }
  return nullptr;
}

Value Value::from_json(const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::null: return Value();
    case nlohmann::json::value_t::boolean: return Value(j.get<bool>());
    case nlohmann::json::value_t::number_integer: return Value(j.get<std::int64_t>());
    case nlohmann::json::value_t::number_unsigned: {
      const auto u = j.get<std::uint64_t>();
      if (u > static_cast<std::uint64_t>(INT64_MAX)) return Value(static_cast<double>(u));
      return Value(static_cast<std::int64_t>(u));
    }
    case nlohmann::json::value_t::number_float: return Value(j.get<double>());
    case nlohmann::json::value_t::string: return Value(j.get<std::string>());
    case nlohmann::json::value_t::array: {
      List out;
      out.reserve(j.size());
      for (const auto& item : j) out.push_back(from_json(item));
      return Value(std::move(out));
    }
    case nlohmann::json::value_t::object: {
      Dict out;
      for (const auto& [k, item] : j.items()) out.emplace(k, from_json(item));
      return Value(std::move(out));
    }
    default: return Value();
  }
}

std::string Value::type_name() const {
  switch (kind()) {
    case Kind::Null: return "None";
    case Kind::Bool: return "bool";
    case Kind::Int: return "int";
    case Kind::Float: return "float";
    case Kind::String: return "str";
    case Kind::List: return "list";
    case Kind::Dict: return "dict";
    case Kind::Decimal: return "Decimal";
    case Kind::Date: return "date";
    case Kind::Time: return "time";
    case Kind::DateTime: return "datetime";
    case Kind::Foreign: return as_foreign()->type_name();
  }
  return "unknown";
}

std::string Value::repr() const {
  if (is_foreign()) return as_foreign()->repr();
  return to_json().dump();
}

bool Value::operator==(const Value& other) const {
  if (is_foreign() || other.is_foreign()) {
    if (is_foreign() && other.is_foreign() && as_foreign() == other.as_foreign()) return true;
    auto a = resolved();
    auto b = other.resolved();
    return a && b && !a->is_foreign() && !b->is_foreign() && *a == *b;
  }
  return data_ == other.data_;
}

}  // namespace taskmill
