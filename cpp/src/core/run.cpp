#include "taskmill/core/run.hpp"

#include "taskmill/core/halt.hpp"
#include "taskmill/core/task.hpp"

namespace taskmill {

Run::Run(TaskSpecPtr spec, ContextPtr context, const JobInfo* job, Run* parent)
    : job_(job), parent_(parent), result_(std::make_shared<Result>()) {
  result_->task = std::move(spec);  // the run's spec, held once
  result_->context = std::move(context);
}

Run::~Run() = default;

const Value& Run::attribute(std::string_view name) const {
  const int i = spec().attribute_index(name);
  if (i < 0) throw std::out_of_range(spec().name + " has no attribute '" + std::string(name) + "'");
  if (static_cast<std::size_t>(i) >= attributes_.size())
    throw std::logic_error(spec().name + "." + std::string(name) +
                           " is read before the attributes were resolved (or they failed to resolve)");
  return attributes_[static_cast<std::size_t>(i)];
}

void Run::halt(Status status, std::string reason, Value::Dict metadata) {
  record_halt(status, std::move(reason), std::move(metadata));
  throw HaltSignal{};
}

void Run::record_halt(Status status, std::string reason, Value::Dict metadata) {
  result_->status = status;
  result_->state = status == Status::Success ? State::Complete : State::Interrupted;
  result_->reason = reason.empty() && status != Status::Success ? "Unspecified" : std::move(reason);
  for (auto& [k, v] : metadata) result_->metadata.insert_or_assign(k, std::move(v));
}

void Run::throw_failure(const ResultPtr& other, Value::Dict metadata) {
  if (record_throw(other, std::move(metadata))) throw HaltSignal{};
}

bool Run::record_throw(const ResultPtr& other, Value::Dict metadata) {
  if (!other || !other->failed()) return false;
  Value::Dict merged = other->metadata;
  for (auto& [k, v] : metadata) merged.insert_or_assign(k, std::move(v));
  result_->thrown_from = other;
  result_->cause = other->cause;
  record_halt(Status::Failed, other->reason, std::move(merged));
  return true;
}

void Run::fail_with(ErrorCausePtr cause) {
  if (result_->failed() && result_->cause != cause) {
    // The run already failed: its first reason stands; the later error is kept beside it.
    result_->metadata.insert_or_assign("callback_error", Value(cause->reason()));
    return;
  }
  result_->status = Status::Failed;
  result_->state = State::Interrupted;
  result_->reason = cause->reason();
  result_->cause = std::move(cause);
}

}  // namespace taskmill
