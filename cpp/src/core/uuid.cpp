#include "taskmill/core/uuid.hpp"

#include "taskmill/core/coarse_clock.hpp"

#include <array>
#include <cstdint>
#include <cstring>
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

// The two hex digits of each byte value, so a byte is written in one step rather than two.
constexpr std::array<char, 512> kHexPairs = [] {
  constexpr char digits[] = "0123456789abcdef";
  std::array<char, 512> table{};
  for (int byte = 0; byte < 256; ++byte) {
    table[static_cast<std::size_t>(2 * byte)] = digits[byte >> 4];
    table[static_cast<std::size_t>(2 * byte + 1)] = digits[byte & 0xf];
  }
  return table;
}();

// The low `bytes` bytes of `word` as 2 * bytes hex digits, most significant first.
void put_hex(char* out, std::uint64_t word, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) {
    std::memcpy(out + 2 * i, &kHexPairs[static_cast<std::size_t>(2 * (word & 0xff))], 2);
    word >>= 8;
  }
}

}  // namespace

Uuid new_uuid7() {
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
  std::array<char, Uuid::kSize> out;
  out.fill('-');
  char* p = out.data();
  put_hex(p, hi >> 32, 4);
  put_hex(p + 9, (hi >> 16) & 0xffff, 2);
  put_hex(p + 14, hi & 0xffff, 2);
  put_hex(p + 19, lo >> 48, 2);
  put_hex(p + 24, lo & 0xffffffffffffULL, 6);
  return Uuid(out);
}

}  // namespace taskmill
