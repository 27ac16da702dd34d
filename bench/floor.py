#!/usr/bin/env python3
"""The raw-command floor of Redis CPU per job, measured as tq's load test
measures tq: Redis's own CPU (INFO cpu, user + sys) per job, over a whole
run of JOBS jobs.

Each job gets exactly the bare commands its life in tq needs, batched as
tq's scripts batch them (BATCH jobs per command), every one acting on
elements that exist (a delete removes what was written, a pop pops what was
pushed), pipelined from one connection so Redis is never idle waiting:

  enqueue: HSET jobs:<shard> (id, message)...  LPUSH pending id...
  claim:   RPOP pending BATCH   HMGET jobs:<shard> id...   ZADD active (deadline, lease)...
  ack:     ZREM active lease...  HDEL jobs:<shard> id...   HSET results:<part> (id, record)...

Messages and result records are the size tq's load test writes; messages
live in hashes of about 3,000 jobs and results in parts of one such window
each (an id's 8th and 9th characters), as tq keeps them, each message hash a hash table once it passes 128 messages (the mark
field tq adds), so the floor is the cheapest layout we know of, not a slower one.
Enqueue runs ahead of the drain (a backlog of JOBS), and about 2,000 leases
are held at once, like the load test's 2 x 1024 workers.

No Lua, no script arguments, no checks, no flow control, no wake-ups: what
tq costs beyond this is what its guarantees cost.

With --lua, the same commands run inside scripts (loaded once, EVALSHA),
one call per transition and batch as tq's are: enqueue's, claim's (which
returns the ids; the messages are read outside, as tq's caller reads
them) and ack's. The arguments cross into Lua and back, and nothing else
is added: the least any design that changes state in Lua scripts pays.

Usage: bench/floor.py PORT [JOBS] [BATCH] [--lua]; prints one JSON line.
Standard library only. Writes under the key prefix tq-floor-<pid>:{f} and
deletes it.
"""
import json
import os
import socket
import sys
import threading
import time

lua = "--lua" in sys.argv[1:]
argv = [a for a in sys.argv if a != "--lua"]
port = int(argv[1])
jobs = int(argv[2]) if len(argv) > 2 else 100000
batch = int(argv[3]) if len(argv) > 3 else 100
prefix = f"tq-floor-{os.getpid()}:{{f}}:"
SHARD_JOBS = 3000  # jobs per message hash: tq's 32 ms window at ~100k jobs/s
IN_FLIGHT = 2048  # leases held at once
ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"


def resp(*args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        b = a if isinstance(a, bytes) else str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(b), b))
    return b"".join(out)


def job_id(n):
    """A 26-character id whose first 9 characters change every SHARD_JOBS jobs."""
    window, rest = divmod(n, SHARD_JOBS)
    head = "".join(ALPHABET[(window >> (5 * k)) & 31] for k in range(8, -1, -1))
    tail = "".join(ALPHABET[(rest >> (5 * k)) & 31] for k in range(16, -1, -1))
    return head + tail


# What tq stores for a job (job.rs, JobMessage: no id or queue, short keys)
# and keeps of one that succeeded (ResultRecord), byte for byte in size.
MESSAGE = '{"t":"tq.noop","a":{},"e":1796515386558273}'
# The field a shard past SHARD_SMALL messages gets, to make and keep it a
# hash table, not a listpack (lua/lib.lua, SHARD_MARK).
MARK = ("~hashtable", "x" * 134)
SHARD_SMALL = 128
RECORD = '{"t":"tq.noop","e":1796515386558273,"s":1796515386590585,"f":1796515386590662}'


def shard_key(i):
    return prefix + "jobs:" + i[:9]


def result_key(i):
    return prefix + "results:1733443200:" + i[7:9]


def runs(ids, key_of):
    """(key, ids) for each run of consecutive ids with one key."""
    out = []
    for i in ids:
        k = key_of(i)
        if out and out[-1][0] == k:
            out[-1][1].append(i)
        else:
            out.append((k, [i]))
    return out


# The --lua scripts: each runs exactly the bare commands of one transition.
# KEYS: pending, then the shards of the batch's runs; ARGV: each run's
# length, each run's mark ('1': it takes its shard past SHARD_SMALL), then
# (id, message) pairs.
ENQUEUE_LUA = """
local r = #KEYS - 1
local at = 2 * r + 1
for k = 1, r do
  local n = tonumber(ARGV[k])
  if ARGV[r + k] == '1' then redis.call('HSET', KEYS[k + 1], '%s', '%s') end
  redis.call('HSET', KEYS[k + 1], unpack(ARGV, at, at + 2 * n - 1))
  at = at + 2 * n
end
local ids = {}
for i = 2 * r + 1, #ARGV, 2 do ids[#ids + 1] = ARGV[i] end
return redis.call('LPUSH', KEYS[1], unpack(ids))
""" % MARK
# KEYS: pending, active; ARGV: how many, the lease deadline.
CLAIM_LUA = """
local ids = redis.call('RPOP', KEYS[1], ARGV[1])
local leases = {}
for j, id in ipairs(ids) do
  leases[2 * j - 1] = ARGV[2]
  leases[2 * j] = id
end
redis.call('ZADD', KEYS[2], unpack(leases))
return ids
"""
# KEYS: active, the shards of the batch's runs, the result parts of its
# runs; ARGV: how many shard runs and part runs, their lengths, then (id,
# record) pairs.
ACK_LUA = """
local r1, r2 = tonumber(ARGV[1]), tonumber(ARGV[2])
local at = 3 + r1 + r2
local ids, n = {}, 0
for i = at, #ARGV, 2 do
  n = n + 1
  ids[n] = ARGV[i]
end
redis.call('ZREM', KEYS[1], unpack(ids))
local from = 1
for k = 1, r1 do
  local len = tonumber(ARGV[2 + k])
  redis.call('HDEL', KEYS[1 + k], unpack(ids, from, from + len - 1))
  from = from + len
end
for k = 1, r2 do
  local len = tonumber(ARGV[2 + r1 + k])
  redis.call('HSET', KEYS[1 + r1 + k], unpack(ARGV, at, at + 2 * len - 1))
  at = at + 2 * len
end
return n
"""

