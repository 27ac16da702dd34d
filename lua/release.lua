-- release: a stopping worker hands back jobs it will not finish.
-- KEYS[1] active ZSET
-- KEYS[2] pending LIST
-- KEYS[3] ready LIST (a job handed to an idle worker, see wake_one)
-- ARGV[1] clock, ARGV[2] queue key base, ARGV[3] (unused), then pairs:
-- job id, delivery number.
-- Invariant: a released job goes from active to the front of pending in one
-- step ('released' + 1, which raises its delivery count but does not count
-- toward the poison limit). A delivery that no longer holds the lease changes
-- nothing. A handed job the worker had not confirmed leaves <base>handed
-- too. Under flow control the freed slot wakes a worker (slot_freed);
-- a keyed job goes back to the front of its key's line. Returns how many
-- were handed back.
local activeKey, pendingKey = KEYS[1], KEYS[2]
local base = ARGV[2]
local now = server_now()
heal(base, now, {'active', 'pending', 'counts', 'ready', 'jobs', 'stats', 'handed'})
local back = {}
for i = 4, #ARGV, 2 do
  local id = ARGV[i]
  local member = lease_of(id, ARGV[i + 1])
  if redis.call('ZREM', activeKey, member) == 1 then
    redis.call('ZREM', base .. 'handed', member)
    back[#back + 1] = id
  end
end
hand_back(base, now, back)
return #back
