-- ack: record that leased jobs succeeded.
-- KEYS[1] active ZSET
-- KEYS[2] stats HASH (processed, failed)
-- KEYS[3] results index ZSET (member = bucket part key, score = its expiry ms)
-- KEYS[4] the results bucket this batch writes into: its part <bucket>:<cc>
--         HASH (id -> result JSON) holds the jobs whose id's 8th and 9th
--         characters are cc (one 32 ms window of enqueue time, the next of
--         1,024 parts every 32 ms; '~' for an id that is not a tq id), so a
--         part holds what was enqueued in 32 ms, however many jobs a bucket
--         gets, and one batch writes one or two parts. The bucket itself is
--         indexed in <base>result_buckets (ZSET, score = when its last part
--         expires), which tells a reader where a job's result may be
-- KEYS[5] dead ZSET
-- KEYS[6] jobs HASH of earlier versions (id -> message; messages now live in
--         its shards <base>jobs:<shard>, see job_shard in lib.lua)
-- KEYS[7] result counts HASH (part key -> results in it; '*' -> their sum)
-- ARGV[1] clock, ARGV[2] queue key base, ARGV[3] result TTL ms, ARGV[4] the
-- bucket's start (s), ARGV[5] bucket span (s), ARGV[6] the batch's form,
-- then one group per job:
--   ''  groups of six: job id, delivery number, attempt number, result
--       record (JSON), the dead record this job replays ('' if none), and
--       '1' if the job has a redacted message;
--   'p' (plain: every job is a first delivery and first attempt, replays
--       nothing and has no redacted message, and its id holds no ':', so
--       its lease member is its bare id (lease_of in lib.lua): the common
--       case, every tq id, as the caller checks): the number k
--       of runs of jobs of one message shard and k pairs (shard, jobs in
--       it), as the caller grouped the batch (given_runs in lib.lua), then
--       groups of two: job id, result record. Every argument costs Redis a
--       parse and a copy, and its move into Lua a Lua string (about 0.17 µs
--       each), so the common case sends only what it needs, laid out so that
--       each command takes its arguments straight from ARGV: Lua runs per
--       job only to copy its id, which is its lease member too (lease_of
--       in lib.lua: a first delivery's bare id, unless the id holds a ':').
-- Invariant: only the delivery that holds the lease (its active member,
-- lease_of(id, delivery)) may finish a job: a worker whose lease expired and whose
-- job went to another worker changes nothing. A finished job leaves the active
-- set and every live-job hash in one step; what remains is its result record
-- in a bucket that expires whole at least the TTL after its last write, by the
-- server's clock (and its failure records, if an earlier attempt failed, with
-- the same expiry). A replay that succeeds removes the dead record it replayed
-- (if that record still waits for it), leaving in its place only a pointer
-- (field replayed_as) with the result's expiry. Under flow control the slots they
-- held wake a worker for what waits (slot_freed).
-- The bucket is named by the client: a name the server's clock does not put
-- in the current bucket (client clock off by more than a second) is refused
-- before any write with {-1, server now ms}, and the client asks again.
-- A job whose lease is gone but whose result in this bucket is this very
-- record was recorded by an earlier try of the same call (its answer lost):
-- it counts as recorded and is not written again.
-- Returns {jobs recorded} when every job was, else {jobs recorded, -2, the
-- 0-based positions of the jobs not recorded...}.
-- Every Redis command runs once per batch (but for the rare retried jobs and
-- replays), none per job.
local activeKey, statsKey, resultsKey, bucketKey, deadKey, jobsKey, countsKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7]
local base, ttl = ARGV[2], tonumber(ARGV[3])
local now = server_now()
local start_ms, span_ms = tonumber(ARGV[4]) * 1000, tonumber(ARGV[5]) * 1000
if now < start_ms - 1000 or now >= start_ms + span_ms + 1000 then
  return {-1, now}
end
if ARGV[6] == 'p' then
  -- The plain form touches no dead, redacted, error or replay record (and
  -- old_jobs checks the jobs hash of earlier versions itself).
  heal(base, now, {'active', 'stats', 'results', 'counts', 'result_counts', 'result_buckets', 'expires', 'cancel'})
else
  heal(base, now, {'active', 'stats', 'results', 'dead', 'jobs', 'redacted', 'counts', 'errors', 'replays',
    'result_counts', 'result_buckets', 'expires', 'cancel'})
