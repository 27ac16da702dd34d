//! What piles up is bounded: dead records by count and age, results by
//! count, and dead workers leave the registry on their own.

use crate::support;
use redis::Commands;
use std::time::{Duration, Instant};
use support::{RedisServer, wait_until};

fn keys(redis: &RedisServer, pattern: &str) -> usize {
    let found: Vec<String> = redis.conn().keys(pattern).unwrap();
    found.len()
}

#[test]
fn the_dlq_keeps_the_newest_records_up_to_its_count_limit() {
    let redis = RedisServer::start();
    let limit = ["--dead-max-count", "1000", "-c", "50"];
    redis.enqueue_many("default", "tq.fail", "{}", 0, 500);
    redis.drain(&limit);
    let newest = redis.enqueue_many("default", "tq.fail", "{}", 0, 1000);
    redis.drain(&limit);
    let mut kept: Vec<String> = redis.conn().zrange("tq:{default}:dead", 0, -1).unwrap();
    let mut newest = newest;
    kept.sort();
    newest.sort();
    assert!(
        kept == newest,
        "the 1000 newest dead jobs remain, the 500 older ones went"
    );
    // Nothing of a trimmed record is left behind.
    assert_eq!(keys(&redis, "tq:{default}:job:*"), 1000);
    assert_eq!(keys(&redis, "tq:{default}:failures:*"), 1000);
    let processed = redis.queue_stats("default")["processed"].as_u64().unwrap();
    assert_eq!(processed, 1500);
}

#[test]
fn dead_records_past_the_age_limit_go_without_new_failures() {
    let redis = RedisServer::start();
    redis.enqueue_many("default", "tq.fail", "{}", 0, 20);
    redis.drain(&[]);
    assert_eq!(redis.queue_stats("default")["dead"], 20);
    let started = Instant::now();
    let _worker = redis.spawn_tq(&["worker", "--dead-max-age", "2s"]);
    wait_until(Duration::from_secs(15), "records older than 2s to be trimmed", || {
        redis.queue_stats("default")["dead"] == 0
    });
    assert!(
        started.elapsed() >= Duration::from_millis(500),
        "trimmed by age, not all at once on start"
    );
    assert_eq!(keys(&redis, "tq:{default}:job:*"), 0);
}

#[test]
fn results_are_kept_up_to_their_count_limit_oldest_buckets_first() {
    let redis = RedisServer::start();
    // A 24 s TTL makes 1 s result buckets.
    let flags = ["--result-ttl", "24s", "--results-max-count", "150"];
    let mut last = Vec::new();
    for round in 0..3 {
        let server_secs = || -> u64 {
            let (secs, _): (u64, u64) = redis::cmd("TIME").query(&mut redis.conn()).unwrap();
            secs
        };
        let bucket = server_secs();
        wait_until(Duration::from_secs(3), "a new result bucket", || server_secs() > bucket);
        last = (0..100).map(|_| redis.enqueue(&["tq.noop"])).collect::<Vec<_>>();
        redis.drain(&flags);
        // A burst worker ticks once more as it leaves, so its last results
        // are trimmed before it exits.
        let kept = redis.queue_stats("default")["results"].as_u64().unwrap();
        assert!(
            kept <= if round == 0 { 100 } else { 150 },
            "round {round}: {kept} results"
        );
    }
    for id in &last {
        assert_eq!(redis.status(id)["state"], "succeeded", "the newest results stay");
    }
}

#[test]
fn a_killed_worker_leaves_the_registry_without_inspect() {
    let redis = RedisServer::start();
    let _peer = redis.spawn_tq(&["worker"]);
    let victim = redis.spawn_tq(&["worker"]);
    let registered = || -> Vec<String> { redis.conn().zrange("tq:{workers}", 0, -1).unwrap() };
    wait_until(Duration::from_secs(20), "both workers to register", || {
        registered().len() == 2
    });
    let pid = victim.child.id().to_string();
    assert!(registered().iter().any(|w| w.contains(&format!("-{pid}-"))));
    victim.signal(libc::SIGKILL);
    // Its peer forgets it 10 s after its last heartbeat (inspect shows it as
    // stale until then: tests/operator.rs).
    wait_until(Duration::from_secs(30), "the dead worker to leave the registry", || {
        !registered().iter().any(|w| w.contains(&format!("-{pid}-")))
    });
}
