-- confirm: the worker that took a job handed to it (wake_one) says it runs
-- it, and gets the job with its own lease.
-- KEYS[1] active ZSET
-- KEYS[2] handed ZSET (lease member -> when handed)
-- KEYS[3] jobs HASH of earlier versions (id -> message; messages now live in
--         its shards <base>jobs:<shard>, see job_shard in lib.lua)
-- KEYS[4] counts HASH
-- KEYS[5] pending LIST
-- ARGV[1] clock, ARGV[2] queue key base, ARGV[3] lease length ms,
-- ARGV[4] job id, ARGV[5] delivery number, ARGV[6] how many more pending
-- jobs the worker has free slots for (absent: 0).
-- Returns {} when this delivery no longer holds the lease (the worker took
-- longer than HAND_CONFIRM_MS and the tick handed the job back, or an
-- operator cancelled it), else {message or false, counts or false, pending
-- length, n, then n more ids, their n messages (false where none), then for
-- each of them that is not a first delivery with no finished attempt: its
-- position (1..n), delivery and attempts}. Without a message nothing
-- changes (the caller hands the job back).
-- More jobs: at a low rate a handed job is often one of a few enqueued
-- together, and each waited for a claim call after this one and a read of
-- its message after that. So the confirmation also leases up to ARGV[6]
-- jobs from the end of pending, as a claim does (lease_popped, the same
-- lease), with their messages (a few: their copy through Lua costs less
-- than a call). It takes none where a claim must judge (flow limits or
-- keyed jobs, a pause, jobs with --expires, a job waiting in ready for
-- another idle worker): the pending length tells the caller to claim.
-- Invariant: a handed job starts only through the delivery that holds its
-- lease, and once confirmed it holds the worker's full lease; an
-- unconfirmed one goes back to pending within HAND_CONFIRM_MS plus a tick.
-- Every job popped from pending ends in active under the worker's lease,
-- as claim.lua leaves it (one with no message too: the caller sets it
-- aside with unlease_malformed.lua, as a claim's caller does).
local activeKey, handedKey, jobsKey, countsKey, pendingKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local base, id = ARGV[2], ARGV[4]
local more = tonumber(ARGV[6]) or 0
local now = server_now()
heal(base, now, {'active', 'handed', 'jobs', 'counts', 'pending'})
local member = lease_of(id, ARGV[5])
if not redis.call('ZSCORE', activeKey, member) then return {} end
local msg = job_message(base, now, id)
local out = {msg or false, redis.call('HGET', countsKey, id) or false, 0, 0}
if not msg then return out end
-- (Pending changes below only by this script's own pop.)
local waiting = redis.call('LLEN', pendingKey)
local ids = false
if more > 0 and waiting > 0 then
  heal(base, now, {'stats', 'expires', 'ready'})
  if redis.call('LLEN', base .. 'ready') == 0 and redis.call('HLEN', base .. 'expires') == 0
    and redis.call('HGET', base .. 'stats', 'paused') ~= '1' and not flow_on(base, now) then
    ids = redis.call('RPOP', pendingKey, more)
  end
end
local deadline = now + tonumber(ARGV[3])
redis.call('ZADD', activeKey, 'XX', deadline, member)
redis.call('ZREM', handedKey, member)
if ids then
  local H, leases, extra = 4, {}, {}
  lease_popped(base, ids, string.format('%d', deadline), out, H, leases, extra)
  redis.call('ZADD', activeKey, unpack(leases))
  local msgs = job_messages(base, now, ids)
  local no = #out
  for j = 1, #ids do out[no + j] = msgs[j] end
  no = no + #ids
  for e = 1, #extra do out[no + e] = extra[e] end
  out[4] = #ids
  waiting = waiting - #ids
end
out[3] = waiting
return out
