-- ack: record that leased jobs succeeded.
-- KEYS[1] active ZSET, KEYS[2] stats HASH (processed, failed), KEYS[3] results
-- index ZSET (member = bucket key, score = its expiry ms), KEYS[4] the results
-- bucket HASH this batch writes into (id -> result record JSON), KEYS[5] dead
-- ZSET, KEYS[6] jobs HASH
-- ARGV[1] queue key base, ARGV[2] now ms, ARGV[3] bucket expiry ms, then
-- groups of six: job id, delivery number, attempt number, result record
-- (JSON), the dead record this job replays ('' if none), and '1' if the job
-- has a redacted message ('' if not).
-- Invariant: only the delivery that holds the lease (active member
-- "<id>:<delivery>") may finish a job: a worker whose lease expired and whose
-- job went to another worker changes nothing. A finished job leaves the active
-- set and every live-job hash in one step; what remains is its result record
-- in a bucket that expires whole after the result TTL (and its failure
-- records, if an earlier attempt failed, with the same expiry). A replay that
-- succeeds removes the dead record it replayed (if that record still waits
-- for it). Returns how many were recorded.
-- Every Redis command runs once per batch (but for the rare retried jobs and
-- replays), none per job.
local base, now, expire_at = ARGV[1], ARGV[2], ARGV[3]
local members = {}
for i = 4, #ARGV, 6 do
  members[#members + 1] = ARGV[i] .. ':' .. ARGV[i + 1]
end
-- Removing a lease member that is not there changes nothing, so remove them
-- all at once; when every one was there (the common case) all were held.
local removed = redis.call('ZREM', KEYS[1], unpack(members))
local held_at = {}
for j = 1, #members do
  local i = 4 + (j - 1) * 6
  if removed == #members then
    held_at[j] = true
  else
    -- Some deliveries were stale. A delivery still held its lease exactly
    -- when the job is live and its delivery number has not moved on (every
    -- transition out of a lease raises attempts, recovered or released).
    local id = ARGV[i]
    if redis.call('HEXISTS', KEYS[6], id) == 1 then
      local a, r, l = 0, 0, 0
      local c = redis.call('HGET', base .. 'counts', id)
      if c then
        a, r, l = string.match(c, '^(%d+),(%d+),(%d+)$')
        a, r, l = tonumber(a or 0), tonumber(r or 0), tonumber(l or 0)
      end
      held_at[j] = (a + r + l + 1 == tonumber(ARGV[i + 1]))
    end
  end
end
local ids, records, rare, redacted = {}, {}, {}, {}
for j = 1, #members do
  if held_at[j] then
    local i = 4 + (j - 1) * 6
    local id = ARGV[i]
    ids[#ids + 1] = id
    records[#records + 1] = id
    records[#records + 1] = ARGV[i + 3]
    if ARGV[i + 1] ~= '1' then rare[#rare + 1] = id end
    if ARGV[i + 5] == '1' then redacted[#redacted + 1] = id end
    if ARGV[i + 2] ~= '1' then
      redis.call('PEXPIREAT', base .. 'failures:' .. id, expire_at)
    end
    local origin = ARGV[i + 4]
    if origin ~= '' then
      rare[#rare + 1] = id
      if redis.call('HGET', base .. 'job:' .. origin, 'replay_job') == id then
        redis.call('DEL', base .. 'job:' .. origin, base .. 'failures:' .. origin)
        redis.call('ZREM', KEYS[5], origin)
      end
    end
  end
end
if #ids == 0 then return 0 end
redis.call('HDEL', KEYS[6], unpack(ids))
if #redacted > 0 then redis.call('HDEL', base .. 'redacted', unpack(redacted)) end
if #rare > 0 then
  for _, h in ipairs({'counts', 'errors', 'replays'}) do
    redis.call('HDEL', base .. h, unpack(rare))
  end
end
redis.call('HSET', KEYS[4], unpack(records))
redis.call('PEXPIREAT', KEYS[4], expire_at)
redis.call('ZADD', KEYS[3], expire_at, KEYS[4])
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
redis.call('HINCRBY', KEYS[2], 'processed', #ids)
return #ids
