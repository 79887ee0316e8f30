// RetryOn: in-task retries — `work` is run again, in the same run, when it raises one of the
// listed exceptions, up to `limit` times, waiting a backoff delay between attempts.
//
// Only `work` is retried (never callbacks, validation or rollback); halting (fail / skip) and
// faults are outcomes, not errors, and are never retried. Result::retries counts the retries.
#pragma once

#include <functional>
#include <string_view>

#include "taskmill/core/error_cause.hpp"

namespace taskmill {

enum class Backoff { Constant, Linear, Exponential, Jitter };

Backoff parse_backoff(std::string_view name);  // throws std::invalid_argument naming the choices
std::string_view to_string(Backoff b);

struct RetryOn {
  int limit = 0;       // retries after the first attempt; 0 disables
  double delay = 0;    // seconds: the base of the backoff
  Backoff backoff = Backoff::Exponential;
  // Which errors are retried; unset retries every exception. C++: see RetryOn::on<E...>().
  std::function<bool(const ErrorCause&)> matches;
  // How to wait `seconds` between attempts; unset sleeps the thread. (A binding sets it to release
  // its interpreter lock while waiting.)
  std::function<void(double seconds)> wait;

  bool enabled() const { return limit > 0; }
  // Seconds to wait before retry number `retry` (1-based): constant d, linear d·n, exponential
  // d·2^(n-1), jitter uniformly random in [0, d·2^(n-1)] ("full jitter").
  double delay_for(int retry) const;

  // A matcher for C++ exception types: RetryOn{.limit = 3, .matches = RetryOn::on<std::system_error>()}.
  template <class... E>
  static std::function<bool(const ErrorCause&)> on() {
    return [](const ErrorCause& cause) { return cause.native && (is_a<E>(cause.native) || ...); };
  }

 private:
  template <class E>
  static bool is_a(const std::exception_ptr& error) {
    try {
      std::rethrow_exception(error);
    } catch (const E&) {
      return true;
    } catch (...) {
      return false;
    }
  }
};

}  // namespace taskmill
