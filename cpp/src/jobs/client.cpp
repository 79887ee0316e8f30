#include "taskmill/jobs/client.hpp"

#include "taskmill/core/halt.hpp"

namespace taskmill::jobs {

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
  return perform_at(now_seconds() + seconds, spec, std::move(args), std::move(kwargs), options);
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
