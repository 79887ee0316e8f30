// JobQueue: one queue of the memory backend, oldest job first. Not locked (the backend's mutex
// guards it).
//
// A vector read from an index rather than a std::deque. A deque frees a block every few dozen
// pops; while workers free payloads (a dozen small heap nodes each), such a free merged into a
// large free region and made glibc consolidate every small free chunk it holds, under the
// backend's lock: a third of a C++ job's drain time. So this storage is never freed while the
// backend lives: a queue keeps the capacity of its longest backlog (16 bytes a job, against the
// kilobyte of the payload itself), and is compacted when more than half of it is spent.
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

#include "taskmill/jobs/payload.hpp"

namespace taskmill::backends {

class JobQueue {
 public:
  bool empty() const { return head_ == jobs_.size(); }
  std::size_t size() const { return jobs_.size() - head_; }
  // The oldest job; requires !empty().
  const jobs::Payload& front() const { return jobs_[head_]; }

  void push_back(jobs::Payload job) { jobs_.push_back(std::move(job)); }
  // Puts a job back in front (a requeued lease), ahead of everything queued.
  void push_front(jobs::Payload job) {
    if (head_ > 0) jobs_[--head_] = std::move(job);
    else jobs_.insert(jobs_.begin(), std::move(job));
  }
  // Takes the oldest job; requires !empty().
  jobs::Payload pop_front() {
    jobs::Payload job = std::move(jobs_[head_++]);
    if (empty()) {
      clear();
    } else if (head_ >= kCompactFrom && head_ * 2 >= jobs_.size()) {
      // A queue fed while it drains never runs empty: drop the spent front, so it stays bounded.
      jobs_.erase(jobs_.begin(), jobs_.begin() + static_cast<std::ptrdiff_t>(head_));
      head_ = 0;
    }
    return job;
  }
  void clear() {
    jobs_.clear();
    head_ = 0;
  }

 private:
  static constexpr std::size_t kCompactFrom = 4096;

  std::vector<jobs::Payload> jobs_;
  std::size_t head_ = 0;  // jobs_[0, head_) were taken
};

}  // namespace taskmill::backends
