-- recover: return jobs whose lease expired (their worker died, hung or lost
-- its connection) to the front of their queue, or bury them as poison.
-- KEYS[1] active ZSET, KEYS[2] pending LIST, KEYS[3] dead ZSET, KEYS[4] stats HASH
-- ARGV[1] queue key base, ARGV[2] now ms, ARGV[3] max deliveries without an
-- outcome, ARGV[4] max jobs this call, ARGV[5] wake channel
-- Returns {recovered, buried, earliest remaining lease deadline or -1}.
-- Invariant: an expired job leaves active and is either pending again
-- (delivered first, its delivery count already raised by the claim) or dead
-- with reason 'poison: delivered N times'. A job whose hash is gone is
-- recorded dead as 'malformed' rather than silently dropped.
local base, now = ARGV[1], ARGV[2]
local max_lost = tonumber(ARGV[3])
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, ARGV[4])
local recovered, buried = 0, 0
for _, id in ipairs(ids) do
  redis.call('ZREM', KEYS[1], id)
  local key = base .. 'job:' .. id
  local job = redis.call('HMGET', key, 'msg', 'deliveries', 'attempts', 'released')
  local deliveries = tonumber(job[2] or '0')
  local lost = deliveries - tonumber(job[3] or '0') - tonumber(job[4] or '0')
  if not job[1] then
    redis.call('HSET', key, 'raw', id, 'state', 'dead', 'reason', 'malformed',
      'failed_at', now, 'last_error', 'job record missing when its lease expired')
    redis.call('ZADD', KEYS[3], now, id)
    buried = buried + 1
  elseif lost >= max_lost then
    local reason = 'poison: delivered ' .. deliveries .. ' times'
    redis.call('HSET', key, 'state', 'dead', 'reason', reason, 'failed_at', now,
      'last_error', 'lease expired ' .. lost .. ' times without an outcome')
    redis.call('ZADD', KEYS[3], now, id)
    redis.call('HINCRBY', KEYS[4], 'failed', 1)
    buried = buried + 1
  else
    redis.call('HSET', key, 'state', 'pending')
    local len = redis.call('RPUSH', KEYS[2], id)
    recovered = recovered + 1
    if len == 1 then redis.call('PUBLISH', ARGV[5], 'p') end
  end
end
local next_lease = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {recovered, buried, next_lease[2] or -1}
