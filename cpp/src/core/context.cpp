#include "taskmill/core/context.hpp"

namespace taskmill {

Context::Context(Entries entries) : entries_(std::move(entries)) {
  // The entries are kept where they are (a run's inputs arrive as this vector); only a name given
  // twice is folded into its first place.
  std::size_t kept = 0;
  auto keep = [&](std::size_t i) {
    if (kept != i) entries_[kept] = std::move(entries_[i]);
    ++kept;
  };
  if (entries_.size() < kIndexedFrom) {
    for (std::size_t i = 0; i < entries_.size(); ++i) {
      std::size_t j = 0;
      while (j < kept && entries_[j].first != entries_[i].first) ++j;
      if (j < kept) entries_[j].second = std::move(entries_[i].second);
      else keep(i);
    }
  } else {
    Index index;
    index.reserve(entries_.size());
    for (std::size_t i = 0; i < entries_.size(); ++i) {
      auto [it, fresh] = index.try_emplace(entries_[i].first, kept);
      if (!fresh) entries_[it->second].second = std::move(entries_[i].second);
      else keep(i);
    }
    index_ = std::move(index);
  }
  entries_.resize(kept);
}

void Context::set(std::string key, Value value) {
  if (const std::size_t i = position(key); i != kAbsent) {
    entries_[i].second = std::move(value);
    return;
  }
  if (index_) index_->emplace(key, entries_.size());
  entries_.emplace_back(std::move(key), std::move(value));
  if (!index_ && entries_.size() >= kIndexedFrom) rebuild_index();
}

bool Context::erase(std::string_view key) {
  const std::size_t i = position(key);
  if (i == kAbsent) return false;
  entries_.erase(entries_.begin() + static_cast<std::ptrdiff_t>(i));
  if (index_) rebuild_index();  // the positions after it moved
  return true;
}

std::vector<std::string> Context::keys() const {
  std::vector<std::string> out;
  out.reserve(entries_.size());
  for (const auto& [k, v] : entries_) out.push_back(k);
  return out;
}

void Context::rebuild_index() {
  index_.emplace();
  index_->reserve(entries_.size());
  for (std::size_t i = 0; i < entries_.size(); ++i) index_->emplace(entries_[i].first, i);
}

}  // namespace taskmill
