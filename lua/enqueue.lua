-- enqueue: add a batch of new jobs to one queue.
-- KEYS[1] pending LIST
-- KEYS[2] scheduled ZSET (delayed jobs, score = due ms)
-- KEYS[3] jobs HASH (id -> message)
-- KEYS[4] redacted HASH (id -> message with its --redact fields replaced by
--         descriptors, used if the job dies)
-- KEYS[5] ready LIST (idle workers block on it: wake_one hands one of them
--         the first job when pending goes from empty to non-empty)
-- ARGV[1] clock, ARGV[2] (unused), ARGV[3] queue key base, then groups
-- of five: job id, when it is due ('0' = now, '+N' = N ms from the server's
-- now, 'N' = at N ms since the epoch), message (JSON), redacted message (''
-- if none), and options ('' for none, the common case, else
-- "<expiry>|<unique ms>|<unique name>": when the job expires unless started
-- ('' = never, else as the due time), kept in <base>expires; for how long
-- (ms) a unique job holds its name, and the name ('' = not unique, else
-- 'key:<K>' or 'auto:<task> <args>', which is digested here).
-- Unique names live in <base>unique (name -> "<id>|<until ms>") and
-- <base>unique_until (names by when they end, so the leader's tick forgets them).
-- Invariant: every new job gets its message in the jobs hash and exactly one
-- place: the pending list or the scheduled set. An id that already exists,
-- or that comes twice in the batch, goes in once and is counted once, so a
-- job is never in two places. A unique job whose name another job holds
-- (until its window ends, by the server's clock) is not created at all.
-- Wakes one idle worker when pending goes from empty to non-empty, handing
-- it the oldest new job already leased (wake_one in lib.lua).
-- Returns {jobs added, then for each unique job not created: its id and the
-- id of the job that holds its name}.
-- Every Redis command runs once per batch (at most 1000 jobs), none per job
-- but for unique jobs.
local pendingKey, scheduledKey, jobsKey, redactedKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local base = ARGV[3]
local now = server_now()
heal(base, now, {'pending', 'scheduled', 'jobs', 'redacted', 'ready', 'counts', 'active', 'stats',
  'unique', 'unique_until', 'expires'})
local ids = {}
for i = 4, #ARGV, 5 do ids[#ids + 1] = ARGV[i] end
if #ids == 0 then return {0} end
local existing = redis.call('HMGET', jobsKey, unpack(ids))
local seen, names = {}, {}
local fields, redacted, now_ids, delayed, held, dups, expiring = {}, {}, {}, {}, {}, {}, {}
for j = 1, #ids do
  local id = ids[j]
  local i = 4 + (j - 1) * 5
  local new = not existing[j] and not seen[id]
  local expires, unique_ms, name = '', '0', ''
  if ARGV[i + 4] ~= '' then
    expires, unique_ms, name = string.match(ARGV[i + 4], '^([^|]*)|(%d*)|(.*)$')
  end
  if new and name ~= '' then
    if string.sub(name, 1, 5) == 'auto:' then name = 'auto:' .. redis.sha1hex(string.sub(name, 6)) end
    local holder = names[name]
    if not holder then
      local entry = redis.call('HGET', base .. 'unique', name)
      local hid, untl = string.match(entry or '', '^(.*)|(%d+)$')
      if hid and tonumber(untl) > now then holder = hid end
    end
    if holder then
      dups[#dups + 1] = id
      dups[#dups + 1] = holder
      new = false
    else
      names[name] = id
      local untl = now + (tonumber(unique_ms) or 0)
      held[#held + 1] = {name, id .. '|' .. untl, untl}
    end
  end
  if new then
    seen[id] = true
    fields[#fields + 1] = id
    fields[#fields + 1] = ARGV[i + 2]
    if ARGV[i + 3] ~= '' then
      redacted[#redacted + 1] = id
      redacted[#redacted + 1] = ARGV[i + 3]
    end
    if expires and expires ~= '' then
      expiring[#expiring + 1] = id
      if string.sub(expires, 1, 1) == '+' then
        expiring[#expiring + 1] = now + tonumber(string.sub(expires, 2))
      else
        expiring[#expiring + 1] = tonumber(expires) or 0
      end
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
local out = {#fields / 2}
for _, d in ipairs(dups) do out[#out + 1] = d end
if #fields == 0 then return out end
redis.call('HSET', jobsKey, unpack(fields))
for _, h in ipairs(held) do
  redis.call('HSET', base .. 'unique', h[1], h[2])
  redis.call('ZADD', base .. 'unique_until', h[3], h[1])
end
if #redacted > 0 then redis.call('HSET', redactedKey, unpack(redacted)) end
if #expiring > 0 then redis.call('HSET', base .. 'expires', unpack(expiring)) end
if #now_ids > 0 then
  if redis.call('LPUSH', pendingKey, unpack(now_ids)) == #now_ids then
    wake_one(base, now)
  end
end
if #delayed > 0 then
  redis.call('ZADD', scheduledKey, unpack(delayed))
end
return out
