// RedisUrl: where a Redis backend connects, parsed from `redis://[[user]:password@]host[:port][/db]`.
#pragma once

#include <string>
#include <string_view>

namespace taskmill {

struct RedisUrl {
  std::string host = "127.0.0.1";
  int port = 6379;
  int db = 0;
  std::string username;  // Redis 6 ACL user; empty for the default user
  std::string password;  // empty: no AUTH

  // Throws std::invalid_argument naming the URL and what is wrong with it. The password is never
  // repeated in a message.
  static RedisUrl parse(std::string_view url);
  // The URL with the password masked, for logs and errors.
  std::string display() const;
};

}  // namespace taskmill
