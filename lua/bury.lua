-- bury: move a leased job into the dead-letter set.
-- KEYS[1] active ZSET, KEYS[2] dead ZSET (score = failed_at ms), KEYS[3] stats HASH
-- ARGV[1] queue key base, ARGV[2] job id, ARGV[3] delivery number,
-- ARGV[4] now ms, ARGV[5] reason ('retries exhausted', 'permanent failure',
-- 'no handler', 'malformed'), ARGV[6] error (one line),
-- ARGV[7] attempt record (JSON)
-- Invariant: the job leaves active and enters dead in one step (state=dead,
-- reason, failed_at, attempts + 1), keeping its hash and every attempt record
-- with no TTL so the DLQ can show and replay it; a delivery that no longer
-- holds the lease changes nothing. Returns 1 if buried, 0 if stale.
local base, id = ARGV[1], ARGV[2]
if redis.call('ZREM', KEYS[1], id .. ':' .. ARGV[3]) == 0 then return 0 end
local key = base .. 'job:' .. id
redis.call('HINCRBY', key, 'attempts', 1)
redis.call('HSET', key, 'state', 'dead', 'reason', ARGV[5], 'failed_at', ARGV[4],
  'last_error', ARGV[6])
redis.call('RPUSH', base .. 'failures:' .. id, ARGV[7])
redis.call('ZADD', KEYS[2], ARGV[4], id)
redis.call('HINCRBY', KEYS[3], 'processed', 1)
redis.call('HINCRBY', KEYS[3], 'failed', 1)
return 1
