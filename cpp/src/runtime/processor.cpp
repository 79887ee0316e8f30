#include "taskmill/runtime/processor.hpp"

#include "taskmill/core/executor.hpp"
#include "taskmill/core/halt.hpp"
#include "taskmill/core/registry.hpp"

namespace taskmill::runtime {

namespace {

jobs::Failure failure_of(const Result& r) {
  if (r.cause) return {r.cause->type_name, r.cause->message, r.cause->backtrace};
  // Failed by fail() or invalid inputs: no exception, the reason says why.
  return {r.task_name() + ".FailFault", r.reason, {}};
}

RunRequest request_for(const jobs::Job& job, const JobInfo& info) {
  RunRequest request;
  if (const jobs::Payload* args = job.args()) {
    request.args.reserve(args->size());
    for (const auto& a : *args) request.args.push_back(Value::from_json(a));
  }
  request.job = &info;
  // The enqueuer's correlation id reaches the Correlate middleware through the run's context.
  if (const jobs::Payload* id = job.find("correlation_id"); id && id->is_string())
    request.context = Context::make({{"correlation_id", Value(id->get<std::string>())}});
  return request;
}

}  // namespace

TaskSpecPtr Processor::resolve(const jobs::Job& job) {
  return job.malformed() ? nullptr : Registry::global().find(job.task_name());
}

Attempt Processor::attempt(const jobs::Job& job, const TaskSpecPtr& spec) {
  Attempt a;
  if (job.malformed()) {
    a.malformed = job.malformed_reason();
    return a;
  }
  a.spec = spec.get();
  if (!a.spec) {
    a.failure = jobs::Failure{"UnknownTaskError",
                              "no task is registered under the name '" + std::string(job.task_name()) +
                                  "' (is the module that defines it imported by the worker?)",
                              {}};
    return a;
  }
  try {
    const JobInfo info = job.info();  // (views of the job: it outlives the run)
    a.result = Executor::run(spec, request_for(job, info));
    if (a.result->failed()) {
      a.failure = failure_of(*a.result);
      a.cause = a.result->cause;
    }
  } catch (const std::exception& e) {  // inputs that do not bind (too many args)
    a.failure = jobs::Failure{"ArgumentError", e.what(), {}};
  } catch (...) {
    a.failure = jobs::Failure{"UnknownError", "an unknown exception escaped the run", {}};
  }
  return a;
}

bool Processor::finish(backends::Lease& lease, const Attempt& attempt) const {
  // Failures get a copy of the payload: if the backend refuses to record them, the worker puts
  // the lease (with its original payload) back on the queue.
  if (!attempt.malformed.empty()) {
    retry_.bury_malformed(lease.job.to_payload(), attempt.malformed);
    return true;
  }
  if (!attempt.failure) return false;
  retry_.handle(lease.job.to_payload(), attempt.spec, *attempt.failure, attempt.cause);
  return true;
}

ResultPtr run_payload(const jobs::Payload& payload) {
  const jobs::Job job = jobs::Job::from_payload(payload);
  if (job.malformed()) throw ArgumentError(job.malformed_reason());
  TaskSpecPtr spec = Registry::global().get(job.task_name());
  const JobInfo info = job.info();
  return Executor::run(spec, request_for(job, info));
}

}  // namespace taskmill::runtime
