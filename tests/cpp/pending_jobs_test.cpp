// PendingJobs: a worker thread's running batch, held in place while its jobs start from the front
// and idle threads steal from the back.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "taskmill/runtime/pending_jobs.hpp"

namespace taskmill::runtime {
namespace {

std::vector<backends::Lease> leases(int n) {
  std::vector<backends::Lease> out;
  for (int i = 0; i < n; ++i) out.push_back(backends::Lease{"q", {}, std::to_string(i)});
  return out;
}

std::vector<std::string> tokens(const std::vector<backends::Lease>& v) {
  std::vector<std::string> out;
  for (const auto& l : v) out.push_back(l.token);
  return out;
}

TEST(PendingJobs, StartsFromTheFrontInPlaceWhileStealsTakeTheBack) {
  PendingJobs pending;
  std::vector<backends::Lease> batch = leases(5);
  pending.adopt(batch);
  EXPECT_TRUE(batch.empty());
  EXPECT_EQ(pending.size(), 5u);

  backends::Lease& first = pending.start_next();
  EXPECT_EQ(first.token, "0");
  std::vector<backends::Lease> stolen;
  pending.take_back(2, stolen);  // a thief: the newest two, oldest of them first
  EXPECT_EQ(tokens(stolen), (std::vector<std::string>{"3", "4"}));
  EXPECT_EQ(first.token, "0");  // the started job did not move
  EXPECT_EQ(pending.size(), 2u);

  EXPECT_EQ(pending.start_next().token, "1");
  std::vector<backends::Lease> unstarted;
  pending.drain(unstarted);
  EXPECT_EQ(tokens(unstarted), (std::vector<std::string>{"2"}));
  EXPECT_TRUE(pending.empty());

  pending.release(batch);  // what was started, in order, for the ack
  EXPECT_EQ(tokens(batch), (std::vector<std::string>{"0", "1"}));
}

TEST(PendingJobs, StorageIsReusedBatchAfterBatch) {
  PendingJobs pending;
  std::vector<backends::Lease> batch = leases(3);
  batch.reserve(8);
  const auto* storage = batch.data();
  pending.adopt(batch);
  while (!pending.empty()) pending.start_next();
  pending.release(batch);
  EXPECT_EQ(batch.data(), storage);  // swapped back: no copy, no new allocation
  EXPECT_EQ(batch.size(), 3u);
  batch.clear();
  pending.adopt(batch);
  EXPECT_TRUE(pending.empty());
  pending.release(batch);
  EXPECT_EQ(batch.data(), storage);
}

}  // namespace
}  // namespace taskmill::runtime
