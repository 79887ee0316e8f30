#include "taskmill/jobs/client.hpp"

#include <cmath>
#include <stdexcept>

#include "taskmill/core/halt.hpp"

namespace taskmill::jobs {

namespace {

// A NaN time would compare false with every other and an infinite one would never come due:
// either would change silently what the caller asked for.
double finite_time(double at, const char* call) {
  if (!std::isfinite(at))
    throw std::invalid_argument(std::string(call) + ": the time must be a finite number of seconds, not " +
                                std::string(non_finite_name(at)));
  return at;
}

}  // namespace

Payload Client::prepare(const TaskSpec& spec, std::vector<Value> args, Value::Dict kwargs, const JobOptions& options,
                        double now) const {
  std::vector<Value> positional = positional_args(spec, std::move(args), std::move(kwargs));
  check_json_args(spec, positional);
  return build_payload(spec, positional, options, now);
}

std::string Client::perform_async(const TaskSpec& spec, std::vector<Value> args, Value::Dict kwargs,
                                  const JobOptions& options) const {
  Payload p = prepare(spec, std::move(args), std::move(kwargs), options, now_seconds());
  std::string jid = p["jid"].get<std::string>();
  backend_->push(std::move(p));
  return jid;
}

std::string Client::perform_at(double at, const TaskSpec& spec, std::vector<Value> args, Value::Dict kwargs,
                               const JobOptions& options) const {
  finite_time(at, "perform_at");
  const double now = now_seconds();
  Payload p = prepare(spec, std::move(args), std::move(kwargs), options, now);
  std::string jid = p["jid"].get<std::string>();
  if (at <= now) {
    backend_->push(std::move(p));
  } else {
    backend_->schedule(at, std::move(p));
  }
  return jid;
}

std::string Client::perform_in(double seconds, const TaskSpec& spec, std::vector<Value> args, Value::Dict kwargs,
                               const JobOptions& options) const {
  return perform_at(now_seconds() + finite_time(seconds, "perform_in"), spec, std::move(args), std::move(kwargs),
                   options);
}

std::vector<std::string> Client::perform_bulk(const TaskSpec& spec, const std::vector<std::vector<Value>>& args_list,
                                              const JobOptions& options) const {
  const double now = now_seconds();
  std::vector<Payload> payloads;
  std::vector<std::string> jids;
  payloads.reserve(args_list.size());
  jids.reserve(args_list.size());
  for (const auto& args : args_list) {
    payloads.push_back(prepare(spec, args, {}, options, now));  // all checked before any is pushed
    jids.push_back(payloads.back()["jid"].get<std::string>());
  }
  backend_->push_bulk(std::move(payloads));
  return jids;
}

std::string Client::push(Payload raw) const {
  const double now = now_seconds();
  std::optional<double> at;
  if (raw.is_object() && raw.contains("at")) {
    at = read_time(raw["at"]);
    if (!at) throw ArgumentError("push(): 'at' must be epoch seconds");
    finite_time(*at, "push(): 'at'");
    raw.erase("at");
  }
  Payload p = complete_payload(std::move(raw), now);
  std::string jid = p["jid"].get<std::string>();
  if (at && *at > now) {
    backend_->schedule(*at, std::move(p));
  } else {
    backend_->push(std::move(p));
  }
  return jid;
}

}  // namespace taskmill::jobs
