// RedisReply: an owned copy of one hiredis reply, so callers never hold hiredis memory.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace taskmill {

struct RedisReply {
  enum class Kind { Nil, Status, Error, Integer, String, Array };
  Kind kind = Kind::Nil;
  std::int64_t integer = 0;
  std::string text;                // Status, Error, String
  std::vector<RedisReply> elements;  // Array

  bool is_nil() const { return kind == Kind::Nil; }
  bool is_error() const { return kind == Kind::Error; }
};

}  // namespace taskmill
