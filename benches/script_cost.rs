//! Where Redis spends its CPU per job: each of the three scripts every job
//! goes through (enqueue, claim, ack), called through the library on a
//! private redis-server, beside the raw commands the same transition needs
//! (the floor), with the same messages and batch sizes. Not a test: it
//! asserts nothing, it prints a Markdown table of what it measured.
//!
//! Per phase: Redis CPU (`INFO cpu`, user + sys, before and after), the
//! time `INFO commandstats` gives EVALSHA, and of that the Redis commands
//! the script called; the rest is the script's own Lua and the moving of
//! arguments and replies between Lua and Redis.
//!
//! Run: `cargo bench --bench script_cost` (TQ_BENCH_JOBS=100000,
//! TQ_BENCH_BATCHES=1,100,1000 to change them).

#[path = "../tests/it/support/mod.rs"]
mod support;

use std::collections::HashMap;
use std::time::Duration;
use support::RedisServer;
use tq::broker::{Ack, Delivery, NewJob};
use tq::client::EnqueueRequest;

/// Jobs per phase at batches under 100.
const SMALL_BATCH_JOBS: usize = 10_000;

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_string())
}

/// Redis CPU seconds so far (user + sys) and commandstats (usec by command).
fn redis_usage(conn: &mut redis::Connection) -> (f64, HashMap<String, f64>) {
    let cpu: String = redis::cmd("INFO").arg("cpu").query(conn).unwrap();
    let field = |name: &str| -> f64 {
        cpu.lines()
            .find_map(|l| l.strip_prefix(&format!("{name}:")))
            .and_then(|v| v.trim().parse().ok())
            .unwrap()
    };
    let stats: String = redis::cmd("INFO").arg("commandstats").query(conn).unwrap();
    let mut usec = HashMap::new();
    for line in stats.lines() {
        if let Some((name, rest)) = line.strip_prefix("cmdstat_").and_then(|l| l.split_once(':')) {
            let v = rest
                .split(',')
                .find_map(|kv| kv.strip_prefix("usec="))
                .and_then(|v| v.parse().ok())
                .unwrap_or(0.0);
            usec.insert(name.to_string(), v);
        }
    }
    (field("used_cpu_user") + field("used_cpu_sys"), usec)
}

/// What one phase cost Redis, per job, in µs.
struct Cost {
    cpu: f64,
    script: f64,
    inner: f64,
}

/// Runs `phase` and returns its cost per job.
fn measure(conn: &mut redis::Connection, jobs: usize, phase: impl FnOnce()) -> Cost {
    redis::cmd("CONFIG").arg("RESETSTAT").query::<()>(conn).unwrap();
    let (cpu0, _) = redis_usage(conn);
    phase();
    let (cpu1, stats) = redis_usage(conn);
    let script = stats.get("evalsha").copied().unwrap_or(0.0);
    // Commands a script calls count under their own names too.
    let ours = ["evalsha", "info", "config|resetstat", "script|load"];
    let inner: f64 = stats
        .iter()
        .filter(|(k, _)| !ours.contains(&k.as_str()))
        .map(|(_, v)| v)
        .sum();
    let per = |v: f64| v / jobs as f64;
    Cost {
        cpu: per((cpu1 - cpu0) * 1e6),
        script: per(script),
        inner: per(if script > 0.0 { inner } else { 0.0 }),
    }
}

