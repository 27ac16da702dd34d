-- renew: extend the leases of jobs a live worker is still running.
-- KEYS[1] active ZSET
-- KEYS[2] jobs HASH of earlier versions (id -> message; messages now live in
--         its shards <base>jobs:<shard>, see job_shard in lib.lua)
-- KEYS[3] counts HASH
-- ARGV[1] clock, ARGV[2] lease length ms (deadline = server now + it),
-- ARGV[3] queue key base, then pairs: job id, delivery number.
-- Invariant: a lease is extended only for the delivery that holds it; a
-- delivery whose lease already expired (the job was recovered, maybe handed
-- to another worker) is not revived.
-- Returns, for each delivery whose lease was lost: id, delivery, and what
-- became of the job: 'claimed:<delivery>' (another delivery holds it now),
-- 'waiting' (back on a queue, not yet claimed) or 'finished' (it succeeded
-- or died through another delivery).
local activeKey, jobsKey, countsKey = KEYS[1], KEYS[2], KEYS[3]
local now = server_now()
heal(ARGV[3], now, {'active', 'jobs', 'counts'})
local deadline = now + tonumber(ARGV[2])
local members = {}
for i = 4, #ARGV, 2 do
  members[#members + 1] = lease_of(ARGV[i], ARGV[i + 1])
end
if #members == 0 then return {} end
local scores = redis.call('ZMSCORE', activeKey, unpack(members))
local update, lost = {}, {}
for j = 1, #members do
  if scores[j] then
    update[#update + 1] = deadline
    update[#update + 1] = members[j]
  else
    local id = ARGV[2 + 2 * j]
    local fate = 'finished'
    if job_exists(ARGV[3], now, id) then
      local a, r, l = parse_counts(redis.call('HGET', countsKey, id))
      local current = next_delivery(a, r, l)
      if held_member(activeKey, id, current) then
        fate = 'claimed:' .. current
      else
        fate = 'waiting'
      end
    end
    lost[#lost + 1] = id
    lost[#lost + 1] = ARGV[3 + 2 * j]
    lost[#lost + 1] = fate
  end
end
if #update > 0 then redis.call('ZADD', activeKey, 'XX', unpack(update)) end
return lost
