-- unlease_malformed: set aside leased entries that turned out not to be tq
-- jobs (claim.lua leases what it pops; its caller reads the messages and
-- finds none for these).
-- KEYS[1] active ZSET
-- KEYS[2] jobs HASH of earlier versions (id -> message; messages now live in
--         its shards <base>jobs:<shard>, see job_shard in lib.lua)
-- KEYS[3] malformed LIST (raw entries, oldest first)
-- KEYS[4] pending LIST
-- ARGV[1] clock, ARGV[2] queue key base, then pairs: entry, delivery.
-- Invariant: an entry leaves its lease for exactly one place: the malformed
-- list (no message: bury_malformed makes it a dead record that keeps the
-- entry) or, if its message is there after all, the front of pending as a
-- hand-back. A delivery that no longer holds its lease changes nothing.
-- Under flow control the slots they held wake a worker (slot_freed).
-- Returns how many went to the malformed list.
local activeKey, jobsKey, malformedKey = KEYS[1], KEYS[2], KEYS[3]
local base = ARGV[2]
local now = server_now()
heal(base, now, {'active', 'jobs', 'malformed', 'pending', 'counts', 'stats'})
local raw, back = {}, {}
for i = 3, #ARGV, 2 do
  local id = ARGV[i]
  if redis.call('ZREM', activeKey, lease_of(id, ARGV[i + 1])) == 1 then
    if job_exists(base, now, id) then
      back[#back + 1] = id
    else
      raw[#raw + 1] = id
    end
  end
end
if #raw > 0 then
  redis.call('RPUSH', malformedKey, unpack(raw))
  slot_freed(base, now, raw)
end
-- (hand_back frees their slots too.)
if #back > 0 then hand_back(base, now, back) end
return #raw
