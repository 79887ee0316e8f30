#include "taskmill/core/retry_on.hpp"

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>
#include <string>

namespace taskmill {

Backoff parse_backoff(std::string_view name) {
  if (name == "constant") return Backoff::Constant;
  if (name == "linear") return Backoff::Linear;
  if (name == "exponential") return Backoff::Exponential;
  if (name == "jitter") return Backoff::Jitter;
  throw std::invalid_argument("backoff must be \"constant\", \"linear\", \"exponential\" or \"jitter\", not \"" +
                              std::string(name) + "\"");
}

std::string_view to_string(Backoff b) {
  switch (b) {
    case Backoff::Constant: return "constant";
    case Backoff::Linear: return "linear";
    case Backoff::Exponential: return "exponential";
    case Backoff::Jitter: return "jitter";
  }
  return "exponential";
}

double RetryOn::delay_for(int retry) const {
  const int n = retry < 1 ? 1 : retry;
  const double doubling = delay * std::ldexp(1.0, std::min(n - 1, 30));
  switch (backoff) {
    case Backoff::Constant: return delay;
    case Backoff::Linear: return delay * n;
    case Backoff::Exponential: return doubling;
    case Backoff::Jitter: {
      // One generator per thread: no shared state, no lock.
      thread_local std::mt19937_64 rng{std::random_device{}()};
      return std::uniform_real_distribution<double>(0.0, doubling)(rng);
    }
  }
  return delay;
}

}  // namespace taskmill