fn main() {
    let jobs: usize = env_or("TQ_BENCH_JOBS", "100000").parse().unwrap_or(100_000);
    let batches: Vec<usize> = env_or("TQ_BENCH_BATCHES", "1,100,1000")
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    println!(
        "{jobs} tq.noop jobs per phase ({} at batches under 100), one call at a time, one private redis-server. \
         Batch 1 is what a call costs whatever it carries, as at a paced load's small batches.\n",
        jobs.min(SMALL_BATCH_JOBS)
    );
    println!(
        "| batch | phase | Redis CPU µs/job | floor µs/job | x floor | EVALSHA µs/job | its Redis commands | its Lua and argument/reply moving |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for batch in batches {
        // A call of one job costs Redis what dozens of jobs in a batch of
        // 100 do: fewer of them measure as well.
        let jobs = if batch < 100 { jobs.min(SMALL_BATCH_JOBS) } else { jobs };
        let redis = RedisServer::start();
        let mut conn = redis.conn();
        let mut stats = redis.conn();
        let broker = runtime.block_on(async {
            let broker = redis.broker().await;
            broker.register_queue("default").await.unwrap();
            broker
        });
        let q = broker.queue("default");
        let args = serde_json::value::RawValue::from_string("{}".into()).unwrap();
        let request = EnqueueRequest::new("tq.noop", args, "default");
        let entries: Vec<NewJob> = (0..jobs).map(|_| request.to_new_job().unwrap().1).collect();
        let record = r#"{"t":"tq.noop","e":1764900000000000,"s":1764900000001000,"f":1764900000001100}"#;

        let enqueue = measure(&mut stats, jobs, || {
            runtime.block_on(async {
                for chunk in entries.chunks(batch) {
                    broker.enqueue(&q, chunk).await.unwrap();
                }
            })
        });
        let mut claimed: Vec<Delivery> = Vec::with_capacity(jobs);
        let claim = measure(&mut stats, jobs, || {
            runtime.block_on(async {
                while claimed.len() < jobs {
                    let got = broker.claim(&q, Duration::from_secs(600), batch).await.unwrap();
                    assert!(!got.jobs.is_empty(), "the queue ran dry at {}", claimed.len());
                    claimed.extend(got.jobs);
                }
            })
        });
        let acks: Vec<Ack> = claimed
            .iter()
            .map(|d| Ack {
                id: d.id.clone(),
                delivery: d.delivery,
                attempt: 1,
                record: record.to_string(),
                replay_of: String::new(),
                redacted: false,
            })
            .collect();
        let ack = measure(&mut stats, jobs, || {
            runtime.block_on(async {
                for chunk in acks.chunks(batch) {
                    let stale = broker.ack(&q, Duration::from_secs(86_400), chunk).await.unwrap();
                    assert!(stale.is_empty(), "every lease held");
                }
            })
        });

        // The floor: the same transitions as the bare commands they need,
        // one pipeline per batch, same messages, on fresh keys laid out as
        // tq lays them out (messages in hashes by the id's first 9
        // characters, results in parts by its 9th), the cheapest layout we
        // know: one big hash costs Redis more per job.
        let msgs: Vec<(String, String)> = entries.iter().map(|e| (e.id.clone(), e.msg.clone())).collect();
        let (pending, active) = ("f:pending", "f:active");
        let shard = |id: &str| format!("f:jobs:{}", id.get(..9).unwrap_or("~"));
        let part = |id: &str| format!("f:results:{}", id.get(8..9).unwrap_or("~"));
        let mut sizes = std::collections::HashMap::new();
        let floor_enqueue = measure(&mut stats, jobs, || {
            for chunk in msgs.chunks(batch) {
                let ids: Vec<&str> = chunk.iter().map(|(id, _)| id.as_str()).collect();
                let mut pipe = redis::pipe();
                for run in chunk.chunk_by(|a, b| shard(&a.0) == shard(&b.0)) {
                    // A shard gets the field that makes it a hash table
                    // once it passes 128 messages, as tq's do (SHARD_MARK
                    // in lua/lib.lua), here before the write that does it.
                    let key = shard(&run[0].0);
                    let size = sizes.entry(key.clone()).or_insert(0usize);
                    if *size <= 128 && *size + run.len() > 128 {
                        pipe.hset(&key, "~hashtable", "x".repeat(134));
                    }
                    *size += run.len();
                    pipe.hset_multiple(key, run);
                }
                pipe.lpush(pending, &ids).query::<()>(&mut conn).unwrap();
            }
        });
        let mut popped_all: Vec<String> = Vec::with_capacity(jobs);
        let floor_claim = measure(&mut stats, jobs, || {
            while popped_all.len() < jobs {
                let popped: Vec<String> = redis::cmd("RPOP").arg(pending).arg(batch).query(&mut conn).unwrap();
                let mut pipe = redis::pipe();
                for run in popped.chunk_by(|a, b| shard(a) == shard(b)) {
                    pipe.cmd("HMGET").arg(shard(&run[0])).arg(run);
                }
                let _: Vec<Vec<Option<String>>> = pipe.query(&mut conn).unwrap();
                // A first delivery's lease member is its id (lease_of in lua/lib.lua).
                let members: Vec<(u64, &String)> = popped.iter().map(|id| (1, id)).collect();
                let _: () = redis::cmd("ZADD").arg(active).arg(&members).query(&mut conn).unwrap();
                popped_all.extend(popped);
            }
        });
        let floor_ack = measure(&mut stats, jobs, || {
            for chunk in popped_all.chunks(batch) {
                let mut pipe = redis::pipe();
                pipe.zrem(active, chunk);
                for run in chunk.chunk_by(|a, b| shard(a) == shard(b)) {
                    pipe.hdel(shard(&run[0]), run);
                }
                for run in chunk.chunk_by(|a, b| part(a) == part(b)) {
                    let records: Vec<(&str, &str)> = run.iter().map(|id| (id.as_str(), record)).collect();
                    pipe.hset_multiple(part(&run[0]), &records);
                }
                pipe.query::<()>(&mut conn).unwrap();
            }
        });
        for (name, cost, floor) in [
            ("enqueue", &enqueue, &floor_enqueue),
            ("claim", &claim, &floor_claim),
            ("ack", &ack, &floor_ack),
        ] {
            println!(
                "| {batch} | {name} | {:.2} | {:.2} | {:.1}x | {:.2} | {:.2} | {:.2} |",
                cost.cpu,
                floor.cpu,
                cost.cpu / floor.cpu,
                cost.script,
                cost.inner,
                cost.script - cost.inner
            );
        }
        let total = enqueue.cpu + claim.cpu + ack.cpu;
        let floor = floor_enqueue.cpu + floor_claim.cpu + floor_ack.cpu;
        println!(
            "| {batch} | **per job** | **{total:.2}** | **{floor:.2}** | **{:.1}x** | | | |",
            total / floor
        );
    }
}
