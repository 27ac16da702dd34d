-- promote: move due delayed jobs and due retries onto the pending list.
-- KEYS[1] scheduled ZSET, KEYS[2] retry ZSET, KEYS[3] pending LIST
-- ARGV[1] queue key base, ARGV[2] now ms, ARGV[3] max jobs per set this call,
-- ARGV[4] wake channel
-- Returns the earliest due time still waiting (ms), or -1.
-- Invariant: a due job leaves its set and joins pending in the same step
-- (state=pending), so it is never in both and never in neither.
local base, now = ARGV[1], ARGV[2]
local moved = 0
local len = 0
for k = 1, 2 do
  local ids = redis.call('ZRANGEBYSCORE', KEYS[k], '-inf', now, 'LIMIT', 0, ARGV[3])
  if #ids > 0 then
    redis.call('ZREM', KEYS[k], unpack(ids))
    for _, id in ipairs(ids) do
      redis.call('HSET', base .. 'job:' .. id, 'state', 'pending')
    end
    len = redis.call('LPUSH', KEYS[3], unpack(ids))
    moved = moved + #ids
  end
end
if moved > 0 and len == moved then redis.call('PUBLISH', ARGV[4], 'p') end
local earliest = -1
for k = 1, 2 do
  local head = redis.call('ZRANGE', KEYS[k], 0, 0, 'WITHSCORES')
  if head[2] and (earliest == -1 or tonumber(head[2]) < earliest) then
    earliest = tonumber(head[2])
  end
end
return earliest
