#include "taskmill/core/executor.hpp"

#include <algorithm>
#include <chrono>
#include <cxxabi.h>

#include <cstdlib>
#include <thread>

#include "taskmill/core/attribute_resolver.hpp"
#include "taskmill/core/chain.hpp"
#include "taskmill/core/config.hpp"
#include "taskmill/core/halt.hpp"
#include "taskmill/core/run.hpp"
#include "taskmill/core/run_log.hpp"
#include "taskmill/core/task.hpp"
#include "taskmill/core/uuid.hpp"

namespace taskmill {

namespace {

// The run executing on this thread, so a nested run knows its parent.
thread_local Run* t_current_run = nullptr;

class CurrentRunScope {
 public:
  explicit CurrentRunScope(Run* run) : previous_(t_current_run) { t_current_run = run; }
  ~CurrentRunScope() { t_current_run = previous_; }
  CurrentRunScope(const CurrentRunScope&) = delete;
  CurrentRunScope& operator=(const CurrentRunScope&) = delete;

 private:
  Run* previous_;
};

std::string demangle(const char* mangled) {
  int status = 0;
  std::unique_ptr<char, decltype(&std::free)> name(abi::__cxa_demangle(mangled, nullptr, nullptr, &status),
                                                   &std::free);
  return status == 0 && name ? std::string(name.get()) : std::string(mangled);
}

// The cause for the C++ exception being handled (call only inside a catch block).
ErrorCause native_cause(const std::exception& e) {
  ErrorCause cause;
  cause.type_name = demangle(typeid(e).name());
  cause.message = e.what();
  cause.native = std::current_exception();
  return cause;
}

// Takes on the outcome of a nested run that ended strictly in a Fault.
void adopt_fault(Run& run, const ResultPtr& other) {
  Result& r = run.result();
  r.status = other->status;
  r.state = State::Interrupted;
  r.reason = other->reason;
  for (const auto& [k, v] : other->metadata) r.metadata.insert_or_assign(k, v);
  r.thrown_from = other;
  r.cause = other->cause;
}

// Runs `step`, turning whatever it throws into the run's outcome.
template <class Step>
void guarded(Run& run, Step&& step) {
  try {
    step();
  } catch (const HaltSignal&) {
    // fail / skip / throw already wrote the outcome
  } catch (const Fault& fault) {
    adopt_fault(run, fault.result());
  } catch (const ForeignError& error) {
    run.fail_with(error.cause());
  } catch (const std::exception& e) {
    run.fail_with(std::make_shared<ErrorCause>(native_cause(e)));
  } catch (...) {
    auto cause = std::make_shared<ErrorCause>();
    cause->type_name = "unknown exception";
    cause->native = std::current_exception();
    run.fail_with(std::move(cause));
  }
}

bool halted(const Run& run) { return run.result().status != Status::Success; }

void fire(Run& run, Event event) {
  for (const auto& cb : run.spec().callbacks[static_cast<std::size_t>(event)]) {
    if (cb.if_ && !cb.if_(run)) continue;
    if (cb.unless && cb.unless(run)) continue;
    cb.fn(run);
  }
}

}  // namespace

Run* Run::current() { return t_current_run; }

// The steps of the lifecycle between the middlewares and the log line.
class Lifecycle {
 public:
  static void body(Run& run) {
    bool worked = false;  // rollback undoes what work did: nothing to undo when it never ran
    guarded(run, [&] {
      fire(run, Event::BeforeValidation);
      if (halted(run)) return;
      if (!bind_attributes(run)) return;
      fire(run, Event::BeforeExecution);
      if (halted(run)) return;
      worked = true;
      work_with_retries(run);
    });
    if (worked && run.result().failed() && run.task()->has_rollback()) guarded(run, [&] { run.task()->rollback(); });
    guarded(run, [&] { ending_callbacks(run); });
  }

 private:
  // `work`, run again on an error the spec's retry_on matches, until its limit.
  static void work_with_retries(Run& run) {
    const RetryOn& policy = run.spec().retry_on;
    if (!policy.enabled()) return run.task()->work();  // the common case pays nothing more
    for (;;) {
      try {
        return run.task()->work();
      } catch (const HaltSignal&) {
        throw;  // an outcome, not an error
      } catch (const Fault&) {
        throw;
      } catch (const ForeignError& error) {
        if (!retry_after(run, *error.cause())) throw;
      } catch (const std::exception& e) {
        if (!retry_after(run, native_cause(e))) throw;
      }
    }
  }

  // Whether to retry after `cause`; waits the backoff delay first.
  static bool retry_after(Run& run, const ErrorCause& cause) {
    const RetryOn& policy = run.spec().retry_on;
    Result& r = run.result();
    if (r.retries >= policy.limit || run.stop_requested()) return false;
    if (policy.matches && !policy.matches(cause)) return false;
    ++r.retries;
    // Waited in short slices so a Timeout (or a worker shutting down) ends the wait early.
    constexpr double kSlice = 0.01;
    for (double left = policy.delay_for(r.retries); left > 0 && !run.stop_requested(); left -= kSlice) {
      const double step = left < kSlice ? left : kSlice;
      if (policy.wait) policy.wait(step);
      else std::this_thread::sleep_for(std::chrono::duration<double>(step));
    }
    return !run.stop_requested();
  }

