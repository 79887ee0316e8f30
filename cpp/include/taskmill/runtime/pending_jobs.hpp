// PendingJobs: the jobs a worker thread fetched and has not started, each with what its payload
// says (read before the batch runs). The owning thread takes them from the front; a thread whose
// queues ran dry steals the back half. Guarded by the owning Slot's mutex.
//
// A vector with a read index, reused batch after batch: no allocation per job, where a deque of
// these large entries would allocate a block for nearly every one.
#pragma once

#include <cstddef>
#include <vector>

#include "taskmill/backends/backend.hpp"
#include "taskmill/runtime/processor.hpp"

namespace taskmill::runtime {

struct Pending {
  backends::Lease lease;
  Prepared prepared;
};

class PendingJobs {
 public:
  bool empty() const { return next_ == jobs_.size(); }
  std::size_t size() const { return jobs_.size() - next_; }

  void push(Pending job) {
    if (empty()) clear();  // reuse the storage from the start
    jobs_.push_back(std::move(job));
  }
  // The oldest job; requires !empty().
  Pending take_front() { return std::move(jobs_[next_++]); }
  // Moves the newest `n` jobs' leases (n <= size()) to `out`, oldest of them first.
  void take_back(std::size_t n, std::vector<backends::Lease>& out) {
    for (std::size_t i = jobs_.size() - n; i < jobs_.size(); ++i) out.push_back(std::move(jobs_[i].lease));
    jobs_.resize(jobs_.size() - n);
  }
  // Moves every job's lease to `out`, oldest first, and empties.
  void drain(std::vector<backends::Lease>& out) {
    take_back(size(), out);
    clear();
  }
  void clear() {
    jobs_.clear();
    next_ = 0;
  }

 private:
  std::vector<Pending> jobs_;
  std::size_t next_ = 0;  // jobs_[0, next_) were taken
};

}  // namespace taskmill::runtime
