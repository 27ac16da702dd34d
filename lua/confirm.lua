-- confirm: the worker that took a job handed to it (wake_one) says it runs
-- it, and gets the job with its own lease.
-- KEYS[1] active ZSET
-- KEYS[2] handed ZSET (lease member -> when handed)
-- KEYS[3] jobs HASH of earlier versions (id -> message; messages now live in
--         its shards <base>jobs:<shard>, see job_shard in lib.lua)
-- KEYS[4] counts HASH
-- KEYS[5] pending LIST
-- ARGV[1] clock, ARGV[2] queue key base, ARGV[3] lease length ms,
-- ARGV[4] job id, ARGV[5] delivery number.
-- Returns {} when this delivery no longer holds the lease (the worker took
-- longer than HAND_CONFIRM_MS and the tick handed the job back, or an
-- operator cancelled it), else {message or false, counts or false, pending
-- length}. Without a message nothing changes (the caller hands it back).
-- Invariant: a handed job starts only through the delivery that holds its
-- lease, and once confirmed it holds the worker's full lease; an
-- unconfirmed one goes back to pending within HAND_CONFIRM_MS plus a tick.
local activeKey, handedKey, jobsKey, countsKey, pendingKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local base, id = ARGV[2], ARGV[4]
local now = server_now()
heal(base, now, {'active', 'handed', 'jobs', 'counts', 'pending'})
local member = lease_of(id, ARGV[5])
if not redis.call('ZSCORE', activeKey, member) then return {} end
local msg = job_message(base, now, id)
if msg then
  redis.call('ZADD', activeKey, 'XX', now + tonumber(ARGV[3]), member)
  redis.call('ZREM', handedKey, member)
end
return {msg or false, redis.call('HGET', countsKey, id) or false, redis.call('LLEN', pendingKey)}
