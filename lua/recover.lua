-- recover: return jobs whose lease expired (their worker died, hung or lost
-- its connection) to the front of their queue, or bury them as poison
-- (get_counts/set_counts/make_dead from lib.lua).
-- KEYS[1] active ZSET, KEYS[2] pending LIST, KEYS[3] dead ZSET, KEYS[4] stats HASH
-- ARGV[1] queue key base, ARGV[2] now ms, ARGV[3] deliveries without an
-- outcome after which a job is poison, ARGV[4] max jobs this call,
-- ARGV[5] wake channel
-- Returns {recovered, buried, earliest remaining lease deadline or -1}.
-- Invariant: an expired lease leaves active and its job is either pending
-- again (delivered first; 'recovered' + 1 raises its delivery count) or dead
-- with reason 'poison: delivered N times'. A job whose message is gone is
-- recorded dead as 'malformed' rather than silently dropped.
local base, now = ARGV[1], ARGV[2]
local max_lost = tonumber(ARGV[3])
local members = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, ARGV[4])
local recovered, buried = 0, 0
if #members > 0 then redis.call('ZREM', KEYS[1], unpack(members)) end
for _, member in ipairs(members) do
  local id, delivery = string.match(member, '^(.*):(%d+)$')
  if not id then id, delivery = member, '?' end
  local msg = redis.call('HGET', base .. 'jobs', id)
  if not msg then
    redis.call('HSET', base .. 'job:' .. id, 'raw', id, 'state', 'dead', 'reason', 'malformed',
      'failed_at', now, 'task', '', 'last_error', 'job message missing when its lease expired')
    redis.call('ZADD', KEYS[3], now, id)
    buried = buried + 1
  else
    local a, r, l = get_counts(base, id)
    set_counts(base, id, a, r + 1, l)
    if r + 1 >= max_lost then
      local ok, job = pcall(cjson.decode, msg)
      local task = (ok and type(job) == 'table' and type(job.task) == 'string') and job.task or ''
      make_dead(base, KEYS[3], id, now, 'poison: delivered ' .. delivery .. ' times',
        'lease expired ' .. (r + 1) .. ' times without an outcome', task)
      redis.call('HINCRBY', KEYS[4], 'failed', 1)
      buried = buried + 1
    else
      if redis.call('RPUSH', KEYS[2], id) == 1 then redis.call('PUBLISH', ARGV[5], 'p') end
      recovered = recovered + 1
    end
  end
end
local next_lease = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {recovered, buried, next_lease[2] or -1}
