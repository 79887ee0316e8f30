// The runtime from C++: a worker pool running C++ jobs, retries into the dead set, hooks,
// shutdown with jobs in flight, many producers and workers, stop from inside a job.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <limits>
#include <mutex>
#include <set>
#include <thread>

#include "taskmill/backends/memory_backend.hpp"
#include "taskmill/core/config.hpp"
#include "taskmill/core/define_task.hpp"
#include "taskmill/jobs/client.hpp"
#include "taskmill/runtime/worker.hpp"

using namespace taskmill;
using namespace taskmill::runtime;
using backends::JobSet;

namespace {

// What the test jobs saw, shared with the test body.
struct Journal {
  std::mutex mutex;
  std::multiset<std::int64_t> ids;
  std::vector<bool> final_attempts;
  std::atomic<int> blocked{0};
  std::promise<void> release;
  std::shared_future<void> released{release.get_future().share()};
};
Journal* g_journal = nullptr;  // set by each test for its duration

struct Count : Task {
  void work() override {
    std::lock_guard lock(g_journal->mutex);
    g_journal->ids.insert(attribute("id").as_int());
  }
};
struct Fails : Task {
  void work() override {
    {
      std::lock_guard lock(g_journal->mutex);
      g_journal->final_attempts.push_back(job()->final_attempt);
    }
    throw std::runtime_error("always");
  }
};
struct Blocks : Task {
  void work() override {
    ++g_journal->blocked;
    g_journal->released.wait();
    std::lock_guard lock(g_journal->mutex);
    g_journal->ids.insert(attribute("id").as_int());
  }
};
// Jobs that must run at the same time as others: each waits (10 s at most, then fails) until
// `g_gathering` jobs have started, and until the job numbered `after` (if not -1) has started.
std::mutex g_started_mutex;
std::set<std::int64_t> g_started;
std::size_t g_gathering = 0;
struct Meets : Task {
  void work() override {
    const std::int64_t id = attribute("id").as_int(), after = attribute("after").as_int();
    {
      std::lock_guard lock(g_started_mutex);
      g_started.insert(id);
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    for (;;) {
      {
        std::lock_guard lock(g_started_mutex);
        if (g_started.size() >= g_gathering && (after < 0 || g_started.count(after))) break;
      }
      if (std::chrono::steady_clock::now() > deadline) throw std::runtime_error("the other jobs never started");
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    std::lock_guard lock(g_journal->mutex);
    g_journal->ids.insert(id);
  }
};
Worker* g_stop_target = nullptr;
struct StopsWorker : Task {
  void work() override { g_stop_target->stop(); }
};

const TaskSpec& spec_of(const char* name) {
  static const bool registered = [] {
    define_task<Count>("worker_test.Count", {Attribute::required_attr("id", Type::integer())});
    TaskOptions three;
    three.retry = Value(2);
    define_task<Fails>("worker_test.Fails", {}, three);
    define_task<Blocks>("worker_test.Blocks", {Attribute::required_attr("id", Type::integer())});
    define_task<StopsWorker>("worker_test.StopsWorker");
    TaskOptions no_retry;
    no_retry.retry = Value(false);
    define_task<Meets>("worker_test.Meets",
                       {Attribute::required_attr("id", Type::integer()), Attribute::required_attr("after", Type::integer())},
                       no_retry);
    LogSettings quiet;
    quiet.level = LogLevel::Off;
    Config::global().set_log(quiet);
    return true;
  }();
  (void)registered;
  return *Registry::global().get(name);
}

WorkerOptions options(int concurrency) {
  WorkerOptions o;
  o.concurrency = concurrency;
  o.poll_interval = 0.01;
  o.shutdown_timeout = 5;
  return o;
}

class WorkerTest : public ::testing::Test {
 protected:
  void SetUp() override { g_journal = &journal; }
  void TearDown() override { g_journal = nullptr; }
  // Runs a worker with `threads` threads until the queues are empty, stops it, and checks that
  // `jobs` jobs ran and none failed.
  void drain_expecting_successes(int threads, std::size_t jobs) {
    Worker w(backend, options(threads));
    w.start();
    ASSERT_TRUE(w.wait_idle(30.0));
    w.stop();
    ASSERT_TRUE(w.join(10.0));
    EXPECT_EQ(journal.ids.size(), jobs);
    EXPECT_EQ(w.failed(), 0);
  }
  // Runs `w` until `set` holds a job, then stops it.
  void run_until_one_in(Worker& w, JobSet set) {
    w.start();
    while (backend->size(set) == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    w.stop();
    w.join();
  }
  Journal journal;
  std::shared_ptr<backends::MemoryBackend> backend = std::make_shared<backends::MemoryBackend>();
  jobs::Client client{backend};
};

// A memory backend whose retry set refuses the first write, as a remote backend does while down.
class RetrySetDown final : public backends::Backend {
 public:
  backends::MemoryBackend inner;
  std::atomic<int> refused{0};
  void push(Payload job) override { inner.push(std::move(job)); }
  void push_bulk(std::vector<Payload> jobs) override { inner.push_bulk(std::move(jobs)); }
  void schedule(double at, Payload job) override { inner.schedule(at, std::move(job)); }
  using Backend::fetch;
  void fetch(std::span<const std::string> q, std::size_t max, std::size_t takers, std::chrono::milliseconds wait,
             std::vector<backends::Lease>& out) override {
    inner.fetch(q, max, takers, wait, out);
  }
  void ack(std::span<const backends::Lease> leases) override { inner.ack(leases); }
  void requeue(std::vector<backends::Lease> leases) override { inner.requeue(std::move(leases)); }
  void wake() override { inner.wake(); }
  std::size_t pending(std::span<const std::string> q) override { return inner.pending(q); }
  void add_retry(double at, Payload job) override {
    if (refused.fetch_add(1) == 0) throw std::runtime_error("retry set unavailable");
    inner.add_retry(at, std::move(job));
  }
  void add_dead(double at, Payload job, const backends::DeadLimits& l) override { inner.add_dead(at, std::move(job), l); }
  std::size_t enqueue_due(double now) override { return inner.enqueue_due(now); }
  std::optional<double> next_due() override { return inner.next_due(); }
  std::vector<backends::SetEntry> list(JobSet set) override { return inner.list(set); }
  std::size_t size(JobSet set) override { return inner.size(set); }
  bool enqueue_now(JobSet set, const std::string& jid) override { return inner.enqueue_now(set, jid); }
  bool remove(JobSet set, const std::string& jid) override { return inner.remove(set, jid); }
  void clear(JobSet set) override { inner.clear(set); }
  void record(std::int64_t p, std::int64_t f, double now) override { inner.record(p, f, now); }
  backends::Stats stats(double now) override { return inner.stats(now); }
  void flush() override { inner.flush(); }
};

}  // namespace

TEST_F(WorkerTest, AFailureTheBackendCannotRecordIsRequeuedNotLost) {
  auto down = std::make_shared<RetrySetDown>();
  jobs::Client c(down);
  c.perform_async(spec_of("worker_test.Fails"), {});
  RetryHooks hooks;
  hooks.retry_in = [](const TaskSpec&, int, const jobs::Failure&, const ErrorCausePtr&) {
    return jobs::RetryIn{jobs::RetryIn::Kind::Seconds, 0.001};
  };
  Worker w(down, options(1), hooks);
  w.start();
  // First attempt: the retry set refuses, the job is requeued and runs again; then retries to death.
  while (down->inner.size(JobSet::Dead) == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  w.stop();
  w.join();
  EXPECT_GE(down->refused.load(), 1);
  EXPECT_EQ(journal.final_attempts.size(), 4u);  // 1 unrecorded attempt + the 3 of retry=2
  EXPECT_EQ(down->inner.size(JobSet::Dead), 1u);
}

// A few slow jobs must not queue up in one thread's batch while the other threads idle: each job
// here waits until all four run at once.
TEST_F(WorkerTest, SlowJobsSpreadOverTheThreads) {
  g_started.clear();
  g_gathering = 4;
  for (int i = 0; i < 4; ++i) client.perform_async(spec_of("worker_test.Meets"), {Value(i), Value(-1)});
  drain_expecting_successes(4, 4);
}

// Two threads, four jobs queued: the first fetch takes its fair share, jobs 0 and 1, into one
// thread's batch. Job 0 waits for job 1 to start, which happens only if the other thread, its own
// jobs done, takes job 1 from the first thread's unstarted batch.
TEST_F(WorkerTest, AnIdleThreadTakesUnstartedJobsFromABusyOne) {
  g_started.clear();
  g_gathering = 0;
  client.perform_bulk(spec_of("worker_test.Meets"), {{Value(0), Value(1)}, {Value(1), Value(-1)},
                                                     {Value(2), Value(-1)}, {Value(3), Value(-1)}});
  drain_expecting_successes(2, 4);
}

TEST_F(WorkerTest, RunsCppJobsAndCountsThem) {
  for (int i = 0; i < 100; ++i) client.perform_async(spec_of("worker_test.Count"), {Value(i)});
  Worker w(backend, options(2));
  w.start();
  ASSERT_TRUE(w.wait_idle(10.0));
  w.stop();
  ASSERT_TRUE(w.join(10.0));
  EXPECT_EQ(journal.ids.size(), 100u);
  EXPECT_EQ(w.processed(), 100);
  const auto s = backend->stats(jobs::now_seconds());
  EXPECT_EQ(s.processed, 100);
  EXPECT_EQ(s.failed, 0);
}

TEST_F(WorkerTest, RetriesThroughHooksThenDies) {
  std::atomic<int> exhausted{0};
  std::atomic<int> deaths{0};
  RetryHooks hooks;
  hooks.retry_in = [](const TaskSpec&, int, const jobs::Failure&, const ErrorCausePtr&) {
    return jobs::RetryIn{jobs::RetryIn::Kind::Seconds, 0.001};
  };
  hooks.retries_exhausted = [&](const TaskSpec&, const jobs::Payload& p, const jobs::Failure& f, const ErrorCausePtr&) {
    EXPECT_EQ(p["retry_count"], 2);
    EXPECT_EQ(f.error_message, "always");
    ++exhausted;
  };
  add_death_handler([&](const jobs::Payload&, const jobs::Failure&) { ++deaths; });
  client.perform_async(spec_of("worker_test.Fails"), {});
  Worker w(backend, options(2), hooks);
  run_until_one_in(w, JobSet::Dead);
  clear_death_handlers();
  EXPECT_EQ(exhausted.load(), 1);
  EXPECT_EQ(deaths.load(), 1);
  EXPECT_EQ(journal.final_attempts, (std::vector<bool>{false, false, true}));
  const auto dead = backend->list(JobSet::Dead);
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].payload["error_class"], "std::runtime_error");
  EXPECT_EQ(backend->stats(jobs::now_seconds()).failed, 3);
}

TEST_F(WorkerTest, UnknownAndMalformedJobsDieAndTheWorkerGoesOn) {
  backend->push({{"class", "worker_test.Nobody"}, {"args", nlohmann::json::array()}, {"jid", "u"}, {"retry", 0},
                 {"queue", "default"}});
  backend->push({{"class", 42}, {"queue", "default"}});
  client.perform_async(spec_of("worker_test.Count"), {Value(1)});
  Worker w(backend, options(1));
  w.start();
  ASSERT_TRUE(w.wait_idle(10.0));
  w.stop();
  w.join();
  const auto dead = backend->list(JobSet::Dead);
  ASSERT_EQ(dead.size(), 2u);
  std::set<std::string> classes{dead[0].payload["error_class"], dead[1].payload["error_class"]};
  EXPECT_EQ(classes, (std::set<std::string>{"UnknownTaskError", "MalformedPayload"}));
  EXPECT_EQ(journal.ids.size(), 1u);
}

TEST_F(WorkerTest, StartingTwiceThrows) {
  Worker w(backend, options(1));
  w.start();
  EXPECT_THROW(w.start(), std::logic_error);
}

TEST_F(WorkerTest, ShutdownWithJobsInFlightLosesNone) {
  for (int i = 0; i < 8; ++i) client.perform_async(spec_of("worker_test.Blocks"), {Value(i)});
  auto o = options(2);
  o.max_batch = 3;
  Worker w(backend, o);
  w.start();
  while (journal.blocked.load() < 2) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  w.stop(0.01);  // both threads are stuck: their jobs go back to the queue
  const std::vector<std::string> q{"default"};
  EXPECT_EQ(backend->stats(jobs::now_seconds()).queues.at("default").size, 8u);
  journal.release.set_value();
  ASSERT_TRUE(w.join(10.0));
  Worker again(backend, options(2));
  again.start();
  ASSERT_TRUE(again.wait_idle(10.0));
  std::set<std::int64_t> distinct(journal.ids.begin(), journal.ids.end());
  EXPECT_EQ(distinct.size(), 8u);
  EXPECT_EQ(backend->pending(q), 0u);
}

TEST_F(WorkerTest, StopFromInsideAJobDoesNotHang) {
  Worker w(backend, options(2));
  g_stop_target = &w;
  client.perform_async(spec_of("worker_test.StopsWorker"), {});
  w.start();
  EXPECT_TRUE(w.join(10.0));
  g_stop_target = nullptr;
}

TEST_F(WorkerTest, ManyProducersAndWorkersRunEachJobOnce) {
  constexpr int kProducers = 4, kPerProducer = 2500;
  auto o = options(2);
  Worker a(backend, o), b(backend, o);
  a.start();
  b.start();
  std::vector<std::thread> producers;
  for (int p = 0; p < kProducers; ++p)
    producers.emplace_back([&, p] {
      for (int i = 0; i < kPerProducer; ++i)
        client.perform_async(spec_of("worker_test.Count"), {Value(p * kPerProducer + i)});
    });
  for (auto& t : producers) t.join();
  ASSERT_TRUE(a.wait_idle(30.0));
  ASSERT_TRUE(b.wait_idle(30.0));
  a.stop();
  b.stop();
  a.join();
  b.join();
  ASSERT_EQ(journal.ids.size(), static_cast<std::size_t>(kProducers * kPerProducer));
  std::set<std::int64_t> distinct(journal.ids.begin(), journal.ids.end());
  EXPECT_EQ(distinct.size(), journal.ids.size());  // none twice
  EXPECT_EQ(a.processed() + b.processed(), kProducers * kPerProducer);
}

TEST_F(WorkerTest, ScheduledJobsRunWhenDue) {
  client.perform_in(0.02, spec_of("worker_test.Count"), {Value(5)});
  Worker w(backend, options(1));
  w.start();
  while (backend->stats(jobs::now_seconds()).processed < 1) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  w.stop();
  w.join();
  EXPECT_EQ(journal.ids.count(5), 1u);
}

TEST_F(WorkerTest, BatchDefaultsToTheBackendsChoice) {
  EXPECT_EQ(Worker(backend, options(1)).options().max_batch, backend->default_batch());
  EXPECT_EQ(backend->default_batch(), 128u);  // in memory: nothing more at risk in flight
  auto o = options(1);
  o.max_batch = 5;
  EXPECT_EQ(Worker(backend, o).options().max_batch, 5u);
}

// Waits given as NaN or negative seconds are refused with the option's name, before anything
// changes; a wait longer than the clock can count means no deadline (not an overflow).
TEST_F(WorkerTest, BadWaitsAreRefusedAndLongOnesMeanNoDeadline) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const auto refused = [&](WorkerOptions o) -> std::string {
    try {
      Worker w(backend, std::move(o));
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return "(accepted)";
  };
  WorkerOptions nan_timeout = options(1);
  nan_timeout.shutdown_timeout = nan;
  EXPECT_EQ(refused(nan_timeout), "timeout must be a number of seconds >= 0, not nan");
  WorkerOptions negative_timeout = options(1);
  negative_timeout.shutdown_timeout = -1;
  EXPECT_EQ(refused(negative_timeout), "timeout must be a number of seconds >= 0, not -1");
  WorkerOptions no_poll = options(1);
  no_poll.poll_interval = 0;
  EXPECT_NE(refused(no_poll).find("poll_interval"), std::string::npos);

  client.perform_async(spec_of("worker_test.Count"), {Value(1)});
  Worker w(backend, options(1));
  EXPECT_THROW(w.wait_idle(nan), std::invalid_argument);
  w.start();
  EXPECT_TRUE(w.wait_idle(1e300));
  EXPECT_THROW(w.stop(-2.0), std::invalid_argument);
  EXPECT_FALSE(w.stopping() || w.quieted());  // the refused stop changed nothing
  w.stop(std::numeric_limits<double>::infinity());
  EXPECT_TRUE(w.join(1e300));
  EXPECT_EQ(journal.ids.size(), 1u);
}

// A retry_in hook answering an infinite or NaN delay is reported and the default delay used:
// the job neither stays in the retry set for ever nor runs again at once.
TEST_F(WorkerTest, ANonFiniteRetryDelayFallsBackToTheDefault) {
  RetryHooks hooks;
  hooks.retry_in = [](const TaskSpec&, int, const jobs::Failure&, const ErrorCausePtr&) {
    return jobs::RetryIn{jobs::RetryIn::Kind::Seconds, std::numeric_limits<double>::infinity()};
  };
  client.perform_async(spec_of("worker_test.Fails"), {});
  Worker w(backend, options(1), hooks);
  run_until_one_in(w, JobSet::Retry);
  const auto retries = backend->list(JobSet::Retry);
  ASSERT_EQ(retries.size(), 1u);
  const double delay = retries[0].score - jobs::now_seconds();
  EXPECT_GT(delay, 10.0);  // the default for a first retry: 15 + rand(10) seconds
  EXPECT_LT(delay, 30.0);
}
