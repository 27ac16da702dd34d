-- claim: lease up to N pending jobs of one queue to a worker.
-- KEYS[1] pending LIST, KEYS[2] active ZSET (member "<id>:<delivery>", score =
-- lease deadline ms), KEYS[3] dead ZSET, KEYS[4] jobs HASH, KEYS[5] counts HASH
-- ARGV[1] queue key base, ARGV[2] now ms, ARGV[3] lease deadline ms, ARGV[4] max jobs
-- Returns a flat list: count of malformed entries buried, then for each leased
-- job: id, delivery number, finished attempts, message.
-- The delivery number is attempts + recovered + released + 1: every earlier
-- delivery ended in exactly one of those, so a claim writes no per-job field,
-- and the lease member "<id>:<delivery>" is the fence only this delivery holds.
-- Invariant: every id popped from pending ends in exactly one place: the
-- active set under a lease, or, when the entry is not a tq job (no message:
-- written raw by another tool, or deleted), a dead record with reason
-- 'malformed' that keeps the raw entry. Nothing popped is dropped.
-- Every Redis command runs once per batch, none per job.
local base, now = ARGV[1], ARGV[2]
local ids = redis.call('RPOP', KEYS[1], ARGV[4])
if not ids then return {0} end
local msgs = redis.call('HMGET', KEYS[4], unpack(ids))
-- Counters exist only for jobs retried, recovered or released: usually none.
local counts = {}
if redis.call('HLEN', KEYS[5]) > 0 then counts = redis.call('HMGET', KEYS[5], unpack(ids)) end
local out = {0}
local leases = {}
for j, id in ipairs(ids) do
  if msgs[j] then
    local a, r, l = 0, 0, 0
    if counts[j] then
      a, r, l = string.match(counts[j], '^(%d+),(%d+),(%d+)$')
      a, r, l = tonumber(a or 0), tonumber(r or 0), tonumber(l or 0)
    end
    local delivery = a + r + l + 1
    leases[#leases + 1] = ARGV[3]
    -- (A first delivery, the common case, needs no number formatting.)
    leases[#leases + 1] = id .. (delivery == 1 and ':1' or (':' .. delivery))
    out[#out + 1] = id
    out[#out + 1] = delivery
    out[#out + 1] = a
    out[#out + 1] = msgs[j]
  else
    local dead_id = 'malformed-' .. redis.call('INCR', base .. 'malformed_seq')
    redis.call('HSET', base .. 'job:' .. dead_id, 'raw', id, 'state', 'dead',
      'reason', 'malformed', 'failed_at', now, 'attempts', 0, 'recovered', 1, 'task', '',
      'last_error', 'not a tq job: the queue entry has no job message')
    redis.call('ZADD', KEYS[3], now, dead_id)
    out[1] = out[1] + 1
  end
end
if #leases > 0 then redis.call('ZADD', KEYS[2], unpack(leases)) end
return out
