// Job: a payload as a queue holds it and a worker reads it — the fields every run reads pulled
// out into members, every other key kept as JSON. to_payload() gives the payload back, key for
// key: the wire format stays Sidekiq's (spec/sidekiq-wire.md); this is only how it rests in memory.
//
// Why not the JSON object itself: a parsed payload is a dozen heap nodes (a tree node per key, a
// box per string), about a kilobyte a job. Built by the enqueuing thread and freed by a worker
// thread, those nodes made up a third of a C++ job's cost, and a map walk found its fields. A Job
// holds its strings (class, jid and queue) inline and allocates only for non-empty args and any
// other keys: about 170 bytes, with its fields read directly.
//
// A payload a worker cannot run (malformed: no class, args not an array...) is kept whole, as it
// came, so that it is buried in the dead set unchanged.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "taskmill/core/job_info.hpp"
#include "taskmill/jobs/payload.hpp"

namespace taskmill::jobs {

// A JSON value kept on the heap, or none. A job is moved from its queue to a worker thread
// several times and each moved-from shell is destroyed: a null pointer moves and dies for
// nothing, where an inline JSON value, even null, costs an out-of-line destructor call each time.
class HeapJson {
 public:
  HeapJson() = default;
  explicit HeapJson(Payload value) : value_(std::make_unique<Payload>(std::move(value))) {}
  HeapJson(const HeapJson& other) : value_(other.value_ ? std::make_unique<Payload>(*other.value_) : nullptr) {}
  HeapJson& operator=(const HeapJson& other) {
    if (this != &other) value_ = other.value_ ? std::make_unique<Payload>(*other.value_) : nullptr;
    return *this;
  }
  HeapJson(HeapJson&&) noexcept = default;
  HeapJson& operator=(HeapJson&&) noexcept = default;

  const Payload* get() const { return value_.get(); }
  Payload* get() { return value_.get(); }

 private:
  std::unique_ptr<Payload> value_;
};

class Job {
 public:
  Job() = default;

  // Takes a payload apart (never throws for a JSON value of any shape).
  static Job from_payload(Payload payload);
  // The payload again, with every key it came with (and enqueued_at, when a queue set it).
  Payload to_payload() const;

  bool malformed() const { return !well_formed_; }
  // Why the payload cannot be run; empty when it can.
  std::string malformed_reason() const;

  // The fields of a well-formed job (empty views when malformed).
  std::string_view task_name() const { return text().substr(0, class_size_); }
  std::string_view jid() const { return text().substr(class_size_, jid_size_); }
  // The payload's queue, or "default" when it names none (also read from a malformed payload).
  std::string_view queue() const;
  // The args array; null when it is empty (or the job malformed).
  const Payload* args() const { return args_.get(); }
  // `retry` when it is a boolean or an integer (Sidekiq's two forms); none otherwise.
  std::optional<Payload> retry() const;
  // Any other key of the payload (retry_count, correlation_id, error fields...), or null.
  const Payload* find(std::string_view key) const;
  // created_at / enqueued_at as epoch seconds (see read_time), when present.
  std::optional<double> created_at() const;
  std::optional<double> enqueued_at() const;

  // Stamps the time the job entered its queue (a push, a retry or schedule coming due).
  void set_enqueued_at(double now);
  // What the run sees of its job (self.job), final_attempt included. Its jid and queue are views
  // of this job: valid while it lives and is not moved.
  JobInfo info() const;
  // The retries `retry` allows, as the retry policy counts them (-1 for false).
  int max_retries() const;

 private:
  // Class, then jid, then queue, side by side: in the job itself when they fit (a jid is 24
  // characters, so most jobs), else in overflow_. Kept inline, they are read with the job as a
  // queue hands it over, instead of from a heap block of their own, cold and freed by another thread.
  static constexpr std::size_t kInlineText = 64;
  std::string_view text() const {
    return overflow_.empty() ? std::string_view(inline_text_.data(), text_size_) : std::string_view(overflow_);
  }
  void set_text(std::string_view cls, std::string_view jid, std::string_view queue);

  // A std::array, not a C array: its trivial assignment is one block copy when a job moves, where a
  // C array member is assigned element by element (a byte loop, unless the optimizer vectorizes it).
  std::array<char, kInlineText> inline_text_{};
  std::string overflow_;
  std::uint32_t text_size_ = 0;
  std::uint32_t class_size_ = 0;
  std::uint32_t jid_size_ = 0;
  bool well_formed_ = false;
  bool has_queue_ = false;
  bool has_created_at_ = false;
  bool has_enqueued_at_ = false;
  double created_at_ = 0;
  double enqueued_at_ = 0;
  // `retry` as a boolean or an integer; absent or of another type (kept in rest_): Absent.
  enum class Retry : std::uint8_t { Absent, False, True, Count };
  Retry retry_ = Retry::Absent;
  std::int64_t retry_limit_ = 0;  // the integer, when Count
  HeapJson args_;  // none for an empty array
  HeapJson rest_;  // an object of every other key, or none; the whole payload when malformed
};

}  // namespace taskmill::jobs
