-- cron_pause: stop or restart one periodic job's schedule (`tq cron pause|resume`).
-- KEYS[1] cron HASH, KEYS[2] cron_due ZSET
-- ARGV[1] clock, ARGV[2] queue key base, ARGV[3] name, ARGV[4] '1' to pause,
-- '0' to resume, ARGV[5] (resume) the first fire time after the server's now
-- Invariant: a paused schedule is not in cron_due, so it never fires; a
-- resumed one fires from its next tick on, with no catch-up for the pause.
-- Returns -1 if there is no such schedule, 1 if the state changed, 0 if it already was so.
local cronKey, dueKey = KEYS[1], KEYS[2]
local base, name = ARGV[2], ARGV[3]
local now = server_now()
heal(base, now, {'cron', 'cron_due'})
if redis.call('HEXISTS', cronKey, name) == 0 then return -1 end
local running = redis.call('ZSCORE', dueKey, name)
if ARGV[4] == '1' then
  if not running then return 0 end
  redis.call('ZREM', dueKey, name)
  return 1
end
if running then return 0 end
redis.call('ZADD', dueKey, tonumber(ARGV[5]), name)
return 1
