-- lib.lua: a helper shared by the scripts that put a job in the dead-letter
-- set (bury, recover). It is prepended to them when they are loaded.
--
-- make_dead(base, dead_key, id, now, reason, err, task) turns job <id> into a
-- dead record: it swaps in the redacted message kept at enqueue (so redacted
-- secrets never stay in the DLQ), sets state/reason/failed_at/last_error/task
-- and indexes the record by time in the dead set. If the job was a replay of a
-- dead record that still waits for it, the job's history is merged into that
-- record instead, which becomes replayable again: one record per logical job.
-- Returns the id of the dead record.
local function make_dead(base, dead_key, id, now, reason, err, task)
  local key = base .. 'job:' .. id
  local redacted = redis.call('HGET', key, 'dead_msg')
  if redacted then
    redis.call('HSET', key, 'msg', redacted)
    redis.call('HDEL', key, 'dead_msg')
  end
  local origin = redis.call('HGET', key, 'replay_of')
  if origin and redis.call('HGET', base .. 'job:' .. origin, 'replay_job') == id then
    local okey = base .. 'job:' .. origin
    local history = redis.call('LRANGE', base .. 'failures:' .. id, 0, -1)
    if #history > 0 then
      redis.call('RPUSH', base .. 'failures:' .. origin, unpack(history))
    end
    redis.call('HINCRBY', okey, 'attempts', tonumber(redis.call('HGET', key, 'attempts') or '0'))
    redis.call('HSET', okey, 'state', 'dead', 'reason', reason, 'failed_at', now, 'last_error', err)
    redis.call('HDEL', okey, 'replay_job')
    redis.call('DEL', key, base .. 'failures:' .. id)
    redis.call('ZADD', dead_key, now, origin)
    return origin
  end
  redis.call('HSET', key, 'state', 'dead', 'reason', reason, 'failed_at', now,
    'last_error', err, 'task', task)
  redis.call('ZADD', dead_key, now, id)
  return id
end
