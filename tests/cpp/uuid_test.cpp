// Task ids: UUIDv7 text whose first 48 bits are the creation time in milliseconds.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <set>
#include <string>

#include "taskmill/core/coarse_clock.hpp"
#include "taskmill/core/uuid.hpp"

using namespace taskmill;

namespace {
std::int64_t epoch_ms_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}
}  // namespace

TEST(Uuid7, VersionVariantAndTimestamp) {
  const std::int64_t before = epoch_ms_now();
  const std::string id = new_uuid7().str();
  const std::int64_t after = epoch_ms_now();
  ASSERT_EQ(id.size(), 36u);
  EXPECT_EQ(id[8], '-');
  EXPECT_EQ(id[13], '-');
  EXPECT_EQ(id[14], '7');
  EXPECT_NE(std::string("89ab").find(id[19]), std::string::npos);
  const auto ms = static_cast<std::int64_t>(std::stoull(id.substr(0, 8) + id.substr(9, 4), nullptr, 16));
  // The coarse clock lags the precise one by at most a kernel tick (4 ms at HZ=250; 50 ms allowed).
  EXPECT_GE(ms, before - 50);
  EXPECT_LE(ms, after);
}

TEST(Uuid7, CoarseClockTracksTheWallClock) {
  const std::int64_t precise = epoch_ms_now();
  const auto coarse = static_cast<std::int64_t>(coarse_epoch_ms());
  EXPECT_LE(coarse, precise + 1);
  EXPECT_GE(coarse, precise - 50);
}

TEST(Uuid7, ManyIdsAreDistinct) {
  std::set<std::string> ids;
  for (int i = 0; i < 100000; ++i) ids.insert(new_uuid7().str());
  EXPECT_EQ(ids.size(), 100000u);
}

TEST(Uuid, HeldInlineReadsAsItsTextAndComparesByIt) {
  const Uuid none;
  EXPECT_TRUE(none.empty());
  EXPECT_EQ(none.view(), "");
  const Uuid id = new_uuid7();
  EXPECT_FALSE(id.empty());
  const Uuid copy = id;
  EXPECT_EQ(copy, id);
  EXPECT_EQ(copy.view(), id.str());
  EXPECT_NE(new_uuid7(), id);
  EXPECT_NE(none, id);
}
