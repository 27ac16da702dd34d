-- retry: a leased job failed and has retries left; schedule its next attempt.
-- Uses get_counts/set_counts from lib.lua.
-- KEYS[1] active ZSET, KEYS[2] retry ZSET (score = due ms), KEYS[3] stats HASH
-- ARGV[1] queue key base, ARGV[2] job id, ARGV[3] delivery number,
-- ARGV[4] due ms, ARGV[5] error (one line), ARGV[6] attempt record (JSON),
-- ARGV[7] wake channel
-- Invariant: the job moves from active to the retry set in one step (attempts
-- + 1, last error kept) and its attempt record is appended to
-- <base>failures:<id>; a delivery that no longer holds the lease changes
-- nothing. Returns 1 if moved, 0 if stale.
local base, id = ARGV[1], ARGV[2]
if redis.call('ZREM', KEYS[1], id .. ':' .. ARGV[3]) == 0 then return 0 end
local a, r, l = get_counts(base, id)
set_counts(base, id, a + 1, r, l)
redis.call('HSET', base .. 'errors', id, ARGV[5])
redis.call('RPUSH', base .. 'failures:' .. id, ARGV[6])
redis.call('ZADD', KEYS[2], ARGV[4], id)
redis.call('HINCRBY', KEYS[3], 'processed', 1)
redis.call('HINCRBY', KEYS[3], 'failed', 1)
redis.call('PUBLISH', ARGV[7], 's')
return 1
