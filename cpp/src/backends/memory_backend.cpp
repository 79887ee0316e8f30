#include "taskmill/backends/memory_backend.hpp"

namespace taskmill::backends {

void MemoryBackend::push_locked(jobs::Job job, double now) {
  job.set_enqueued_at(now);
  Queue& queue = queues_.try_emplace(std::string(job.queue())).first->second;
  queue.jobs.push_back(std::move(job));
}

void MemoryBackend::push(Payload payload) {
  // Taken apart before the lock, by the enqueuing thread (which also frees the JSON it built).
  jobs::Job job = jobs::Job::from_payload(std::move(payload));
  const double now = jobs::now_seconds();
  {
    std::lock_guard lock(mutex_);
    push_locked(std::move(job), now);
  }
  arrived_.notify_one();
}

void MemoryBackend::push_bulk(std::vector<Payload> payloads) {
  std::vector<jobs::Job> taken;
  taken.reserve(payloads.size());
  for (auto& p : payloads) taken.push_back(jobs::Job::from_payload(std::move(p)));
  payloads = {};
  const double now = jobs::now_seconds();
  {
    std::lock_guard lock(mutex_);
    for (auto& j : taken) push_locked(std::move(j), now);
  }
  arrived_.notify_all();
}

void MemoryBackend::schedule(double at, Payload job) {
  job.erase("enqueued_at");
  std::lock_guard lock(mutex_);
  set_of(JobSet::Scheduled).emplace(at, std::move(job));
}

void MemoryBackend::fetch(std::span<const std::string> queues, std::size_t max, std::size_t takers,
                          std::chrono::milliseconds wait, std::vector<Lease>& out) {
  std::unique_lock lock(mutex_);
  const std::uint64_t epoch = wake_epoch_;
  auto take = [&] {
    for (const auto& name : queues) {
      auto it = queues_.find(name);
      if (it == queues_.end() || it->second.jobs.empty()) continue;
      Queue& q = it->second;
      const std::size_t n = fair_share(q.jobs.size(), max, takers);
      for (std::size_t i = 0; i < n; ++i) {
        Lease& lease = out.emplace_back();  // the job moves once, straight into its lease
        lease.queue = name;
        q.jobs.pop_front_into(lease.job);
      }
      q.leased += n;
      return true;
    }
    return false;
  };
  if (take()) return;
  arrived_.wait_for(lock, wait, [&] { return wake_epoch_ != epoch || take(); });
}

void MemoryBackend::ack(std::span<const Lease> leases) {
  std::lock_guard lock(mutex_);
  // A batch comes from one queue: its name is looked up once, not per job.
  const std::string* name = nullptr;
  Queue* queue = nullptr;
  for (const auto& l : leases) {
    if (!name || l.queue != *name) {
      name = &l.queue;
      queue = &queues_[l.queue];
    }
    --queue->leased;
  }
}

void MemoryBackend::requeue(std::vector<Lease> leases) {
  {
    std::lock_guard lock(mutex_);
    for (auto it = leases.rbegin(); it != leases.rend(); ++it) {
      Queue& q = queues_[it->queue];
      --q.leased;
      q.jobs.push_front(std::move(it->job));
    }
  }
  arrived_.notify_all();
}

void MemoryBackend::wake() {
  {
    std::lock_guard lock(mutex_);
    ++wake_epoch_;
  }
  arrived_.notify_all();
}

std::size_t MemoryBackend::pending(std::span<const std::string> queues) {
  std::lock_guard lock(mutex_);
  std::size_t n = 0;
  for (const auto& name : queues)
    if (auto it = queues_.find(name); it != queues_.end()) n += it->second.jobs.size() + it->second.leased;
  return n;
}

void MemoryBackend::add_retry(double at, Payload job) {
  std::lock_guard lock(mutex_);
  set_of(JobSet::Retry).emplace(at, std::move(job));
}

void MemoryBackend::add_dead(double at, Payload job, const DeadLimits& limits) {
  std::lock_guard lock(mutex_);
  SortedSet& dead = set_of(JobSet::Dead);
  dead.emplace(at, std::move(job));
  // Trim by age, then by count, oldest first (as Sidekiq trims its morgue).
  while (!dead.empty() && dead.begin()->first < at - limits.max_age_seconds) dead.erase(dead.begin());
  while (dead.size() > limits.max_jobs) dead.erase(dead.begin());
}

std::size_t MemoryBackend::enqueue_due(double now) {
  std::size_t moved = 0;
  {
    std::lock_guard lock(mutex_);
    for (JobSet s : {JobSet::Retry, JobSet::Scheduled}) {
      SortedSet& set = set_of(s);
      while (!set.empty() && set.begin()->first <= now) {
        push_locked(jobs::Job::from_payload(std::move(set.begin()->second)), now);
        set.erase(set.begin());
        ++moved;
      }
    }
  }
  if (moved) arrived_.notify_all();
  return moved;
}

std::optional<double> MemoryBackend::next_due() {
  std::lock_guard lock(mutex_);
  std::optional<double> due;
  for (JobSet s : {JobSet::Retry, JobSet::Scheduled}) {
    const SortedSet& set = set_of(s);
    if (!set.empty() && (!due || set.begin()->first < *due)) due = set.begin()->first;
  }
  return due;
}

std::vector<SetEntry> MemoryBackend::list(JobSet set) {
  std::lock_guard lock(mutex_);
  std::vector<SetEntry> out;
  for (const auto& [score, job] : set_of(set)) out.push_back(SetEntry{score, job});
  return out;
}

std::size_t MemoryBackend::size(JobSet set) {
  std::lock_guard lock(mutex_);
  return set_of(set).size();
}

MemoryBackend::SortedSet::iterator MemoryBackend::find_locked(SortedSet& set, const std::string& jid) {
  for (auto it = set.begin(); it != set.end(); ++it) {
    auto j = it->second.find("jid");
    if (j != it->second.end() && j->is_string() && j->get_ref<const std::string&>() == jid) return it;
  }
  return set.end();
}

bool MemoryBackend::enqueue_now(JobSet which, const std::string& jid) {
  {
    std::lock_guard lock(mutex_);
    SortedSet& set = set_of(which);
    auto it = find_locked(set, jid);
    if (it == set.end()) return false;
    push_locked(jobs::Job::from_payload(std::move(it->second)), jobs::now_seconds());
    set.erase(it);
  }
  arrived_.notify_one();
  return true;
}

bool MemoryBackend::remove(JobSet which, const std::string& jid) {
  std::lock_guard lock(mutex_);
  SortedSet& set = set_of(which);
  auto it = find_locked(set, jid);
  if (it == set.end()) return false;
  set.erase(it);
  return true;
}

void MemoryBackend::clear(JobSet set) {
  std::lock_guard lock(mutex_);
  set_of(set).clear();
}

void MemoryBackend::record(std::int64_t processed, std::int64_t failed, double now) {
  const std::string day = utc_day(now);
  std::lock_guard lock(mutex_);
  processed_ += processed;
  failed_ += failed;
  auto& d = by_day_[day];
  d.first += processed;
  d.second += failed;
}

Stats MemoryBackend::stats(double now) {
  std::lock_guard lock(mutex_);
  Stats s;
  s.processed = processed_;
  s.failed = failed_;
  s.by_day = by_day_;
  for (const auto& [name, q] : queues_) {
    QueueStats qs;
    qs.size = q.jobs.size();
    if (!q.jobs.empty())
      if (auto enqueued = q.jobs.front().enqueued_at()) qs.latency = std::max(0.0, now - *enqueued);
    s.enqueued += qs.size;
    s.busy += q.leased;
    s.queues.emplace(name, qs);
  }
  s.scheduled = set_of(JobSet::Scheduled).size();
  s.retries = set_of(JobSet::Retry).size();
  s.dead = set_of(JobSet::Dead).size();
  return s;
}

void MemoryBackend::flush() {
  std::lock_guard lock(mutex_);
  for (auto& [name, q] : queues_) q.jobs.clear();  // leased counts stay: their jobs are still running
  for (auto& s : sets_) s.clear();
  processed_ = failed_ = 0;
  by_day_.clear();
}

}  // namespace taskmill::backends
