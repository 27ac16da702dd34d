-- lib.lua: helpers shared by the scripts that change a job's counters or put
-- it in the dead-letter set. It is prepended to those scripts when loaded.
--
-- Per queue (base = "<prefix>:{<queue>}:"), a live job is its message in the
-- <base>jobs hash; the counters that only rare transitions change live in
-- <base>counts as "attempts,recovered,released" (absent = 0,0,0), its last
-- error in <base>errors, its redacted message in <base>redacted, and the dead
-- record it replays in <base>replays.

-- The counters of job <id>: attempts, recovered, released.
local function get_counts(base, id)
  local text = redis.call('HGET', base .. 'counts', id)
  if not text then return 0, 0, 0 end
  local a, r, l = string.match(text, '^(%d+),(%d+),(%d+)$')
  return tonumber(a or 0), tonumber(r or 0), tonumber(l or 0)
end

local function set_counts(base, id, a, r, l)
  redis.call('HSET', base .. 'counts', id, a .. ',' .. r .. ',' .. l)
end

-- Forgets everything a live job keeps in the per-queue hashes.
local function forget_live(base, id)
  for _, h in ipairs({'jobs', 'counts', 'errors', 'redacted', 'replays'}) do
    redis.call('HDEL', base .. h, id)
  end
end

-- make_dead(base, dead_key, id, now, reason, err, task) turns live job <id>
-- into a dead record <base>job:<id>: its message (the redacted form kept at
-- enqueue, if any, so redacted secrets never stay in the DLQ), task, reason,
-- failed_at, last_error and attempts; indexed by time in the dead set. If the
-- job was a replay of a dead record that still waits for it, its history is
-- merged into that record instead, which becomes replayable again: one record
-- per logical job. Returns the id of the dead record.
local function make_dead(base, dead_key, id, now, reason, err, task)
  local msg = redis.call('HGET', base .. 'redacted', id) or redis.call('HGET', base .. 'jobs', id)
  local attempts, recovered, released = get_counts(base, id)
  local origin = redis.call('HGET', base .. 'replays', id)
  forget_live(base, id)
  if origin and redis.call('HGET', base .. 'job:' .. origin, 'replay_job') == id then
    local okey = base .. 'job:' .. origin
    local history = redis.call('LRANGE', base .. 'failures:' .. id, 0, -1)
    if #history > 0 then
      redis.call('RPUSH', base .. 'failures:' .. origin, unpack(history))
    end
    redis.call('HINCRBY', okey, 'attempts', attempts)
    redis.call('HSET', okey, 'state', 'dead', 'reason', reason, 'failed_at', now, 'last_error', err)
    redis.call('HDEL', okey, 'replay_job')
    redis.call('DEL', base .. 'failures:' .. id)
    redis.call('ZADD', dead_key, now, origin)
    return origin
  end
  local key = base .. 'job:' .. id
  redis.call('HSET', key, 'state', 'dead', 'reason', reason, 'failed_at', now,
    'last_error', err, 'task', task, 'attempts', attempts, 'recovered', recovered,
    'released', released)
  if msg then redis.call('HSET', key, 'msg', msg) end
  redis.call('ZADD', dead_key, now, id)
  return id
end
