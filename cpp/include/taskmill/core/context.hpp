// Context: the named values a run reads its inputs from and writes its outputs to.
//
// A root run gets a fresh context built from its inputs; passing a context to a nested task shares
// it, so a pipeline of tasks reads and writes one bag of values. Thread ownership: a context
// belongs to the run tree that uses it and is not locked; share it across threads only with
// your own synchronisation (workers never do: each job gets its own).
//
// Storage: one vector of (name, value) entries in the order the names were first set, like a
// Python dict. A context holds a handful of values and is built once per run: a tree allocated a
// node per value, and building and freeing those cost a run more than coercing its inputs did.
// Names are found by a scan, which at that size is quicker than hashing; past kIndexedFrom
// entries a hash index takes over, so a context written in a loop stays linear.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "taskmill/core/value.hpp"

namespace taskmill {

class Context {
 public:
  using Entry = std::pair<std::string, Value>;
  using Entries = std::vector<Entry>;
  static constexpr std::size_t kIndexedFrom = 32;

  Context() = default;
  // From entries; of two entries with one name, the later value wins (in the earlier's place).
  explicit Context(Entries entries);

  static std::shared_ptr<Context> make(Entries entries = {}) { return std::make_shared<Context>(std::move(entries)); }

  bool has(std::string_view key) const { return position(key) != kAbsent; }
  // The value under `key`, or nullptr when absent.
  const Value* find(std::string_view key) const {
    const std::size_t i = position(key);
    return i == kAbsent ? nullptr : &entries_[i].second;
  }
  Value* find(std::string_view key) {
    const std::size_t i = position(key);
    return i == kAbsent ? nullptr : &entries_[i].second;
  }
  // The value under `key`, or a null Value when absent.
  Value get(std::string_view key) const {
    const Value* v = find(key);
    return v ? *v : Value();
  }
  void set(std::string key, Value value);
  bool erase(std::string_view key);
  std::vector<std::string> keys() const;
  std::size_t size() const { return entries_.size(); }
  void clear() {
    entries_.clear();
    index_.reset();
  }
  // Every entry, in the order the names were first set.
  const Entries& entries() const { return entries_; }

 private:
  static constexpr std::size_t kAbsent = static_cast<std::size_t>(-1);
  std::size_t position(std::string_view key) const {
    if (index_) {
      auto it = index_->find(key);
      return it == index_->end() ? kAbsent : it->second;
    }
    for (std::size_t i = 0; i < entries_.size(); ++i)
      if (entries_[i].first == key) return i;
    return kAbsent;
  }
  void rebuild_index();

  // Hash lookups by string_view: the index owns its keys (the entries' strings move when the vector grows).
  struct NameHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  using Index = std::unordered_map<std::string, std::size_t, NameHash, std::equal_to<>>;

  Entries entries_;
  std::optional<Index> index_;  // set once the context has kIndexedFrom entries
};

using ContextPtr = std::shared_ptr<Context>;

}  // namespace taskmill
