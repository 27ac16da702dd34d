-- enqueue: add a batch of new jobs to one queue.
-- KEYS[1] pending LIST, KEYS[2] scheduled ZSET (delayed jobs, score = due ms),
-- KEYS[3] jobs HASH (id -> message), KEYS[4] redacted HASH (id -> message with
-- its --redact fields replaced by descriptors, used if the job dies)
-- ARGV[1] wake channel, then groups of four: job id, due ms (0 = run now),
-- message (JSON), redacted message ('' if none).
-- Invariant: every new job gets its message in the jobs hash and exactly one
-- place: the pending list or the scheduled set. An id that already exists is
-- left untouched and not counted, so a job is never in two places.
-- Publishes 'p' when pending goes from empty to non-empty (idle workers wake)
-- and 's' when a delayed job was added (upkeep re-reads the next due time).
-- Every Redis command runs once per batch (per 1000 jobs), none per job.
local ids = {}
for i = 2, #ARGV, 4 do ids[#ids + 1] = ARGV[i] end
local existing = redis.call('HMGET', KEYS[3], unpack(ids))
local fields, redacted, now_ids, delayed = {}, {}, {}, {}
for j = 1, #ids do
  if not existing[j] then
    local i = 2 + (j - 1) * 4
    local id = ids[j]
    fields[#fields + 1] = id
    fields[#fields + 1] = ARGV[i + 2]
    if ARGV[i + 3] ~= '' then
      redacted[#redacted + 1] = id
      redacted[#redacted + 1] = ARGV[i + 3]
    end
    if tonumber(ARGV[i + 1]) > 0 then
      delayed[#delayed + 1] = ARGV[i + 1]
      delayed[#delayed + 1] = id
    else
      now_ids[#now_ids + 1] = id
    end
  end
end
if #fields == 0 then return 0 end
redis.call('HSET', KEYS[3], unpack(fields))
if #redacted > 0 then redis.call('HSET', KEYS[4], unpack(redacted)) end
if #now_ids > 0 then
  if redis.call('LPUSH', KEYS[1], unpack(now_ids)) == #now_ids then
    redis.call('PUBLISH', ARGV[1], 'p')
  end
end
if #delayed > 0 then
  redis.call('ZADD', KEYS[2], unpack(delayed))
  redis.call('PUBLISH', ARGV[1], 's')
end
return #fields / 2
