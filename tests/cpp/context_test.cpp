// Context: a run's named values, kept in the order their names were first set; found by a scan
// while small and through a hash index from Context::kIndexedFrom entries on.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "taskmill/core/context.hpp"

namespace taskmill {
namespace {

std::vector<std::string> names(std::size_t n) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < n; ++i) {
    std::string name = "k";
    name += std::to_string(i);  // not "k" + ...: GCC 12 warns falsely (-Wrestrict) on that form
    out.push_back(std::move(name));
  }
  return out;
}

TEST(Context, KeepsFirstSetOrderAndTheLaterValueOfARepeatedName) {
  Context ctx({{"user_id", Value(1)}, {"email", Value("a@b")}, {"user_id", Value(2)}, {"amount", Value(2.5)}});
  EXPECT_EQ(ctx.keys(), (std::vector<std::string>{"user_id", "email", "amount"}));
  EXPECT_EQ(ctx.get("user_id"), Value(2));
  ctx.set("note", Value("n"));
  ctx.set("email", Value("c@d"));  // an existing name keeps its place
  EXPECT_EQ(ctx.keys(), (std::vector<std::string>{"user_id", "email", "amount", "note"}));
  EXPECT_EQ(ctx.get("email"), Value("c@d"));
  EXPECT_TRUE(ctx.erase("email"));
  EXPECT_FALSE(ctx.erase("email"));
  EXPECT_EQ(ctx.keys(), (std::vector<std::string>{"user_id", "amount", "note"}));
  EXPECT_EQ(ctx.find("missing"), nullptr);
  EXPECT_TRUE(ctx.get("missing").is_null());
  EXPECT_FALSE(ctx.has("use"));  // a prefix is another name
  ctx.clear();
  EXPECT_EQ(ctx.size(), 0u);
}

// The same answers on both sides of the switch to the index, through every way of changing it.
TEST(Context, LargeContextsStayCorrectAcrossTheIndex) {
  const std::size_t n = Context::kIndexedFrom * 3;
  const auto keys = names(n);
  Context built;
  for (std::size_t i = 0; i < n; ++i) built.set(keys[i], Value(static_cast<std::int64_t>(i)));
  Context::Entries entries;
  for (std::size_t i = 0; i < n; ++i) entries.emplace_back(keys[i], Value(static_cast<std::int64_t>(i)));
  entries.emplace_back(keys[5], Value("again"));  // a repeated name in a large input
  Context given(std::move(entries));
  for (Context* ctx : {&built, &given}) {
    ASSERT_EQ(ctx->size(), n);
    EXPECT_EQ(ctx->keys(), keys);
    for (std::size_t i = 0; i < n; ++i) ASSERT_NE(ctx->find(keys[i]), nullptr) << keys[i];
    EXPECT_EQ(ctx->get("k7"), Value(std::int64_t{7}));
    // Erasing moves every later entry: each must still be found where it now is.
    EXPECT_TRUE(ctx->erase("k0"));
    EXPECT_TRUE(ctx->erase(keys[n / 2]));
    for (std::size_t i = 1; i < n; ++i) {
      if (i == n / 2) EXPECT_EQ(ctx->find(keys[i]), nullptr);
      else EXPECT_EQ(ctx->get(keys[i]), i == 5 && ctx == &given ? Value("again") : Value(static_cast<std::int64_t>(i)));
    }
    ctx->set("k0", Value("back"));
    EXPECT_EQ(ctx->keys().back(), "k0");
    EXPECT_EQ(ctx->get("k0"), Value("back"));
    ctx->clear();
    ctx->set("after", Value(true));  // small again, after a clear
    EXPECT_EQ(ctx->get("after"), Value(true));
    EXPECT_EQ(ctx->size(), 1u);
  }
}

}  // namespace
}  // namespace taskmill
