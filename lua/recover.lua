-- recover: return jobs whose lease expired (their worker died, hung or lost
-- its connection) to the front of their queue, or bury them as poison.
-- KEYS[1] active ZSET
-- KEYS[2] pending LIST
-- KEYS[3] dead ZSET
-- KEYS[4] stats HASH
-- KEYS[5] ready LIST (a job handed to an idle worker, see wake_one)
-- ARGV[1] clock, ARGV[2] queue key base, ARGV[3] deliveries without an
-- outcome after which a job is poison, ARGV[4] (unused),
-- ARGV[5] (unused), ARGV[6] dead records' max age ms, ARGV[7] their max
-- count (0 = no limit), ARGV[8] n then n lease members the caller found
-- expired (it declares their jobs' keys; each is checked again here), then
-- m then m ids: the oldest dead records, trimmed if past either limit.
-- A lease has expired when its deadline is before the server's now.
-- Returns {recovered, buried, ms until the earliest remaining lease deadline
-- or -1 if no lease is held}.
-- Invariant: an expired lease leaves active and its job is either pending
-- again (delivered first; 'recovered' + 1 raises its delivery count) or dead
-- with reason 'poison: delivered N times'. A job whose message is gone is
-- recorded dead as 'malformed' rather than silently dropped.
local activeKey, pendingKey, deadKey, statsKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local base = ARGV[2]
local max_lost = tonumber(ARGV[3])
retention.age_ms, retention.count = tonumber(ARGV[6]) or 0, tonumber(ARGV[7]) or 0
local now = server_now()
heal(base, now, {'active', 'pending', 'dead', 'stats', 'jobs', 'counts', 'redacted', 'replays', 'merged', 'errors', 'ready', 'cancel', 'expires'})
local candidates, after = argv_list(8)
retention.candidates = argv_list(after)
local recovered, buried, wait = recover_expired(base, now, activeKey, pendingKey, deadKey, statsKey,
  max_lost, candidates)
trim_dead(base, deadKey, now)
return {recovered, buried, wait}
