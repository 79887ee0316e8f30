#include "taskmill/runtime/fetch.hpp"

#include <algorithm>

namespace taskmill::runtime {

QueueOrder::QueueOrder(std::vector<QueueWeight> queues, bool weighted)
    : queues_(std::move(queues)), weighted_(weighted) {
  for (const auto& q : queues_) names_.push_back(q.name);
}

const std::vector<std::string>& QueueOrder::next() {
  if (!weighted_ || queues_.size() < 2) return names_;
  // Weighted sampling without replacement: pick by weight among the queues not yet placed.
  std::vector<std::size_t> left(queues_.size());
  for (std::size_t i = 0; i < left.size(); ++i) left[i] = i;
  names_.clear();
  while (!left.empty()) {
    int total = 0;
    for (auto i : left) total += std::max(1, queues_[i].weight);
    int pick = std::uniform_int_distribution<int>(0, total - 1)(rng_);
    for (auto it = left.begin(); it != left.end(); ++it) {
      pick -= std::max(1, queues_[*it].weight);
      if (pick < 0) {
        names_.push_back(queues_[*it].name);
        left.erase(it);
        break;
      }
    }
  }
  return names_;
}

}  // namespace taskmill::runtime
