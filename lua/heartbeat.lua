-- heartbeat: a live worker (re)registers itself for `tq inspect`.
-- KEYS[1] workers ZSET (worker id, score = last heartbeat ms)
-- KEYS[2] the worker's HASH (host, pid, queues, concurrency, active, ...)
-- ARGV[1] clock, ARGV[2] worker id, ARGV[3] registration TTL ms, then pairs:
-- field, value.
-- Invariant: a registered worker has its hash (expiring TTL after its last
-- heartbeat, by the server's clock) and its entry in the workers set, scored
-- by that heartbeat; started_at is the server time of its first heartbeat.
local workersKey, workerKey = KEYS[1], KEYS[2]
local now = server_now()
local fields = {}
for i = 4, #ARGV do fields[#fields + 1] = ARGV[i] end
redis.call('HSETNX', workerKey, 'started_at', now)
fields[#fields + 1] = 'heartbeat_at'
fields[#fields + 1] = now
redis.call('HSET', workerKey, unpack(fields))
redis.call('PEXPIRE', workerKey, ARGV[3])
redis.call('ZADD', workersKey, now, ARGV[2])
return now
