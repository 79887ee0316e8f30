#include "taskmill/core/middlewares.hpp"

#include <chrono>
#include <cmath>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>

#include "taskmill/core/run.hpp"
#include "taskmill/core/task.hpp"
#include "taskmill/core/utc_time.hpp"
#include "taskmill/core/uuid.hpp"

namespace taskmill::middlewares {

namespace {

// "2", "0.5", "1.25": seconds as a user wrote them.
std::string seconds_text(double s) { return fmt::format("{}", s); }

// What the run's timer thread and the run share. The timer may outlive the run (it is detached,
// see below), so it touches the Run only while `done` is false, under the mutex.
struct Deadline {
  std::mutex mutex;
  std::condition_variable cv;
  bool done = false;
  bool fired = false;
};

}  // namespace

std::string correlation_id(const Run& run) {
  for (const Run* r = &run; r != nullptr; r = r->parent()) {
    auto it = r->result().metadata.find("correlation_id");
    if (it != r->result().metadata.end() && it->second.is_string()) return it->second.as_string();
  }
  return {};
}

Middleware correlate() {
  return [](Run& run, const std::function<void()>& next) {
    std::string id = run.parent() ? correlation_id(*run.parent()) : std::string();
    // A job carries its enqueuer's id in its context (the jobs layer copies metadata there).
    if (id.empty()) {
      const Value* given = run.context().find("correlation_id");
      if (given && given->is_string()) id = given->as_string();
    }
    if (id.empty()) id = new_uuid7().str();
    run.result().metadata.insert_or_assign("correlation_id", Value(std::move(id)));
    next();
  };
}

Middleware runtime() {
  return [](Run& run, const std::function<void()>& next) {
    const auto wall = std::chrono::system_clock::now();
    const auto started = std::chrono::steady_clock::now();
    next();
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    auto& metadata = run.result().metadata;
    metadata.insert_or_assign("runtime", Value(ms));
    metadata.insert_or_assign("started_at", Value(iso_utc(wall)));
    metadata.insert_or_assign("ended_at", Value(iso_utc(std::chrono::system_clock::now())));
  };
}

Middleware timeout(double seconds) {
  if (!std::isfinite(seconds) || seconds <= 0)
    throw std::invalid_argument("Timeout seconds must be a finite number > 0, not " + fmt::format("{}", seconds));
  const std::string message = "execution exceeded " + seconds_text(seconds) + " seconds";
  return [seconds, message](Run& run, const std::function<void()>& next) {
    auto deadline = std::make_shared<Deadline>();
    std::shared_ptr<const Interrupter> interrupt = run.task() ? run.task()->interrupter() : nullptr;
    // Detached, not joined: an interrupter may need the Python GIL, which the thread running this
    // run may hold while it would wait for the join. The timer only touches the run while `done`
    // is false (under the mutex), and the interrupter is safe to call after the run ended.
    std::thread([deadline, &run, seconds, message, interrupt] {
      {
        std::unique_lock lock(deadline->mutex);
        if (deadline->cv.wait_for(lock, std::chrono::duration<double>(seconds), [&] { return deadline->done; }))
          return;
        deadline->fired = true;
        run.request_stop();
      }
      if (interrupt) (*interrupt)(message);
    }).detach();
    struct Finish {  // marks the deadline done however next() ends
      Deadline& d;
      ~Finish() {
        {
          std::lock_guard lock(d.mutex);
          d.done = true;
        }
        d.cv.notify_all();
      }
    };
    {
      Finish finish{*deadline};
      next();
    }
    bool fired = false;
    {
      std::lock_guard lock(deadline->mutex);
      fired = deadline->fired;
    }
    if (!fired) return;
    // Whatever the work did once stopped (failed, returned, raised), the run timed out.
    Result& r = run.result();
    r.status = Status::Failed;
    r.state = State::Interrupted;
    r.reason = "[TimeoutError] " + message;
    if (!r.cause || r.cause->type_name != "TimeoutError") {
      auto cause = std::make_shared<ErrorCause>();
      cause->type_name = "TimeoutError";
      cause->message = message;
      r.cause = std::move(cause);
    }
  };
}

}  // namespace taskmill::middlewares
