-- limit: set or clear a queue's flow limits (tq queue limit).
-- KEYS[1] limits HASH (concurrency, rate, key_concurrency, key_rate; see lib.lua)
-- KEYS[2] kready ZSET (keys in line)
-- KEYS[3] kwait ZSET (keys held back)
-- (then the queue's other keys, declared by the caller)
-- ARGV[1] clock, ARGV[2] queue key base, ARGV[3] '1' to clear every limit
-- first ('0' not), then pairs: field, value ('' removes that limit).
-- Invariant: the limits change in one step, for every worker's next claim.
-- Keys a key limit held back get back in line (the new limits judge them),
-- and an idle worker is woken for what waits. A handler's pause
-- (paused_until) is not a limit: clearing keeps it.
-- Returns the limits now set: a flat list of field, value.
local limitsKey, kready, kwait = KEYS[1], KEYS[2], KEYS[3]
local base = ARGV[2]
local now = server_now()
heal(base, now, FLOW_KEYS)
heal(base, now, {'pending', 'ready', 'stats', 'jobs', 'counts', 'active', 'expires'})
if ARGV[3] == '1' then
  redis.call('HDEL', limitsKey, 'concurrency', 'rate', 'key_concurrency', 'key_rate')
end
for i = 4, #ARGV, 2 do
  if ARGV[i + 1] == '' then
    redis.call('HDEL', limitsKey, ARGV[i])
  else
    redis.call('HSET', limitsKey, ARGV[i], ARGV[i + 1])
  end
end
-- Without a rate, the queue's start log says nothing any more.
if redis.call('HEXISTS', limitsKey, 'rate') == 0 then
  redis.call('DEL', base .. 'starts')
  redis.call('HDEL', base .. 'kstate', 'started')
end
-- A job handed to an idle worker that none took yet is judged by the new limits too.
unhand(base, now)
for _, key in ipairs(redis.call('ZRANGE', kwait, 0, -1)) do
  redis.call('ZADD', kready, next_turn(base), key)
end
redis.call('DEL', kwait)
if has_waiting(base) then wake_one(base, now) end
local out = {}
local flat = redis.call('HGETALL', limitsKey)
for i = 1, #flat, 2 do
  if flat[i] ~= 'paused_until' then
    out[#out + 1] = flat[i]
    out[#out + 1] = flat[i + 1]
  end
end
return out
