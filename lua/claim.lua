-- claim: lease up to N pending jobs of one queue to a worker.
-- KEYS[1] pending LIST
-- KEYS[2] active ZSET (member "<id>:<delivery>", score = lease deadline ms)
-- KEYS[3] dead ZSET
-- KEYS[4] jobs HASH
-- KEYS[5] counts HASH
-- KEYS[6] ready LIST (a job handed to an idle worker, see wake_one)
-- ARGV[1] clock, ARGV[2] queue key base, ARGV[3] lease length ms, ARGV[4] max jobs,
-- ARGV[5] dead records' max age ms, ARGV[6] their max count (0 = no limit)
-- First takes the job handed to idle workers (ready, see wake_one) if none
-- took it yet, then pops pending; records its lease length in stats.
-- Returns a flat list: count of malformed entries set aside, count of jobs
-- set aside as expired (--expires passed before they started), then for each leased
-- job: id, delivery number, finished attempts, message. (An id tq would never
-- write that has a message is leased too; the client buries it, fenced.)
-- The delivery number is attempts + recovered + released + 1: every earlier
-- delivery ended in exactly one of those, so a claim writes no per-job field,
-- and the lease member "<id>:<delivery>" is the fence only this delivery holds.
-- The lease deadline is the server's now plus the lease length.
-- Invariant: every id popped from pending ends in exactly one place: the
-- active set under a lease, or, when the entry is not a tq job (no message:
-- written raw by another tool, or deleted), the queue's malformed list, from
-- which bury_malformed makes it a dead record with reason 'malformed'
-- ("malformed-<queue>-<n>") that keeps the raw entry. Nothing popped is dropped. Keys of the wrong type are moved
-- aside first (heal in lib.lua), so an error never strands a popped batch.
-- Every Redis command runs once per batch, none per job.
local pendingKey, activeKey, deadKey, jobsKey, countsKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local base = ARGV[2]
retention.age_ms, retention.count = tonumber(ARGV[5]) or 0, tonumber(ARGV[6]) or 0
local now = server_now()
heal(base, now, {'pending', 'active', 'dead', 'jobs', 'counts', 'malformed', 'ready', 'stats', 'expires', 'expired'})
-- A paused queue hands out nothing (see pause.lua).
if redis.call('HGET', base .. 'stats', 'paused') == '1' then return {0, 0} end
local deadline = now + tonumber(ARGV[3])
local max = tonumber(ARGV[4])
local out = {0, 0}
local leases = {}
-- Leases the jobs collected in `out` (after the two counts, groups of four:
-- id, delivery, attempts, message), except those past their --expires time:
-- they go to the expired list, where bury_expired buries them (named by the
-- caller, which declares their keys); a handed one gives up its lease.
local function finish()
  if redis.call('HLEN', base .. 'expires') > 0 and #out > 2 then
    local ids = {}
    for k = 3, #out, 4 do ids[#ids + 1] = out[k] end
    local ends = redis.call('HMGET', base .. 'expires', unpack(ids))
    local kept, kept_leases = {out[1], 0}, {}
    for j, id in ipairs(ids) do
      local k = 3 + (j - 1) * 4
      if ends[j] and tonumber(ends[j]) <= now then
        redis.call('ZREM', activeKey, id .. ':' .. out[k + 1])
        redis.call('RPUSH', base .. 'expired', id)
        kept[2] = kept[2] + 1
      else
        for m = k, k + 3 do kept[#kept + 1] = out[m] end
        kept_leases[#kept_leases + 1] = leases[2 * j - 1]
        kept_leases[#kept_leases + 1] = leases[2 * j]
      end
    end
    out, leases = kept, kept_leases
  end
  if #leases > 0 then redis.call('ZADD', activeKey, unpack(leases)) end
  return out
end
-- A job handed to idle workers that none took yet is the oldest pending
-- job: it goes first, under this claim's lease (its delivery is unchanged).
local handed = redis.call('LPOP', KEYS[6], max)
for _, member in ipairs(handed or {}) do
  local id, delivery = string.match(member, '^(.*):(%d+)$')
  local msg = id and redis.call('HGET', jobsKey, id)
  if id and msg and redis.call('ZSCORE', activeKey, member) then
    leases[#leases + 1] = deadline
    leases[#leases + 1] = member
    out[#out + 1] = id
    out[#out + 1] = tonumber(delivery)
    out[#out + 1] = (get_counts(base, id))
    out[#out + 1] = msg
    max = max - 1
  elseif id and redis.call('ZREM', activeKey, member) == 1 then
    -- Its message went (deleted by another tool): back to the front of
    -- pending, where the pop below records it as malformed.
    redis.call('RPUSH', pendingKey, id)
  end
end
local ids = false
if max > 0 then ids = redis.call('RPOP', pendingKey, max) end
-- Jobs handed to idle workers go with this lease length (wake_one). Only
-- after a pop: a Redis at maxmemory refuses a script whose first write
-- could grow memory, and a claim must drain a full Redis.
if (ids or #leases > 0) and redis.call('HGET', base .. 'stats', 'lease_ms') ~= ARGV[3] then
  redis.call('HSET', base .. 'stats', 'lease_ms', ARGV[3])
end
-- Work left behind is handed to one more idle worker.
if redis.call('LLEN', pendingKey) > 0 then wake_one(base, now) end
if not ids then return finish() end
local msgs = redis.call('HMGET', jobsKey, unpack(ids))
-- Counters exist only for jobs retried, recovered or released: usually none.
local counts = {}
if redis.call('HLEN', countsKey) > 0 then counts = redis.call('HMGET', countsKey, unpack(ids)) end
for j, id in ipairs(ids) do
  if msgs[j] then
    -- (Inline: most jobs have no counters, and this runs for every job.)
    local a, delivery = 0, 1
    if counts[j] then
      local r, l
      a, r, l = parse_counts(counts[j])
      delivery = next_delivery(a, r, l)
    end
    leases[#leases + 1] = deadline
    -- (A first delivery, the common case, needs no number formatting.)
    leases[#leases + 1] = id .. (delivery == 1 and ':1' or (':' .. delivery))
    out[#out + 1] = id
    out[#out + 1] = delivery
    out[#out + 1] = a
    out[#out + 1] = msgs[j]
  else
    -- Recorded in the DLQ by bury_malformed, under an id the caller names.
    redis.call('RPUSH', base .. 'malformed', id)
    out[1] = out[1] + 1
  end
end
return finish()
