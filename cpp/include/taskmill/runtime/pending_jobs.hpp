// PendingJobs: the jobs a worker thread fetched and has not started. The owning thread takes them
// from the front; a thread whose queues ran dry steals the back half. Guarded by the owning Slot's
// mutex.
//
// Kept in a JobQueue, reused batch after batch: no allocation per job, where a deque of these
// large entries would allocate a block for nearly every one.
#pragma once

#include <cstddef>
#include <vector>

#include "taskmill/backends/backend.hpp"
#include "taskmill/backends/job_queue.hpp"

namespace taskmill::runtime {

class PendingJobs {
 public:
  bool empty() const { return jobs_.empty(); }
  std::size_t size() const { return jobs_.size(); }

  // Moved straight into the queue's slot (a lease is a few hundred bytes: moved once, not twice).
  void push(backends::Lease&& lease) { jobs_.push_back_slot() = std::move(lease); }
  // Moves the oldest job into `out`; requires !empty().
  void take_front(backends::Lease& out) { jobs_.pop_front_into(out); }
  // Moves the newest `n` jobs (n <= size()) to `out`, oldest of them first.
  void take_back(std::size_t n, std::vector<backends::Lease>& out) {
    jobs_.take_back(n, [&](backends::Lease&& lease) { out.push_back(std::move(lease)); });
  }
  // Moves every job's lease to `out`, oldest first, and empties.
  void drain(std::vector<backends::Lease>& out) { take_back(size(), out); }

 private:
  backends::JobQueue<backends::Lease> jobs_;
};

}  // namespace taskmill::runtime
