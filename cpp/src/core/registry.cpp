#include "taskmill/core/registry.hpp"

#include <algorithm>
#include <mutex>
#include <set>

#include "taskmill/core/halt.hpp"
#include "taskmill/tasks/builtin.hpp"

namespace taskmill {

Registry& Registry::global() {
  static Registry instance;
  static const bool seeded = (register_builtin_tasks(instance), true);
  (void)seeded;
  return instance;
}

namespace {
void check_spec(const TaskSpec& spec) {
  if (spec.name.empty()) throw DefinitionError("a task needs a non-empty name");
  if (!spec.factory) throw DefinitionError("task " + spec.name + " has no factory to build its instances");
  std::set<std::string, std::less<>> seen;
  for (const auto& attr : spec.attributes) {
    if (attr.name.empty()) throw DefinitionError("task " + spec.name + " has an attribute with an empty name");
    if (!seen.insert(attr.name).second)
      throw DefinitionError("task " + spec.name + " declares attribute '" + attr.name + "' twice");
  }
}
}  // namespace

void Registry::add(TaskSpecPtr spec) {
  if (!spec) throw DefinitionError("cannot register a null task spec");
  check_spec(*spec);
  std::unique_lock lock(mutex_);
  auto [it, inserted] = specs_.try_emplace(spec->name, spec);
  if (inserted) return;
  const auto& existing = *it->second;
  if (!existing.origin.empty() && existing.origin == spec->origin && spec->origin != "C++") {
    it->second = std::move(spec);  // the same declaration again (a reloaded module)
    return;
  }
  throw DefinitionError("a task named '" + spec->name + "' is already registered (by " + existing.origin +
                        "); give one of them another name");
}

TaskSpecPtr Registry::find(std::string_view name) const {
  std::shared_lock lock(mutex_);
  auto it = specs_.find(std::string(name));
  return it == specs_.end() ? nullptr : it->second;
}

TaskSpecPtr Registry::get(std::string_view name) const {
  auto spec = find(name);
  if (!spec) throw UnknownTaskError("no task is registered under the name '" + std::string(name) + "'");
  return spec;
}

bool Registry::remove(std::string_view name) {
  std::unique_lock lock(mutex_);
  return specs_.erase(std::string(name)) > 0;
}

std::vector<std::string> Registry::names() const {
  std::shared_lock lock(mutex_);
  std::vector<std::string> out;
  out.reserve(specs_.size());
  for (const auto& [name, spec] : specs_) out.push_back(name);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace taskmill
