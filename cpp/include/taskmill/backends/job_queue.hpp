// JobQueue: jobs in the order they are to run, oldest first. Not locked (its owner's mutex guards
// it). The memory backend keeps one per queue (of payloads); a worker thread keeps one of the jobs
// it fetched and has not started (runtime/pending_jobs.hpp).
//
// A vector read from an index rather than a std::deque. A deque frees a block every few dozen
// pops; while workers free payloads (a dozen small heap nodes each), such a free merged into a
// large free region and made glibc consolidate every small free chunk it holds, under the
// backend's lock: a third of a C++ job's drain time. So this storage is never freed while its
// owner lives: a queue keeps the capacity of its longest backlog (16 bytes a payload, against the
// kilobyte of the payload itself), and is compacted when more than half of it is spent.
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

namespace taskmill::backends {

template <typename Job>
class JobQueue {
 public:
  bool empty() const { return head_ == jobs_.size(); }
  std::size_t size() const { return jobs_.size() - head_; }
  // The oldest job; requires !empty().
  const Job& front() const { return jobs_[head_]; }

  void push_back(Job job) { jobs_.push_back(std::move(job)); }
  // Puts a job back in front (a requeued lease), ahead of everything queued.
  void push_front(Job job) {
    if (head_ > 0) jobs_[--head_] = std::move(job);
    else jobs_.insert(jobs_.begin(), std::move(job));
  }
  // Takes the oldest job; requires !empty().
  Job pop_front() {
    Job job = std::move(jobs_[head_++]);
    if (empty()) {
      clear();
    } else if (head_ >= kCompactFrom && head_ * 2 >= jobs_.size()) {
      // A queue fed while it drains never runs empty: drop the spent front, so it stays bounded.
      jobs_.erase(jobs_.begin(), jobs_.begin() + static_cast<std::ptrdiff_t>(head_));
      head_ = 0;
    }
    return job;
  }
  // Hands the newest `n` jobs (n <= size()) to `take`, oldest of them first, and drops them.
  template <typename Take>
  void take_back(std::size_t n, Take&& take) {
    for (std::size_t i = jobs_.size() - n; i < jobs_.size(); ++i) take(std::move(jobs_[i]));
    jobs_.erase(jobs_.end() - static_cast<std::ptrdiff_t>(n), jobs_.end());
    if (empty()) clear();
  }
  void clear() {
    jobs_.clear();
    head_ = 0;
  }

 private:
  static constexpr std::size_t kCompactFrom = 4096;

  std::vector<Job> jobs_;
  std::size_t head_ = 0;  // jobs_[0, head_) were taken
};

}  // namespace taskmill::backends
