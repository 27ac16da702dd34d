-- cron_put: create or update one periodic job's schedule (`tq cron add`).
-- KEYS[1] cron HASH (schedule name -> definition JSON)
-- KEYS[2] cron_due ZSET (schedule name -> next fire ms; absent while paused)
-- ARGV[1] clock, ARGV[2] queue key base, ARGV[3] name, ARGV[4] definition,
-- ARGV[5] its first fire time after the server's now, as the caller computed it
-- Invariant: the same definition twice changes nothing (its next fire time
-- included); a changed one is stored and fires from its new first tick; a
-- paused schedule stays paused. A schedule is due-indexed iff it is defined
-- and not paused.
-- Returns 'created', 'changed' or 'unchanged'.
local cronKey, dueKey = KEYS[1], KEYS[2]
local base, name, spec, next_ms = ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5])
local now = server_now()
heal(base, now, {'cron', 'cron_due'})
local old = redis.call('HGET', cronKey, name)
if old == spec then return 'unchanged' end
local paused = old and not redis.call('ZSCORE', dueKey, name)
redis.call('HSET', cronKey, name, spec)
if not paused then redis.call('ZADD', dueKey, next_ms, name) end
if old then return 'changed' end
return 'created'
