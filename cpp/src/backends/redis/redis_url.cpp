#include "taskmill/backends/redis/redis_url.hpp"

#include <charconv>
#include <stdexcept>

namespace taskmill {

namespace {

int parse_number(std::string_view text, std::string_view what, std::string_view url, int min, int max) {
  int value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || value < min || value > max) {
    throw std::invalid_argument("invalid Redis URL '" + std::string(url) + "': " + std::string(what) + " must be a number from " +
                                std::to_string(min) + " to " + std::to_string(max) + ", not '" + std::string(text) + "'");
  }
  return value;
}

}  // namespace

RedisUrl RedisUrl::parse(std::string_view url) {
  constexpr std::string_view scheme = "redis://";
  if (url.substr(0, 9) == "rediss://")
    throw std::invalid_argument("TLS Redis URLs (rediss://) are not supported; use redis://");
  if (url.substr(0, scheme.size()) != scheme)
    throw std::invalid_argument("a Redis URL starts with redis://, not '" + std::string(url.substr(0, 16)) + "'");
  RedisUrl out;
  std::string_view rest = url.substr(scheme.size());
  // Masked form of the URL for messages, so a password never reaches a log.
  const std::string shown = [&] {
    const auto at = rest.rfind('@');
    return at == std::string_view::npos ? std::string(url) : std::string(scheme) + "***@" + std::string(rest.substr(at + 1));
  }();

  if (const auto at = rest.rfind('@'); at != std::string_view::npos) {
    const std::string_view auth = rest.substr(0, at);
    rest = rest.substr(at + 1);
    const auto colon = auth.find(':');
    if (colon == std::string_view::npos) {
      out.password = std::string(auth);  // redis://password@host, as some clients accept
    } else {
      out.username = std::string(auth.substr(0, colon));
      out.password = std::string(auth.substr(colon + 1));
    }
  }
  std::string_view hostport = rest;
  if (const auto slash = rest.find('/'); slash != std::string_view::npos) {
    hostport = rest.substr(0, slash);
    std::string_view db = rest.substr(slash + 1);
    if (const auto q = db.find('?'); q != std::string_view::npos) db = db.substr(0, q);
    if (!db.empty()) out.db = parse_number(db, "the database", shown, 0, 1 << 20);
  }
  if (const auto colon = hostport.rfind(':'); colon != std::string_view::npos && hostport.find(']') == std::string_view::npos) {
    out.port = parse_number(hostport.substr(colon + 1), "the port", shown, 1, 65535);
    hostport = hostport.substr(0, colon);
  }
  if (!hostport.empty()) out.host = std::string(hostport);
  return out;
}

std::string RedisUrl::display() const {
  std::string auth;
  if (!password.empty()) auth = (username.empty() ? "" : username) + ":***@";
  return "redis://" + auth + host + ":" + std::to_string(port) + "/" + std::to_string(db);
}

}  // namespace taskmill
