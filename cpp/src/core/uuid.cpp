#include "taskmill/core/uuid.hpp"

#include "taskmill/core/coarse_clock.hpp"

#include <cstdint>
#include <random>

namespace taskmill {

namespace {

// xoshiro256** — fast, good-quality 64-bit generator; seeded once per thread from the OS.
class FastRandom {
 public:
  FastRandom() {
    std::random_device device;
    for (auto& word : state_) word = (static_cast<std::uint64_t>(device()) << 32) ^ device();
  }
  std::uint64_t next() {
    const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
    const std::uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t state_[4];
};

void put_hex(char* out, std::uint64_t word, int nibbles) {
  static constexpr char hex[] = "0123456789abcdef";
  for (int i = nibbles - 1; i >= 0; --i) {
    out[i] = hex[word & 0xf];
    word >>= 4;
  }
}

}  // namespace

std::string new_uuid7() {
  // One generator per thread: no lock on the hot path, and no state shared between threads.
  thread_local FastRandom rng;
  // The tick-resolution clock: ids stay time-ordered to within a few milliseconds (the random bits
  // never promised order inside a millisecond anyway), for a fraction of a precise read.
  const std::uint64_t ms = coarse_epoch_ms();
  const std::uint64_t r1 = rng.next();
  const std::uint64_t r2 = rng.next();
  // 48 bits of time, 4 of version (7), 12 random, 2 of variant (10), 62 random.
  const std::uint64_t hi = (ms << 16) | 0x7000u | (r1 & 0x0fffu);
  const std::uint64_t lo = (r2 & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;
  std::string out(36, '-');
  char* p = out.data();
  put_hex(p, hi >> 32, 8);
  put_hex(p + 9, (hi >> 16) & 0xffff, 4);
  put_hex(p + 14, hi & 0xffff, 4);
  put_hex(p + 19, lo >> 48, 4);
  put_hex(p + 24, lo & 0xffffffffffffULL, 12);
  return out;
}

}  // namespace taskmill
