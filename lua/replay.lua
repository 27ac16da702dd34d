-- replay: turn one dead record into a fresh job on its queue.
-- KEYS[1] pending LIST, KEYS[2] dead ZSET, KEYS[3] jobs HASH
-- ARGV[1] queue key base, ARGV[2] dead record id, ARGV[3] new job id,
-- ARGV[4] new job message (JSON, replay_of = the record), ARGV[5] its redacted
-- form ('' if none), ARGV[6] now ms, ARGV[7] wake channel
-- Returns 'ok', 'missing' (no such dead record), 'replayed:<id>' (a replay of
-- it is already queued or running) or 'exists' (the new id is taken).
-- Invariant: a record has at most one live replay, so concurrent replays
-- (two operators, or a crash and a rerun of --all) create one job, not two.
-- The record stays, marked with the replay's id, until that job succeeds
-- (ack removes it) or dies (its history is merged back into the record).
local base, dead_id, new_id = ARGV[1], ARGV[2], ARGV[3]
local okey = base .. 'job:' .. dead_id
if not redis.call('ZSCORE', KEYS[2], dead_id) then return 'missing' end
local live = redis.call('HGET', okey, 'replay_job')
if live then return 'replayed:' .. live end
if redis.call('HSETNX', KEYS[3], new_id, ARGV[4]) == 0 then return 'exists' end
redis.call('HSET', base .. 'replays', new_id, dead_id)
if ARGV[5] ~= '' then redis.call('HSET', base .. 'redacted', new_id, ARGV[5]) end
redis.call('HSET', okey, 'replay_job', new_id, 'replayed_at', ARGV[6])
redis.call('HINCRBY', okey, 'replays', 1)
if redis.call('LPUSH', KEYS[1], new_id) == 1 then redis.call('PUBLISH', ARGV[7], 'p') end
return 'ok'
