-- purge_pending: delete jobs waiting on one queue (its pending list and the
-- job handed to idle workers that none took yet), oldest first.
-- KEYS[1] pending LIST
-- KEYS[2] ready LIST
-- KEYS[3] active ZSET
-- ARGV[1] clock, ARGV[2] queue key base, ARGV[3] the handed lease member the
-- caller read from ready ('' if none), the number of keyed jobs' members it
-- read from kq (flow control, lib.lua) and those members, then the ids it
-- read from the front of pending (LRANGE -n -1, as listed). The caller declared the dead records
-- that pending replays among them point back to.
-- Invariant: only jobs still waiting go (a handed job someone took is left
-- to its worker); each goes whole (message, counters, redacted form), and
-- a dead record whose replay is purged can be replayed again. If pending's
-- front is not what the caller read, nothing changes and -1 says read again.
-- Returns how many jobs were deleted.
local pendingKey, readyKey, activeKey = KEYS[1], KEYS[2], KEYS[3]
local base = ARGV[2]
local now = server_now()
heal(base, now, {'pending', 'ready', 'active', 'jobs', 'counts', 'errors', 'redacted', 'replays', 'cancel', 'expires'})
local keyed, at = argv_list(4)
local ids = list_is(pendingKey, at, true)
if not ids then return -1 end
local gone = {}
if #keyed > 0 then
  heal(base, now, FLOW_KEYS)
  for _, m in ipairs(keyed) do
    if redis.call('ZREM', base .. 'kq', m) == 1 then gone[#gone + 1] = string.match(m, '%z[^%z]*%z(.*)$') end
  end
  if redis.call('ZCARD', base .. 'kq') == 0 then redis.call('DEL', base .. 'kready', base .. 'kwait') end
end
local entry = ARGV[3]
if entry ~= '' and redis.call('LREM', readyKey, 0, entry) > 0 then
  local id, delivery = lease_parts(entry)
  redis.call('ZREM', activeKey, lease_of(id, delivery))
  gone[#gone + 1] = id
end
if #ids > 0 then
  redis.call('LTRIM', pendingKey, 0, -#ids - 1)
  for _, id in ipairs(ids) do gone[#gone + 1] = id end
end
for _, id in ipairs(gone) do
  local origin = redis.call('HGET', base .. 'replays', id)
  if origin and redis.call('HGET', base .. 'job:' .. origin, 'replay_job') == id then
    redis.call('HDEL', base .. 'job:' .. origin, 'replay_job')
  end
  forget_live(base, now, id)
end
return #gone
