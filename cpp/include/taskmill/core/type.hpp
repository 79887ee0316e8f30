// Type: what an attribute's value must be after coercion ("int", "list[int]", "Optional[date]").
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace taskmill {

struct Attribute;
struct CustomCoercion;  // see coercion_registry.hpp

struct Type {
  enum class Kind { Any, Str, Int, Float, Bool, List, Dict, Decimal, Date, DateTime, Time, Optional, Union, Custom, Group };

  Kind kind = Kind::Any;
  // List: zero or one element type; Optional: the inner type; Union: the options, tried in order.
  std::vector<Type> args;
  // Custom: the registered coercion's name.
  std::string custom;
  // Custom: the registered coercion, looked up once when the task is declared (so an unknown name
  // fails the declaration and a run pays no lookup).
  std::shared_ptr<const CustomCoercion> coercion;
  // Group: the nested attributes of a dict input (an attribute group), resolved like a task's.
  std::shared_ptr<const std::vector<Attribute>> fields;

  static Type any() { return {Kind::Any, {}, {}, {}, {}}; }
  static Type str() { return {Kind::Str, {}, {}, {}, {}}; }
  static Type integer() { return {Kind::Int, {}, {}, {}, {}}; }
  static Type floating() { return {Kind::Float, {}, {}, {}, {}}; }
  static Type boolean() { return {Kind::Bool, {}, {}, {}, {}}; }
  static Type dict() { return {Kind::Dict, {}, {}, {}, {}}; }
  static Type decimal() { return {Kind::Decimal, {}, {}, {}, {}}; }
  static Type date() { return {Kind::Date, {}, {}, {}, {}}; }
  static Type datetime() { return {Kind::DateTime, {}, {}, {}, {}}; }
  static Type time() { return {Kind::Time, {}, {}, {}, {}}; }
  static Type list() { return {Kind::List, {}, {}, {}, {}}; }
  static Type list_of(Type element) { return {Kind::List, {std::move(element)}, {}, {}, {}}; }
  static Type optional(Type inner) { return {Kind::Optional, {std::move(inner)}, {}, {}, {}}; }
  static Type one_of(std::vector<Type> options) { return {Kind::Union, std::move(options), {}, {}, {}}; }
  static Type custom_named(std::string name) { return {Kind::Custom, {}, std::move(name), {}, {}}; }
  static Type group(std::vector<Attribute> fields);  // defined in attribute.hpp

  // The Python-style spelling used in messages and docs, e.g. "list[int]".
  std::string name() const;
  // Whether None is an accepted value (Any, Optional, or a union with an Optional/Any option).
  bool accepts_none() const;
};

}  // namespace taskmill
