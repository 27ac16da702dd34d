-- pause: stop or restart claims from one queue.
-- KEYS[1] stats HASH (field paused = '1' while the queue is paused)
-- KEYS[2] ready LIST (a job handed to an idle worker, see wake_one)
-- KEYS[3] pending LIST
-- KEYS[4] active ZSET
-- ARGV[1] clock, ARGV[2] queue key base, ARGV[3] '1' to pause, '0' to resume
-- Invariant: while a queue is paused, no job of it is claimed or handed to
-- an idle worker (claim and wake_one check the flag). Pausing takes back the
-- job handed to idle workers that none took yet: its lease goes and it is
-- the front of pending again, as the same delivery (no one ever held it).
-- Running jobs finish. Resuming hands the front of pending to an idle worker.
-- Returns 1 if the state changed, 0 if the queue already was so.
local statsKey, readyKey, pendingKey, activeKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local base = ARGV[2]
local now = server_now()
heal(base, now, {'stats', 'ready', 'pending', 'active', 'jobs', 'counts'})
local paused = redis.call('HGET', statsKey, 'paused') == '1'
if ARGV[3] == '1' then
  if paused then return 0 end
  redis.call('HSET', statsKey, 'paused', '1')
  unhand(base, now)
  return 1
end
if not paused then return 0 end
redis.call('HDEL', statsKey, 'paused')
if has_waiting(base) then wake_one(base, now) end
return 1
