-- watch: someone waits for a job to finish (tq enqueue --wait, the API's
-- ?wait=, the dashboard), blocking on the queue's finished stream.
-- KEYS[1] waiting ZSET (id -> when the wait ends, ms)
-- KEYS[2] finished STREAM (entries written by notify_finished in lib.lua)
-- ARGV[1] clock, ARGV[2] queue key base, ARGV[3] job id, ARGV[4] how long
-- the caller waits (ms).
-- Invariant: while a job is in waiting, the script that makes it succeed,
-- die or be cancelled adds an entry naming it to finished (and takes it out
-- of waiting), so a waiter that read the stream's last id here and saw the
-- job unfinished afterwards cannot miss its end. Waits that ended leave
-- waiting here.
-- Returns the id of the stream's last entry ('0-0' if none): the waiter
-- reads what comes after it.
local waitingKey, finishedKey = KEYS[1], KEYS[2]
local base = ARGV[2]
local now = server_now()
heal(base, now, {'waiting', 'finished'})
redis.call('ZREMRANGEBYSCORE', waitingKey, '-inf', now)
local untl = now + tonumber(ARGV[4])
local old = tonumber(redis.call('ZSCORE', waitingKey, ARGV[3]))
if not old or old < untl then redis.call('ZADD', waitingKey, untl, ARGV[3]) end
local last = redis.call('XREVRANGE', finishedKey, '+', '-', 'COUNT', 1)
if last[1] then return last[1][1] end
return '0-0'
