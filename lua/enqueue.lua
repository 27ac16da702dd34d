-- enqueue: add a batch of new jobs to one queue.
-- KEYS[1] pending LIST
-- KEYS[2] scheduled ZSET (delayed jobs, score = due ms)
-- KEYS[3] jobs HASH of earlier versions (id -> message; messages now live in
--         its shards <base>jobs:<shard>, see job_shard in lib.lua)
-- KEYS[4] redacted HASH (id -> message with its --redact fields replaced by
--         descriptors, used if the job dies)
-- KEYS[5] ready LIST (idle workers block on it: wake_one hands one of them
--         the first job when pending goes from empty to non-empty)
-- KEYS[6] in the form 'f' only: this call's marker STRING <base>sent:<first
--         job's id>, set for ten minutes (SENT_MS) by the call's first run
-- ARGV[1] clock, ARGV[2] the batch's form ('p' = plain: groups of two, job
-- id and message, for jobs due now with no redacted message and no options,
-- the common case: every argument costs Redis a parse and a copy; 'f' =
-- plain, and the caller made every id for this call (Broker::enqueue_new),
-- so none can be stored unless this very call ran before: the marker tells,
-- and only then are the ids looked up; '' = the full form), ARGV[3] queue
-- key base; in the plain and 'f' forms ARGV[4] the number k of runs of
-- jobs of one message shard, in order, and k pairs (shard, jobs in it): the
-- batch in shards as the caller grouped it (given_runs in lib.lua); then
-- one group per job; in the full form, groups of five: job id, when it is
-- due ('0' = now, '+N' = N ms from the server's now, 'N' = at N ms since
-- the epoch), message (JSON), redacted message (''
-- if none), and options ('' for none, the common case, else
-- "<expiry>|<unique ms>|<unique name>": when the job expires unless started
-- ('' = never, else as the due time), kept in <base>expires; for how long
-- (ms) a unique job holds its name, and the name ('' = not unique, else
-- 'key:<K>' or 'auto:<task> <args>', which is digested here).
-- Unique names live in <base>unique (name -> "<id>|<until ms>") and
-- <base>unique_until (names by when they end, so the leader's tick forgets them).
-- Invariant: every new job gets its message in its shard and exactly one
-- place: the pending list or the scheduled set. An id that already exists,
-- or that comes twice in the batch, goes in once and is counted once, so a
-- job is never in two places (in the form 'f': as long as the caller keeps
-- its word and a re-send comes within the marker's ten minutes). A unique
-- job whose name another job holds (until its window ends, by the server's
-- clock) is not created at all.
-- Wakes one idle worker when pending goes from empty to non-empty, handing
-- it the oldest new job already leased (wake_one in lib.lua).
-- Returns {jobs added, then for each unique job not created: its id and the
-- id of the job that holds its name}.
-- Every Redis command runs once per batch (at most 1000 jobs), none per job
-- but for unique jobs.
local base = ARGV[3]
local now = server_now()
if ARGV[2] ~= 'p' and ARGV[2] ~= 'f' then
  heal(base, now, {'pending', 'scheduled', 'jobs', 'redacted', 'ready', 'counts', 'active', 'stats',
    'unique', 'unique_until', 'expires'})
  return enqueue_batch(base, now, ARGV, 4, false)
end
-- The plain form writes the shards (each checked by Redis's own answer,
-- on_key) and pending; the rest is checked where it is first used, once
-- the batch is in pending (old_jobs, push_pending, wake_one): a TYPE check
-- costs a call as much as a job's own work at a paced load's small batches.
heal(base, now, {'pending'})
-- A re-sent call (its reply lost, or a cluster client's retry) finds the
-- marker its first run set, and looks its ids up. SET NX answers nil, and
-- writes nothing, when the key exists, whatever its type.
local SENT_MS = 600000
local new_ids = ARGV[2] == 'f' and redis.call('SET', KEYS[6], '1', 'PX', SENT_MS, 'NX') ~= false
local k = tonumber(ARGV[4]) or 0
local first = 5 + 2 * k
return enqueue_batch(base, now, ARGV, first, true, given_runs(ARGV, first, 5, k), new_ids)
