-- lib.lua: helpers every script shares; prepended to each script when loaded.
--
-- Keys: after a script's own KEYS (named in its header), every script is
-- passed all of its queue's other keys, and the dead record and history keys
-- of the jobs the caller knows it may touch (broker/transitions.rs,
-- `declare`). The helpers below reach those keys by name (base .. suffix);
-- declaring them lets a Redis Cluster refuse a script whose slot is being
-- migrated before it runs, instead of failing half-way. The shards of the
-- jobs hash and the parts of a results bucket (named from ids, see
-- job_shard and ack.lua) share that slot and are reached by name too: the
-- declared keys always include some that do not exist (quarantine_foreign),
-- and a slot being migrated refuses any script with a missing declared key
-- (TRYAGAIN or ASK), so none of them is read half-moved.
--
-- Clock: ARGV[1] of every script is the clock. '0' (production) means "read
-- the Redis server's TIME"; any other number is a fixed "now" in ms, which
-- only tests pass. Clients send durations, never times of their own clock.
--
-- Per queue (base = "<prefix>:{<queue>}:"), a live job is its message in its
-- shard of the jobs hash (<base>jobs:<shard>, see job_shard); the counters
-- that only rare transitions change live in <base>counts as
-- "attempts,recovered,released" (absent = 0,0,0), its last error in
-- <base>errors, its redacted message in <base>redacted, and the dead record
-- it replays in <base>replays. A replay that died again and was merged back
-- into its record is remembered in <base>merged (replay id -> record id).

-- "now" in ms since the epoch, from the server's clock (or the fixed test clock).
local function server_now()
  local fixed = tonumber(ARGV[1])
  if fixed and fixed > 0 then return fixed end
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- The queue's name, from its key base "<prefix>:{<queue>}:".
local function queue_name(base)
  return string.match(base, '{(.*)}') or base
end

-- What each key of a queue must be (the suffix after the base).
local QUEUE_KEY_TYPES = {
  pending = 'list', jobs = 'hash', counts = 'hash', errors = 'hash', redacted = 'hash',
  replays = 'hash', merged = 'hash', active = 'zset', scheduled = 'zset', retry = 'zset',
  dead = 'zset', stats = 'hash', results = 'zset', result_counts = 'hash', result_buckets = 'zset',
  quarantine = 'hash',
  malformed_seq = 'string', ready = 'list', malformed = 'list', unique = 'hash', unique_until = 'zset',
  expires = 'hash', expired = 'list', cancel = 'hash', cron = 'hash', cron_due = 'zset', cron_last = 'hash',
  limits = 'hash', keyed = 'hash', kq = 'zset', kready = 'zset', kwait = 'zset', kstate = 'hash', starts = 'list',
  waiting = 'zset', finished = 'stream', handed = 'zset', shards = 'zset',
}

-- Messages are sharded by id. A tq id (26 characters) starts with its
-- enqueue time, and its first 9 characters name a 32 ms window: that
-- window's messages live in their own hash, <base>jobs:<shard> (any other
-- id in <base>jobs:~). A claim reads the oldest shards and an enqueue
-- writes the newest, each a few thousand entries at most: Redis's cost per
-- HSET, HMGET and HDEL stays flat as the backlog grows (one hash of a
-- million entries costs about twice as much per job as one of 100,000, and
-- three times a shard's: rehashing and cache misses). <base>shards (ZSET,
-- score 0, member = shard) names every shard that may hold a message; a
-- shard leaves it when its last message goes. <base>jobs, the one hash of
-- earlier versions, is still read and deleted from until its jobs end.
local function job_shard(id)
  if #id == 26 then return string.sub(id, 1, 9) end
  return '~'
end

