// Chain: the runs executed inside one another on one thread share a chain id; each gets the next
// index, the root 0. The current chain is thread-local: runs on other threads never join it.
// A chain is named after its root: its id is the root run's task id (one id fewer to make per run).
#pragma once

#include "taskmill/core/uuid.hpp"

namespace taskmill {

class ChainScope {
 public:
  // Joins the thread's current chain, or starts a new one named `root_id` (this run is then its
  // root). `root_id` must outlive the scope: the executor passes the run's own task id.
  explicit ChainScope(const Uuid& root_id);
  ~ChainScope();
  ChainScope(const ChainScope&) = delete;
  ChainScope& operator=(const ChainScope&) = delete;

  const Uuid& chain_id() const { return *root_->id_; }
  int index() const { return index_; }
  bool is_root() const { return root_ == this; }

 private:
  ChainScope* root_ = nullptr;  // the scope of the chain's root run (this one when root)
  const Uuid* id_ = nullptr;    // set on the root only
  int next_index_ = 0;          // used on the root only
  int index_ = 0;
};

}  // namespace taskmill
