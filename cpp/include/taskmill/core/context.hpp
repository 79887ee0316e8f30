// Context: the named values a run reads its inputs from and writes its outputs to.
//
// A root run gets a fresh context built from its inputs; passing a context to a nested task shares
// it, so a pipeline of tasks reads and writes one bag of values. Thread ownership: a context
// belongs to the run tree that uses it and is not locked; share it across threads only with
// your own synchronisation (workers never do: each job gets its own).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "taskmill/core/value.hpp"

namespace taskmill {

class Context {
 public:
  Context() = default;
  explicit Context(Value::Dict values) : values_(std::move(values)) {}

  static std::shared_ptr<Context> make(Value::Dict values = {}) {
    return std::make_shared<Context>(std::move(values));
  }

  bool has(std::string_view key) const { return values_.find(key) != values_.end(); }
  // The value under `key`, or nullptr when absent.
  const Value* find(std::string_view key) const {
    auto it = values_.find(key);
    return it == values_.end() ? nullptr : &it->second;
  }
  Value* find(std::string_view key) {
    auto it = values_.find(key);
    return it == values_.end() ? nullptr : &it->second;
  }
  // The value under `key`, or a null Value when absent.
  Value get(std::string_view key) const {
    const Value* v = find(key);
    return v ? *v : Value();
  }
  void set(std::string key, Value value) { values_.insert_or_assign(std::move(key), std::move(value)); }
  bool erase(std::string_view key) {
    auto it = values_.find(key);
    if (it == values_.end()) return false;
    values_.erase(it);
    return true;
  }
  std::vector<std::string> keys() const {
    std::vector<std::string> out;
    out.reserve(values_.size());
    for (const auto& [k, v] : values_) out.push_back(k);
    return out;
  }
  std::size_t size() const { return values_.size(); }
  void clear() { values_.clear(); }
  const Value::Dict& values() const { return values_; }

 private:
  Value::Dict values_;
};

using ContextPtr = std::shared_ptr<Context>;

}  // namespace taskmill
