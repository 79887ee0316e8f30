// Fetch order: which queue a worker asks first. Strict (the given order) when no queue has a
// weight; weighted random otherwise (a queue of weight 3 comes first three times as often as
// one of weight 1), as Sidekiq does.
#pragma once

#include <random>
#include <string>
#include <vector>

namespace taskmill::runtime {

struct QueueWeight {
  std::string name;
  int weight = 1;
};

class QueueOrder {
 public:
  // `weighted`: whether weights were given (even all 1s mean "random order" then).
  QueueOrder(std::vector<QueueWeight> queues, bool weighted);
  // The order for the next fetch. Each worker thread owns its QueueOrder (not thread-safe).
  const std::vector<std::string>& next();
  const std::vector<std::string>& names() const { return names_; }
  bool weighted() const { return weighted_; }

 private:
  std::vector<QueueWeight> queues_;
  std::vector<std::string> names_;  // strict order; also the buffer of the weighted order
  bool weighted_;
  std::mt19937 rng_{std::random_device{}()};
};

}  // namespace taskmill::runtime
