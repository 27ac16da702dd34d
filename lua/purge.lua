-- purge: delete dead records.
-- KEYS[1] dead ZSET
-- ARGV[1] clock, ARGV[2] queue key base, then record ids.
-- Invariant: only records in the dead set are deleted (with their attempt
-- history and the pointers of replays merged into them); an id that names a
-- live job is left alone. Returns how many went.
local deadKey = KEYS[1]
local base = ARGV[2]
heal(base, server_now(), {'dead', 'merged'})
local removed = 0
for i = 3, #ARGV do
  local id = ARGV[i]
  if redis.call('ZSCORE', deadKey, id) then
    delete_dead(base, deadKey, id)
    removed = removed + 1
  end
end
return removed
