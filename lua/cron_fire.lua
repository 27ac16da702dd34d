-- cron_fire: fire one periodic job's tick (or run it now, `tq cron run`).
-- KEYS[1] cron HASH (name -> definition), KEYS[2] cron_due ZSET (name ->
-- next fire ms), KEYS[3] cron_last HASH (name -> "<tick>|<job id>"), then
-- every key of the queue (enqueue_batch in lib.lua writes pending,
-- scheduled, jobs, redacted, ready, unique, unique_until, expires).
-- ARGV[1] clock, ARGV[2] queue key base, ARGV[3] name, ARGV[4] the
-- definition the caller read, ARGV[5] the tick it fires ('' = run now,
-- outside the cadence), ARGV[6] the next fire time to set, then ARGV[7..11]
-- the job (id, due, message, redacted message, options as enqueue.lua
-- reads them), absent when a gap is skipped (--catch-up none).
-- Invariant: a tick fires at most once, however many workers race on it:
-- only the call whose tick is still the schedule's next fire time, due by
-- the server's clock, under the definition it read, creates the job and
-- moves the fire time on, in one step. A run-now checks the definition only.
-- Returns {1, job id or ''} when it fired, {0} when the tick or the
-- definition had moved (another worker fired it, or it was changed,
-- paused or removed).
local cronKey, dueKey, lastKey = KEYS[1], KEYS[2], KEYS[3]
local base, name, spec, tick = ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local now = server_now()
heal(base, now, {'cron', 'cron_due', 'cron_last', 'pending', 'scheduled', 'jobs', 'redacted', 'ready',
  'counts', 'active', 'stats', 'unique', 'unique_until', 'expires'})
if redis.call('HGET', cronKey, name) ~= spec then return {0} end
if tick ~= '' then
  local due = redis.call('ZSCORE', dueKey, name)
  if not due or tonumber(due) ~= tonumber(tick) or tonumber(tick) > now then return {0} end
end
local job = ''
if #ARGV >= 11 then
  local out = enqueue_batch(base, now, ARGV, 7)
  -- A unique job whose name another job holds: that job stands for this tick.
  job = out[3] or ARGV[7]
end
if tick ~= '' then
  redis.call('ZADD', dueKey, tonumber(ARGV[6]), name)
  redis.call('HSET', lastKey, name, tick .. '|' .. job)
else
  redis.call('HSET', lastKey, name, tostring(now) .. '|' .. job)
end
return {1, job}
