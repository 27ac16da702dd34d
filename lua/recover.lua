-- recover: return jobs whose lease expired (their worker died, hung or lost
-- its connection) to the front of their queue, or bury them as poison.
-- KEYS[1] active ZSET
-- KEYS[2] pending LIST
-- KEYS[3] dead ZSET
-- KEYS[4] stats HASH
-- ARGV[1] clock, ARGV[2] queue key base, ARGV[3] deliveries without an
-- outcome after which a job is poison, ARGV[4] max jobs this call,
-- ARGV[5] wake channel, ARGV[6] dead records' max age ms, ARGV[7] their max
-- count (0 = no limit). Each call also trims a few dead records past them,
-- so records age out even when nothing dies.
-- A lease has expired when its deadline is before the server's now.
-- Returns {recovered, buried, ms until the earliest remaining lease deadline
-- or -1 if no lease is held}.
-- Invariant: an expired lease leaves active and its job is either pending
-- again (delivered first; 'recovered' + 1 raises its delivery count) or dead
-- with reason 'poison: delivered N times'. A job whose message is gone is
-- recorded dead as 'malformed' rather than silently dropped.
local activeKey, pendingKey, deadKey, statsKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local base = ARGV[2]
local max_lost = tonumber(ARGV[3])
retention.age_ms, retention.count = tonumber(ARGV[6]) or 0, tonumber(ARGV[7]) or 0
local now = server_now()
heal(base, now, {'active', 'pending', 'dead', 'stats', 'jobs', 'counts', 'redacted', 'replays', 'merged', 'errors'})
local members = redis.call('ZRANGEBYSCORE', activeKey, '-inf', '(' .. now, 'LIMIT', 0, ARGV[4])
local recovered, buried = 0, 0
if #members > 0 then redis.call('ZREM', activeKey, unpack(members)) end
for _, member in ipairs(members) do
  local id, delivery = string.match(member, '^(.*):(%d+)$')
  if not id then id, delivery = member, '?' end
  local msg = redis.call('HGET', base .. 'jobs', id)
  if not msg then
    bury_raw(base, deadKey, id, id, now, 'job message missing when its lease expired')
    buried = buried + 1
  else
    local a, r, l = get_counts(base, id)
    set_counts(base, id, a, r + 1, l)
    if r + 1 >= max_lost then
      local ok, job = pcall(cjson.decode, msg)
      local task = (ok and type(job) == 'table' and type(job.task) == 'string') and job.task or ''
      bury_live(base, deadKey, id, now, 'poison: delivered ' .. delivery .. ' times',
        'lease expired ' .. (r + 1) .. ' times without an outcome', task)
      redis.call('HINCRBY', statsKey, 'failed', 1)
      buried = buried + 1
    else
      if redis.call('RPUSH', pendingKey, id) == 1 then redis.call('PUBLISH', ARGV[5], 'p') end
      recovered = recovered + 1
    end
  end
end
trim_dead(base, deadKey, now)
local head = redis.call('ZRANGE', activeKey, 0, 0, 'WITHSCORES')
local wait = -1
if head[2] then wait = math.max(0, tonumber(head[2]) - now) end
return {recovered, buried, wait}
