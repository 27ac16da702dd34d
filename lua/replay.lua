-- replay: turn one dead record into a fresh job on its queue.
-- KEYS[1] pending LIST
-- KEYS[2] dead ZSET
-- KEYS[3] jobs HASH of earlier versions (id -> message; messages now live in
--         its shards <base>jobs:<shard>, see job_shard in lib.lua)
-- KEYS[4] ready LIST (a job handed to an idle worker, see wake_one)
-- ARGV[1] clock, ARGV[2] queue key base, ARGV[3] dead record id, ARGV[4] new
-- job id, ARGV[5] new job message (JSON, replay_of = the record), ARGV[6] its
-- redacted form ('' if none)
-- Returns {'queued'}, {'missing'} (no such dead record), {'replaying', <id>}
-- (a replay of it is already queued or running) or {'id_taken'}.
-- Invariant: a record has at most one live replay, so concurrent replays
-- (two operators, or a crash and a rerun of --all) create one job, not two.
-- The record stays, marked with the replay's id, until that job succeeds
-- (ack removes it) or dies (its history is merged back into the record).
local pendingKey, deadKey, jobsKey = KEYS[1], KEYS[2], KEYS[3]
local base, dead_id, new_id = ARGV[2], ARGV[3], ARGV[4]
local now = server_now()
heal(base, now, {'pending', 'dead', 'jobs', 'replays', 'redacted', 'ready', 'counts', 'active', 'stats'})
heal_key(base, now, base .. 'job:' .. dead_id, 'hash')
local okey = base .. 'job:' .. dead_id
if not redis.call('ZSCORE', deadKey, dead_id) then return {'missing'} end
local live = redis.call('HGET', okey, 'replay_job')
if live then return {'replaying', live} end
if job_exists(base, now, new_id) then return {'id_taken'} end
put_messages(base, now, {new_id, ARGV[5]}, 1)
redis.call('HSET', base .. 'replays', new_id, dead_id)
if ARGV[6] ~= '' then redis.call('HSET', base .. 'redacted', new_id, ARGV[6]) end
redis.call('HSET', okey, 'replay_job', new_id, 'replayed_at', now)
redis.call('HINCRBY', okey, 'replays', 1)
-- A job with a fairness key keeps it.
local ok, job = pcall(cjson.decode, ARGV[5])
if ok and type(job) == 'table' and type(job.key) == 'string' and job.key ~= '' then
  heal(base, now, FLOW_KEYS)
  redis.call('HSET', base .. 'keyed', new_id, job.key)
end
push_pending(base, now, {new_id})
return {'queued'}
