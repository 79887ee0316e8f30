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

namespace {

// A Lua function shared by the scripts that change a payload: sets one top-level field of a JSON
// object given as text and leaves every other byte as it was. (cjson.encode would write an empty
// `args` array as {} and round floats to 14 digits.) `value` is JSON text. Returns nil when the
// field cannot be placed without doubt: its name also appears nested, or its value is a container.
const char* const kJsonSet = R"lua(
local function json_set(text, decoded, key, value)
  local pattern = '"' .. key .. '"%s*:%s*'
  local _, count = string.gsub(text, pattern, '')
  if count == 0 then
    local open = string.find(text, '{', 1, true)
    if not open then return nil end
    local rest = string.sub(text, open + 1)
    local sep = string.find(rest, '^%s*}') and '' or ','
    return string.sub(text, 1, open) .. '"' .. key .. '":' .. value .. sep .. rest
  end
  if count ~= 1 or decoded[key] == nil or type(decoded[key]) == 'table' then return nil end
  local _, before = string.find(text, pattern)
  local first, last = before + 1, nil
  if string.sub(text, first, first) == '"' then
    local j = first + 1
    while true do
      local c = string.sub(text, j, j)
      if c == '' then return nil end
      if c == '\\' then j = j + 2 elseif c == '"' then last = j break else j = j + 1 end
    end
  else
    local stop = string.find(text, '[,}%s]', first)
    if not stop then return nil end
    last = stop - 1
  end
  return string.sub(text, 1, first - 1) .. value .. string.sub(text, last + 1)
end

local function is_object(text, ok, decoded)
  return ok and type(decoded) == 'table' and string.find(text, '^%s*{') ~= nil
end
)lua";

}  // namespace

const std::string& move_due() {
  static const std::string source = std::string(kJsonSet) + R"lua(
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, 1)[1]
if not due then return false end
redis.call('ZREM', KEYS[1], due)
local ok, decoded = pcall(cjson.decode, due)
if not is_object(due, ok, decoded) then
  redis.call('ZADD', KEYS[3], ARGV[1], due)
  return {'dead', due}
end
local queue = decoded['queue']
if type(queue) ~= 'string' or queue == '' then queue = 'default' end
redis.call('SADD', KEYS[2], queue)
redis.call('LPUSH', 'queue:' .. queue, json_set(due, decoded, 'enqueued_at', ARGV[1]) or due)
return {'queued', queue}
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
  static const std::string source = std::string(kJsonSet) + R"lua(
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
    if is_object(job, ok, decoded) then
      -- The error fields of Sidekiq's dead jobs; failed_at only where no earlier failure set it.
      local marked = json_set(job, decoded, 'error_class', '"taskmill::ProcessLost"')
      marked = marked and json_set(marked, decoded, 'error_message',
                                   '"the process running this job died ' .. times .. ' times"')
      if marked and decoded['failed_at'] == nil then marked = json_set(marked, decoded, 'failed_at', ARGV[1]) end
      job = marked or job
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
