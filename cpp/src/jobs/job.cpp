#include "taskmill/jobs/job.hpp"

#include <algorithm>
#include <cstdint>

#include "taskmill/jobs/retry_policy.hpp"

namespace taskmill::jobs {

namespace {
// An integer `retry` that an int64 holds exactly (a larger one stays in the other keys, as it came).
bool fits_int64(const Payload& value) {
  if (value.is_number_unsigned()) return value.get<std::uint64_t>() <= static_cast<std::uint64_t>(INT64_MAX);
  return value.is_number_integer();
}
}  // namespace

Job Job::from_payload(Payload payload) {
  Job job;
  const PayloadFields fields = scan_payload(payload);
  if (!jobs::malformed_reason(fields).empty()) {
    job.rest_ = HeapJson(std::move(payload));
    return job;
  }
  job.well_formed_ = true;
  // Validated by malformed_reason: class and jid are strings, queue (when present) a non-empty one.
  const auto& cls = fields.cls->get_ref<const std::string&>();
  const auto& jid = fields.jid->get_ref<const std::string&>();
  const std::string* queue = fields.queue ? &fields.queue->get_ref<const std::string&>() : nullptr;
  job.set_text(cls, jid, queue ? std::string_view(*queue) : std::string_view());
  job.has_queue_ = queue != nullptr;

  Payload rest;
  for (auto it = payload.begin(); it != payload.end(); ++it) {
    const std::string_view key = it.key();
    Payload& value = it.value();
    if (key == "class" || key == "jid" || key == "queue") continue;  // in the text
    if (key == "args") {
      if (!value.empty()) job.args_ = HeapJson(std::move(value));
    } else if (key == "retry" && value.is_boolean()) {
      job.retry_ = value.get<bool>() ? Retry::True : Retry::False;
    } else if (key == "retry" && fits_int64(value)) {
      job.retry_ = Retry::Count;
      job.retry_limit_ = value.get<std::int64_t>();
    } else if (key == "created_at" && value.is_number_float()) {
      job.created_at_ = value.get<double>();
      job.has_created_at_ = true;
    } else if (key == "enqueued_at" && value.is_number_float()) {
      job.enqueued_at_ = value.get<double>();
      job.has_enqueued_at_ = true;
    } else {
      // Kept as it came, whatever its type (an integer created_at in milliseconds, a retry of
      // another type, the error fields of a retried job...).
      rest.emplace(it.key(), std::move(value));  // (a null Payload becomes an object)
    }
  }
  if (!rest.is_null()) job.rest_ = HeapJson(std::move(rest));
  return job;
}

void Job::set_text(std::string_view cls, std::string_view jid, std::string_view queue) {
  const std::size_t size = cls.size() + jid.size() + queue.size();
  if (size <= kInlineText) {
    char* out = inline_text_.data();
    for (std::string_view part : {cls, jid, queue}) out = std::copy(part.begin(), part.end(), out);
  } else {
    overflow_.reserve(size);
    overflow_.append(cls).append(jid).append(queue);
  }
  text_size_ = static_cast<std::uint32_t>(size);
  class_size_ = static_cast<std::uint32_t>(cls.size());
  jid_size_ = static_cast<std::uint32_t>(jid.size());
}

Payload Job::to_payload() const {
  const Payload* rest = rest_.get();
  if (!well_formed_) return rest ? *rest : Payload();
  Payload p = rest ? *rest : Payload::object();
  p["class"] = std::string(task_name());
  p["args"] = args_.get() ? *args_.get() : Payload::array();
  p["jid"] = std::string(jid());
  if (has_queue_) p["queue"] = std::string(queue());
  if (auto retry = this->retry()) p["retry"] = std::move(*retry);
  if (has_created_at_) p["created_at"] = created_at_;
  if (has_enqueued_at_) p["enqueued_at"] = enqueued_at_;
  return p;
}

std::optional<Payload> Job::retry() const {
  switch (retry_) {
    case Retry::Absent: return std::nullopt;
    case Retry::False: return Payload(false);
    case Retry::True: return Payload(true);
    case Retry::Count: return Payload(retry_limit_);
  }
  return std::nullopt;
}

std::string Job::malformed_reason() const {
  if (well_formed_) return {};
  return jobs::malformed_reason(rest_.get() ? *rest_.get() : Payload());
}

std::string_view Job::queue() const {
  if (has_queue_) return text().substr(class_size_ + jid_size_);
  // A malformed payload still goes to the queue it names (a well-formed one without `queue` has
  // no such key among the others).
  const Payload* rest = rest_.get();
  return !well_formed_ && rest ? queue_name(*rest) : "default";
}

const Payload* Job::find(std::string_view key) const {
  const Payload* rest = rest_.get();
  if (!well_formed_ || !rest) return nullptr;
  auto it = rest->find(key);
  return it == rest->end() ? nullptr : &*it;
}

std::optional<double> Job::created_at() const {
  if (has_created_at_) return created_at_;
  const Payload* field = find("created_at");
  return field ? read_time(*field) : std::nullopt;
}

std::optional<double> Job::enqueued_at() const {
  if (has_enqueued_at_) return enqueued_at_;
  const Payload* field = find("enqueued_at");
  return field ? read_time(*field) : std::nullopt;
}

void Job::set_enqueued_at(double now) {
  if (!well_formed_) {
    if (Payload* rest = rest_.get(); rest && rest->is_object()) (*rest)["enqueued_at"] = now;
    return;
  }
  enqueued_at_ = now;
  has_enqueued_at_ = true;
  if (Payload* rest = rest_.get()) rest->erase("enqueued_at");  // one of another type, now replaced
}

JobInfo Job::info() const {
  JobInfo info;
  info.jid = jid();
  info.queue = queue();
  info.retry_count = read_retry_count(find("retry_count"));
  info.enqueued_at = enqueued_at().value_or(0);
  info.created_at = created_at().value_or(0);
  info.final_attempt = is_final_attempt(max_retries(), info.retry_count);
  return info;
}

int Job::max_retries() const {
  switch (retry_) {
    case Retry::False: return max_retries_for(false);
    case Retry::Count: return max_retries_for(retry_limit_);
    case Retry::True:
    case Retry::Absent: break;
  }
  return max_retries_for(true);  // `retry` absent (or of no type Sidekiq reads) is the default
}

}  // namespace taskmill::jobs
