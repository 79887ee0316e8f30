// define_task: the short way to register a C++ task type.
//
//   struct Greet : taskmill::Task {
//     void work() override { context().set("greeting", "hello " + attribute("name").as_string()); }
//   };
//   taskmill::define_task<Greet>("Greet", {taskmill::Attribute::required_attr("name", taskmill::Type::str())});
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "taskmill/core/registry.hpp"
#include "taskmill/core/task.hpp"
#include "taskmill/core/task_spec.hpp"

namespace taskmill {

// Builds a spec for `T` (which derives from Task and is default-constructible).
template <class T>
TaskSpec make_spec(std::string name, std::vector<Attribute> attributes = {}, TaskOptions options = {}) {
  TaskSpec spec;
  spec.name = std::move(name);
  spec.origin = "C++";
  spec.attributes = std::move(attributes);
  prepare_attributes(spec.name, spec.attributes);  // declaration mistakes throw DefinitionError here
  spec.options = std::move(options);
  spec.factory = [](Run&) { return std::make_unique<T>(); };
  return spec;
}

// Registers `T` in the global registry and returns its spec.
template <class T>
TaskSpecPtr define_task(std::string name, std::vector<Attribute> attributes = {}, TaskOptions options = {}) {
  auto spec = std::make_shared<const TaskSpec>(make_spec<T>(std::move(name), std::move(attributes), std::move(options)));
  Registry::global().add(spec);
  return spec;
}

}  // namespace taskmill
