-- enqueue: add a batch of new jobs to one queue.
-- KEYS[1] pending LIST, KEYS[2] scheduled ZSET (delayed jobs, score = due ms)
-- ARGV[1] queue key base ("<prefix>:{<queue>}:"), ARGV[2] wake channel,
-- then groups of four: job id, due ms (0 = run now), job message (JSON), and
-- the message with its --redact fields replaced by descriptors ('' if none),
-- which replaces the real one if the job dies.
-- Invariant: every new job gets its hash <base>job:<id> and exactly one place:
-- the pending list (no state field means pending) or the scheduled set
-- (state=scheduled). An id that already exists is left untouched and not
-- counted, so a job can never be in two places.
-- Publishes 'p' when pending goes from empty to non-empty (idle workers wake)
-- and 's' when a delayed job was added (maintenance re-reads the next due time).
local base = ARGV[1]
local now_ids = {}
local delayed = {}
local added = 0
for i = 3, #ARGV, 4 do
  local id, due = ARGV[i], tonumber(ARGV[i + 1])
  local key = base .. 'job:' .. id
  if redis.call('HSETNX', key, 'msg', ARGV[i + 2]) == 1 then
    added = added + 1
    if ARGV[i + 3] ~= '' then redis.call('HSET', key, 'dead_msg', ARGV[i + 3]) end
    if due > 0 then
      redis.call('HSET', key, 'state', 'scheduled')
      delayed[#delayed + 1] = due
      delayed[#delayed + 1] = id
    else
      now_ids[#now_ids + 1] = id
    end
  end
end
if #now_ids > 0 then
  local len = 0
  for i = 1, #now_ids, 1000 do
    len = redis.call('LPUSH', KEYS[1], unpack(now_ids, i, math.min(i + 999, #now_ids)))
  end
  if len == #now_ids then redis.call('PUBLISH', ARGV[2], 'p') end
end
if #delayed > 0 then
  for i = 1, #delayed, 1000 do
    redis.call('ZADD', KEYS[2], unpack(delayed, i, math.min(i + 999, #delayed)))
  end
  redis.call('PUBLISH', ARGV[2], 's')
end
return added
