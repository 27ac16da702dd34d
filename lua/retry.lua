-- retry: a leased job failed and has retries left; schedule its next attempt.
-- KEYS[1] active ZSET
-- KEYS[2] retry ZSET (score = due ms)
-- KEYS[3] stats HASH
-- ARGV[1] clock, ARGV[2] queue key base, ARGV[3] job id, ARGV[4] delivery
-- number, ARGV[5] backoff ms (due = server now + backoff), ARGV[6] error (one
-- line), ARGV[7] attempt record (JSON), ARGV[8] task, ARGV[9] dead records'
-- max age ms, ARGV[10] their max count
-- A job an operator cancelled while it ran (<base>cancel) is not retried:
-- it is buried with reason 'cancelled' (returns 2).
-- Invariant: the job moves from active to the retry set in one step (attempts
-- + 1, last error kept) and its attempt record is appended to
-- <base>failures:<id>; a delivery that no longer holds the lease changes
-- nothing. Returns 1 if moved, 0 if stale.
local activeKey, retryKey, statsKey = KEYS[1], KEYS[2], KEYS[3]
local base, id = ARGV[2], ARGV[3]
local now = server_now()
heal(base, now, {'active', 'retry', 'stats', 'counts', 'errors', 'cancel', 'dead', 'jobs', 'redacted', 'replays',
  'merged', 'expires'})
retention.age_ms, retention.count = tonumber(ARGV[9]) or 0, tonumber(ARGV[10]) or 0
heal_key(base, now, base .. 'failures:' .. id, 'list')
if redis.call('ZREM', activeKey, lease_of(id, ARGV[4])) == 0 then return 0 end
local a, r, l, s = get_counts(base, id)
set_counts(base, id, a + 1, r, l, s)
redis.call('HSET', base .. 'errors', id, ARGV[6])
redis.call('RPUSH', base .. 'failures:' .. id, ARGV[7])
redis.call('HINCRBY', statsKey, 'processed', 1)
redis.call('HINCRBY', statsKey, 'failed', 1)
slot_freed(base, now, {id})
if redis.call('HEXISTS', base .. 'cancel', id) == 1 then
  bury_live(base, base .. 'dead', id, now, 'cancelled', 'cancelled by an operator while it ran: ' .. ARGV[6], ARGV[8] or '')
  return 2
end
redis.call('ZADD', retryKey, now + tonumber(ARGV[5]), id)
return 1
