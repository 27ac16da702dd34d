-- ack: record that leased jobs succeeded.
-- KEYS[1] active ZSET, KEYS[2] stats HASH (processed, failed), KEYS[3] results
-- index ZSET (member = bucket key, score = its expiry ms), KEYS[4] the results
-- bucket HASH this batch writes into (id -> result record JSON), KEYS[5] dead ZSET
-- ARGV[1] queue key base, ARGV[2] now ms, ARGV[3] bucket expiry ms, then
-- groups of five: job id, delivery number, attempt number, result record
-- (JSON), and the dead record this job replays ('' if none).
-- Invariant: only the delivery that holds the lease (active member
-- "<id>:<delivery>") may finish a job: a worker whose lease expired and whose
-- job went to another worker changes nothing. A finished job leaves the active
-- set and its hash in one step; what remains is its result record in a bucket
-- that expires whole after the result TTL (and its failure records, if an
-- earlier attempt failed, with the same expiry). A replay that succeeds
-- removes the dead record it replayed (if that record still waits for it).
-- Returns how many were recorded.
-- Per job this is only table work: every Redis command runs once per batch
-- (but for the rare replays and retried jobs).
local base, now, expire_at = ARGV[1], ARGV[2], ARGV[3]
local members = {}
for i = 4, #ARGV, 5 do
  members[#members + 1] = ARGV[i] .. ':' .. ARGV[i + 1]
end
local scores = redis.call('ZMSCORE', KEYS[1], unpack(members))
local held, jobs, records = {}, {}, {}
for j = 1, #members do
  if scores[j] then
    local i = 4 + (j - 1) * 5
    local id = ARGV[i]
    held[#held + 1] = members[j]
    jobs[#jobs + 1] = base .. 'job:' .. id
    records[#records + 1] = id
    records[#records + 1] = ARGV[i + 3]
    if ARGV[i + 2] ~= '1' then
      redis.call('PEXPIREAT', base .. 'failures:' .. id, expire_at)
    end
    local origin = ARGV[i + 4]
    if origin ~= '' and redis.call('HGET', base .. 'job:' .. origin, 'replay_job') == id then
      redis.call('DEL', base .. 'job:' .. origin, base .. 'failures:' .. origin)
      redis.call('ZREM', KEYS[5], origin)
    end
  end
end
if #held == 0 then return 0 end
redis.call('ZREM', KEYS[1], unpack(held))
redis.call('DEL', unpack(jobs))
redis.call('HSET', KEYS[4], unpack(records))
redis.call('PEXPIREAT', KEYS[4], expire_at)
redis.call('ZADD', KEYS[3], expire_at, KEYS[4])
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
redis.call('HINCRBY', KEYS[2], 'processed', #held)
return #held
