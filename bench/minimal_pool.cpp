// The floor for bench/inprocess.py: the least a thread pool can do per job — a mutex-guarded
// deque of std::function, two threads popping under a condition variable, a no-op per job.
// Usage: minimal_pool <jobs> <threads>; prints the drain rate in jobs/s, then the cores the drain
// used (process CPU time over wall time): about 2 when the threads ran in parallel, about 1 when
// the OS ran them on one core, taking turns.
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

int main(int argc, char** argv) {
  const long jobs = argc > 1 ? std::atol(argv[1]) : 200000;
  const int threads = argc > 2 ? std::atoi(argv[2]) : 2;
  std::mutex mutex;
  std::condition_variable cv;
  std::deque<std::function<void()>> queue;
  volatile long sink = 0;
  for (long i = 0; i < jobs; ++i) queue.emplace_back([&sink] { sink = sink + 0; });  // queued before the clock starts
  bool go = false;
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&] {
      for (;;) {
        std::function<void()> job;
        {
          std::unique_lock lock(mutex);
          cv.wait(lock, [&] { return go; });
          if (queue.empty()) return;
          job = std::move(queue.front());
          queue.pop_front();
        }
        job();
      }
    });
  timespec cpu_start{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu_start);
  const auto start = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mutex);
    go = true;
  }
  cv.notify_all();
  for (auto& t : pool) t.join();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  timespec cpu_end{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu_end);
  const double cpu = static_cast<double>(cpu_end.tv_sec - cpu_start.tv_sec) +
                     static_cast<double>(cpu_end.tv_nsec - cpu_start.tv_nsec) / 1e9;
  std::printf("%.0f %.2f\n", static_cast<double>(jobs) / seconds, cpu / seconds);
  return 0;
}
