// Chain: the runs executed inside one another on one thread share a chain id; each gets the next
// index, the root 0. The current chain is thread-local: runs on other threads never join it.
#pragma once

#include <string>

namespace taskmill {

class ChainScope {
 public:
  // Joins the thread's current chain, or starts a new one (this run is then its root).
  ChainScope();
  ~ChainScope();
  ChainScope(const ChainScope&) = delete;
  ChainScope& operator=(const ChainScope&) = delete;

  const std::string& chain_id() const { return root_->id_; }
  int index() const { return index_; }
  bool is_root() const { return root_ == this; }

 private:
  ChainScope* root_ = nullptr;  // the scope of the chain's root run (this one when root)
  std::string id_;              // set on the root only
  int next_index_ = 0;          // used on the root only
  int index_ = 0;
};

}  // namespace taskmill
