// The wall clock at the kernel's tick resolution (a few milliseconds), for timestamps read once
// per job where that is precise enough: a UUIDv7's millisecond field, the start of a job shown in
// Sidekiq's busy list (whole seconds). On Linux it is a read of a value the kernel keeps, several
// times cheaper than the precise clock, which matters at a million jobs a second.
#pragma once

#include <chrono>
#include <cstdint>

#if defined(__linux__)
#include <time.h>
#endif

namespace taskmill {

// Milliseconds since the Unix epoch, at most a tick behind the precise clock.
inline std::uint64_t coarse_epoch_ms() {
#if defined(__linux__) && defined(CLOCK_REALTIME_COARSE)
  timespec ts{};
  if (clock_gettime(CLOCK_REALTIME_COARSE, &ts) == 0)
    return static_cast<std::uint64_t>(ts.tv_sec) * 1000u + static_cast<std::uint64_t>(ts.tv_nsec) / 1'000'000u;
#endif
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count());
}

}  // namespace taskmill