end
-- The part of the bucket that holds job <id>'s result (see KEYS[4]), as a
-- character code: compared per job (pair_runs), made a key once per run.
local function part_of(id)
  if #id == 26 then return string.byte(id, 8) * 256 + string.byte(id, 9) end
  return 126
end
local function part_key(code)
  if code < 256 then return bucketKey .. ':' .. string.char(code) end
  return bucketKey .. ':' .. string.char(math.floor(code / 256), code % 256)
end
-- (Sizes kept in counters below: `#t` costs a search per insert.)
local plain = ARGV[6] == 'p'
-- Each job's group: its size, and where in it the result record is.
local step, record_at = plain and 2 or 6, plain and 1 or 3
-- first: where the first job's group starts; given: the plain batch's runs
-- of one shard (ARGV positions), nil if its runs do not check out.
local nm, first, given, removed = 0, 7, nil, 0
-- The plain batch's ids, in order (ARGV[first + 2k - 2] is the k-th).
local plain_ids = {}
-- Removing a lease member that is not there changes nothing, so remove them
-- all at once; when every one was there (the common case) all were held.
if plain then
  local k = tonumber(ARGV[7]) or 0
  first = 8 + 2 * k
  nm = math.floor((#ARGV - first + 1) / 2)
  if nm <= 0 then return {0} end
  given = given_runs(ARGV, first, 8, k)
  for j = 1, nm do plain_ids[j] = ARGV[first + 2 * j - 2] end
  removed = redis.call('ZREM', activeKey, unpack(plain_ids))
else
  local members = {}
  for i = first, #ARGV, 6 do
    nm = nm + 1
    members[nm] = lease_of(ARGV[i], ARGV[i + 1])
  end
  if nm == 0 then return {0} end
  removed = redis.call('ZREM', activeKey, unpack(members))
end
local all_held = removed == nm
local held_at = {}
-- Positions (0-based) of the jobs this call does not record, and how many
-- were recorded already, by an earlier try of this very call.
local stale, again = {}, 0
if not all_held then
  for j = 1, nm do
    -- Some deliveries were stale. A delivery still held its lease exactly
    -- when the job is live and its delivery number has not moved on (every
    -- transition out of a lease raises attempts, recovered or released).
    local i = first + (j - 1) * step
    local id = ARGV[i]
    if job_exists(base, now, id) then
      local a, r, l = get_counts(base, id)
      held_at[j] = (next_delivery(a, r, l) == (plain and 1 or tonumber(ARGV[i + 1])))
    end
    if not held_at[j] then
      -- A try whose answer was lost (a dropped connection, a failover after
      -- the write reached the replica) left this very record: it counts as
      -- recorded, and nothing is written again.
      if on_key(base, now, 'hash', 'HGET', part_key(part_of(id)), id) == ARGV[i + record_at] then
        again = again + 1
      else
        stale[#stale + 1] = j - 1
      end
    end
  end
end
-- {jobs recorded} when every job was, else {recorded, -2, stale positions...}.
local function answer(recorded)
  if #stale == 0 then return {recorded} end
  local reply = {recorded, -2}
  for k = 1, #stale do reply[k + 2] = stale[k] end
  return reply
end
local expire_at = now + ttl
-- records: nil when the arguments themselves are the (id, record) pairs.
local ids, records, rare, redacted = {}, nil, {}, {}
local ni = 0
if plain and all_held then
  ids, ni = plain_ids, nm
else
  records = {}
  for j = 1, nm do
    if all_held or held_at[j] then
      local i = first + (j - 1) * step
      local id = ARGV[i]
      ni = ni + 1
      ids[ni] = id
      records[2 * ni - 1] = id
      records[2 * ni] = ARGV[i + record_at]
      if not plain then
        if ARGV[i + 1] ~= '1' then rare[#rare + 1] = id end
        if ARGV[i + 5] == '1' then redacted[#redacted + 1] = id end
        if ARGV[i + 2] ~= '1' then
          redis.call('PEXPIREAT', base .. 'failures:' .. id, expire_at)
        end
        local origin = ARGV[i + 4]
        if origin ~= '' then
          rare[#rare + 1] = id
          if redis.call('HGET', base .. 'job:' .. origin, 'replay_job') == id then
            delete_dead(base, deadKey, origin)
            -- Its id still answers (tq status points to this replay) for as
            -- long as the replay's result is kept.
            redis.call('HSET', base .. 'job:' .. origin, 'replayed_as', id)
            redis.call('PEXPIREAT', base .. 'job:' .. origin, expire_at)
          end
        end
      end
    end
  end
end
if ni == 0 then return answer(again) end
notify_finished(base, now, ids)
-- Under flow control the slots they held wake a worker for what waits.
slot_freed(base, now, ids)
if redis.call('EXISTS', base .. 'keyed') == 1 then redis.call('HDEL', base .. 'keyed', unpack(ids)) end
-- The runs of one shard, as positions in ids (ids[k] is ARGV[first + 2k - 2]).
local id_runs = nil
if given and not records then
  id_runs = {}
  for r, run in ipairs(given) do id_runs[r] = {run[1], (run[2] - first) / 2 + 1, (run[3] - first + 1) / 2} end
end
delete_messages(base, now, ids, id_runs)
if redis.call('HLEN', base .. 'expires') > 0 then redis.call('HDEL', base .. 'expires', unpack(ids)) end
if redis.call('HLEN', base .. 'cancel') > 0 then redis.call('HDEL', base .. 'cancel', unpack(ids)) end
if #redacted > 0 then redis.call('HDEL', base .. 'redacted', unpack(redacted)) end
if #rare > 0 then
  for _, h in ipairs({'counts', 'errors', 'replays'}) do
    redis.call('HDEL', base .. h, unpack(rare))
  end
end
-- The (id, record) pairs, by runs of one part: straight from ARGV in the
-- plain case, the caller's runs of one shard (a shard's jobs share a part).
local flat = records or ARGV
local part_runs = {}
if records or not given then
  part_runs = pair_runs(flat, records and 1 or first, part_of)
else
  for r, run in ipairs(given) do part_runs[r] = {part_of(ARGV[run[2]]), run[2], run[3]} end
end
local last_expiry = expire_at
for _, run in ipairs(part_runs) do
  local key = part_key(run[1])
  on_key(base, now, 'hash', 'HSET', key, unpack(flat, run[2], run[3]))
  -- A part lives until TTL after its newest result.
  local left = redis.call('PTTL', key)
  local part_expiry = expire_at
  if left > 0 and now + left > part_expiry then part_expiry = now + left end
  if part_expiry > last_expiry then last_expiry = part_expiry end
  redis.call('PEXPIREAT', key, part_expiry)
  redis.call('ZADD', resultsKey, part_expiry, key)
  redis.call('HINCRBY', countsKey, key, (run[3] - run[2] + 1) / 2)
end
-- The sum of the counts. Where it was missing (a new queue, or counts an
-- earlier version kept) or 0, it is summed once from the counts.
-- (The sum then counts '*' itself, just set to ni.)
if redis.call('HINCRBY', countsKey, '*', ni) == ni then
  redis.call('HSET', countsKey, '*', counts_sum(countsKey) - ni)
end
-- Parts that expired leave the index, and their counts the sum.
local expired = redis.call('ZRANGEBYSCORE', resultsKey, '-inf', now)
if #expired > 0 then
  local gone = 0
  for _, n in ipairs(redis.call('HMGET', countsKey, unpack(expired))) do gone = gone + (tonumber(n) or 0) end
  redis.call('ZREM', resultsKey, unpack(expired))
  redis.call('HDEL', countsKey, unpack(expired))
  if gone > 0 then redis.call('HINCRBY', countsKey, '*', -gone) end
end
-- The bucket is indexed until its last part expires. Once per bucket (a new
-- one), buckets whose parts all expired leave the index; when the index
-- was empty (a new queue, or results an earlier version kept), the buckets
-- of the parts already indexed join it.
local bucketsKey = base .. 'result_buckets'
if redis.call('ZADD', bucketsKey, 'GT', last_expiry, bucketKey) == 1 then
  redis.call('ZREMRANGEBYSCORE', bucketsKey, '-inf', now)
  if redis.call('ZCARD', bucketsKey) == 1 then
    local kept = redis.call('ZRANGE', resultsKey, 0, -1, 'WITHSCORES')
    for i = 1, #kept, 2 do
      local bucket = string.match(string.sub(kept[i], #base + 1), '^results:%d+')
      if bucket then redis.call('ZADD', bucketsKey, 'GT', kept[i + 1], base .. bucket) end
    end
  end
end
redis.call('HINCRBY', statsKey, 'processed', ni)
return answer(ni + again)
