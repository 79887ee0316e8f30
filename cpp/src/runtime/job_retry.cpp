#include "taskmill/runtime/job_retry.hpp"

#include <cmath>
#include <mutex>
#include <stdexcept>

#include "taskmill/runtime/runtime_log.hpp"

namespace taskmill::runtime {

namespace {
struct DeathHandlers {
  std::mutex mutex;
  std::vector<DeathHandler> handlers;
};
DeathHandlers& death_handlers() {
  static DeathHandlers h;
  return h;
}

void log_hook_error(const char* hook, const std::string& what) {
  log_runtime(LogLevel::Error, std::string("taskmill: ") + hook + " raised: " + what);
}

// Runs a user hook; its exception is logged, never propagated into the worker.
template <class F>
void guarded_hook(const char* name, F&& f) {
  try {
    f();
  } catch (const std::exception& e) {
    log_hook_error(name, e.what());
  } catch (...) {
    log_hook_error(name, "unknown exception");
  }
}
}  // namespace

void add_death_handler(DeathHandler handler) {
  auto& h = death_handlers();
  std::lock_guard lock(h.mutex);
  h.handlers.push_back(std::move(handler));
}

void clear_death_handlers() {
  auto& h = death_handlers();
  std::lock_guard lock(h.mutex);
  h.handlers.clear();
}

jobs::RetryAction JobRetry::handle(Payload payload, const TaskSpec* spec, const jobs::Failure& failure,
                                   const ErrorCausePtr& cause) const {
  const double now = jobs::now_seconds();
  jobs::RetryIn retry_in;
  if (spec && hooks_.retry_in && jobs::max_retries(payload) >= 0) {
    guarded_hook("retry_in", [&] {
      const jobs::RetryIn answer = hooks_.retry_in(*spec, jobs::next_retry_count(payload), failure, cause);
      // An infinite delay would leave the job in the retry set for ever, a NaN one would run it
      // at once: neither is what the hook meant, so it is reported and the default delay used.
      if (answer.kind == jobs::RetryIn::Kind::Seconds && !std::isfinite(answer.seconds))
        throw std::invalid_argument(spec->name + ".retry_in returned " +
                                    std::string(jobs::non_finite_name(answer.seconds)) +
                                    " seconds; expected a finite number (the default delay is used)");
      retry_in = answer;
    });
  }
  const jobs::RetryDecision d = jobs::decide_retry(payload, failure, retry_in, now);
  switch (d.action) {
    case jobs::RetryAction::Retry:
      if (auto rq = payload.find("retry_queue"); rq != payload.end() && rq->is_string()) payload["queue"] = *rq;
      backend_.add_retry(d.at, std::move(payload));
      break;
    case jobs::RetryAction::Exhausted: die(std::move(payload), spec, failure, cause, now); break;
    case jobs::RetryAction::Discard:
    case jobs::RetryAction::Drop: break;
  }
  return d.action;
}

void JobRetry::die(Payload payload, const TaskSpec* spec, const jobs::Failure& failure, const ErrorCausePtr& cause,
                   double now) const {
  if (spec && hooks_.retries_exhausted)
    guarded_hook("retries_exhausted", [&] { hooks_.retries_exhausted(*spec, payload, failure, cause); });
  if (auto d = payload.find("dead"); d != payload.end() && d->is_boolean() && !d->get<bool>()) return;
  std::vector<DeathHandler> handlers;
  {
    auto& h = death_handlers();
    std::lock_guard lock(h.mutex);
    handlers = h.handlers;
  }
  for (const auto& handler : handlers) guarded_hook("a death handler", [&] { handler(payload, failure); });
  backend_.add_dead(now, std::move(payload), backends::dead_limits());
}

void JobRetry::bury_malformed(Payload payload, const std::string& reason) const {
  const double now = jobs::now_seconds();
  Payload dead = payload.is_object() ? std::move(payload) : Payload{{"class", nullptr}, {"args", nullptr}, {"raw", payload}};
  if (!dead.contains("jid") || !dead["jid"].is_string()) dead["jid"] = jobs::new_jid();
  dead["error_class"] = "MalformedPayload";
  dead["error_message"] = reason;
  dead["failed_at"] = now;
  backend_.add_dead(now, std::move(dead), backends::dead_limits());
}

}  // namespace taskmill::runtime
