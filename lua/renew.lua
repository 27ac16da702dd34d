-- renew: extend the leases of jobs a live worker is still running.
-- KEYS[1] active ZSET
-- ARGV[1] new deadline ms, then pairs: job id, delivery number.
-- Invariant: a lease is extended only for the delivery that holds it; a
-- delivery whose lease already expired (the job was recovered, maybe handed to
-- another worker) is not revived. Returns the ids whose lease was lost.
local members = {}
for i = 2, #ARGV, 2 do
  members[#members + 1] = ARGV[i] .. ':' .. ARGV[i + 1]
end
if #members == 0 then return {} end
local scores = redis.call('ZMSCORE', KEYS[1], unpack(members))
local update, lost = {}, {}
for j = 1, #members do
  if scores[j] then
    update[#update + 1] = ARGV[1]
    update[#update + 1] = members[j]
  else
    lost[#lost + 1] = ARGV[2 * j]
  end
end
if #update > 0 then redis.call('ZADD', KEYS[1], 'XX', unpack(update)) end
return lost
