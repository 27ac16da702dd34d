-- enqueue: add a batch of new jobs to one queue.
-- KEYS[1] pending LIST
-- KEYS[2] scheduled ZSET (delayed jobs, score = due ms)
-- KEYS[3] jobs HASH (id -> message)
-- KEYS[4] redacted HASH (id -> message with its --redact fields replaced by
--         descriptors, used if the job dies)
-- KEYS[5] ready LIST (idle workers block on it: wake_one hands one of them
--         the first job when pending goes from empty to non-empty)
-- ARGV[1] clock, ARGV[2] (unused), ARGV[3] queue key base, then groups
-- of four: job id, when it
-- is due ('0' = now, '+N' = N ms from the server's now, 'N' = at N ms since
-- the epoch), message (JSON), redacted message ('' if none).
-- Invariant: every new job gets its message in the jobs hash and exactly one
-- place: the pending list or the scheduled set. An id that already exists,
-- or that comes twice in the batch, goes in once and is counted once, so a
-- job is never in two places.
-- Wakes one idle worker when pending goes from empty to non-empty, handing
-- it the oldest new job already leased (wake_one in lib.lua).
-- Every Redis command runs once per batch (at most 1000 jobs), none per job.
local pendingKey, scheduledKey, jobsKey, redactedKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local now = server_now()
heal(ARGV[3], now, {'pending', 'scheduled', 'jobs', 'redacted', 'ready', 'counts', 'active', 'stats'})
local ids = {}
for i = 4, #ARGV, 4 do ids[#ids + 1] = ARGV[i] end
if #ids == 0 then return 0 end
local existing = redis.call('HMGET', jobsKey, unpack(ids))
local seen = {}
local fields, redacted, now_ids, delayed = {}, {}, {}, {}
for j = 1, #ids do
  local id = ids[j]
  if not existing[j] and not seen[id] then
    seen[id] = true
    local i = 4 + (j - 1) * 4
    fields[#fields + 1] = id
    fields[#fields + 1] = ARGV[i + 2]
    if ARGV[i + 3] ~= '' then
      redacted[#redacted + 1] = id
      redacted[#redacted + 1] = ARGV[i + 3]
    end
    local due = ARGV[i + 1]
    if due == '0' then
      now_ids[#now_ids + 1] = id
    else
      local due_ms
      if string.sub(due, 1, 1) == '+' then
        due_ms = now + tonumber(string.sub(due, 2))
      else
        due_ms = tonumber(due) or 0
      end
      if due_ms > now then
        delayed[#delayed + 1] = due_ms
        delayed[#delayed + 1] = id
      else
        now_ids[#now_ids + 1] = id
      end
    end
  end
end
if #fields == 0 then return 0 end
redis.call('HSET', jobsKey, unpack(fields))
if #redacted > 0 then redis.call('HSET', redactedKey, unpack(redacted)) end
if #now_ids > 0 then
  if redis.call('LPUSH', pendingKey, unpack(now_ids)) == #now_ids then
    wake_one(ARGV[3], now)
  end
end
if #delayed > 0 then
  redis.call('ZADD', scheduledKey, unpack(delayed))
end
return #fields / 2
