// RetryPolicy: what happens to a job after a failed attempt — Sidekiq's rules, decided once here
// for every backend and both languages. Pure: it edits the payload and returns a decision; the
// runtime's job_retry applies it (retry set, dead set, hooks).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "taskmill/jobs/payload.hpp"

namespace taskmill::jobs {

// The failure of one attempt, as the payload records it.
struct Failure {
  std::string error_class;
  std::string error_message;
  std::vector<std::string> backtrace;  // innermost last; empty when unknown
};

// A task's answer to "how long before retry number `count`?" (its retry_in hook).
struct RetryIn {
  enum class Kind { Default, Seconds, Kill, Discard };
  Kind kind = Kind::Default;
  double seconds = 0;
};

enum class RetryAction {
  Retry,     // into the retry set, due at `at`
  Exhausted, // retries are over (or "kill"): retries_exhausted, then the dead set unless dead=false
  Discard,   // dropped silently ("discard")
  Drop,      // retry=false: neither retried nor dead
};

struct RetryDecision {
  RetryAction action = RetryAction::Drop;
  double at = 0;      // for Retry
  int count = 0;      // the new retry_count
};

// The number of retries the payload's `retry` allows; -1 for `false` (never retry, never dead).
int max_retries(const Payload& payload);
// Whether a failure of the attempt about to run ends the job (self.job.final_attempt).
bool is_final_attempt(const Payload& payload);
// The retries a `retry` of true allows (Sidekiq's 25), and those a count allows (-1 for false).
int max_retries_for(bool retry);
int max_retries_for(std::int64_t count);
// A `retry_count` field as the policy reads it: an integer, or none (absent, or of another type).
std::optional<int> read_retry_count(const nlohmann::json* field);
// The same rule from a job's own fields: `max` from max_retries_for, `retry_count` as read.
bool is_final_attempt(int max, std::optional<int> retry_count);
// Sidekiq's default delay before retry `count`: count**4 + 15 + rand(10) * (count + 1) seconds.
double default_delay(int count);

// Records `failure` in the payload (error fields, retry_count, failed_at / retried_at,
// error_backtrace when asked) and decides what follows. `retry_in` is the task's answer.
RetryDecision decide_retry(Payload& payload, const Failure& failure, const RetryIn& retry_in, double now);

// The retry count the next failure would write (0 after the first failure, then +1).
int next_retry_count(const Payload& payload);

// base64 of the zlib stream of the JSON array of lines — Sidekiq's error_backtrace format.
std::string encode_backtrace(const std::vector<std::string>& lines);

}  // namespace taskmill::jobs
