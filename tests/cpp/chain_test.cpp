// Chains from C++: nested runs share the chain id and count the index; threads never mix chains.
#include <gtest/gtest.h>

#include <mutex>
#include <set>
#include <thread>

#include "taskmill/core/define_task.hpp"
#include "taskmill/core/executor.hpp"

using namespace taskmill;

namespace {

struct ChainLeaf : Task {
  void work() override {}
};

// Runs two leaves and keeps their results in a list the test reads back.
struct ChainRoot : Task {
  static inline thread_local std::vector<ResultPtr>* sink = nullptr;
  void work() override {
    auto leaf = Registry::global().get("chain.Leaf");
    sink->push_back(Executor::run(leaf, {}));
    sink->push_back(Executor::run(leaf, {}));
  }
};

void register_chain_tasks() {
  static const bool once = [] {
    define_task<ChainLeaf>("chain.Leaf");
    define_task<ChainRoot>("chain.Root");
    return true;
  }();
  (void)once;
}

}  // namespace

TEST(Chain, NestedRunsShareIdAndCountIndex) {
  register_chain_tasks();
  std::vector<ResultPtr> nested;
  ChainRoot::sink = &nested;
  auto root = Executor::run(Registry::global().get("chain.Root"), {});
  ASSERT_EQ(nested.size(), 2u);
  EXPECT_EQ(root->index, 0);
  EXPECT_EQ(nested[0]->index, 1);
  EXPECT_EQ(nested[1]->index, 2);
  EXPECT_EQ(nested[0]->chain_id, root->chain_id);
  EXPECT_EQ(nested[1]->chain_id, root->chain_id);
  EXPECT_EQ(root->chain_id, root->task_id);  // named after its root
  EXPECT_NE(nested[0]->task_id, nested[0]->chain_id);
  auto again = Executor::run(Registry::global().get("chain.Root"), {});
  EXPECT_NE(again->chain_id, root->chain_id);
  EXPECT_EQ(again->index, 0);
}

TEST(Chain, ThreadsKeepTheirOwnChains) {
  register_chain_tasks();
  constexpr int kThreads = 8, kRuns = 200;
  std::mutex mutex;
  std::set<std::string> chain_ids;
  int mismatches = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kRuns; ++i) {
        std::vector<ResultPtr> nested;
        ChainRoot::sink = &nested;
        auto root = Executor::run(Registry::global().get("chain.Root"), {});
        std::lock_guard lock(mutex);
        chain_ids.insert(root->chain_id.str());
        for (const auto& r : nested)
          if (r->chain_id != root->chain_id || r->index < 1 || r->index > 2) ++mismatches;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(mismatches, 0);
  EXPECT_EQ(chain_ids.size(), static_cast<std::size_t>(kThreads * kRuns));
}
