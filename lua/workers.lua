-- workers: the ids of live workers, forgetting the ones that stopped reporting.
-- KEYS[1] workers ZSET (worker id, score = last heartbeat ms)
-- ARGV[1] clock, ARGV[2] registration TTL ms
-- Invariant: after it, the set holds only workers whose last heartbeat is
-- within the TTL of the server's now. Returns those ids, oldest first.
local workersKey = KEYS[1]
local now = server_now()
redis.call('ZREMRANGEBYSCORE', workersKey, '-inf', '(' .. (now - tonumber(ARGV[2])))
return redis.call('ZRANGE', workersKey, 0, -1)
