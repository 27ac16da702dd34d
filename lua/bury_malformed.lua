-- bury_malformed: record the entries claims found on pending that were not
-- tq jobs (no message) as dead records with reason 'malformed'.
-- KEYS[1] malformed LIST (raw entries, oldest first)
-- KEYS[2] dead ZSET
-- KEYS[3] malformed_seq STRING (numbers the records)
-- ARGV[1] clock, ARGV[2] queue key base, ARGV[3] the counter as the caller
-- read it ('' = never set), then the raw entries it read from the list's head.
-- The records are "malformed-<queue>-<n>" for n = counter + 1, + 2, ...: the
-- caller names them from the counter, so it declares their keys.
-- Invariant: an entry leaves the malformed list only as a dead record that
-- keeps it. If the counter or the list's head moved since the caller read
-- them (another worker recorded them first), nothing is written and -1 tells
-- the caller to read again. Returns how many were recorded.
local listKey, deadKey, seqKey = KEYS[1], KEYS[2], KEYS[3]
local base = ARGV[2]
local now = server_now()
heal(base, now, {'malformed', 'dead', 'malformed_seq'})
local seq = redis.call('GET', seqKey) or ''
if seq ~= ARGV[3] then return -1 end
local head = list_is(listKey, 4)
if not head then return -1 end
local n = #head
if n == 0 then return 0 end
local start = tonumber(seq) or 0
for i = 1, n do
  bury_raw(base, deadKey, 'malformed-' .. queue_name(base) .. '-' .. (start + i), head[i], now,
    'not a tq job: the queue entry has no job message')
end
redis.call('LTRIM', listKey, n, -1)
redis.call('SET', seqKey, start + n)
return n
