-- retry_now: a job waiting on its retry backoff or its delay becomes pending now.
-- KEYS[1] scheduled ZSET
-- KEYS[2] retry ZSET
-- KEYS[3] pending LIST
-- ARGV[1] clock, ARGV[2] queue key base, then job ids.
-- Invariant: the job leaves its set and joins pending in one step.
-- Returns one word per id: 'pending' (moved), or 'not_waiting' (not delayed
-- or retrying: already pending, running, finished or unknown).
local base = ARGV[2]
local now = server_now()
heal(base, now, {'scheduled', 'retry', 'pending', 'ready', 'jobs', 'counts', 'active', 'stats'})
local out = {}
for i = 3, #ARGV do
  local id = ARGV[i]
  if redis.call('ZREM', KEYS[1], id) == 1 or redis.call('ZREM', KEYS[2], id) == 1 then
    push_pending(base, now, {id})
    out[#out + 1] = 'pending'
  else
    out[#out + 1] = 'not_waiting'
  end
end
return out
