-- snooze: a running job asked to wait without spending an attempt (its
-- handler exited 75, EX_TEMPFAIL, or its served process answered snooze_ms).
-- KEYS[1] active ZSET
-- KEYS[2] retry ZSET (score = due ms): a snoozed job waits with the retrying
-- ones, so a --burst worker waits for it too
-- KEYS[3] stats HASH
-- (then the queue's other keys and the job's, declared by the caller)
-- ARGV[1] clock, ARGV[2] queue key base, ARGV[3] job id, ARGV[4] delivery
-- number, ARGV[5] wait ms (due = server now + wait), ARGV[6] most snoozes,
-- ARGV[7] task, ARGV[8] dead records' max age ms, ARGV[9] their max count,
-- ARGV[10] pause the whole queue this many ms (0: no), ARGV[11] pause the
-- job's fairness key this many ms (0: no; a job without a key pauses nothing)
-- Invariant: the job moves from active to the retry set in one step, its
-- hand-backs and snoozes one up and its attempts unchanged (so its next
-- delivery has a number of its own); one snoozed past the most snoozes, or
-- cancelled by an operator meanwhile, is buried instead ('snoozed too often',
-- 'cancelled'). A delivery that no longer holds the lease changes nothing.
-- A pause (the 429 case) holds back every claim of the queue, or of the
-- key, for every worker until server now + ms (never shortened by a later,
-- shorter pause), in <base>limits paused_until and <base>kstate 'p:<key>';
-- a job handed to an idle worker that none took yet goes back to pending.
-- Returns 1 if snoozed, 2 if buried, 0 if stale.
local activeKey, retryKey, statsKey = KEYS[1], KEYS[2], KEYS[3]
local base, id = ARGV[2], ARGV[3]
local now = server_now()
heal(base, now, {'active', 'retry', 'stats', 'counts', 'errors', 'cancel', 'dead', 'jobs', 'redacted', 'replays',
  'merged', 'expires'})
retention.age_ms, retention.count = tonumber(ARGV[8]) or 0, tonumber(ARGV[9]) or 0
if redis.call('ZREM', activeKey, lease_of(id, ARGV[4])) == 0 then return 0 end
local pause_queue, pause_key = tonumber(ARGV[10]) or 0, tonumber(ARGV[11]) or 0
if pause_queue > 0 or pause_key > 0 then
  heal(base, now, FLOW_KEYS)
  heal(base, now, {'ready', 'pending'})
  -- A job already handed to an idle worker waits out the pause too.
  unhand(base, now)
end
if pause_queue > 0 then
  local was = tonumber(redis.call('HGET', base .. 'limits', 'paused_until')) or 0
  if now + pause_queue > was then redis.call('HSET', base .. 'limits', 'paused_until', now + pause_queue) end
end
local key = pause_key > 0 and redis.call('HGET', base .. 'keyed', id)
if key then
  local was = tonumber(redis.call('HGET', base .. 'kstate', 'p:' .. key)) or 0
  if now + pause_key > was then redis.call('HSET', base .. 'kstate', 'p:' .. key, now + pause_key) end
  -- Its key waits out the pause wherever it stands in line.
  if redis.call('ZREM', base .. 'kready', key) == 1 then redis.call('ZADD', base .. 'kwait', now + pause_key, key) end
end
slot_freed(base, now, {id})
local a, r, l, s = get_counts(base, id)
set_counts(base, id, a, r, l + 1, s + 1)
if redis.call('HEXISTS', base .. 'cancel', id) == 1 then
  bury_live(base, base .. 'dead', id, now, 'cancelled', 'cancelled by an operator while it waited to run again', ARGV[7])
  return 2
end
if s + 1 > tonumber(ARGV[6]) then
  redis.call('HINCRBY', statsKey, 'failed', 1)
  bury_live(base, base .. 'dead', id, now, 'snoozed too often', 'snoozed ' .. (s + 1) .. ' times', ARGV[7])
  return 2
end
redis.call('ZADD', retryKey, now + tonumber(ARGV[5]), id)
return 1
