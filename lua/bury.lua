-- bury: move a leased job into the dead-letter set (make_dead from lib.lua).
-- KEYS[1] active ZSET, KEYS[2] dead ZSET (score = failed_at ms), KEYS[3] stats HASH
-- ARGV[1] queue key base, ARGV[2] job id, ARGV[3] delivery number,
-- ARGV[4] now ms, ARGV[5] reason ('retries exhausted', 'permanent failure',
-- 'no handler', 'malformed'), ARGV[6] error (one line),
-- ARGV[7] attempt record (JSON), ARGV[8] task name
-- Invariant: the job leaves active and becomes a dead record in one step
-- (attempts + 1, its attempt record appended), keeping its message (redacted
-- if asked) and every attempt record with no TTL so the DLQ can show and
-- replay it; a delivery that no longer holds the lease changes nothing.
-- Returns the dead record's id, or false if the delivery was stale.
local base, id = ARGV[1], ARGV[2]
if redis.call('ZREM', KEYS[1], id .. ':' .. ARGV[3]) == 0 then return false end
local a, r, l = get_counts(base, id)
set_counts(base, id, a + 1, r, l)
redis.call('RPUSH', base .. 'failures:' .. id, ARGV[7])
local record = make_dead(base, KEYS[2], id, ARGV[4], ARGV[5], ARGV[6], ARGV[8])
redis.call('HINCRBY', KEYS[3], 'processed', 1)
redis.call('HINCRBY', KEYS[3], 'failed', 1)
return record
