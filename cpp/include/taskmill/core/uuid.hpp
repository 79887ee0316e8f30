// UUIDv7 (time-ordered) identifiers for runs and chains.
#pragma once

#include <array>
#include <string>
#include <string_view>

namespace taskmill {

// A UUID in canonical text form (8-4-4-4-12 lowercase hex digits), held inline: every run has two
// (its task id and its chain's), and as strings they would be two allocations per run.
class Uuid {
 public:
  static constexpr std::size_t kSize = 36;

  Uuid() = default;  // empty: no id yet
  // From the 36 characters of a canonical UUID.
  explicit Uuid(const std::array<char, kSize>& text) : text_(text), set_(true) {}

  bool empty() const { return !set_; }
  std::string_view view() const { return set_ ? std::string_view(text_.data(), kSize) : std::string_view(); }
  std::string str() const { return std::string(view()); }
  operator std::string_view() const { return view(); }  // NOLINT: an id reads as its text

  friend bool operator==(const Uuid& a, const Uuid& b) { return a.view() == b.view(); }

 private:
  std::array<char, kSize> text_{};
  bool set_ = false;
};

// A new UUIDv7: 48 bits of Unix time in milliseconds, then random bits.
Uuid new_uuid7();

}  // namespace taskmill
