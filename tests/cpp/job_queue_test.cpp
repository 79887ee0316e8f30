// JobQueue: the FIFO of the memory backend's queues, a ring of slots.
#include <memory>
#include <vector>

#include <gtest/gtest.h>

#include "taskmill/backends/job_queue.hpp"
#include "taskmill/jobs/payload.hpp"

namespace taskmill::backends {
namespace {

jobs::Payload job(int n) { return jobs::Payload{{"jid", n}}; }

TEST(JobQueue, FirstInFirstOutThroughWrapsAndRefills) {
  JobQueue<jobs::Payload> q;
  EXPECT_TRUE(q.empty());
  constexpr int kJobs = 20000;  // the ring wraps around many times, and grows while wrapped
  int next_in = 0, next_out = 0;
  for (; next_in < kJobs; ++next_in) q.push_back(job(next_in));
  // Drain while feeding, as workers and producers do: order holds, nothing is lost.
  while (next_out < kJobs * 2) {
    ASSERT_FALSE(q.empty());
    EXPECT_EQ(q.front()["jid"], next_out);
    EXPECT_EQ(q.pop_front()["jid"], next_out);
    ++next_out;
    if (next_in < kJobs * 2 && next_out % 2 == 0) q.push_back(job(next_in++));
    ASSERT_EQ(q.size(), static_cast<std::size_t>(next_in - next_out));
    if (q.empty() && next_in < kJobs * 2) q.push_back(job(next_in++));
  }
  EXPECT_TRUE(q.empty());
  q.push_back(job(1));  // usable again after running empty
  EXPECT_EQ(q.pop_front()["jid"], 1);
}

TEST(JobQueue, RequeuedJobsGoInFrontInTheOrderGiven) {
  JobQueue<jobs::Payload> q;
  q.push_back(job(3));
  q.push_front(job(2));  // in front of the first slot: wraps to the last
  q.push_front(job(1));
  EXPECT_EQ(q.pop_front()["jid"], 1);
  q.push_front(job(0));  // into the slot just taken
  for (int expected : {0, 2, 3}) EXPECT_EQ(q.pop_front()["jid"], expected);
  q.push_back(job(9));
  q.clear();
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.size(), 0u);
}

TEST(JobQueue, GrowsWhileWrappedAroundKeepingTheOrder) {
  JobQueue<jobs::Payload> q;
  int next_in = 0, next_out = 0;
  for (; next_in < 12; ++next_in) q.push_back(job(next_in));
  for (; next_out < 10; ++next_out) ASSERT_EQ(q.pop_front()["jid"], next_out);
  for (; next_in < 40; ++next_in) q.push_back(job(next_in));  // wraps past the end, then grows
  q.push_front(job(-1));
  EXPECT_EQ(q.size(), 31u);
  EXPECT_EQ(q.front()["jid"], -1);
  EXPECT_EQ(q.pop_front()["jid"], -1);
  for (; next_out < 40; ++next_out) ASSERT_EQ(q.pop_front()["jid"], next_out);
  EXPECT_TRUE(q.empty());
}

TEST(JobQueue, ClearReleasesTheJobs) {
  JobQueue<std::shared_ptr<int>> q;
  auto held = std::make_shared<int>(1);
  q.push_back(held);
  q.push_back(held);
  EXPECT_EQ(held.use_count(), 3);
  q.pop_front();  // the slot taken from holds nothing
  EXPECT_EQ(held.use_count(), 2);
  q.clear();
  EXPECT_EQ(held.use_count(), 1);
  EXPECT_TRUE(q.empty());
}

}  // namespace
}  // namespace taskmill::backends
