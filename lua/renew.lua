-- renew: extend the leases of jobs a live worker is still running.
-- KEYS[1] active ZSET
-- ARGV[1] queue key base, ARGV[2] new deadline ms, then pairs: job id, delivery number.
-- Invariant: a lease is extended only for the delivery that holds it; a
-- delivery whose lease already expired (the job was recovered, maybe handed to
-- another worker) is not revived. Returns the ids whose lease was lost.
local base = ARGV[1]
local lost = {}
for i = 3, #ARGV, 2 do
  local id = ARGV[i]
  if redis.call('HGET', base .. 'job:' .. id, 'deliveries') == ARGV[i + 1]
      and redis.call('ZSCORE', KEYS[1], id) then
    redis.call('ZADD', KEYS[1], 'XX', ARGV[2], id)
  else
    lost[#lost + 1] = id
  end
end
return lost
