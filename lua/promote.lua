-- promote: move due delayed jobs and due retries onto the pending list.
-- KEYS[1] scheduled ZSET
-- KEYS[2] retry ZSET
-- KEYS[3] pending LIST
-- KEYS[4] ready LIST (a job handed to an idle worker, see wake_one)
-- ARGV[1] clock, ARGV[2] max jobs per set this call, ARGV[3] (unused),
-- ARGV[4] queue key base
-- A job is due when its time is at or before the server's now.
-- Returns ms until the earliest job still waiting is due, or -1 if none waits.
-- Invariant: a due job leaves its set and joins pending in the same step, so
-- it is never in both and never in neither.
local now = server_now()
heal(ARGV[4], now, {'scheduled', 'retry', 'pending', 'ready', 'jobs', 'counts', 'active', 'stats'})
local _, earliest = promote_due(ARGV[4], now, {KEYS[1], KEYS[2]}, KEYS[3], ARGV[2])
if earliest == -1 then return -1 end
return math.max(0, earliest - now)
