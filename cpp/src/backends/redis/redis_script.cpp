#include "taskmill/backends/redis/redis_script.hpp"

namespace taskmill {

std::string RedisScript::load(RedisConnection& conn) {
  std::string sha = conn.command({"SCRIPT", "LOAD", source_}).text;
  std::lock_guard lock(mutex_);
  sha_ = sha;
  return sha;
}

std::string RedisScript::sha() {
  std::lock_guard lock(mutex_);
  return sha_;
}

RedisReply RedisScript::run(RedisConnection& conn, const std::vector<std::string>& keys,
                            const std::vector<std::string>& args) {
  std::string sha = this->sha();
  if (sha.empty()) sha = load(conn);
  std::vector<std::string> argv = {"EVALSHA", sha, std::to_string(keys.size())};
  argv.insert(argv.end(), keys.begin(), keys.end());
  argv.insert(argv.end(), args.begin(), args.end());
  try {
    return conn.command(argv);
  } catch (const RedisCommandError& e) {
    if (std::string(e.what()).rfind("NOSCRIPT", 0) != 0) throw;
    // The server lost its script cache (a restart): load it again and retry once.
    argv[1] = load(conn);
    return conn.command(argv);
  }
}

namespace redis_scripts {

const std::string& pop_due() {
  static const std::string source = R"lua(
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, 1)
if due[1] and redis.call('ZREM', KEYS[1], due[1]) == 1 then
  return due[1]
end
return false
)lua";
  return source;
}

const std::string& take_batch() {
  static const std::string source = R"lua(
local most, takers = tonumber(ARGV[1]), tonumber(ARGV[2])
for i = 1, #KEYS, 2 do
  local waiting = redis.call('LLEN', KEYS[i])
  if waiting > 0 then
    local n = math.max(1, math.min(most, math.ceil(waiting / takers)))
    local out = {(i - 1) / 2}
    for _ = 1, n do
      local job = redis.call('RPOPLPUSH', KEYS[i], KEYS[i + 1])
      if not job then break end
      out[#out + 1] = job
    end
    return out
  end
end
return false
)lua";
  return source;
}

const std::string& requeue_all() {
  static const std::string source = R"lua(
-- The private list holds the newest fetch at its left end; taking from the left and pushing to the
-- queue's right end (where fetches take from) leaves the oldest job to be taken first again.
-- A job recovered more than ARGV[2] times (it keeps killing its workers) goes to the dead set.
local moved, killed = 0, 0
while true do
  local job = redis.call('LPOP', KEYS[1])
  if not job then break end
  local ok, decoded = pcall(cjson.decode, job)
  local jid = job
  if ok and type(decoded) == 'table' and type(decoded['jid']) == 'string' then jid = decoded['jid'] end
  local times = redis.call('HINCRBY', KEYS[3], jid, 1)
  redis.call('EXPIRE', KEYS[3], 86400)
  if times > tonumber(ARGV[2]) then
    if ok and type(decoded) == 'table' then
      decoded['error_class'] = 'taskmill::ProcessLost'
      decoded['error_message'] = 'the process running this job died ' .. times .. ' times'
      decoded['failed_at'] = tonumber(ARGV[1])
      job = cjson.encode(decoded)
    end
    redis.call('ZADD', KEYS[4], ARGV[1], job)
    redis.call('HDEL', KEYS[3], jid)
    killed = killed + 1
  else
    redis.call('RPUSH', KEYS[2], job)
    moved = moved + 1
  end
end
return {moved, killed}
)lua";
  return source;
}

}  // namespace redis_scripts

}  // namespace taskmill
