-- purge: delete dead records.
-- KEYS[1] dead ZSET
-- ARGV[1] queue key base, then record ids.
-- Invariant: only records in the dead set are deleted (with their attempt
-- history); an id that names a live job is left alone. Returns how many went.
local base = ARGV[1]
local removed = 0
for i = 2, #ARGV do
  local id = ARGV[i]
  if redis.call('ZREM', KEYS[1], id) == 1 then
    redis.call('DEL', base .. 'job:' .. id, base .. 'failures:' .. id)
    removed = removed + 1
  end
end
return removed
