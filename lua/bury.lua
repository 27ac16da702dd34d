-- bury: move a leased job into the dead-letter set (bury_live from lib.lua).
-- KEYS[1] active ZSET
-- KEYS[2] dead ZSET (score = failed_at ms)
-- KEYS[3] stats HASH
-- ARGV[1] clock, ARGV[2] queue key base, ARGV[3] job id, ARGV[4] delivery
-- number, ARGV[5] reason ('retries exhausted', 'permanent failure', 'no
-- handler', 'malformed'), ARGV[6] error (one line), ARGV[7] attempt record
-- (JSON), ARGV[8] task name, ARGV[9] dead records' max age ms, ARGV[10]
-- their max count (0 = no limit), ARGV[11] n then n ids: the oldest dead
-- records, trimmed if past either limit
-- Invariant: the job leaves active and becomes a dead record in one step
-- (attempts + 1, its attempt record appended), keeping its message (redacted
-- if asked) and every attempt record with no TTL so the DLQ can show and
-- replay it; a delivery that no longer holds the lease changes nothing.
-- Returns the dead record's id, or false if the delivery was stale.
local activeKey, deadKey, statsKey = KEYS[1], KEYS[2], KEYS[3]
local base, id = ARGV[2], ARGV[3]
retention.age_ms, retention.count = tonumber(ARGV[9]) or 0, tonumber(ARGV[10]) or 0
retention.candidates = argv_list(11)
local now = server_now()
heal(base, now, {'active', 'dead', 'stats', 'counts', 'jobs', 'redacted', 'replays', 'merged', 'errors', 'cancel', 'expires'})
heal_key(base, now, base .. 'failures:' .. id, 'list')
if redis.call('ZREM', activeKey, lease_of(id, ARGV[4])) == 0 then return false end
local a, r, l = get_counts(base, id)
set_counts(base, id, a + 1, r, l)
redis.call('RPUSH', base .. 'failures:' .. id, ARGV[7])
slot_freed(base, now, {id})
local record = bury_live(base, deadKey, id, now, ARGV[5], ARGV[6], ARGV[8])
redis.call('HINCRBY', statsKey, 'processed', 1)
redis.call('HINCRBY', statsKey, 'failed', 1)
return record
