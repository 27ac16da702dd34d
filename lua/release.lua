-- release: a stopping worker hands back jobs it will not finish
-- (get_counts/set_counts from lib.lua).
-- KEYS[1] active ZSET, KEYS[2] pending LIST
-- ARGV[1] queue key base, ARGV[2] wake channel, then pairs: job id, delivery number.
-- Invariant: a released job goes from active to the front of pending in one
-- step ('released' + 1, which raises its delivery count but does not count
-- toward the poison limit). A delivery that no longer holds the lease changes
-- nothing. Returns how many were handed back.
local base = ARGV[1]
local released = 0
for i = 3, #ARGV, 2 do
  local id = ARGV[i]
  if redis.call('ZREM', KEYS[1], id .. ':' .. ARGV[i + 1]) == 1 then
    local a, r, l = get_counts(base, id)
    set_counts(base, id, a, r, l + 1)
    redis.call('RPUSH', KEYS[2], id)
    released = released + 1
  end
end
if released > 0 then redis.call('PUBLISH', ARGV[2], 'p') end
return released
