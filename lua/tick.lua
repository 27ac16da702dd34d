-- tick: one queue's due work, done by one worker per queue (the leader):
-- promote due delayed jobs and retries, recover expired leases, trim dead
-- records past their age, hand back jobs handed to a worker that did not
-- confirm them. Other workers leave it alone while the leader's
-- claim on the queue lives, so N workers cost what one does.
-- KEYS[1] leader STRING (worker id, expires unless the leader ticks again)
-- KEYS[2] scheduled ZSET
-- KEYS[3] retry ZSET
-- KEYS[4] pending LIST
-- KEYS[5] active ZSET
-- KEYS[6] dead ZSET
-- KEYS[7] stats HASH
-- KEYS[8] ready LIST (a job handed to an idle worker, see wake_one)
-- ARGV[1] clock, ARGV[2] queue key base, ARGV[3] worker id, ARGV[4] how long
-- its leadership lasts without another tick (ms; 0 = give it up), ARGV[5]
-- deliveries without an outcome after which a job is poison, ARGV[6] max
-- jobs per step,
-- ARGV[7] dead records' max age ms, ARGV[8] their max count (0 = no limit),
-- ARGV[9] n then n lease members the caller found expired (it declares
-- their jobs' keys; each is checked again here), then m then m ids: the
-- oldest dead records, trimmed if past either limit, then k then k keys:
-- the oldest result bucket parts (trimmed past the results count limit), then the
-- results count limit (0 = none)
-- Returns {0, ms the current leader still holds} when another worker leads
-- (nothing done), else {1, promoted, recovered, buried, entries waiting on
-- the malformed list (the caller records them: bury_malformed)}.
-- Invariant: as promote and recover (lib.lua): a due job or an expired lease
-- moves to pending (or the DLQ) in one step, never into two places. Also
-- prunes idle keys' records (sweep_keys, flow control).
local leaderKey = KEYS[1]
local base, me = ARGV[2], ARGV[3]
retention.age_ms, retention.count = tonumber(ARGV[7]) or 0, tonumber(ARGV[8]) or 0
local now = server_now()
heal_key(base, now, leaderKey, 'string')
local holder = redis.call('GET', leaderKey)
-- A lead always expires; a value without expiry was not written by a worker.
local left = redis.call('PTTL', leaderKey)
if holder and holder ~= me and left > 0 then
  return {0, left}
end
heal(base, now, {'scheduled', 'retry', 'pending', 'active', 'dead', 'stats', 'jobs', 'counts', 'redacted',
  'results', 'result_counts', 'malformed', 'unique', 'unique_until', 'expired', 'expires',
  'replays', 'merged', 'errors', 'ready', 'cancel'})
-- A lead of 0 ms is a leaving worker's last tick: it does the work and
-- hands the lead on at once, so the next worker need not wait it out.
if tonumber(ARGV[4]) == 0 then
  redis.call('DEL', leaderKey)
else
  redis.call('SET', leaderKey, me, 'PX', ARGV[4])
end
local promoted = promote_due(base, now, {KEYS[2], KEYS[3]}, KEYS[4], ARGV[6])
local candidates, after = argv_list(9)
local buckets
retention.candidates, after = argv_list(after)
buckets, after = argv_list(after)
local recovered, buried = recover_expired(base, now, KEYS[5], KEYS[4], KEYS[6], KEYS[7],
  tonumber(ARGV[5]), candidates)
-- Handed jobs' marks that no script took back (the job was cancelled or
-- purged before its worker confirmed it) go once they are a minute old.
redis.call('ZREMRANGEBYSCORE', base .. 'handed', '-inf', now - 60000)
trim_dead(base, KEYS[6], now)
trim_results(base, tonumber(ARGV[after]) or 0, buckets)
-- Unique-job names whose window ended (up to 100 per tick).
sweep_keys(base, now)
local ended = redis.call('ZRANGEBYSCORE', base .. 'unique_until', '-inf', now, 'LIMIT', 0, 100)
if #ended > 0 then
  for _, name in ipairs(ended) do
    local untl = tonumber(string.match(redis.call('HGET', base .. 'unique', name) or '', '|(%d+)$'))
    if untl and untl <= now then redis.call('HDEL', base .. 'unique', name) end
  end
  redis.call('ZREM', base .. 'unique_until', unpack(ended))
end
return {1, promoted, recovered, buried, redis.call('LLEN', base .. 'malformed'), redis.call('LLEN', base .. 'expired')}
