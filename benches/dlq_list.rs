//! Benchmark: `tq dlq list` over 100,000 dead records (not a test: it prints
//! what it measured). The records are made the real way: 100,000 `tq.fail`
//! jobs enqueued in batches and drained by a worker.
//!
//! Run: `cargo bench --bench dlq_list` (TQ_BENCH_DEAD=N to change the count).

#[path = "../tests/it/support/mod.rs"]
mod support;

use std::time::{Duration, Instant};
use support::RedisServer;
use tq::client::EnqueueRequest;
use tq::dlq::{Dlq, Filter};

fn main() {
    let dead: usize = std::env::var("TQ_BENCH_DEAD")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let redis = RedisServer::start();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let broker = runtime.block_on(redis.broker());
    let started = Instant::now();
    runtime.block_on(async {
        broker.register_queue("default").await.unwrap();
        let q = broker.queue("default");
        let args = serde_json::value::RawValue::from_string("{}".into()).unwrap();
        let mut request = EnqueueRequest::new("tq.fail", args, "default");
        request.max_retries = 0;
        for chunk in (0..dead).collect::<Vec<_>>().chunks(1000) {
            let entries: Vec<_> = chunk.iter().map(|_| request.to_new_job().unwrap().1).collect();
            broker.enqueue(&q, &entries).await.unwrap();
        }
    });
    let mut worker = redis.spawn_tq(&["worker", "-c", "1000", "--burst", "--quiet"]);
    assert!(worker.wait_exit(Duration::from_secs(900)).success(), "{}", worker.log());
    let made = started.elapsed();
    let stats = redis.queue_stats("default");
    println!(
        "made {} dead records in {:.2}s ({:.0} jobs/s enqueue + fail + bury)",
        stats["dead"],
        made.as_secs_f64(),
        dead as f64 / made.as_secs_f64()
    );

    let dlq = Dlq::new(broker);
    let mut library = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        let rows = runtime.block_on(dlq.list(&Filter::default(), Some(50))).unwrap();
        library.push(t.elapsed());
        assert_eq!(rows.len(), 50);
    }
    let mut cli = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        let out = redis
            .tq()
            .args(["dlq", "list", "--limit", "50", "--json"])
            .output()
            .unwrap();
        cli.push(t.elapsed());
        assert!(out.status.success());
    }
    library.sort();
    cli.sort();
    println!(
        "dlq list newest 50 of {dead}: library median {:.2}ms (max {:.2}ms); `tq dlq list --json` process median {:.2}ms (max {:.2}ms)",
        library[10].as_secs_f64() * 1e3,
        library[19].as_secs_f64() * 1e3,
        cli[10].as_secs_f64() * 1e3,
        cli[19].as_secs_f64() * 1e3,
    );
}
