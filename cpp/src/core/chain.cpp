#include "taskmill/core/chain.hpp"

namespace taskmill {

namespace {
// The root scope of the chain executing on this thread, if any. Per-thread by design: a chain is
// the nesting of runs inside one another, which happens on one thread.
thread_local ChainScope* t_root = nullptr;
}  // namespace

ChainScope::ChainScope(const Uuid& root_id) {
  if (t_root == nullptr) {
    id_ = &root_id;
    t_root = this;
  }
  root_ = t_root;
  index_ = root_->next_index_++;
}

ChainScope::~ChainScope() {
  if (root_ == this) t_root = nullptr;
}

}  // namespace taskmill
