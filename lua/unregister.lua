-- unregister: a stopping worker removes its registration.
-- KEYS[1] workers ZSET
-- KEYS[2] the worker's HASH
-- ARGV[1] clock (unused), ARGV[2] worker id
-- Invariant: the worker is in neither afterwards. Returns 1.
redis.call('DEL', KEYS[2])
redis.call('ZREM', KEYS[1], ARGV[2])
return 1
