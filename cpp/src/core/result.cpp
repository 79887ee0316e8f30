#include "taskmill/core/result.hpp"

#include <nlohmann/json.hpp>

#include "taskmill/core/task_spec.hpp"

namespace taskmill {

std::shared_ptr<const Result> Result::caused_failure() const {
  if (!failed()) return nullptr;
  auto origin = shared_from_this();
  while (origin->thrown_from) origin = origin->thrown_from;
  return origin;
}

std::shared_ptr<const Result> Result::threw_failure() const {
  if (!failed()) return nullptr;
  return thrown_from ? thrown_from : shared_from_this();
}

const std::string& Result::task_name() const {
  static const std::string unknown = "?";
  return task ? task->name : unknown;
}

nlohmann::json Result::to_json() const {
  nlohmann::json j;
  j["task"] = task_name();
  j["task_id"] = task_id.str();
  j["chain_id"] = chain_id.str();
  j["index"] = index;
  j["state"] = std::string(to_string(state));
  j["status"] = std::string(to_string(status));
  j["reason"] = reason.empty() ? nlohmann::json(nullptr) : nlohmann::json(reason);
  j["metadata"] = Value(metadata).to_json();
  j["runtime_ms"] = runtime_ms;
  j["retries"] = retries;
  if (cause) j["cause"] = cause->reason();
  if (auto origin = caused_failure(); origin && origin.get() != this) {
    j["caused_failure"] = {{"task", origin->task_name()}, {"task_id", origin->task_id.str()}, {"index", origin->index}};
  }
  if (thrown_from) {
    j["threw_failure"] = {
        {"task", thrown_from->task_name()}, {"task_id", thrown_from->task_id.str()}, {"index", thrown_from->index}};
  }
  return j;
}

StrictOutcome strict_outcome(const Result& result) {
  if (!result.task || !result.task->options.is_breakpoint(result.status)) return StrictOutcome::Return;
  if (result.failed() && result.cause && !result.thrown_from) return StrictOutcome::RethrowCause;
  return StrictOutcome::RaiseFault;
}

}  // namespace taskmill
