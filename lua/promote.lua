-- promote: move due delayed jobs and due retries onto the pending list.
-- KEYS[1] scheduled ZSET
-- KEYS[2] retry ZSET
-- KEYS[3] pending LIST
-- ARGV[1] clock, ARGV[2] max jobs per set this call, ARGV[3] wake channel,
-- ARGV[4] queue key base
-- A job is due when its time is at or before the server's now.
-- Returns ms until the earliest job still waiting is due, or -1 if none waits.
-- Invariant: a due job leaves its set and joins pending in the same step, so
-- it is never in both and never in neither.
local now = server_now()
heal(ARGV[4], now, {'scheduled', 'retry', 'pending'})
local pendingKey = KEYS[3]
local moved, len = 0, 0
for k = 1, 2 do
  local ids = redis.call('ZRANGEBYSCORE', KEYS[k], '-inf', now, 'LIMIT', 0, ARGV[2])
  if #ids > 0 then
    redis.call('ZREM', KEYS[k], unpack(ids))
    len = redis.call('LPUSH', pendingKey, unpack(ids))
    moved = moved + #ids
  end
end
if moved > 0 and len == moved then redis.call('PUBLISH', ARGV[3], 'p') end
local earliest = -1
for k = 1, 2 do
  local head = redis.call('ZRANGE', KEYS[k], 0, 0, 'WITHSCORES')
  if head[2] and (earliest == -1 or tonumber(head[2]) < earliest) then
    earliest = tonumber(head[2])
  end
end
if earliest == -1 then return -1 end
return math.max(0, earliest - now)
