#include "taskmill/jobs/job.hpp"

#include <algorithm>

#include "taskmill/jobs/retry_policy.hpp"

namespace taskmill::jobs {

Job Job::from_payload(Payload payload) {
  Job job;
  const PayloadFields fields = scan_payload(payload);
  if (!jobs::malformed_reason(fields).empty()) {
    job.rest_ = std::move(payload);
    return job;
  }
  job.well_formed_ = true;
  // Validated by malformed_reason: class and jid are strings, queue (when present) a non-empty one.
  const auto& cls = fields.cls->get_ref<const std::string&>();
  const auto& jid = fields.jid->get_ref<const std::string&>();
  const std::string* queue = fields.queue ? &fields.queue->get_ref<const std::string&>() : nullptr;
  job.set_text(cls, jid, queue ? std::string_view(*queue) : std::string_view());
  job.has_queue_ = queue != nullptr;

  for (auto it = payload.begin(); it != payload.end(); ++it) {
    const std::string_view key = it.key();
    Payload& value = it.value();
    if (key == "class" || key == "jid" || key == "queue") continue;  // in the text
    if (key == "args") {
      if (!value.empty()) job.args_ = std::move(value);
    } else if (key == "retry" && (value.is_boolean() || value.is_number_integer())) {
      job.retry_ = std::move(value);
    } else if (key == "created_at" && value.is_number_float()) {
      job.created_at_ = value.get<double>();
      job.has_created_at_ = true;
    } else if (key == "enqueued_at" && value.is_number_float()) {
      job.enqueued_at_ = value.get<double>();
      job.has_enqueued_at_ = true;
    } else {
      // Kept as it came, whatever its type (an integer created_at in milliseconds, a retry of
      // another type, the error fields of a retried job...).
      if (job.rest_.is_null()) job.rest_ = Payload::object();
      job.rest_.emplace(it.key(), std::move(value));
    }
  }
  return job;
}

void Job::set_text(std::string_view cls, std::string_view jid, std::string_view queue) {
  const std::size_t size = cls.size() + jid.size() + queue.size();
  if (size <= kInlineText) {
    char* out = inline_text_;
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
  if (!well_formed_) return rest_;
  Payload p = rest_.is_object() ? rest_ : Payload::object();
  p["class"] = std::string(task_name());
  p["args"] = args_.is_null() ? Payload::array() : args_;
  p["jid"] = std::string(jid());
  if (has_queue_) p["queue"] = std::string(queue());
  if (!retry_.is_null()) p["retry"] = retry_;
  if (has_created_at_) p["created_at"] = created_at_;
  if (has_enqueued_at_) p["enqueued_at"] = enqueued_at_;
  return p;
}

std::string Job::malformed_reason() const { return well_formed_ ? std::string() : jobs::malformed_reason(rest_); }

std::string_view Job::queue() const {
  if (has_queue_) return text().substr(class_size_ + jid_size_);
  if (!well_formed_ && rest_.is_object()) {  // a malformed payload still goes to the queue it names
    auto it = rest_.find("queue");
    if (it != rest_.end() && it->is_string() && !it->get_ref<const std::string&>().empty())
      return it->get_ref<const std::string&>();
  }
  return "default";
}

const Payload* Job::find(std::string_view key) const {
  if (!well_formed_ || !rest_.is_object()) return nullptr;
  auto it = rest_.find(key);
  return it == rest_.end() ? nullptr : &*it;
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
    if (rest_.is_object()) rest_["enqueued_at"] = now;
    return;
  }
  enqueued_at_ = now;
  has_enqueued_at_ = true;
  if (rest_.is_object()) rest_.erase("enqueued_at");  // one of another type, now replaced
}

JobInfo Job::info() const {
  JobInfo info;
  info.jid = std::string(jid());
  info.queue = std::string(queue());
  const Payload* retry_count = find("retry_count");
  if (retry_count && retry_count->is_number_integer()) info.retry_count = retry_count->get<int>();
  info.enqueued_at = enqueued_at().value_or(0);
  info.created_at = created_at().value_or(0);
  info.final_attempt = is_final_attempt(retry(), retry_count);
  return info;
}

}  // namespace taskmill::jobs
