-- idle: does one queue have nothing a --burst worker must wait for?
-- KEYS[1] pending LIST
-- KEYS[2] active ZSET
-- KEYS[3] retry ZSET
-- ARGV[1] clock (unused: the answer does not depend on time), ARGV[2] queue key base
-- Returns 1 when pending and kq (unless the queue is paused), active and retry are
-- all empty, else 0. Read-only.
-- Invariant kept for callers: the three are read in one atomic step, so a
-- job moving between them (recover: active -> pending, promote: retry ->
-- pending) is always seen in one of them. Jobs never move between queues, so
-- one call per queue decides for a whole list of queues.
-- Jobs waiting on a paused queue do not hold a burst back (nothing runs them).
local paused = redis.call('HGET', ARGV[2] .. 'stats', 'paused') == '1'
if not paused and redis.call('LLEN', KEYS[1]) > 0 then return 0 end
-- Keyed jobs wait in <base>kq (lib.lua, flow control).
if not paused and redis.call('EXISTS', ARGV[2] .. 'kq') == 1 then return 0 end
if redis.call('ZCARD', KEYS[2]) > 0 then return 0 end
if redis.call('ZCARD', KEYS[3]) > 0 then return 0 end
return 1