sock = socket.create_connection(("127.0.0.1", port))
sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def ask(*args):
    """One command's reply: an integer, a status or a bulk string."""
    sock.sendall(resp(*args))
    data = b""
    while b"\r\n" not in data:
        data += sock.recv(65536)
    head, rest = data.split(b"\r\n", 1)
    if head[:1] != b"$":
        return head
    size = int(head[1:])
    while len(rest) < size + 2:
        rest += sock.recv(65536)
    return rest[:size]


if lua:
    sha = {name: ask("SCRIPT", "LOAD", text).decode() for name, text in
           (("enqueue", ENQUEUE_LUA), ("claim", CLAIM_LUA), ("ack", ACK_LUA))}

ids = [job_id(n) for n in range(jobs)]
batches = [ids[k:k + batch] for k in range(0, jobs, batch)]
enqueue = []
size = {}
for b in batches:
    cmds = []
    shards = runs(b, shard_key)
    marks = []
    for key, run in shards:
        # A shard gets the mark with the write that takes it past 128
        # messages, as tq's does (here before that write, the cheapest).
        before = size.get(key, 0)
        size[key] = before + len(run)
        marks.append(before <= SHARD_SMALL < size[key])
    if lua:
        cmds.append(resp("EVALSHA", sha["enqueue"], 1 + len(shards), prefix + "pending",
                         *[key for key, _ in shards], *[len(run) for _, run in shards],
                         *["1" if m else "0" for m in marks], *[x for i in b for x in (i, MESSAGE)]))
    else:
        for (key, run), mark in zip(shards, marks):
            cmds.append(resp("HSET", key, *(MARK if mark else ()), *[x for i in run for x in (i, MESSAGE)]))
        cmds.append(resp("LPUSH", prefix + "pending", *b))
    enqueue.append(b"".join(cmds))


def finish(b):
    if lua:
        shards, parts = runs(b, shard_key), runs(b, result_key)
        return [resp("EVALSHA", sha["ack"], 1 + len(shards) + len(parts), prefix + "active",
                     *[key for key, _ in shards], *[key for key, _ in parts], len(shards), len(parts),
                     *[len(run) for _, run in shards], *[len(run) for _, run in parts],
                     *[x for i in b for x in (i, RECORD)])]
    cmds = [resp("ZREM", prefix + "active", *b)]
    for key, run in runs(b, shard_key):
        cmds.append(resp("HDEL", key, *run))
    for key, run in runs(b, result_key):
        cmds.append(resp("HSET", key, *[x for i in run for x in (i, RECORD)]))
    return cmds


# Batch k is claimed, and batch k - held (claimed `held` batches ago) finishes.
held = max(1, IN_FLIGHT // batch)
drain = []
for k, b in enumerate(batches):
    if lua:
        cmds = [resp("EVALSHA", sha["claim"], 2, prefix + "pending", prefix + "active", len(b), "1733443260000")]
    else:
        cmds = [resp("RPOP", prefix + "pending", len(b))]
    for key, run in runs(b, shard_key):
        cmds.append(resp("HMGET", key, *run))
    if not lua:
        cmds.append(resp("ZADD", prefix + "active", *[x for i in b for x in ("1733443260000", i)]))
    if k >= held:
        cmds += finish(batches[k - held])
    drain.append(b"".join(cmds))
for b in batches[max(0, len(batches) - held):]:
    drain.append(b"".join(finish(b)))


def redis_cpu():
    info = ask("INFO", "cpu").decode()
    fields = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
    return float(fields["used_cpu_user"]) + float(fields["used_cpu_sys"])


def stream(chunks):
    """Sends every chunk, pipelined, while reading replies until the marker."""
    def send():
        for c in chunks:
            sock.sendall(c)
        sock.sendall(resp("ECHO", "tq-floor-done"))
    t = threading.Thread(target=send)
    t.start()
    tail = b""
    want = b"$13\r\ntq-floor-done\r\n"
    while True:
        data = sock.recv(1 << 20)
        if not data:
            raise SystemExit("redis closed the connection")
        tail = (tail + data)[-64:]
        if tail.endswith(want):
            break
    t.join()


before = redis_cpu()
start = time.monotonic()
stream(enqueue)
stream(drain)
elapsed = time.monotonic() - start
used = redis_cpu() - before
# What is left: pending or active, and any message (a shard's mark is not one).
left = int(ask("EXISTS", prefix + "pending", prefix + "active")[1:])
left += sum(int(ask("HLEN", k)[1:]) - int(ask("HEXISTS", k, MARK[0])[1:]) for k in sorted({shard_key(i) for i in ids}))
keys = [prefix + "pending", prefix + "active"] + sorted({shard_key(i) for i in ids}) + sorted({result_key(i) for i in ids})
for k in range(0, len(keys), 500):
    ask("UNLINK", *keys[k:k + 500])
print(json.dumps({"jobs": jobs, "batch": batch, "lua": lua, "redis_cpu_us_per_job": round(used / jobs * 1e6, 3),
                  "jobs_per_s": round(jobs / elapsed), "left_behind": left}))