-- A small hash is a listpack: compact, but searched from end to end on
-- every HSET, HMGET and HDEL, until it passes hash-max-listpack-entries
-- (512 by default) fields. Every job reaches its shard four times (enqueue
-- checks and writes, the claim's caller reads, ack deletes), so a shard of
-- a few hundred jobs would cost each job its length in comparisons, four
-- times over. A shard that passes SHARD_SMALL messages therefore gets one
-- more field, SHARD_MARK, whose value is longer than hash-max-listpack-value
-- (64 by default): Redis makes it a hash table then and there, and it stays
-- one. Smaller shards (queues filled at a few thousand jobs a second or
-- less) stay compact, at a cost per job that their size bounds. The mark is
-- not a job id (ids never hold '~', and a shard is only read by id); a
-- shard left with only the mark is deleted (delete_messages).
local SHARD_SMALL = 128
local SHARD_MARK = '~hashtable'
local SHARD_MARK_VALUE = 'tq: this field keeps the hash a hash table (a value longer than ' ..
  'hash-max-listpack-value), not a listpack: see job_shard in lua/lib.lua'

local function jobs_key(base, id)
  return base .. 'jobs:' .. job_shard(id)
end

-- Every live job's id, from every shard (and the hash of earlier
-- versions); a key another tool overwrote is skipped (healed when used).
local function all_job_ids(base)
  local ids = {}
  local keys = {base .. 'jobs'}
  for _, shard in ipairs(redis.call('ZRANGE', base .. 'shards', 0, -1)) do
    keys[#keys + 1] = base .. 'jobs:' .. shard
  end
  for _, key in ipairs(keys) do
    if redis.call('TYPE', key)['ok'] == 'hash' then
      for _, id in ipairs(redis.call('HKEYS', key)) do
        if id ~= SHARD_MARK then ids[#ids + 1] = id end
      end
    end
  end
  return ids
end

-- A delivery's lease member in active (and in handed): the bare id for the
-- first delivery of an id with no ':' (most jobs: a claim then makes no new
-- string per job, an ack none either), else "<id>:<delivery>". An id with a
-- ':' never stands bare, so lease_parts reads either form back: a member
-- ending in ":<digits>" is "<id>:<delivery>", any other a bare id
-- (delivery 1). Earlier versions wrote "<id>:1" for every first delivery;
-- lease_parts reads those too, and exact lookups of a first delivery that
-- may be another worker's also try that form (held_member).
local function lease_of(id, delivery)
  if tonumber(delivery) == 1 and not string.find(id, ':', 1, true) then return id end
  return id .. ':' .. delivery
end

local function lease_parts(member)
  local id, delivery = string.match(member, '^(.*):(%d+)$')
  if id then return id, tonumber(delivery) end
  return member, 1
end

-- The lease members of first deliveries of `ids`: `ids` itself unless an
-- id holds a ':' (almost never), so the common batch makes no new string
-- per job. The ids are looked through in joined chunks of LEASE_CHUNK:
-- a chunk of tq ids fits table.concat's 8 KB buffer, so Lua hashes each
-- byte once (a whole batch joined at once is hashed again at every
-- buffer's worth, which cost a claim of 330 jobs about twice as much).
local LEASE_CHUNK = 256
local function first_leases(ids)
  local n = #ids
  for from = 1, n, LEASE_CHUNK do
    if string.find(table.concat(ids, '', from, math.min(n, from + LEASE_CHUNK - 1)), ':', 1, true) then
      local members = {}
      for j, id in ipairs(ids) do members[j] = lease_of(id, 1) end
      return members
    end
  end
  return ids
end

-- The entry a handed job has in ready: "<id>:<delivery>" in every form, so
-- that it never reads as the bare wake-up token ('1') the list also holds.
local function hand_off_of(member)
  local id, delivery = lease_parts(member)
  return id .. ':' .. delivery
end

-- The job id and delivery a ready entry hands, nil for a wake-up token.
local function hand_off_parts(entry)
  local id, delivery = string.match(entry, '^(.*):(%d+)$')
  return id, tonumber(delivery)
end

-- Puts back on pending every live job that no index holds (its index key
-- was overwritten by another tool and moved aside): nothing stays in no state.
local function requeue_orphans(base)
  local known = {}
  for _, id in ipairs(redis.call('LRANGE', base .. 'pending', 0, -1)) do known[id] = true end
  for _, member in ipairs(redis.call('ZRANGE', base .. 'active', 0, -1)) do
    known[(lease_parts(member))] = true
  end
  for _, k in ipairs({'scheduled', 'retry'}) do
    for _, id in ipairs(redis.call('ZRANGE', base .. k, 0, -1)) do known[id] = true end
  end
  for _, member in ipairs(redis.call('ZRANGE', base .. 'kq', 0, -1)) do
    local id = string.match(member, '%z[^%z]*%z(.*)$')
    if id then known[id] = true end
  end
  local orphans = {}
  for _, id in ipairs(all_job_ids(base)) do
    if not known[id] then orphans[#orphans + 1] = id end
  end
  for i = 1, #orphans, 1000 do
    redis.call('RPUSH', base .. 'pending', unpack(orphans, i, math.min(i + 999, #orphans)))
  end
  return #orphans
end

-- Moves <key> aside if it holds another type than `want`: its value is
-- kept, serialized (DUMP, so RESTORE brings it back), in the <base>quarantine
-- hash under the key's name (or "<key>@<now>" if that name is taken), the
-- key deleted, and Redis logs it. Only declared keys are touched, so a
-- cluster slot being migrated refuses the script before it writes.
-- A quarantine hash of the wrong type itself is moved to <base>quarantine_foreign.
-- Returns true if it moved the key. A key checked once in a script call is
-- not checked again: within the call only the script writes, and it writes
-- each key with its own type (known_types: key -> its type when checked).
local known_types = {}
local function heal_key(base, now, key, want)
  if known_types[key] then return false end
  local t = redis.call('TYPE', key)['ok']
  known_types[key] = t
  if t == 'none' or t == want then return false end
  known_types[key] = 'none'
  local book = base .. 'quarantine'
  if key ~= book then
    local bt = redis.call('TYPE', book)['ok']
    if bt ~= 'none' and bt ~= 'hash' then
      redis.call('RENAME', book, base .. 'quarantine_foreign')
    end
  end
  local field = key
  if key == book then
    redis.call('RENAME', book, base .. 'quarantine_foreign')
  else
    if redis.call('HEXISTS', book, field) == 1 then field = key .. '@' .. now end
    redis.call('HSET', book, field, redis.call('DUMP', key))
    redis.call('DEL', key)
  end
  redis.log(redis.LOG_WARNING, 'tq: ' .. key .. ' held a ' .. t .. ', not a ' .. want ..
    ' (written by another tool?); moved it aside (' .. book .. ' ' .. field .. ')')
  return true
end

-- Checks, before a script's first write, that the queue keys it touches
-- (suffixes of base) have tq's types, moving any that does not aside
-- (heal_key) so the queue keeps working. If one of them indexed jobs, the
-- jobs it held are put back on pending. Returns how many keys moved.
local function heal(base, now, suffixes)
  local moved, index_moved = 0, false
  for _, suffix in ipairs(suffixes) do
    if heal_key(base, now, base .. suffix, QUEUE_KEY_TYPES[suffix]) then
      moved = moved + 1
      if suffix == 'pending' or suffix == 'active' or suffix == 'scheduled' or suffix == 'retry' then
        index_moved = true
      end
    end
  end
  if index_moved then
    -- The reconciliation reads every index, so they must all be sound first.
    heal(base, now, {'pending', 'active', 'scheduled', 'retry', 'jobs'})
    requeue_orphans(base)
  end
  return moved
end

-- Runs `cmd` on `key` (a shard, a results part or the shards index),
-- which must hold a `want`. Checked by Redis's own answer rather than a
-- TYPE call first (these run for every batch): a key another tool
-- overwrote with another type refuses the command and changes nothing, is
-- moved aside (heal_key), and the command runs again.
local function on_key(base, now, want, cmd, key, ...)
  local reply = redis.pcall(cmd, key, ...)
  if type(reply) == 'table' and reply.err and string.sub(reply.err, 1, 9) == 'WRONGTYPE' then
    known_types[key] = nil
    heal_key(base, now, key, want)
    return redis.call(cmd, key, ...)
  elseif type(reply) == 'table' and reply.err then
    -- Any other error: raised as redis.call raises it.
    return redis.call(cmd, key, ...)
  end
  return reply
end

-- True if the jobs hash of earlier versions exists (its type as heal read
-- it, checked here if no heal did: within a script call it can only be
-- emptied). `now` is needed only to move a key of the wrong type aside.
local function old_jobs(base, now)
  local key = base .. 'jobs'
  heal_key(base, now, key, 'hash')
  return known_types[key] == 'hash'
end

-- Job <id>'s message (nil if none).
local function job_message(base, now, id)
  return on_key(base, now, 'hash', 'HGET', jobs_key(base, id), id) or
    (old_jobs(base, now) and redis.call('HGET', base .. 'jobs', id))
end

-- True if job <id> has a message.
local function job_exists(base, now, id)
  return on_key(base, now, 'hash', 'HEXISTS', jobs_key(base, id), id) == 1 or
    (old_jobs(base, now) and redis.call('HEXISTS', base .. 'jobs', id) == 1)
end

-- `ids` grouped by shard: the shards in first-seen order, and shard -> ids.
local function by_shard(ids)
  local shards, groups = {}, {}
  for _, id in ipairs(ids) do
    local shard = job_shard(id)
    local group = groups[shard]
    if not group then
      group = {}
      groups[shard] = group
      shards[#shards + 1] = shard
    end
    group[#group + 1] = id
  end
  return shards, groups
end

-- The runs of (id, value) pairs flat[from], flat[from + 1], ... whose ids
-- give one key_of(id): {key, position of the run's first id, position of its
-- last value} each, in order. A batch's ids (made together, finished in
-- about the order they started) fall in one or two runs, each written with
-- one command straight from `flat`.
local function pair_runs(flat, from, key_of)
  local runs, n, i = {}, #flat, from
  while i <= n do
    local key = key_of(flat[i])
    local j = i + 2
    while j <= n and key_of(flat[j]) == key do j = j + 2 end
    runs[#runs + 1] = {key, i, j - 1}
    i = j
  end
  return runs
end

-- The runs the caller names for the (id, value) pairs flat[from],
-- flat[from + 1], ... (to the end of flat): flat[at], flat[at + 1], ... hold
-- `k` (shard, count) pairs, in the pairs' order; each becomes {shard,
-- position of its first id, position of its last value}, as pair_runs
-- gives them. The caller (broker/transitions.rs) groups its batch by
-- job_shard, so a job costs no Lua call here (a call per job is most of
-- what a script spends beyond its commands); each run's first and last ids
-- are checked, and counts that do not cover the pairs exactly, or an end
-- of another shard, give nil: the caller then works the runs out itself.
local function given_runs(flat, from, at, k)
  local runs, i, n = {}, from, #flat
  for r = 1, k do
    local shard, count = flat[at + 2 * r - 2], tonumber(flat[at + 2 * r - 1])
    if not count or count < 1 then return nil end
    local last = i + 2 * count - 2
    if last >= n or job_shard(flat[i]) ~= shard or job_shard(flat[last]) ~= shard then return nil end
    runs[r] = {shard, i, last + 1}
    i = last + 2
  end
  if i ~= n + 1 then return nil end
  return runs
end

-- The messages of `ids` (false where none), in their order.
local function job_messages(base, now, ids)
  local shards, groups = by_shard(ids)
  local found = {}
  local missing = false
  for _, shard in ipairs(shards) do
    local group = groups[shard]
    local msgs = on_key(base, now, 'hash', 'HMGET', base .. 'jobs:' .. shard, unpack(group))
    for j, id in ipairs(group) do
      found[id] = msgs[j]
      if not msgs[j] then missing = true end
    end
  end
  local out = {}
  for j, id in ipairs(ids) do out[j] = found[id] end
  if missing and old_jobs(base, now) then
    local old = redis.call('HMGET', base .. 'jobs', unpack(ids))
    for j = 1, #ids do out[j] = out[j] or old[j] end
  end
  return out
end

-- Stores messages: flat[from], flat[from + 1], ... are (id, message) pairs
-- (a script's ARGV as it stands, or a table), in `runs` (pair_runs by
-- job_shard, if the caller has them). Returns how many fields were new.
local function put_messages(base, now, flat, from, runs)
  local added = 0
  for _, run in ipairs(runs or pair_runs(flat, from, job_shard)) do
    local key = base .. 'jobs:' .. run[1]
    -- A run that alone passes SHARD_SMALL marks the shard before it is
    -- written, so that its own writes are not searched through.
    local marked = (run[3] - run[2] + 1) / 2 > SHARD_SMALL
    if marked then on_key(base, now, 'hash', 'HSETNX', key, SHARD_MARK, SHARD_MARK_VALUE) end
    added = added + on_key(base, now, 'hash', 'HSET', key, unpack(flat, run[2], run[3]))
    if not marked and redis.call('HLEN', key) > SHARD_SMALL then
      redis.call('HSETNX', key, SHARD_MARK, SHARD_MARK_VALUE)
    end
    on_key(base, now, 'zset', 'ZADD', base .. 'shards', 0, run[1])
  end
  return added
end

-- Deletes the messages of `ids`; a shard left with no message (but its
-- SHARD_MARK) is deleted and leaves <base>shards.
-- `runs` (optional): {shard, first, last} positions in `ids` of the runs of
-- one shard, when the caller knows them (given_runs).
local function delete_messages(base, now, ids, runs)
  if #ids == 0 then return end
  if not runs then
    runs = {}
    local shards, groups = by_shard(ids)
    for _, shard in ipairs(shards) do runs[#runs + 1] = {shard, 1, #groups[shard], groups[shard]} end
  end
  for _, run in ipairs(runs) do
    local key = base .. 'jobs:' .. run[1]
    on_key(base, now, 'hash', 'HDEL', key, unpack(run[4] or ids, run[2], run[3]))
    local left = redis.call('HLEN', key)
    if left == 0 or (left == 1 and redis.call('HEXISTS', key, SHARD_MARK) == 1) then
      redis.call('DEL', key)
      on_key(base, now, 'zset', 'ZREM', base .. 'shards', run[1])
    end
  end
  if old_jobs(base, now) then redis.call('HDEL', base .. 'jobs', unpack(ids)) end
end

-- Flow control (tq queue limit, tq enqueue --key, a handler's pause). Per queue:
--   <base>limits HASH: concurrency, rate ("N/MS"), key_concurrency, key_rate
--     ("N/MS"), paused_until (ms: a handler's pause_queue_ms).
--   <base>keyed HASH: id -> fairness key, for every live job that has one.
--   <base>kq ZSET (all scores 0): keyed jobs waiting to run, as members
--     "<key>\0<0|1><seq>\0<id>", so one key's jobs sort together, oldest
--     first (0: handed back or recovered, ahead of the rest).
--   <base>kready ZSET key -> turn: keys with waiting jobs that may run, the
--     lowest turn first; a served key gets the next turn (round-robin).
--   <base>kwait ZSET key -> ms: keys with waiting jobs held back by a key
--     limit or pause until then (or until one of their running jobs ends).
--   <base>kstate HASH: 'r:<key>' how many of its jobs hold leases (with a
--     key concurrency limit: a claim adds, slot_freed subtracts, the tick
--     recounts from active), 's:<key>' its recent starts (with a key rate:
--     "<bucket ms>:<n>,..." in buckets a tenth of the window wide, see
--     key_window), 'p:<key>' paused until (ms); 'seq', 'turn', 'sweep';
--     'started': the sum of <base>starts.
--   <base>starts LIST of "<ms>:<n>", oldest first: one entry per claim
--     under a rate limit, n jobs started at ms (see queue_window).
-- A queue with none of these (no limits, no keyed job) costs one EXISTS.
local FLOW_KEYS = {'limits', 'keyed', 'kq', 'kready', 'kwait', 'kstate', 'starts'}

-- True if queue <base> has limits or keyed jobs; its flow keys are then
-- checked (heal) before use.
local flow_healed = {}
local function flow_on(base, now)
  if redis.call('EXISTS', base .. 'limits', base .. 'keyed') == 0 then return false end
  -- Checked once per script call: the keys' types do not change within it.
  if flow_healed[base] then return true end
  heal(base, now, FLOW_KEYS)
  flow_healed[base] = true
  return redis.call('EXISTS', base .. 'limits', base .. 'keyed') > 0
end

-- True if jobs wait that a claim could take now (pending, or a key in turn).
local function has_waiting(base)
  return redis.call('LLEN', base .. 'pending') > 0 or redis.call('ZCARD', base .. 'kready') > 0
end

-- "N/MS" -> N, MS (nil if unset).
local function parse_rate(text)
  if not text then return nil end
  local n, ms = string.match(text, '^(%d+)/(%d+)$')
  if not n then return nil end
  return tonumber(n), tonumber(ms)
end

-- The next turn in the round-robin of keys.
local function next_turn(base)
  return redis.call('HINCRBY', base .. 'kstate', 'turn', 1)
end

-- The queue's starts within its rate window of `window` ms: entries of
-- <base>starts that left the window go (their sum leaves kstate
-- 'started'), so the count is exact at O(1) per claim, not per job.
-- Returns the count and ms until the oldest entry leaves (0: none).
local function queue_window(base, now, window)
  local list, st = base .. 'starts', base .. 'kstate'
  local total = tonumber(redis.call('HGET', st, 'started')) or 0
  local dropped = 0
  local head = redis.call('LINDEX', list, 0)
  while head do
    local t, n = string.match(head, '^(%d+):(%d+)$')
    if t and tonumber(t) > now - window then break end
    redis.call('LPOP', list)
    dropped = dropped + (tonumber(n) or 0)
    head = redis.call('LINDEX', list, 0)
  end
  -- An empty log holds nothing, whatever the sum said.
  local left = head and math.max(0, total - dropped) or 0
  if left ~= total then redis.call('HSET', st, 'started', left) end
  if not head then return left, 0 end
  return left, tonumber(string.match(head, '^(%d+)')) + window - now
end

-- Records that `n` jobs of the queue started now (under a rate limit).
local function queue_started(base, now, n)
  redis.call('RPUSH', base .. 'starts', now .. ':' .. n)
  redis.call('HINCRBY', base .. 'kstate', 'started', n)
end

-- A key's starts within a rate window of `window` ms, from its 's:<key>'
-- record: every start of each bucket that overlaps (now - window, now], so
-- the count is never below the true one: a key never starts more than its
-- rate allows (it may wait up to a tenth of the window longer), at O(1) per
-- start whatever the rate. Returns the count, ms until the oldest counted
-- bucket leaves the window, the record without buckets that left, and the
-- bucket width.
local function key_window(text, now, window)
  local width = math.max(1, math.floor(window / 10))
  local kept, count, oldest = {}, 0, nil
  for b, n in string.gmatch(text or '', '(%d+):(%d+)') do
    b = tonumber(b)
    if b + width > now - window then
      kept[#kept + 1] = b .. ':' .. n
      count = count + tonumber(n)
      if not oldest or b < oldest then oldest = b end
    end
  end
  return count, oldest and (oldest + width + window - now) or 0, table.concat(kept, ','), width
end

-- Adds `n` starts at `now` to a key's 's:<key>' record (pruned as key_window does).
local function key_started(text, now, window, n)
  local _, _, kept, width = key_window(text, now, window)
  local bucket = now - now % width
  local last_b, last_n = string.match(kept, '(%d+):(%d+)$')
  if last_b and tonumber(last_b) == bucket then
    return string.sub(kept, 1, #kept - #last_n) .. (tonumber(last_n) + n)
  end
  return (kept == '' and '' or (kept .. ',')) .. bucket .. ':' .. n
end

-- Puts key <key> (which has waiting jobs) in line, unless it is already in
-- line or held back.
local function key_in_line(base, key)
  if redis.call('ZSCORE', base .. 'kready', key) or redis.call('ZSCORE', base .. 'kwait', key) then return end
  redis.call('ZADD', base .. 'kready', next_turn(base), key)
end

-- Splits "attempts,recovered,released" (nil = never retried, recovered or released).
local function parse_counts(text)
  if not text then return 0, 0, 0, 0 end
  local a, r, l, s = string.match(text, '^(%d+),(%d+),(%d+),?(%d*)$')
  return tonumber(a or 0), tonumber(r or 0), tonumber(l or 0), tonumber(s) or 0
end

-- The counters of job <id>: attempts, recovered, released (hand-backs,
-- snoozes included), snoozed.
local function get_counts(base, id)
  return parse_counts(redis.call('HGET', base .. 'counts', id))
end

-- Writes them back; the snooze count only once there is one (most jobs never snooze).
local function set_counts(base, id, a, r, l, s)
  local text = a .. ',' .. r .. ',' .. l
  if s and s > 0 then text = text .. ',' .. s end
  redis.call('HSET', base .. 'counts', id, text)
end

-- The delivery number the next (or current) lease of a job carries: every
-- earlier delivery ended as an attempt, a recovery or a hand-back.
local function next_delivery(a, r, l)
  return a + r + l + 1
end

-- Leases `ids`, just popped from pending, until `deadline` (a string):
-- appends each id to `out` and a (deadline, member) pair to `leases` (the
-- caller ZADDs them to active), and, for a job that is not a first
-- delivery with no finished attempt, its position among the ids in `out`
-- (after `h` header entries), its delivery and its attempts to `extra`.
-- Counters exist only for jobs retried, recovered or released: usually
-- none, and then no Lua call runs per job.
local function lease_popped(base, ids, deadline, out, h, leases, extra)
  local counts, counts_key = {}, base .. 'counts'
  if redis.call('HLEN', counts_key) > 0 then counts = redis.call('HMGET', counts_key, unpack(ids)) end
  -- (Sizes kept in counters: `#t` costs a search per insert.)
  local nl, no = #leases, #out
  local first_members = first_leases(ids)
  for j, id in ipairs(ids) do
    leases[nl + 1] = deadline
    nl = nl + 2
    no = no + 1
    out[no] = id
    if counts[j] then
      local a, r, l = parse_counts(counts[j])
      local delivery = next_delivery(a, r, l)
      leases[nl] = lease_of(id, delivery)
      if delivery ~= 1 or a ~= 0 then
        local ne = #extra
        extra[ne + 1] = no - h
        extra[ne + 2] = delivery
        extra[ne + 3] = a
      end
    else
      -- (A first delivery, the common case: its bare id, no new string.)
      leases[nl] = first_members[j]
    end
  end
end

-- The member of `active` delivery `delivery` of job `id` holds, in this
-- version's form or, for a first delivery, an earlier version's ("<id>:1",
-- a worker not yet upgraded); nil if neither is there.
local function held_member(active_key, id, delivery)
  local member = lease_of(id, delivery)
  if redis.call('ZSCORE', active_key, member) then return member end
  if member == id and redis.call('ZSCORE', active_key, id .. ':1') then return id .. ':1' end
  return nil
end

-- How long a job handed to an idle worker is leased until the worker that
-- took it confirms (confirm.lua, which gives it the worker's own lease):
-- a worker that froze between taking it and confirming (a stop, a pause,
-- a GC) holds it this long, not a whole lease; then the tick hands it back
-- (recover_expired) and it goes to another idle worker.
local HAND_CONFIRM_MS = 1000

-- Wakes one idle worker of the queue by handing it the next pending job:
-- the job at the front of pending is leased (member lease_of(id, n) in
-- active, for HAND_CONFIRM_MS, and in <base>handed until confirmed) and
-- "<id>:<n>" pushed on the queue's ready LIST, which exactly one worker blocked
-- on it (BLPOP) takes and runs after one confirm call, no claim. The ready
-- list holds at most one entry; a job in it counts as pending for every
-- reader, a claim takes it first (lease renewed), and recovery renews its
-- lease while it waits there, so a job waiting in ready is neither lost nor
-- delivered twice. A front entry with no message is not handed: a bare
-- token ('1') tells a worker to claim, and the claim buries it.
-- Callers have checked the type of pending, and every job the call moved
-- is in its place: the keys checked here (those most callers checked
-- already) move aside without leaving a job in no state.
local function wake_one(base, now)
  local ready_key, pending_key = base .. 'ready', base .. 'pending'
  heal(base, now, {'ready'})
  if redis.call('LLEN', ready_key) > 0 then return end
  heal(base, now, {'stats', 'active', 'counts'})
  if redis.call('HGET', base .. 'stats', 'paused') == '1' then return end
  -- Under flow control only a claim may start a job (it checks the limits
  -- and the keys' turns): the idle worker gets a bare token.
  if flow_on(base, now) then
    if has_waiting(base) then redis.call('LPUSH', ready_key, '1') end
    return
  end
  heal_key(base, now, base .. 'expires', 'hash')
  local id = redis.call('RPOP', pending_key)
  if not id then return end
  local ends = tonumber(redis.call('HGET', base .. 'expires', id))
  if not job_exists(base, now, id) or (ends and ends <= now) then
    -- Not a runnable job (no message, or expired): a claim deals with it.
    redis.call('RPUSH', pending_key, id)
    redis.call('LPUSH', ready_key, '1')
    return
  end
  local delivery = next_delivery(get_counts(base, id))
  local member = lease_of(id, delivery)
  heal_key(base, now, base .. 'handed', 'zset')
  redis.call('ZADD', base .. 'active', now + HAND_CONFIRM_MS, member)
  redis.call('ZADD', base .. 'handed', now, member)
  redis.call('LPUSH', ready_key, id .. ':' .. delivery)
end

-- Keeps the per-key records (kstate) true and small, from the queue's
-- tick: under a key concurrency limit every key's running count is
-- recounted from the leases in active (O(running jobs)), and a held-back
-- key that may run again gets back in line; then a hundred fields per call
-- go if they say nothing any more (pauses that ended, starts past the key
-- rate's window, counts of keys with nothing running). So a key with
-- nothing waiting or running costs nothing for long. The scan's cursor is
-- kept in kstate 'sweep'.
local function sweep_keys(base, now)
  local st = base .. 'kstate'
  if redis.call('EXISTS', st) == 0 or not flow_on(base, now) then return end
  local limits = {}
  local flat = redis.call('HGETALL', base .. 'limits')
  for i = 1, #flat, 2 do limits[flat[i]] = flat[i + 1] end
  local kc = tonumber(limits.key_concurrency)
  local _, window = parse_rate(limits.key_rate)
  local running = {}
  if kc then
    local members = redis.call('ZRANGE', base .. 'active', 0, -1)
    for i = 1, #members, 1000 do
      local ids = {}
      for j = i, math.min(i + 999, #members) do
        ids[#ids + 1] = lease_parts(members[j])
      end
      for _, key in ipairs(redis.call('HMGET', base .. 'keyed', unpack(ids))) do
        if key then running[key] = (running[key] or 0) + 1 end
      end
    end
    -- Held back by a count that was wrong: back in line (a key held by
    -- its rate or a pause stays where it is).
    local wrongly_held = {}
    for _, key in ipairs(redis.call('ZRANGE', base .. 'kwait', 0, -1)) do
      local counted = tonumber(redis.call('HGET', st, 'r:' .. key)) or 0
      if counted >= kc and (running[key] or 0) < kc then wrongly_held[#wrongly_held + 1] = key end
    end
    for key, n in pairs(running) do redis.call('HSET', st, 'r:' .. key, n) end
    for _, key in ipairs(wrongly_held) do
      if (running[key] or 0) == 0 then redis.call('HDEL', st, 'r:' .. key) end
      redis.call('ZREM', base .. 'kwait', key)
      redis.call('ZADD', base .. 'kready', next_turn(base), key)
    end
    if #wrongly_held > 0 then wake_one(base, now) end
  end
  local page = redis.call('HSCAN', st, redis.call('HGET', st, 'sweep') or '0', 'COUNT', 100)
  local gone = {}
  for i = 1, #page[2], 2 do
    local field, value = page[2][i], page[2][i + 1]
    local kind, key = string.sub(field, 1, 2), string.sub(field, 3)
    if kind == 'p:' and (tonumber(value) or 0) <= now then
      gone[#gone + 1] = field
    elseif kind == 's:' then
      local _, _, kept = key_window(value, now, window or 0)
      if not window or kept == '' then gone[#gone + 1] = field end
    elseif kind == 'r:' and not running[key] then
      gone[#gone + 1] = field
    end
  end
  if #gone > 0 then redis.call('HDEL', st, unpack(gone)) end
  if redis.call('EXISTS', st) == 1 then redis.call('HSET', st, 'sweep', page[1]) end
end

-- Takes waiting keyed job <id> out of its key's line in kq (tq cancel);
-- its key leaves the round-robin once its line is empty. O(jobs of its key).
-- Returns true if it was there.
local function kq_remove(base, now, id)
  if redis.call('EXISTS', base .. 'keyed') == 0 then return false end
  heal(base, now, FLOW_KEYS)
  local key = redis.call('HGET', base .. 'keyed', id)
  if not key then return false end
  local from, to, tail = '[' .. key .. '\0', '[' .. key .. '\0\255', '\0' .. id
  for offset = 0, redis.call('ZCARD', base .. 'kq'), 1000 do
    local chunk = redis.call('ZRANGEBYLEX', base .. 'kq', from, to, 'LIMIT', offset, 1000)
    if #chunk == 0 then return false end
    for _, member in ipairs(chunk) do
      if string.sub(member, -#tail) == tail then
        redis.call('ZREM', base .. 'kq', member)
        if redis.call('ZLEXCOUNT', base .. 'kq', from, to) == 0 then
          redis.call('ZREM', base .. 'kready', key)
          redis.call('ZREM', base .. 'kwait', key)
        end
        return true
      end
    end
  end
  return false
end

-- Puts jobs that wait to run (ids, a Lua list) on pending: at the back (new
-- and due jobs) or, with `front`, next in line (handed back or recovered).
-- A job with a fairness key goes to its key's line in kq instead, and its
-- key joins the round-robin. Wakes an idle worker when pending was empty,
-- or when keyed jobs joined (wake_one does nothing if one is awake already).
local function push_pending(base, now, ids, front)
  if #ids == 0 then return end
  local plain = ids
  local keyed = redis.call('EXISTS', base .. 'keyed') == 1
  if keyed then
    heal(base, now, FLOW_KEYS)
    keyed = redis.call('HLEN', base .. 'keyed') > 0
  end
  if keyed then
    local keys = redis.call('HMGET', base .. 'keyed', unpack(ids))
    local members, lines = {}, {}
    plain = {}
    local seq = redis.call('HINCRBY', base .. 'kstate', 'seq', #ids) - #ids
    for j, id in ipairs(ids) do
      local key = keys[j]
      if key then
        members[#members + 1] = 0
        members[#members + 1] = key .. '\0' .. (front and '0' or '1') .. string.format('%016d', seq + j) .. '\0' .. id
        if not lines[key] then
          lines[key] = true
          lines[#lines + 1] = key
        end
      else
        plain[#plain + 1] = id
      end
    end
    if #members > 0 then
      redis.call('ZADD', base .. 'kq', unpack(members))
      for _, key in ipairs(lines) do key_in_line(base, key) end
      wake_one(base, now)
    end
  end
  if #plain == 0 then return end
  local len
  if front then
    len = redis.call('RPUSH', base .. 'pending', unpack(plain))
  else
    len = redis.call('LPUSH', base .. 'pending', unpack(plain))
  end
  if len == #plain then wake_one(base, now) end
end

-- Leased keyed jobs `ids` ended (or never started): under a key
-- concurrency limit their keys count one running job less, and keys held
-- back get back in line (the next claim judges them again). Callers have
-- checked the flow keys (flow_on).
local function keys_ended(base, ids)
  if #ids == 0 or redis.call('HLEN', base .. 'keyed') == 0 then return end
  local counting = redis.call('HEXISTS', base .. 'limits', 'key_concurrency') == 1
  local waiting = redis.call('ZCARD', base .. 'kwait') > 0
  if not counting and not waiting then return end
  for _, key in ipairs(redis.call('HMGET', base .. 'keyed', unpack(ids))) do
    if key then
      if counting and redis.call('HINCRBY', base .. 'kstate', 'r:' .. key, -1) <= 0 then
        redis.call('HDEL', base .. 'kstate', 'r:' .. key)
      end
      if waiting and redis.call('ZREM', base .. 'kwait', key) == 1 then
        redis.call('ZADD', base .. 'kready', next_turn(base), key)
      end
    end
  end
end

-- Running jobs `ids` of queue <base> ended (any way): under flow control
-- their keys count them no more (keys_ended), and an idle worker is woken
-- for what waits (a concurrency limit has a free slot now).
local function slot_freed(base, now, ids)
  if not flow_on(base, now) then return end
  keys_ended(base, ids)
  wake_one(base, now)
end

-- Jobs `ids`, whose leases the caller removed, go back to the front of
-- pending as hand-backs: 'released' + 1, which moves their delivery number
-- on but does not count toward the poison limit; under flow control the
-- slots they held wake a worker (slot_freed). Used by release.lua (a
-- stopping or full worker) and recover_expired (a handed job its worker
-- never confirmed).
local function hand_back(base, now, ids)
  for _, id in ipairs(ids) do
    local a, r, l, s = get_counts(base, id)
    set_counts(base, id, a, r, l + 1, s)
  end
  slot_freed(base, now, ids)
  push_pending(base, now, ids, true)
end

-- Takes back the job handed to idle workers that none took yet: it goes
-- to the front of pending again, as the same delivery (no one ever held
-- it), so a pause or a new limit also holds it. Callers have checked the
-- types of ready, active and pending.
local function unhand(base, now)
  local ready_key = base .. 'ready'
  heal_key(base, now, base .. 'handed', 'zset')
  for _, entry in ipairs(redis.call('LRANGE', ready_key, 0, -1)) do
    local id, delivery = hand_off_parts(entry)
    if id then
      local member = lease_of(id, delivery)
      if redis.call('ZREM', base .. 'active', member) == 1 then redis.call('RPUSH', base .. 'pending', id) end
      redis.call('ZREM', base .. 'handed', member)
    end
  end
  redis.call('DEL', ready_key)
end

-- True if lease <member> belongs to a job handed to idle workers that none took yet.
local function waiting_in_ready(base, member)
  return redis.call('LPOS', base .. 'ready', hand_off_of(member)) ~= false
end

-- Moves up to `max` due jobs of each of `sets` (delayed, retrying) onto
-- pending. Returns how many moved, and the earliest due time still waiting
-- (or -1). A due job leaves its set and joins pending in one step.
local function promote_due(base, now, sets, pending_key, max)
  local moved = 0
  for _, set in ipairs(sets) do
    local ids = redis.call('ZRANGEBYSCORE', set, '-inf', now, 'LIMIT', 0, max)
    if #ids > 0 then
      redis.call('ZREM', set, unpack(ids))
      push_pending(base, now, ids)
      moved = moved + #ids
    end
  end
  local earliest = -1
  for _, set in ipairs(sets) do
    local head = redis.call('ZRANGE', set, 0, 0, 'WITHSCORES')
    if head[2] and (earliest == -1 or tonumber(head[2]) < earliest) then
      earliest = tonumber(head[2])
    end
  end
  return moved, earliest
end

-- Forgets everything a live job keeps in the per-queue hashes.
local function forget_live(base, now, id)
  delete_messages(base, now, {id})
  for _, h in ipairs({'counts', 'errors', 'redacted', 'replays', 'expires', 'cancel'}) do
    redis.call('HDEL', base .. h, id)
  end
  if redis.call('TYPE', base .. 'keyed')['ok'] == 'hash' then redis.call('HDEL', base .. 'keyed', id) end
end

-- Deletes dead record <id> with its history and the merged-replay pointers
-- that name it.
local function delete_dead(base, dead_key, id)
  local key = base .. 'job:' .. id
  local merged = false
  if redis.call('TYPE', key)['ok'] == 'hash' then merged = redis.call('HGET', key, 'merged_replays') end
  if merged then
    for replay in string.gmatch(merged, '[^,]+') do
      redis.call('HDEL', base .. 'merged', replay)
    end
  end
  redis.call('DEL', key, base .. 'failures:' .. id)
  redis.call('ZREM', dead_key, id)
end

-- How long and how many dead records a queue keeps, and the oldest records
-- the caller read (so it could declare their keys) as candidates to trim;
-- scripts that bury set these from their arguments (0 = no limit).
local retention = {age_ms = 0, count = 0, candidates = {}}

-- Trims the candidates (the oldest dead records, oldest first) that are past
-- the age limit or beyond the count limit, each checked here: each burial
-- and each upkeep tick removes up to ten, more than it adds, so the set
-- converges to its limits without an O(n) pass.
local function trim_dead(base, dead_key, now)
  local over = 0
  if retention.count > 0 then over = redis.call('ZCARD', dead_key) - retention.count end
  for _, id in ipairs(retention.candidates) do
    local died = redis.call('ZSCORE', dead_key, id)
    if died then
      local old = retention.age_ms > 0 and tonumber(died) < now - retention.age_ms
      if old or over > 0 then
        delete_dead(base, dead_key, id)
        over = over - 1
      end
    end
  end
end

-- The sum of every field of the result counts hash `counts` (its '*' too,
-- where there is one).
local function counts_sum(counts)
  local sum = 0
  for _, n in ipairs(redis.call('HVALS', counts)) do sum = sum + (tonumber(n) or 0) end
  return sum
end

-- How many results queue `base` keeps: the '*' field of its result counts
-- (ack.lua keeps it), or for counts an earlier version wrote, their sum.
local function results_total(counts)
  local total = tonumber(redis.call('HGET', counts, '*'))
  if total then return total, true end
  return counts_sum(counts), false
end

-- Past `max_results` (0 = no limit) results, the oldest result parts go
-- whole: `candidates` are the oldest parts the caller read (so it could
-- declare them), oldest first, each checked here; the newest part stays.
local function trim_results(base, max_results, candidates)
  if max_results <= 0 or #candidates == 0 then return end
  local index, counts = base .. 'results', base .. 'result_counts'
  local total, kept = results_total(counts)
  if total <= max_results then return end
  local newest = redis.call('ZRANGE', index, -1, -1)[1]
  local gone = 0
  for _, part in ipairs(candidates) do
    if total - gone <= max_results then break end
    if part ~= newest and redis.call('ZSCORE', index, part) then
      gone = gone + (tonumber(redis.call('HGET', counts, part)) or 0)
      redis.call('DEL', part)
      redis.call('ZREM', index, part)
      redis.call('HDEL', counts, part)
    end
  end
  if kept and gone > 0 then redis.call('HINCRBY', counts, '*', -gone) end
end

-- Reads "n, n values" from ARGV at `at`: returns the values and the index after them.
local function argv_list(at)
  local n = tonumber(ARGV[at]) or 0
  local list = {}
  for i = at + 1, at + n do list[#list + 1] = ARGV[i] end
  return list, at + n + 1
end

-- The one writer of dead records: <base>job:<id> gets `fields` (a flat list
-- of field, value) plus state=dead, and <id> is indexed in the dead set by
-- the time it died, and the oldest records past the retention limits go.
-- Every script that buries anything calls this.
local function write_dead(base, dead_key, id, now, fields)
  local key = base .. 'job:' .. id
  heal_key(base, now, key, 'hash')
  redis.call('HSET', key, 'state', 'dead', 'failed_at', now, unpack(fields))
  redis.call('ZADD', dead_key, now, id)
  trim_dead(base, dead_key, now)
  return id
end

-- The task a stored message names ('' if it does not decode).
local function task_of(msg)
  local ok, job = pcall(cjson.decode, msg)
  local task = ok and type(job) == 'table' and (job.t or job.task)
  return type(task) == 'string' and task or ''
end

-- Reads the entries of list `key` a caller passed from ARGV[first] on: the
-- first n (or, with `tail`, the last n, as LRANGE -n -1 lists them). Returns
-- them, or nil if the list no longer holds exactly those (read again).
local function list_is(key, first, tail)
  local n = #ARGV - first + 1
  if n <= 0 then return {} end
  local got
  if tail then got = redis.call('LRANGE', key, -n, -1) else got = redis.call('LRANGE', key, 0, n - 1) end
  if #got ~= n then return nil end
  for i = 1, n do
    if got[i] ~= ARGV[first + i - 1] then return nil end
  end
  return got
end

-- bury_raw records a queue entry that is not a tq job (no message) as a dead
-- record with reason 'malformed', keeping the entry as found.
local function bury_raw(base, dead_key, dead_id, raw, now, err)
  return write_dead(base, dead_key, dead_id, now, {'raw', raw, 'reason', 'malformed',
    'attempts', 0, 'recovered', 1, 'released', 0, 'task', '', 'last_error', err})
end

-- Jobs `ids` (a Lua list) finished: succeeded, died or were cancelled.
-- Those someone waits for (<base>waiting, see watch.lua) get one entry in
-- <base>finished, the stream their waiters block on; nobody waiting costs
-- one ZCARD per call.
local function notify_finished(base, now, ids)
  local waiting = base .. 'waiting'
  if #ids == 0 or redis.call('ZCARD', waiting) == 0 then return end
  local scores = redis.call('ZMSCORE', waiting, unpack(ids))
  local waited = {}
  for j, id in ipairs(ids) do
    if scores[j] then waited[#waited + 1] = id end
  end
  if #waited == 0 then return end
  local stream = base .. 'finished'
  heal_key(base, now, stream, 'stream')
  redis.call('XADD', stream, 'MAXLEN', '~', 1000, '*', 'ids', table.concat(waited, ','))
  -- Gone with the last wait (a wait lasts at most 10 minutes).
  redis.call('PEXPIRE', stream, 600000)
  redis.call('ZREM', waiting, unpack(waited))
end

-- bury_live turns live job <id> into a dead record: its message (the redacted
-- form kept at enqueue, if any, so redacted secrets never stay in the DLQ),
-- task, reason, last_error and counters. If the job was a replay of a dead
-- record that still waits for it, its history is merged into that record
-- instead, which becomes replayable again (one record per logical job), and
-- <base>merged remembers where the replay went. Returns the record's id.
local function bury_live(base, dead_key, id, now, reason, err, task)
  notify_finished(base, now, {id})
  local redacted = redis.call('HGET', base .. 'redacted', id)
  local msg = redacted or job_message(base, now, id)
  local attempts, recovered, released = get_counts(base, id)
  local origin = redis.call('HGET', base .. 'replays', id)
  heal_key(base, now, base .. 'failures:' .. id, 'list')
  if origin then heal_key(base, now, base .. 'job:' .. origin, 'hash') end
  forget_live(base, now, id)
  if origin and redis.call('HGET', base .. 'job:' .. origin, 'replay_job') == id then
    local okey = base .. 'job:' .. origin
    heal_key(base, now, base .. 'failures:' .. origin, 'list')
    local history = redis.call('LRANGE', base .. 'failures:' .. id, 0, -1)
    if #history > 0 then
      redis.call('RPUSH', base .. 'failures:' .. origin, unpack(history))
    end
    redis.call('DEL', base .. 'failures:' .. id)
    redis.call('HINCRBY', okey, 'attempts', attempts)
    redis.call('HDEL', okey, 'replay_job')
    local merged = redis.call('HGET', okey, 'merged_replays')
    redis.call('HSET', okey, 'merged_replays', merged and (merged .. ',' .. id) or id)
    redis.call('HSET', base .. 'merged', id, origin)
    return write_dead(base, dead_key, origin, now, {'reason', reason, 'last_error', err})
  end
  local fields = {'reason', reason, 'last_error', err, 'task', task, 'attempts', attempts,
    'recovered', recovered, 'released', released}
  if msg then
    fields[#fields + 1] = 'msg'
    fields[#fields + 1] = msg
  end
  if redacted then
    -- Readers of a list page learn it without the message: only the CLI
    -- can replay it (with the full args).
    fields[#fields + 1] = 'redacted'
    fields[#fields + 1] = '1'
  end
  return write_dead(base, dead_key, id, now, fields)
end


-- Returns the expired leases among `candidates` (lease members the caller
-- read, so it could declare their jobs' keys; each is checked again here:
-- deadline before now) to the front of pending, or buries a job as poison
-- once `max_lost` deliveries ended with no outcome. Returns {recovered,
-- buried, ms until the earliest remaining lease expires or -1}.
local function recover_expired(base, now, active_key, pending_key, dead_key, stats_key, max_lost, candidates)
  heal_key(base, now, base .. 'handed', 'zset')
  local members, unconfirmed = {}, {}
  for _, member in ipairs(candidates) do
    local deadline = redis.call('ZSCORE', active_key, member)
    if deadline and tonumber(deadline) < now then
      if waiting_in_ready(base, member) then
        -- Handed to idle workers and not taken yet: still waiting, not lost.
        redis.call('ZADD', active_key, now + HAND_CONFIRM_MS, member)
      elseif redis.call('ZREM', base .. 'handed', member) == 1 then
        -- Taken by a worker that never confirmed it (frozen, or gone): it
        -- never started, so it goes back as a hand-back, not a lost delivery.
        unconfirmed[#unconfirmed + 1] = member
      else
        members[#members + 1] = member
      end
    end
  end
  local recovered, buried = 0, 0
  if #unconfirmed > 0 then
    redis.call('ZREM', active_key, unpack(unconfirmed))
    local back = {}
    for _, member in ipairs(unconfirmed) do
      local id = lease_parts(member)
      local msg = job_message(base, now, id)
      if msg and redis.call('HEXISTS', base .. 'cancel', id) == 1 then
        bury_live(base, dead_key, id, now, 'cancelled', 'cancelled by an operator before it ran', task_of(msg))
        buried = buried + 1
      else
        back[#back + 1] = id
      end
    end
    hand_back(base, now, back)
    recovered = #back
  end
  if #members > 0 then
    redis.call('ZREM', active_key, unpack(members))
    local ids = {}
    for _, member in ipairs(members) do ids[#ids + 1] = lease_parts(member) end
    slot_freed(base, now, ids)
  end
  for _, member in ipairs(members) do
    local id, delivery = lease_parts(member)
    local msg = job_message(base, now, id)
    if not msg then
      bury_raw(base, dead_key, id, id, now, 'job message missing when its lease expired')
      buried = buried + 1
    else
      local a, r, l, s = get_counts(base, id)
      set_counts(base, id, a, r + 1, l, s)
      if redis.call('HEXISTS', base .. 'cancel', id) == 1 then
        bury_live(base, dead_key, id, now, 'cancelled', 'cancelled by an operator while it ran', task_of(msg))
        buried = buried + 1
      elseif r + 1 >= max_lost then
        bury_live(base, dead_key, id, now, 'poison: delivered ' .. delivery .. ' times',
          'lease expired ' .. (r + 1) .. ' times without an outcome', task_of(msg))
        redis.call('HINCRBY', stats_key, 'failed', 1)
        buried = buried + 1
      else
        push_pending(base, now, {id}, true)
        recovered = recovered + 1
      end
    end
  end
  local head = redis.call('ZRANGE', active_key, 0, 0, 'WITHSCORES')
  local wait = -1
  if head[2] then wait = math.max(0, tonumber(head[2]) - now) end
  return recovered, buried, wait
end

-- Adds new jobs to the queue at base, from index `first` of args: groups of
-- five (id, due, message, redacted message, options), as enqueue.lua
-- describes them, or with `plain` groups of two (id, message: due now, no
-- redacted message, no options; `given`: their runs of one shard, from the
-- caller, see given_runs; `new_ids`: no id of the batch can be stored, so
-- none is looked up). The caller declared the queue's keys and
-- healed them. Returns {jobs added, then for each unique job not created:
-- its id and the id of the job that holds its name}.
local function enqueue_batch(base, now, args, first, plain, given, new_ids)
  local scheduledKey, jobsKey, redactedKey = base .. 'scheduled', base .. 'jobs', base .. 'redacted'
  local step = plain and 2 or 5
  -- (Sizes kept in counters where it matters: `#t` costs a search per insert.)
  local ids, n = {}, 0
  for i = first, #args, step do
    n = n + 1
    ids[n] = args[i]
  end
  if n == 0 then return {0} end
  local existing
  if plain then
    -- The common case, no id stored yet: the arguments are the shards'
    -- (id, message) pairs as they stand, one run of ids per shard (ids
    -- made together share one). HSET counts the fields it added, so an id
    -- repeated within the batch shows as fewer.
    local runs, stored = given or pair_runs(args, first, job_shard), false
    if not new_ids then
      if old_jobs(base, now) then
        for _, msg in ipairs(redis.call('HMGET', jobsKey, unpack(ids))) do
          if msg then stored = true end
        end
      end
      for _, run in ipairs(runs) do
        if stored then break end
        -- The run's ids: ids[k] is args[first + 2 * (k - 1)].
        local a, b = (run[2] - first) / 2 + 1, (run[3] - first + 1) / 2
        for _, msg in ipairs(on_key(base, now, 'hash', 'HMGET', base .. 'jobs:' .. run[1], unpack(ids, a, b))) do
          if msg then stored = true end
        end
      end
    end
    if not stored then
      local added = put_messages(base, now, args, first, runs)
      if added == n then
        push_pending(base, now, ids)
        return {n}
      end
      -- A repeated id goes in once, with its first message (HSET kept the
      -- last): the general path below writes the batch again, deduplicated.
      existing = {}
    end
  end
  existing = existing or job_messages(base, now, ids)
  local seen, names = {}, {}
  local fields, redacted, now_ids, delayed, held, dups, expiring, keyed = {}, {}, {}, {}, {}, {}, {}, {}
  local nf, nn = 0, 0
  for j = 1, n do
    local id = ids[j]
    local i = first + (j - 1) * step
    local new = not existing[j] and not seen[id]
    local expires, unique_ms, key, name = '', '0', '', ''
    if not plain and args[i + 4] ~= '' then
      expires, unique_ms, key, name = string.match(args[i + 4], '^([^|]*)|(%d*)|([^|]*)|(.*)$')
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
      nf = nf + 2
      fields[nf - 1] = id
      fields[nf] = args[i + (plain and 1 or 2)]
      if key and key ~= '' then
        keyed[#keyed + 1] = id
        keyed[#keyed + 1] = key
      end
      if not plain and args[i + 3] ~= '' then
        redacted[#redacted + 1] = id
        redacted[#redacted + 1] = args[i + 3]
      end
      if expires and expires ~= '' then
        expiring[#expiring + 1] = id
        if string.sub(expires, 1, 1) == '+' then
          expiring[#expiring + 1] = now + tonumber(string.sub(expires, 2))
        else
          expiring[#expiring + 1] = tonumber(expires) or 0
        end
      end
      local due = plain and '0' or args[i + 1]
      if due == '0' then
        nn = nn + 1
        now_ids[nn] = id
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
          nn = nn + 1
          now_ids[nn] = id
        end
      end
    end
  end
  local out = {#fields / 2}
  for _, d in ipairs(dups) do out[#out + 1] = d end
  if #fields == 0 then return out end
  put_messages(base, now, fields, 1)
  for _, h in ipairs(held) do
    redis.call('HSET', base .. 'unique', h[1], h[2])
    redis.call('ZADD', base .. 'unique_until', h[3], h[1])
  end
  if #redacted > 0 then redis.call('HSET', redactedKey, unpack(redacted)) end
  if #expiring > 0 then redis.call('HSET', base .. 'expires', unpack(expiring)) end
  if #keyed > 0 then
    heal(base, now, FLOW_KEYS)
    redis.call('HSET', base .. 'keyed', unpack(keyed))
  end
  push_pending(base, now, now_ids)
  if #delayed > 0 then
    redis.call('ZADD', scheduledKey, unpack(delayed))
  end
  return out
end
