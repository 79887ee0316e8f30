// Payload: a job as it travels and rests — one JSON object in Sidekiq's format
// (spec/sidekiq-wire.md). Building one from a task call, checking that its arguments are JSON,
// completing a raw one (tm.push), and reading the fields a run needs.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "taskmill/core/task_spec.hpp"
#include "taskmill/core/value.hpp"

namespace taskmill::jobs {

using Payload = nlohmann::json;

// 24 lowercase hex characters (12 random bytes).
std::string new_jid();
// Epoch seconds, with sub-second precision.
double now_seconds();
// A payload timestamp as epoch seconds: a float is seconds, an integer above 1e11 milliseconds.
std::optional<double> read_time(const nlohmann::json& field);

// How errors name a value JSON and time cannot take: "nan", "inf" or "-inf" (for a finite value:
// empty).
std::string_view non_finite_name(double value);

// Per-call job options (Task.set(...)); unset ones come from the task's options.
struct JobOptions {
  std::optional<std::string> queue;
  std::optional<Value> retry;
  std::optional<std::string> retry_queue;
  std::optional<bool> dead;
  std::optional<Value> backtrace;
  std::optional<std::vector<std::string>> tags;
};

// Positional and keyword arguments of a call as one positional list in declaration order.
// A keyword argument after a gap leaves null in between (a null input takes the default).
// Throws ArgumentError (too many, unknown keyword, one given twice).
std::vector<Value> positional_args(const TaskSpec& spec, std::vector<Value> args, Value::Dict kwargs);

// Throws ArgumentError naming the task, the argument, the path and the type of the first value
// that is not JSON-native (str, int, float, bool, None, list, dict with str keys).
void check_json_args(const TaskSpec& spec, const std::vector<Value>& args);

// A payload from a dict Value (tm.push from Python). Throws ArgumentError naming the path and
// type of the first value JSON cannot carry (a NaN would otherwise be written as null).
Payload payload_from(const Value& v);

// A new payload for `spec` with `args` (already positional and checked). enqueued_at is left
// to the push (absent for scheduled jobs).
Payload build_payload(const TaskSpec& spec, const std::vector<Value>& args, const JobOptions& options, double now);

// Completes a raw payload (tm.push): needs `class` (str) and `args` (array); fills jid,
// created_at, queue and retry (from the task when registered, else "default" / true).
// Throws ArgumentError on a payload that is not usable.
Payload complete_payload(Payload raw, double now);

// The fields that decide whether a payload can run, found in one pass over it (taking a payload
// apart into a jobs::Job starts here). Pointers into the payload, null when absent.
struct PayloadFields {
  bool is_object = false;
  const nlohmann::json* cls = nullptr;
  const nlohmann::json* args = nullptr;
  const nlohmann::json* jid = nullptr;
  const nlohmann::json* queue = nullptr;
  const nlohmann::json* retry_count = nullptr;
};
PayloadFields scan_payload(const Payload& payload);

// The queue a payload names: its `queue` when a non-empty string, else "default" (a view into
// the payload, or of a literal).
std::string_view queue_name(const Payload& payload);

// Why a payload cannot be run (empty when it can): not an object, no class, args not an array...
std::string malformed_reason(const PayloadFields& fields);
std::string malformed_reason(const Payload& payload);

}  // namespace taskmill::jobs
