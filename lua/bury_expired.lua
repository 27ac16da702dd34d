-- bury_expired: bury the jobs claims found past their --expires time
-- before they started, with reason 'expired' (replayable like any dead job).
-- KEYS[1] expired LIST (ids, oldest first)
-- KEYS[2] dead ZSET
-- KEYS[3] stats HASH
-- ARGV[1] clock, ARGV[2] queue key base, ARGV[3] dead records' max age ms,
-- ARGV[4] their max count, then the ids the caller read from the list's head
-- (it declared their dead record and history keys, and those of the records
-- replays among them came from).
-- Invariant: an id leaves the expired list only as a dead record. If the
-- head is not what the caller read, nothing changes and -1 says read again.
-- Returns how many were buried.
local listKey, deadKey, statsKey = KEYS[1], KEYS[2], KEYS[3]
local base = ARGV[2]
retention.age_ms, retention.count = tonumber(ARGV[3]) or 0, tonumber(ARGV[4]) or 0
local now = server_now()
heal(base, now, {'expired', 'dead', 'stats', 'jobs', 'counts', 'redacted', 'replays', 'merged', 'errors', 'expires', 'cancel'})
local head = list_is(listKey, 5)
if not head then return -1 end
if #head == 0 then return 0 end
local buried = 0
for _, id in ipairs(head) do
  local msg = job_message(base, now, id)
  if msg then
    local ends = redis.call('HGET', base .. 'expires', id) or '?'
    bury_live(base, deadKey, id, now, 'expired', 'not started before it expired (at ' .. ends .. ' ms)', task_of(msg))
    buried = buried + 1
  end
end
redis.call('LTRIM', listKey, #head, -1)
if buried > 0 then redis.call('HINCRBY', statsKey, 'failed', buried) end
return buried
