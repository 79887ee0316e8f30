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

RunRequest request_for(const jobs::PayloadFields& fields, const JobInfo& info) {
  RunRequest request;
  request.args.reserve(fields.args->size());
  for (const auto& a : *fields.args) request.args.push_back(Value::from_json(a));
  request.job = &info;
  // The enqueuer's correlation id reaches the Correlate middleware through the run's context.
  if (fields.correlation_id && fields.correlation_id->is_string())
    request.context = Context::make({{"correlation_id", Value(fields.correlation_id->get<std::string>())}});
  return request;
}

}  // namespace

Prepared Processor::prepare(const jobs::Payload& payload) {
  Prepared p;
  p.fields = jobs::scan_payload(payload);
  p.malformed = jobs::malformed_reason(p.fields);
  if (p.malformed.empty()) {
    p.info = jobs::job_info(p.fields);
    p.info.final_attempt = jobs::is_final_attempt(p.fields.retry, p.fields.retry_count);
  }
  return p;
}

TaskSpecPtr Processor::resolve(const Prepared& prepared) {
  const std::string* name = prepared.task_name();
  return name ? Registry::global().find(*name) : nullptr;
}

Attempt Processor::attempt(const Prepared& prepared, const TaskSpecPtr& spec) {
  Attempt a;
  a.malformed = prepared.malformed;
  if (!a.malformed.empty()) return a;
  a.spec = spec.get();
  if (!a.spec) {
    const std::string& name = *prepared.task_name();
    a.failure = jobs::Failure{"UnknownTaskError",
                              "no task is registered under the name '" + name +
                                  "' (is the module that defines it imported by the worker?)",
                              {}};
    return a;
  }
  try {
    a.result = Executor::run(spec, request_for(prepared.fields, prepared.info));
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
    retry_.bury_malformed(jobs::Payload(lease.payload), attempt.malformed);
    return true;
  }
  if (!attempt.failure) return false;
  retry_.handle(jobs::Payload(lease.payload), attempt.spec, *attempt.failure, attempt.cause);
  return true;
}

ResultPtr run_payload(const jobs::Payload& payload) {
  const Prepared prepared = Processor::prepare(payload);
  if (!prepared.malformed.empty()) throw ArgumentError(prepared.malformed);
  TaskSpecPtr spec = Registry::global().get(*prepared.task_name());
  return Executor::run(spec, request_for(prepared.fields, prepared.info));
}

}  // namespace taskmill::runtime
