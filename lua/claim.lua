-- claim: lease up to N pending jobs of one queue to a worker.
-- KEYS[1] pending LIST, KEYS[2] active ZSET (member "<id>:<delivery>", score =
-- lease deadline ms), KEYS[3] dead ZSET (score = failed_at ms)
-- ARGV[1] queue key base, ARGV[2] now ms, ARGV[3] lease deadline ms, ARGV[4] max jobs
-- Returns a flat list: count of malformed entries buried, then for each leased
-- job: id, delivery number, finished attempts, message.
-- The delivery number is attempts + recovered + released + 1: every earlier
-- delivery ended in exactly one of those, so it needs no write here, and the
-- lease member "<id>:<delivery>" is the fence that only this delivery holds.
-- Invariant: every id popped from pending ends in exactly one place: the
-- active set under a lease, or, when the popped entry is not a tq job (no job
-- hash: written raw by another tool, or its hash was deleted), a dead record
-- with reason 'malformed' that keeps the raw entry. Nothing popped is dropped.
local base, now = ARGV[1], ARGV[2]
local ids = redis.call('RPOP', KEYS[1], ARGV[4])
if not ids then return {0} end
local out = {0}
local leases = {}
for _, id in ipairs(ids) do
  local job = redis.call('HMGET', base .. 'job:' .. id, 'msg', 'attempts', 'recovered', 'released')
  if job[1] then
    local attempts = tonumber(job[2] or '0')
    local delivery = attempts + tonumber(job[3] or '0') + tonumber(job[4] or '0') + 1
    leases[#leases + 1] = ARGV[3]
    leases[#leases + 1] = id .. ':' .. delivery
    out[#out + 1] = id
    out[#out + 1] = delivery
    out[#out + 1] = attempts
    out[#out + 1] = job[1]
  else
    local dead_id = 'malformed-' .. redis.call('INCR', base .. 'malformed_seq')
    redis.call('HSET', base .. 'job:' .. dead_id, 'raw', id, 'state', 'dead',
      'reason', 'malformed', 'failed_at', now, 'attempts', 0, 'recovered', 1, 'task', '',
      'last_error', 'not a tq job: the queue entry has no job record')
    redis.call('ZADD', KEYS[3], now, dead_id)
    out[1] = out[1] + 1
  end
end
if #leases > 0 then redis.call('ZADD', KEYS[2], unpack(leases)) end
return out
