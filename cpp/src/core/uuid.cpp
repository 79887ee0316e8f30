#include "taskmill/core/uuid.hpp"

#include <chrono>
#include <cstdint>
#include <random>

namespace taskmill {

std::string new_uuid7() {
  // One generator per thread: no lock on the hot path, and no shared state between threads.
  thread_local std::mt19937_64 rng{std::random_device{}()};
  const auto ms = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
  const std::uint64_t r1 = rng();
  const std::uint64_t r2 = rng();
  // 48 bits of time, 4 of version (7), 12 random, 2 of variant (10), 62 random.
  const std::uint64_t hi = (ms << 16) | 0x7000u | (r1 & 0x0fffu);
  const std::uint64_t lo = (r2 & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;
  static constexpr char hex[] = "0123456789abcdef";
  std::string out(36, '-');
  int pos = 0;
  auto put = [&](std::uint64_t word, int from_bit, int nibbles) {
    for (int i = 0; i < nibbles; ++i) {
      if (pos == 8 || pos == 13 || pos == 18 || pos == 23) ++pos;
      out[static_cast<std::size_t>(pos++)] = hex[(word >> (from_bit - 4 * (i + 1))) & 0xf];
    }
  };
  put(hi, 64, 16);
  put(lo, 64, 16);
  return out;
}

}  // namespace taskmill
