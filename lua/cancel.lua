-- cancel: stop jobs from running (tq cancel).
-- KEYS[1] pending LIST
-- KEYS[2] scheduled ZSET
-- KEYS[3] retry ZSET
-- KEYS[4] active ZSET
-- KEYS[5] dead ZSET
-- KEYS[6] ready LIST (a job handed to an idle worker, see wake_one)
-- ARGV[1] clock, ARGV[2] queue key base, ARGV[3] dead records' max age ms,
-- ARGV[4] their max count, then job ids (the caller declared their dead
-- record and history keys, and those of the records replays came from).
-- A job waiting (pending, handed but not taken, delayed or retrying) leaves
-- its place and becomes a dead record with reason 'cancelled' (replayable);
-- a running job is marked in <base>cancel: its worker kills its handler and
-- buries it the same way (or recovery does, if that worker died).
-- Invariant: a cancelled job never runs again on its own; a job is in one place.
-- Returns one word per id: 'cancelled', 'cancelling' (it runs; its worker
-- stops it) or 'unknown' (no live job: finished, dead, or never existed).
local pendingKey, scheduledKey, retryKey, activeKey, deadKey, readyKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local base = ARGV[2]
retention.age_ms, retention.count = tonumber(ARGV[3]) or 0, tonumber(ARGV[4]) or 0
local now = server_now()
heal(base, now, {'pending', 'scheduled', 'retry', 'active', 'dead', 'ready', 'jobs', 'counts', 'errors',
  'redacted', 'replays', 'merged', 'expires', 'cancel'})
local out = {}
for i = 5, #ARGV do
  local id = ARGV[i]
  local msg = job_message(base, now, id)
  local result = 'unknown'
  if msg then
    local waiting = redis.call('ZREM', scheduledKey, id) == 1 or redis.call('ZREM', retryKey, id) == 1
    local member = not waiting and held_member(activeKey, id, next_delivery(get_counts(base, id)))
    if member then
      if redis.call('LREM', readyKey, 0, hand_off_of(member)) > 0 then
        redis.call('ZREM', activeKey, member)
        waiting = true
      else
        redis.call('HSET', base .. 'cancel', id, now)
        result = 'cancelling'
      end
    elseif not waiting and (redis.call('LREM', pendingKey, 1, id) > 0 or kq_remove(base, now, id)) then
      waiting = true
    end
    if waiting then
      bury_live(base, deadKey, id, now, 'cancelled', 'cancelled by an operator before it ran', task_of(msg))
      result = 'cancelled'
    end
  end
  out[#out + 1] = result
end
return out
