// Registry: the one table from task name to TaskSpec. Jobs name their task; workers look it up
// here and never import or evaluate what a payload says.
//
// Thread-safe: lookups take a shared lock, registration an exclusive one.
#pragma once

#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "taskmill/core/task_spec.hpp"

namespace taskmill {

class Registry {
 public:
  // The process-wide registry, holding the built-in tasks from its first use.
  static Registry& global();

  // Registers `spec`. Throws DefinitionError when its name is empty, it has no factory, an
  // attribute is declared twice, or another task already holds the name. A spec with the same
  // name and the same origin replaces the old one (a module reloaded).
  void add(TaskSpecPtr spec);
  // The task called `name`; throws UnknownTaskError naming it when there is none.
  TaskSpecPtr get(std::string_view name) const;
  // The task called `name`, or null.
  TaskSpecPtr find(std::string_view name) const;
  bool remove(std::string_view name);
  std::vector<std::string> names() const;

 private:
  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, TaskSpecPtr> specs_;
};

}  // namespace taskmill
