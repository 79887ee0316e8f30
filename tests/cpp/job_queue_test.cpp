// JobQueue: the memory backend's FIFO, read from an index and compacted as it drains.
#include <vector>

#include <gtest/gtest.h>

#include "taskmill/backends/job_queue.hpp"
#include "taskmill/jobs/payload.hpp"

namespace taskmill::backends {
namespace {

jobs::Payload job(int n) { return jobs::Payload{{"jid", n}}; }

TEST(JobQueue, FirstInFirstOutThroughCompactionAndRefills) {
  JobQueue<jobs::Payload> q;
  EXPECT_TRUE(q.empty());
  constexpr int kJobs = 20000;  // several compactions (from 4096 spent jobs on)
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
  q.push_front(job(2));  // nothing spent yet: inserted at the start
  q.push_front(job(1));
  EXPECT_EQ(q.pop_front()["jid"], 1);
  q.push_front(job(0));  // into the spent slot
  for (int expected : {0, 2, 3}) EXPECT_EQ(q.pop_front()["jid"], expected);
  q.push_back(job(9));
  q.clear();
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.size(), 0u);
}

TEST(JobQueue, TakeBackHandsOverTheNewestInOrder) {
  JobQueue<jobs::Payload> q;
  for (int i = 0; i < 5; ++i) q.push_back(job(i));
  EXPECT_EQ(q.pop_front()["jid"], 0);
  std::vector<int> taken;
  q.take_back(2, [&](jobs::Payload&& p) { taken.push_back(p["jid"].get<int>()); });
  EXPECT_EQ(taken, (std::vector<int>{3, 4}));
  EXPECT_EQ(q.size(), 2u);
  q.take_back(2, [&](jobs::Payload&& p) { taken.push_back(p["jid"].get<int>()); });
  EXPECT_EQ(taken, (std::vector<int>{3, 4, 1, 2}));
  EXPECT_TRUE(q.empty());
  q.push_back(job(7));  // usable again, from the start of its storage
  EXPECT_EQ(q.pop_front()["jid"], 7);
}

}  // namespace
}  // namespace taskmill::backends
