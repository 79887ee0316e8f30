#include "taskmill/jobs/retry_policy.hpp"

#include <cmath>
#include <cstdint>
#include <random>

namespace taskmill::jobs {

namespace {
constexpr int kDefaultRetries = 25;          // retry=true
constexpr std::size_t kMaxMessage = 10'000;  // error_message is cut here, as Sidekiq does

// A zlib stream made of stored (uncompressed) deflate blocks: valid for every inflater (Ruby's
// Zlib::Inflate included) and needs no compression library.
std::string zlib_stored(const std::string& data) {
  std::string out{'\x78', '\x01'};
  std::size_t pos = 0;
  do {
    const std::size_t n = std::min<std::size_t>(65535, data.size() - pos);
    const bool last = pos + n >= data.size();
    out.push_back(last ? '\x01' : '\x00');
    out.push_back(static_cast<char>(n & 0xff));
    out.push_back(static_cast<char>(n >> 8));
    out.push_back(static_cast<char>(~n & 0xff));
    out.push_back(static_cast<char>((~n >> 8) & 0xff));
    out.append(data, pos, n);
    pos += n;
  } while (pos < data.size());
  std::uint32_t a = 1, b = 0;  // adler32 of the uncompressed data
  for (unsigned char c : data) {
    a = (a + c) % 65521;
    b = (b + a) % 65521;
  }
  const std::uint32_t adler = (b << 16) | a;
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((adler >> shift) & 0xff));
  return out;
}

std::string base64(const std::string& in) {
  static constexpr char table[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const std::uint32_t v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8) |
                            static_cast<unsigned char>(in[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out.push_back(table[(v >> s) & 63]);
  }
  if (i < in.size()) {
    std::uint32_t v = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) v |= static_cast<unsigned char>(in[i + 1]) << 8;
    out.push_back(table[(v >> 18) & 63]);
    out.push_back(table[(v >> 12) & 63]);
    out.push_back(i + 1 < in.size() ? table[(v >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

std::size_t backtrace_limit(const Payload& p) {
  auto it = p.find("backtrace");
  if (it == p.end()) return 0;
  if (it->is_boolean()) return it->get<bool>() ? SIZE_MAX : 0;
  if (it->is_number_integer()) return static_cast<std::size_t>(std::max<std::int64_t>(0, it->get<std::int64_t>()));
  return 0;
}
}  // namespace

int max_retries_for(bool retry) { return retry ? kDefaultRetries : -1; }

int max_retries_for(std::int64_t count) { return static_cast<int>(std::max<std::int64_t>(0, count)); }

std::optional<int> read_retry_count(const nlohmann::json* field) {
  if (!field || !field->is_number_integer()) return std::nullopt;
  return field->get<int>();
}

namespace {
// The retry_count the next failure records: 0 for the first.
int next_after(std::optional<int> retry_count) { return retry_count ? *retry_count + 1 : 0; }

std::optional<int> retry_count_of(const Payload& p) {
  auto it = p.find("retry_count");
  return read_retry_count(it == p.end() ? nullptr : &*it);
}
}  // namespace

bool is_final_attempt(int max, std::optional<int> retry_count) { return max < 0 || next_after(retry_count) >= max; }

int max_retries(const Payload& p) {
  auto it = p.find("retry");
  if (it == p.end() || it->is_null()) return kDefaultRetries;
  if (it->is_boolean()) return max_retries_for(it->get<bool>());
  if (it->is_number_integer()) return max_retries_for(it->get<std::int64_t>());
  return kDefaultRetries;
}

int next_retry_count(const Payload& p) { return next_after(retry_count_of(p)); }

bool is_final_attempt(const Payload& p) { return is_final_attempt(max_retries(p), retry_count_of(p)); }

double default_delay(int count) {
  thread_local std::mt19937 rng{std::random_device{}()};
  const double c = count;
  return c * c * c * c + 15 + static_cast<double>(std::uniform_int_distribution<int>(0, 9)(rng)) * (c + 1);
}

std::string encode_backtrace(const std::vector<std::string>& lines) {
  return base64(zlib_stored(nlohmann::json(lines).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)));
}

RetryDecision decide_retry(Payload& p, const Failure& failure, const RetryIn& retry_in, double now) {
  RetryDecision d;
  const int max = max_retries(p);
  if (max < 0) return d;  // retry=false: Drop, the payload is not worth recording into
  d.count = next_retry_count(p);
  p["error_class"] = failure.error_class;
  p["error_message"] = failure.error_message.size() > kMaxMessage ? failure.error_message.substr(0, kMaxMessage)
                                                                  : failure.error_message;
  if (p.contains("retry_count")) {
    p["retried_at"] = now;
  } else {
    p["failed_at"] = now;
  }
  p["retry_count"] = d.count;
  if (const std::size_t limit = backtrace_limit(p); limit > 0 && !failure.backtrace.empty()) {
    const auto& bt = failure.backtrace;
    const std::size_t n = std::min(limit, bt.size());
    p["error_backtrace"] = encode_backtrace(std::vector<std::string>(bt.end() - static_cast<std::ptrdiff_t>(n), bt.end()));
  }
  if (retry_in.kind == RetryIn::Kind::Discard) {
    d.action = RetryAction::Discard;
    return d;
  }
  if (retry_in.kind == RetryIn::Kind::Kill || d.count >= max) {
    d.action = RetryAction::Exhausted;
    return d;
  }
  const double delay = retry_in.kind == RetryIn::Kind::Seconds ? std::max(0.0, retry_in.seconds) : default_delay(d.count);
  d.action = RetryAction::Retry;
  d.at = now + delay;
  return d;
}

}  // namespace taskmill::jobs
