-- claim: lease up to N pending jobs of one queue to a worker.
-- KEYS[1] pending LIST
-- KEYS[2] active ZSET (lease members, see lease_of in lib.lua; score = lease deadline ms)
-- KEYS[3] dead ZSET
-- KEYS[4] jobs HASH of earlier versions (id -> message; messages now live in
--         its shards <base>jobs:<shard>, see job_shard in lib.lua)
-- KEYS[5] counts HASH
-- KEYS[6] ready LIST (a job handed to an idle worker, see wake_one)
-- ARGV[1] clock, ARGV[2] queue key base, ARGV[3] lease length ms, ARGV[4] max jobs,
-- ARGV[5] dead records' max age ms, ARGV[6] their max count (0 = no limit)
-- First takes the job handed to idle workers (ready, see wake_one) if none
-- took it yet, then pops pending.
-- Returns a flat list: count of jobs set aside as expired (--expires passed before they started), ms until a
-- limit that held jobs back may let more start (-1: none did), the server's
-- now (ms), the count n of leased ids, then the n ids, then for each leased
-- id that is not a first delivery with no finished attempt (most are): its
-- position (1..n), delivery number and finished attempts. The caller reads
-- the messages (HMGET of their shards, outside the script: a message that
-- crosses Lua costs Redis a copy and a hash of every byte), and hands an id
-- with none to unlease_malformed.lua. (An id tq would never write that has
-- a message is leased too; the client buries it, fenced.)
-- The delivery number is attempts + recovered + released + 1: every earlier
-- delivery ended in exactly one of those, so a claim writes no per-job field,
-- and the lease member (lease_of: the bare id for a first delivery, else
-- "<id>:<delivery>") is the fence only this delivery holds.
-- The lease deadline is the server's now plus the lease length.
-- Invariant: every id popped from pending ends in exactly one place: the
-- active set under a lease (an entry that is not a tq job, with no message,
-- too: the caller finds it has none and unlease_malformed.lua moves it to the
-- queue's malformed list, from which bury_malformed makes it a dead record
-- with reason 'malformed' ("malformed-<queue>-<n>") that keeps the raw
-- entry). Nothing popped is dropped. Keys of the wrong type are moved
-- aside first (heal in lib.lua), so an error never strands a popped batch.
-- Flow control (lib.lua, FLOW_KEYS; only when the queue has limits or keyed
-- jobs): a claim takes no more than the queue's concurrency (leases in
-- active), rate (starts in the window, queue_window) and pause
-- allow; keyed jobs are taken in the keys' round-robin, alternating with
-- jobs without a key, and a key its own limits or pause hold back waits in
-- kwait (out of the way: each key is looked at once per change, not once
-- per claim). Invariant: at no time do more jobs of a limited queue (or
-- key) hold leases, or did more start in any window of the rate's length,
-- than its limits allow, for every worker of the fleet together.
-- Every Redis command runs once per batch, none per job (but for keyed jobs
-- and a limit's records: O(log n) each).
local pendingKey, activeKey, deadKey, jobsKey, countsKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local base = ARGV[2]
retention.age_ms, retention.count = tonumber(ARGV[5]) or 0, tonumber(ARGV[6]) or 0
local now = server_now()
heal(base, now, {'pending', 'active', 'dead', 'jobs', 'counts', 'ready', 'stats', 'expires', 'expired'})
-- A paused queue hands out nothing (see pause.lua).
if redis.call('HGET', base .. 'stats', 'paused') == '1' then return {0, -1, now, 0} end
-- As a string, formatted once: a number would be formatted for every lease.
local deadline = string.format('%d', now + tonumber(ARGV[3]))
local max = tonumber(ARGV[4])
local H = 4
local out = {0, -1, now, 0}
-- Leased jobs not on their first delivery, or with finished attempts:
-- groups of three (position among the leased jobs, delivery, attempts).
local extra = {}
local leases = {}
-- The earliest of a wait `ms` and the one already in out[2].
local function wait_at_most(ms)
  ms = math.max(1, ms)
  if out[2] == -1 or ms < out[2] then out[2] = ms end
end
-- Flow control: how many jobs the queue's limits let start now.
local flow = flow_on(base, now)
local lim, limited = {}, false
if flow then
  local flat = redis.call('HGETALL', base .. 'limits')
  for i = 1, #flat, 2 do lim[flat[i]] = flat[i + 1] end
  local budget = max
  local paused_until = tonumber(lim.paused_until)
  if paused_until and paused_until > now then
    wait_at_most(paused_until - now)
    return out
  elseif paused_until then
    redis.call('HDEL', base .. 'limits', 'paused_until')
  end
  local most = tonumber(lim.concurrency)
  if most then
    local free = most - redis.call('ZCARD', activeKey)
    if free < budget then
      budget = math.max(0, free)
      -- A running job's end wakes a worker (slot_freed); its lease running
      -- out at the latest.
      local head = redis.call('ZRANGE', activeKey, 0, 0, 'WITHSCORES')
      if head[2] then wait_at_most(tonumber(head[2]) - now) end
    end
  end
  local n, ms = parse_rate(lim.rate)
  if n then
    local started, frees = queue_window(base, now, ms)
    local free = n - started
    if free < budget then
      budget = math.max(0, free)
      if free <= 0 then wait_at_most(frees) end
    end
  end
  if budget < max then
    limited = true
    max = budget
  end
  if max <= 0 then return out end
end
-- Leases the jobs collected in `out` (after the header, their ids; `extra`
-- holds the rest), except those past their --expires time:
-- they go to the expired list, where bury_expired buries them (named by the
-- caller, which declares their keys); a handed one gives up its lease.
-- Under a rate limit, each lease is a start in the window.
local function finish()
  if redis.call('HLEN', base .. 'expires') > 0 and #out > H then
    local ids = {}
    for k = H + 1, #out do ids[#ids + 1] = out[k] end
    local ends = redis.call('HMGET', base .. 'expires', unpack(ids))
    local kept, kept_leases, gone, renumber = {0, out[2], out[3], 0}, {}, {}, {}
    local kept_n = 0
    for j, id in ipairs(ids) do
      local member = leases[2 * j]
      if ends[j] and tonumber(ends[j]) <= now then
        redis.call('ZREM', activeKey, member)
        redis.call('RPUSH', base .. 'expired', id)
        gone[#gone + 1] = id
        kept[1] = kept[1] + 1
      else
        kept[#kept + 1] = id
        kept_n = kept_n + 1
        renumber[j] = kept_n
        kept_leases[#kept_leases + 1] = leases[2 * j - 1]
        kept_leases[#kept_leases + 1] = member
      end
    end
    local kept_extra = {}
    for e = 1, #extra, 3 do
      local j = renumber[extra[e]]
      if j then
        kept_extra[#kept_extra + 1] = j
        kept_extra[#kept_extra + 1] = extra[e + 1]
        kept_extra[#kept_extra + 1] = extra[e + 2]
      end
    end
    out, leases, extra = kept, kept_leases, kept_extra
    -- Expired, they never started: their keys do not count them.
    if flow then keys_ended(base, gone) end
  end
  if #leases > 0 then
    redis.call('ZADD', activeKey, unpack(leases))
    local n, ms = parse_rate(lim.rate)
    if n then
      queue_started(base, now, #leases / 2)
      local started, frees = queue_window(base, now, ms)
      if started >= n then wait_at_most(frees) end
    end
  end
  out[4] = #out - H
  local no = #out
  for e = 1, #extra do out[no + e] = extra[e] end
  return out
end
-- A job handed to idle workers that none took yet is the oldest pending
-- job: it goes first, under this claim's lease (its delivery is unchanged).
-- (Its entry in ready is "<id>:<delivery>", its lease lease_of's member.)
local handed = {}
for _, entry in ipairs(redis.call('LPOP', KEYS[6], max) or {}) do
  local id, delivery = hand_off_parts(entry)
  if id then handed[#handed + 1] = {id, lease_of(id, delivery), delivery} end
end
if #handed > 0 then
  heal_key(base, now, base .. 'handed', 'zset')
  for _, h in ipairs(handed) do redis.call('ZREM', base .. 'handed', h[2]) end
end
for _, h in ipairs(handed) do
  local id, member = h[1], h[2]
  local msg = job_message(base, now, id)
  if msg and redis.call('ZSCORE', activeKey, member) then
    leases[#leases + 1] = deadline
    leases[#leases + 1] = member
    out[#out + 1] = id
    local d, a = h[3], (get_counts(base, id))
    if d ~= 1 or a ~= 0 then
      extra[#extra + 1] = #out - H
      extra[#extra + 1] = d
      extra[#extra + 1] = a
    end
    max = max - 1
  elseif redis.call('ZREM', activeKey, member) == 1 then
    -- Its message went (deleted by another tool): back to the front of
    -- pending, where the pop below leases it again and the caller, finding
    -- no message, sets it aside as malformed (unlease_malformed.lua).
    redis.call('RPUSH', pendingKey, id)
  end
end
-- Takes up to `want` keyed jobs and jobs without a key, alternating, the
-- keys in their round-robin's order; a key its limits hold back waits in
-- kwait until they may let it run. Returns the ids.
local function take_keyed(want)
  local kstate, kready, kwait = base .. 'kstate', base .. 'kready', base .. 'kwait'
  local kc = tonumber(lim.key_concurrency)
  local kn, kms = parse_rate(lim.key_rate)
  -- The round-robin's turn counter, kept here and written back once.
  local turn = tonumber(redis.call('HGET', kstate, 'turn')) or 0
  local function next_in_turn()
    turn = turn + 1
    return turn
  end
  -- Keys whose hold is over get back in line.
  for _, key in ipairs(redis.call('ZRANGEBYSCORE', kwait, '-inf', now, 'LIMIT', 0, 1000)) do
    redis.call('ZREM', kwait, key)
    redis.call('ZADD', kready, next_in_turn(), key)
  end
  -- How long `key` must wait before another of its jobs starts (0: not at
  -- all). A key at its concurrency waits until one of its jobs ends
  -- (slot_freed puts it back in line), a lease length at the latest.
  local function hold(key)
    local ms = 0
    local paused = tonumber(redis.call('HGET', kstate, 'p:' .. key))
    if paused and paused > now then
      ms = paused - now
    elseif paused then
      redis.call('HDEL', kstate, 'p:' .. key)
    end
    if kc and (tonumber(redis.call('HGET', kstate, 'r:' .. key)) or 0) >= kc then
      ms = math.max(ms, tonumber(ARGV[3]))
    end
    if kn then
      local count, frees = key_window(redis.call('HGET', kstate, 's:' .. key), now, kms)
      if count >= kn then ms = math.max(ms, frees, 1) end
    end
    return ms
  end
  -- Records that a job of `key` starts now.
  local function started(key)
    if kc then redis.call('HINCRBY', kstate, 'r:' .. key, 1) end
    if kn then
      redis.call('HSET', kstate, 's:' .. key, key_started(redis.call('HGET', kstate, 's:' .. key), now, kms, 1))
    end
  end
  local function next_keyed()
    while true do
      local top = redis.call('ZPOPMIN', kready)
      local key = top[1]
      if not key then return nil end
      local wait = hold(key)
      if wait > 0 then
        redis.call('ZADD', kwait, now + wait, key)
      else
        local line = redis.call('ZRANGEBYLEX', base .. 'kq', '[' .. key .. '\0', '[' .. key .. '\0\255', 'LIMIT', 0, 2)
        if line[1] then
          redis.call('ZREM', base .. 'kq', line[1])
          if line[2] then redis.call('ZADD', kready, next_in_turn(), key) end
          started(key)
          return string.match(line[1], '%z[^%z]*%z(.*)$')
        end
      end
    end
  end
  local ids, plain_left, keyed_left, plain_turn = {}, true, true, true
  while #ids < want and (plain_left or keyed_left) do
    local id
    if plain_turn and plain_left then
      id = redis.call('RPOP', pendingKey)
      plain_left = id and true or false
    elseif keyed_left then
      id = next_keyed()
      keyed_left = id and true or false
    end
    plain_turn = not plain_turn
    if id then ids[#ids + 1] = id end
  end
  redis.call('HSET', kstate, 'turn', turn)
  -- Keys held back: the earliest of them may run then.
  if redis.call('ZCARD', kready) == 0 then
    local first = redis.call('ZRANGE', kwait, 0, 0, 'WITHSCORES')
    if first[2] then wait_at_most(tonumber(first[2]) - now) end
  end
  return ids
end
local ids = false
if max > 0 then
  if flow and redis.call('EXISTS', base .. 'kq', base .. 'kwait') > 0 then
    ids = take_keyed(max)
    if #ids == 0 then ids = false end
  else
    ids = redis.call('RPOP', pendingKey, max)
  end
end
-- Work left behind is handed to one more idle worker (not when a limit
-- held it back: the limit's wait wakes them).
if not limited and has_waiting(base) then wake_one(base, now) end
if not ids then return finish() end
lease_popped(base, ids, deadline, out, H, leases, extra)
return finish()
