-- lib.lua: helpers every script shares; prepended to each script when loaded.
--
-- Clock: ARGV[1] of every script is the clock. '0' (production) means "read
-- the Redis server's TIME"; any other number is a fixed "now" in ms, which
-- only tests pass. Clients send durations, never times of their own clock.
--
-- Per queue (base = "<prefix>:{<queue>}:"), a live job is its message in the
-- <base>jobs hash; the counters that only rare transitions change live in
-- <base>counts as "attempts,recovered,released" (absent = 0,0,0), its last
-- error in <base>errors, its redacted message in <base>redacted, and the dead
-- record it replays in <base>replays. A replay that died again and was merged
-- back into its record is remembered in <base>merged (replay id -> record id).

-- "now" in ms since the epoch, from the server's clock (or the fixed test clock).
local function server_now()
  local fixed = tonumber(ARGV[1])
  if fixed and fixed > 0 then return fixed end
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- Splits "attempts,recovered,released" (nil = never retried, recovered or released).
local function parse_counts(text)
  if not text then return 0, 0, 0 end
  local a, r, l = string.match(text, '^(%d+),(%d+),(%d+)$')
  return tonumber(a or 0), tonumber(r or 0), tonumber(l or 0)
end

-- The counters of job <id>: attempts, recovered, released.
local function get_counts(base, id)
  return parse_counts(redis.call('HGET', base .. 'counts', id))
end

local function set_counts(base, id, a, r, l)
  redis.call('HSET', base .. 'counts', id, a .. ',' .. r .. ',' .. l)
end

-- The delivery number the next (or current) lease of a job carries: every
-- earlier delivery ended as an attempt, a recovery or a hand-back.
local function next_delivery(a, r, l)
  return a + r + l + 1
end

-- Forgets everything a live job keeps in the per-queue hashes.
local function forget_live(base, id)
  for _, h in ipairs({'jobs', 'counts', 'errors', 'redacted', 'replays'}) do
    redis.call('HDEL', base .. h, id)
  end
end

-- The one writer of dead records: <base>job:<id> gets `fields` (a flat list
-- of field, value) plus state=dead, and <id> is indexed in the dead set by
-- the time it died. Every script that buries anything calls this.
local function write_dead(base, dead_key, id, now, fields)
  local key = base .. 'job:' .. id
  redis.call('HSET', key, 'state', 'dead', 'failed_at', now, unpack(fields))
  redis.call('ZADD', dead_key, now, id)
  return id
end

-- bury_raw records a queue entry that is not a tq job (no message) as a dead
-- record with reason 'malformed', keeping the entry as found.
local function bury_raw(base, dead_key, dead_id, raw, now, err)
  return write_dead(base, dead_key, dead_id, now, {'raw', raw, 'reason', 'malformed',
    'attempts', 0, 'recovered', 1, 'released', 0, 'task', '', 'last_error', err})
end

-- bury_live turns live job <id> into a dead record: its message (the redacted
-- form kept at enqueue, if any, so redacted secrets never stay in the DLQ),
-- task, reason, last_error and counters. If the job was a replay of a dead
-- record that still waits for it, its history is merged into that record
-- instead, which becomes replayable again (one record per logical job), and
-- <base>merged remembers where the replay went. Returns the record's id.
local function bury_live(base, dead_key, id, now, reason, err, task)
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
    redis.call('DEL', base .. 'failures:' .. id)
    redis.call('HINCRBY', okey, 'attempts', attempts)
    redis.call('HDEL', okey, 'replay_job')
    local merged = redis.call('HGET', okey, 'merged_replays')
    redis.call('HSET', okey, 'merged_replays', merged and (merged .. ',' .. id) or id)
    redis.call('HSET', base .. 'merged', id, origin)
    return write_dead(base, dead_key, origin, now, {'reason', reason, 'last_error', err})
  end
  local fields = {'reason', reason, 'last_error', err, 'task', task, 'attempts', attempts,
    'recovered', recovered, 'released', released}
  if msg then
    fields[#fields + 1] = 'msg'
    fields[#fields + 1] = msg
  end
  return write_dead(base, dead_key, id, now, fields)
end

-- Deletes dead record <id> with its history and the merged-replay pointers
-- that name it.
local function delete_dead(base, dead_key, id)
  local key = base .. 'job:' .. id
  local merged = redis.call('HGET', key, 'merged_replays')
  if merged then
    for replay in string.gmatch(merged, '[^,]+') do
      redis.call('HDEL', base .. 'merged', replay)
    end
  end
  redis.call('DEL', key, base .. 'failures:' .. id)
  redis.call('ZREM', dead_key, id)
end
