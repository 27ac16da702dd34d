-- cron_remove: delete one periodic job's schedule (`tq cron remove`).
-- KEYS[1] cron HASH, KEYS[2] cron_due ZSET, KEYS[3] cron_last HASH
-- ARGV[1] clock, ARGV[2] queue key base, ARGV[3] name
-- Invariant: a removed schedule leaves nothing behind and never fires
-- again; jobs it created are untouched.
-- Returns 1 if it existed, 0 if not.
local cronKey, dueKey, lastKey = KEYS[1], KEYS[2], KEYS[3]
local base, name = ARGV[2], ARGV[3]
local now = server_now()
heal(base, now, {'cron', 'cron_due', 'cron_last'})
if redis.call('HEXISTS', cronKey, name) == 0 then return 0 end
redis.call('HDEL', cronKey, name)
redis.call('ZREM', dueKey, name)
redis.call('HDEL', lastKey, name)
return 1
