// JobQueue: jobs in the order they are to run, oldest first. Not locked (its owner's mutex guards
// it). The memory backend keeps one per queue (of jobs::Job).
//
// A ring over a vector of slots, rather than a std::deque or a vector read from an index:
// - a deque frees a block every few dozen pops; while workers free jobs, such a free merged into
//   a large free region and made glibc consolidate every small free chunk it holds, under the
//   backend's lock (a third of a C++ job's drain time, when jobs were parsed JSON);
// - a vector read from an index must be compacted now and then (a queue fed while it drains
//   never runs empty), moving every job still waiting, under the same lock.
// A ring never frees and never moves a waiting job except to grow. Its slots outside the waiting
// range hold empty jobs (moved from), reused by later pushes: a queue keeps the capacity of its
// longest backlog, a few hundred bytes a job, for as long as it lives.
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

namespace taskmill::backends {

template <typename Job>
class JobQueue {
 public:
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  // The oldest job; requires !empty().
  const Job& front() const { return slots_[head_]; }

  void push_back(Job job) {
    if (size_ == slots_.size()) grow();
    slots_[index(size_++)] = std::move(job);
  }
  // Puts a job back in front (a requeued lease), ahead of everything queued.
  void push_front(Job job) {
    if (size_ == slots_.size()) grow();
    head_ = head_ == 0 ? slots_.size() - 1 : head_ - 1;
    slots_[head_] = std::move(job);
    ++size_;
  }
  // Takes the oldest job; requires !empty().
  Job pop_front() {
    Job job;
    pop_front_into(job);
    return job;
  }
  // Moves the oldest job into `out`; requires !empty().
  void pop_front_into(Job& out) {
    out = std::move(slots_[head_]);
    head_ = index(1);
    if (--size_ == 0) head_ = 0;
  }
  // Drops every job (their slots are emptied, the capacity stays).
  void clear() {
    for (std::size_t i = 0; i < size_; ++i) slots_[index(i)] = Job();
    head_ = size_ = 0;
  }

 private:
  static constexpr std::size_t kFirstCapacity = 16;

  // The slot of the i-th waiting job (i < capacity).
  std::size_t index(std::size_t i) const {
    const std::size_t at = head_ + i;
    return at < slots_.size() ? at : at - slots_.size();
  }
  // Doubles the capacity, laying the waiting jobs out from the first slot.
  void grow() {
    std::vector<Job> bigger(slots_.empty() ? kFirstCapacity : slots_.size() * 2);
    for (std::size_t i = 0; i < size_; ++i) bigger[i] = std::move(slots_[index(i)]);
    slots_ = std::move(bigger);
    head_ = 0;
  }

  std::vector<Job> slots_;
  std::size_t head_ = 0;  // slot of the oldest job
  std::size_t size_ = 0;
};

}  // namespace taskmill::backends