  static bool bind_attributes(Run& run) {
    ResolvedAttributes resolved = resolve_attributes(run.spec(), run.context());
    if (!resolved.ok()) {
      Result& r = run.result();
      r.status = Status::Failed;
      r.state = State::Interrupted;
      r.reason = resolved.reason();
      r.metadata.insert_or_assign("errors", resolved.take_errors_value());
      return false;
    }
    run.attributes_ = std::move(resolved.values);
    run.task()->on_attributes_bound();
    return true;
  }

  static void ending_callbacks(Run& run) {
    const Result& r = run.result();
    fire(run, r.complete() ? Event::OnComplete : Event::OnInterrupted);
    fire(run, Event::OnExecuted);
    fire(run, r.success() ? Event::OnSuccess : r.skipped() ? Event::OnSkipped : Event::OnFailed);
    if (r.good()) fire(run, Event::OnGood);
    if (r.bad()) fire(run, Event::OnBad);
  }

  friend class Executor;
};

namespace {

// Global middlewares wrap the task's own; within each list the first is the outermost.
void run_through_middlewares(Run& run) {
  const auto& local = run.spec().middlewares;
  if (local.empty() && !Config::global().has_middlewares()) return Lifecycle::body(run);
  const auto global = Config::global().middlewares();
  const std::size_t total = global->size() + local.size();
  std::function<void(std::size_t)> layer = [&](std::size_t i) {
    if (i == total) return Lifecycle::body(run);
    const Middleware& mw = i < global->size() ? (*global)[i] : local[i - global->size()];
    bool called = false;
    guarded(run, [&] {
      mw(run, [&] {
        if (called) throw std::logic_error("a middleware called next() twice");
        called = true;
        layer(i + 1);
      });
    });
  };
  layer(0);
}

}  // namespace

ContextPtr Executor::bind_inputs(const TaskSpec& spec, RunRequest& request) {
  if (request.args.size() > spec.attributes.size()) {
    throw ArgumentError(spec.name + " takes " + std::to_string(spec.attributes.size()) +
                        " positional argument" + (spec.attributes.size() == 1 ? "" : "s") + " but " +
                        std::to_string(request.args.size()) + " were given");
  }
  for (std::size_t i = 0; i < request.args.size(); ++i) {
    const std::string& name = spec.attributes[i].name;
    if (std::any_of(request.kwargs.begin(), request.kwargs.end(), [&](const auto& kw) { return kw.first == name; }))
      throw ArgumentError(spec.name + " got multiple values for argument '" + name + "'");
  }
  if (request.context) {
    for (std::size_t i = 0; i < request.args.size(); ++i)
      request.context->set(spec.attributes[i].name, std::move(request.args[i]));
    for (auto& [k, v] : request.kwargs) request.context->set(std::move(k), std::move(v));
    return request.context;
  }
  if (request.args.empty()) return Context::make(std::move(request.kwargs));  // the vector as it came
  // The inputs in the order given: positional ones first, as in a call.
  Context::Entries inputs;
  inputs.reserve(request.args.size() + request.kwargs.size());
  for (std::size_t i = 0; i < request.args.size(); ++i) inputs.emplace_back(spec.attributes[i].name, std::move(request.args[i]));
  for (auto& entry : request.kwargs) inputs.push_back(std::move(entry));
  return Context::make(std::move(inputs));
}

ResultPtr Executor::run(const TaskSpecPtr& spec, RunRequest request) {
  ContextPtr context = bind_inputs(*spec, request);
  const auto started = std::chrono::steady_clock::now();
  Run run(spec, std::move(context), request.job, t_current_run);
  Result& result = run.result();
  result.task_id = new_uuid7();
  ChainScope chain(result.task_id);
  CurrentRunScope current(&run);
  result.chain_id = chain.chain_id();
  result.index = chain.index();

  guarded(run, [&] {
    run.task_ = spec->factory(run);
    if (!run.task_) throw std::runtime_error("the factory of " + spec->name + " returned no instance");
    run.task_->run_ = &run;
  });
  if (run.task_) run_through_middlewares(run);
  result.runtime_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  log_run(result, request.job);
  return std::move(run.result_);  // the Run ends here: its Result moves out, no count to touch
}

ResultPtr Executor::run_strict(const TaskSpecPtr& spec, RunRequest request) {
  ResultPtr result = run(spec, std::move(request));
  switch (strict_outcome(*result)) {
    case StrictOutcome::Return: return result;
    case StrictOutcome::RethrowCause:
      if (result->cause && result->cause->native) std::rethrow_exception(result->cause->native);
      [[fallthrough]];
    case StrictOutcome::RaiseFault:
      if (result->skipped()) throw SkipFault(result);
      throw FailFault(result);
  }
  return result;
}

}  // namespace taskmill
