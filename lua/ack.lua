-- ack: record that leased jobs succeeded.
-- KEYS[1] active ZSET, KEYS[2] stats HASH (processed, failed)
-- ARGV[1] queue key base, ARGV[2] now (µs), ARGV[3] result TTL ms,
-- then quads: job id, delivery number, attempt start (µs), result (JSON, '' for none).
-- Invariant: only the delivery that currently holds the lease may finish a
-- job (the delivery number is the fence): a worker whose lease expired and
-- whose job was handed to another worker changes nothing. A finished job
-- leaves the active set and keeps its hash (state=succeeded, result) only
-- for the result TTL.
local base, now, ttl = ARGV[1], ARGV[2], ARGV[3]
local done = 0
for i = 4, #ARGV, 4 do
  local id = ARGV[i]
  local key = base .. 'job:' .. id
  if redis.call('HGET', key, 'deliveries') == ARGV[i + 1]
      and redis.call('ZREM', KEYS[1], id) == 1 then
    local attempts = redis.call('HINCRBY', key, 'attempts', 1)
    redis.call('HSET', key, 'state', 'succeeded', 'started_us', ARGV[i + 2], 'finished_us', now,
      'result', ARGV[i + 3])
    redis.call('PEXPIRE', key, ttl)
    if attempts > 1 then redis.call('PEXPIRE', base .. 'failures:' .. id, ttl) end
    done = done + 1
  end
end
if done > 0 then redis.call('HINCRBY', KEYS[2], 'processed', done) end
return done
