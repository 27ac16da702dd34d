//! Benchmark of the broker core on a private redis-server (not a test: it
//! asserts nothing, it prints what it measured).
//!
//! - submit: N `tq.noop` jobs enqueued through the library in batches;
//! - drain: `tq worker --burst` processes empty the queue;
//! - idle latency: enqueue→start of 100 jobs, one at a time, to an idle worker.
//!
//! Run: `cargo bench --bench core` (TQ_BENCH_JOBS=100000,... to change sizes,
//! TQ_BENCH_WORKERS and TQ_BENCH_CONCURRENCY for the worker side).

#[path = "../tests/it/support/mod.rs"]
mod support;

use std::time::{Duration, Instant};
use support::RedisServer;
use tq::broker::{Broker, NewJob};
use tq::client::EnqueueRequest;

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_string())
}

fn main() {
    let sizes: Vec<usize> = env_or("TQ_BENCH_JOBS", "10000,100000")
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let workers: usize = env_or("TQ_BENCH_WORKERS", "2").parse().unwrap_or(2);
    let concurrency = env_or("TQ_BENCH_CONCURRENCY", "256");
    let batch: usize = env_or("TQ_BENCH_BATCH", "1000").parse().unwrap_or(1000);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    for jobs in sizes {
        let redis = RedisServer::start();
        let broker = runtime.block_on(connect(&redis));
        let submit = runtime.block_on(submit(&broker, jobs, batch));
        let started = Instant::now();
        let mut procs: Vec<_> = (0..workers)
            .map(|_| redis.spawn_tq(&["worker", "-Q", "default", "-c", &concurrency, "--burst", "--quiet"]))
            .collect();
        for p in &mut procs {
            assert!(p.wait_exit(Duration::from_secs(600)).success(), "{}", p.log());
        }
        let drain = started.elapsed();
        let stats = redis.queue_stats("default");
        println!(
            "jobs={jobs} submit={:.0}/s ({:.3}s, batch {batch}) drain={:.0}/s ({:.3}s, {workers} workers x -c {concurrency}, incl. process start) processed={}",
            jobs as f64 / submit.as_secs_f64(),
            submit.as_secs_f64(),
            jobs as f64 / drain.as_secs_f64(),
            drain.as_secs_f64(),
            stats["processed"],
        );
    }
    idle_latency(&runtime);
}

async fn connect(redis: &RedisServer) -> Broker {
    let broker = redis.broker().await;
    broker.register_queue("default").await.unwrap();
    broker
}

async fn submit(broker: &Broker, jobs: usize, batch: usize) -> Duration {
    let q = broker.queue("default");
    let args = serde_json::value::RawValue::from_string("{}".into()).unwrap();
    let request = EnqueueRequest::new("tq.noop", args, "default");
    let started = Instant::now();
    let mut left = jobs;
    let mut pending = tokio::task::JoinSet::new();
    while left > 0 {
        let n = left.min(batch);
        left -= n;
        let entries: Vec<NewJob> = (0..n).map(|_| request.to_new_job().unwrap().1).collect();
        let broker = broker.clone();
        let q = q.clone();
        pending.spawn(async move { broker.enqueue(&q, &entries).await.unwrap() });
        if pending.len() >= 8 {
            pending.join_next().await;
        }
    }
    while pending.join_next().await.is_some() {}
    started.elapsed()
}

fn idle_latency(runtime: &tokio::runtime::Runtime) {
    let redis = RedisServer::start();
    let mut worker = redis.spawn_tq(&["worker", "-Q", "default", "-c", "1", "--quiet"]);
    let broker = runtime.block_on(connect(&redis));
    let args = serde_json::value::RawValue::from_string("{}".into()).unwrap();
    let request = EnqueueRequest::new("tq.noop", args, "default");
    let q = broker.queue("default");
    let mut latencies = Vec::new();
    std::thread::sleep(Duration::from_millis(300)); // let the worker subscribe and go idle
    for _ in 0..100 {
        let (msg, entry) = request.to_new_job().unwrap();
        runtime.block_on(broker.enqueue(&q, &[entry])).unwrap();
        let mut conn = redis.conn();
        let started_us: u64 = loop {
            let buckets: Vec<String> = redis::cmd("ZRANGE")
                .arg(&q.results)
                .arg(0)
                .arg(-1)
                .query(&mut conn)
                .unwrap();
            let found = buckets.iter().find_map(|b| {
                let record: Option<String> = redis::cmd("HGET").arg(b).arg(&msg.id).query(&mut conn).unwrap();
                serde_json::from_str::<tq::job::ResultRecord>(&record?).ok()
            });
            if let Some(record) = found {
                break record.started_us;
            }
            std::thread::sleep(Duration::from_micros(200));
        };
        latencies.push(started_us.saturating_sub(msg.enqueued_at_us));
        std::thread::sleep(Duration::from_millis(20)); // the worker is idle again before the next one
    }
    latencies.sort_unstable();
    println!(
        "idle enqueue->start over 100 jobs: median {}us, p90 {}us, max {}us",
        latencies[50], latencies[90], latencies[99]
    );
    worker.signal(libc::SIGTERM);
    worker.wait_exit(Duration::from_secs(30));
}
