// PendingJobs: the batch a worker thread is running, held in place. The owning thread starts its
// jobs in order from the front; each job stays where it was fetched until the batch ends and is
// acked. A thread whose queues ran dry steals unstarted jobs from the back. Guarded by the owning
// Slot's mutex.
//
// Why in place: a lease is a few hundred bytes. Moving each job into a queue of pending jobs, out
// to its run and on to the list to ack cost three moves and three destructions per job. Here the
// fetched vector is swapped in and out whole, and only stolen jobs move.
#pragma once

#include <cstddef>
#include <vector>

#include "taskmill/backends/backend.hpp"

namespace taskmill::runtime {

class PendingJobs {
 public:
  // Takes a fetched batch, swapped in: `batch` gets the (empty) storage of the last one, to fetch
  // into. Requires the last batch released.
  void adopt(std::vector<backends::Lease>& batch) {
    jobs_.swap(batch);
    next_ = 0;
    end_ = jobs_.size();
  }

  // Unstarted jobs.
  bool empty() const { return next_ == end_; }
  std::size_t size() const { return end_ - next_; }

  // The oldest unstarted job, now started; requires !empty(). It stays where it is, and the
  // reference valid, until release(): stealing only moves jobs from behind it.
  backends::Lease& start_next() { return jobs_[next_++]; }

  // Moves the newest `n` unstarted jobs (n <= size()) to `out`, oldest of them first.
  void take_back(std::size_t n, std::vector<backends::Lease>& out) {
    for (std::size_t i = end_ - n; i < end_; ++i) out.push_back(std::move(jobs_[i]));
    end_ -= n;
  }
  // Moves every unstarted job to `out`, oldest first.
  void drain(std::vector<backends::Lease>& out) { take_back(size(), out); }

  // Ends the batch (after drain()): the jobs it started, in their order, are swapped out into
  // `started`, which must be empty; the shells of stolen jobs are dropped.
  void release(std::vector<backends::Lease>& started) {
    jobs_.erase(jobs_.begin() + static_cast<std::ptrdiff_t>(next_), jobs_.end());
    jobs_.swap(started);
    next_ = end_ = 0;
  }

 private:
  std::vector<backends::Lease> jobs_;
  std::size_t next_ = 0;  // the first unstarted job
  std::size_t end_ = 0;   // past the last unstarted job; stolen ones lie from here on
};

}  // namespace taskmill::runtime
