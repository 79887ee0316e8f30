#include "taskmill/core/coercion_registry.hpp"

#include <map>
#include <mutex>
#include <shared_mutex>
#include <stdexcept>

namespace taskmill {

namespace {

// Process-wide like the task Registry: coercions are declared once, at import time, and read when
// tasks are declared (never on a run's path: a Type keeps the pointer it resolved).
struct CoercionTable {
  std::shared_mutex mutex;
  std::map<std::string, std::shared_ptr<const CustomCoercion>, std::less<>> entries;
};

CoercionTable& table() {
  static CoercionTable t;
  return t;
}

bool builtin_type_name(const std::string& name) {
  for (const char* b : {"any", "str", "int", "float", "bool", "list", "dict", "decimal", "date", "datetime", "time"})
    if (name == b) return true;
  return false;
}

}  // namespace

void register_coercion(const std::string& name, std::function<Coerced(const Value& input)> fn) {
  if (name.empty()) throw std::invalid_argument("a coercion needs a non-empty name");
  if (builtin_type_name(name)) throw std::invalid_argument("'" + name + "' is a built-in type; choose another coercion name");
  if (!fn) throw std::invalid_argument("coercion '" + name + "' needs a function");
  auto entry = std::make_shared<const CustomCoercion>(CustomCoercion{name, std::move(fn)});
  auto& t = table();
  std::unique_lock lock(t.mutex);
  t.entries.insert_or_assign(name, std::move(entry));
}

std::shared_ptr<const CustomCoercion> find_coercion(const std::string& name) {
  auto& t = table();
  std::shared_lock lock(t.mutex);
  auto it = t.entries.find(name);
  return it == t.entries.end() ? nullptr : it->second;
}

}  // namespace taskmill
