// Value::Dict's key order: KeyLess must order keys exactly as std::less<> does, since the order
// is visible (context and metadata iterate in it, JSON is written in it).
#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "taskmill/core/value.hpp"

namespace taskmill {
namespace {

TEST(ValueDict, KeyOrderMatchesStdLess) {
  const std::vector<std::string> keys = {"", "a", "A", "ab", "abc", "abd", "b", "ba", "user_id", "user", "usd",
                                         "\x7f", "\x80", "\xc3\xa9t\xc3\xa9", "\xff", std::string(1, '\0'),
                                         std::string("a\0b", 3), "z"};
  KeyLess less;
  for (const auto& a : keys) {
    for (const auto& b : keys) EXPECT_EQ(less(a, b), std::less<>{}(a, b)) << '"' << a << "\" vs \"" << b << '"';
  }
  Value::Dict dict;
  for (const auto& k : keys) dict.emplace(k, Value(true));
  std::vector<std::string> sorted = keys;
  std::sort(sorted.begin(), sorted.end());
  std::vector<std::string> iterated;
  for (const auto& [k, v] : dict) iterated.push_back(k);
  EXPECT_EQ(iterated, sorted);
}

TEST(ValueDict, LooksUpByAnyStringForm) {
  Value::Dict dict{{"email", Value("a@b")}, {"amount", Value(2.5)}};
  EXPECT_NE(dict.find("email"), dict.end());
  EXPECT_NE(dict.find(std::string_view("amount")), dict.end());
  EXPECT_EQ(dict.find(std::string("emai")), dict.end());
}

}  // namespace
}  // namespace taskmill
