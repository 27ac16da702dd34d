//! One clock: workers whose clocks are a minute off (libfaketime) neither
//! steal each other's leases, nor run delayed jobs early or late, nor keep
//! results too long or too short: every "now" is the Redis server's.

use crate::support;
use std::collections::HashMap;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use support::{RedisServer, lines, wait_until};

const RESULT_TTL_S: u64 = 10;

fn real_now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_millis() as u64
}

/// `tq worker` under libfaketime, its clock shifted by `offset` ("+60s").
fn skewed_worker(redis: &RedisServer, offset: &str, handlers: &[String]) -> support::Spawned {
    let mut args = vec![
        "-f".to_string(),
        offset.to_string(),
        support::tq_bin().display().to_string(),
        "worker".into(),
        "-c".into(),
        "20".into(),
        "--lease".into(),
        "1s".into(),
        "--result-ttl".into(),
        format!("{RESULT_TTL_S}s"),
    ];
    for h in handlers {
        args.push("--handler".into());
        args.push(h.clone());
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    redis.spawn_program("faketime", &args)
}

#[test]
fn workers_a_minute_ahead_and_behind_agree_on_leases_due_times_and_expiry() {
    assert!(
        std::process::Command::new("faketime").arg("--version").output().is_ok(),
        "faketime is missing: scripts/setup and .ci/run install it (apt-get install faketime)"
    );
    let redis = RedisServer::start();
    let runs = redis.dir().join("runs");
    let stamps = redis.dir().join("stamps");
    let handlers = [
        format!("long=echo $TQ_JOB_ID >> {}; sleep 3", runs.display()),
        // The real time the delayed job started: date without libfaketime.
        format!(
            "stamp=echo $TQ_JOB_ID $(env -u LD_PRELOAD -u FAKETIME date +%s%3N) >> {}",
            stamps.display()
        ),
    ];
    let ahead = skewed_worker(&redis, "+60s", &handlers);
    let behind = skewed_worker(&redis, "-60s", &handlers);
    wait_until(Duration::from_secs(20), "both workers to register", || {
        redis.inspect()["workers"].as_array().is_some_and(|w| w.len() == 2)
    });

    let long: Vec<String> = (0..8).map(|_| redis.enqueue(&["long"])).collect();
    let mut delayed = HashMap::new();
    for _ in 0..4 {
        let before = real_now_ms();
        let id = redis.enqueue(&["stamp", "--delay", "3s"]);
        delayed.insert(id, (before, real_now_ms()));
    }
    let quick: Vec<String> = (0..10).map(|_| redis.enqueue(&["tq.echo", "--args", "[1]"])).collect();

    // Results: readable once succeeded...
    wait_until(Duration::from_secs(20), "the quick jobs to succeed", || {
        quick.iter().all(|id| redis.status(id)["state"] == "succeeded")
    });
    let finished = Instant::now();
    // Each result's TTL runs from its own finish (server clock), which may
    // be a while before this test saw the last of them succeed.
    let ttl_ms = RESULT_TTL_S * 1000;
    let expires: Vec<(String, u64)> = quick
        .iter()
        .map(|id| {
            let finished = redis.status(id)["finished_at_ms"].as_u64().unwrap();
            (id.clone(), finished + ttl_ms)
        })
        .collect();
    wait_until(Duration::from_secs(30), "the long and delayed jobs to succeed", || {
        long.iter()
            .chain(delayed.keys())
            .all(|id| redis.status(id)["state"] == "succeeded")
    });

    // No job ran twice: neither worker took the other's leases for expired.
    let mut counts: HashMap<String, usize> = HashMap::new();
    for id in lines(&runs) {
        *counts.entry(id).or_default() += 1;
    }
    for id in &long {
        assert_eq!(counts.get(id), Some(&1), "executions of {id}: {counts:?}");
        assert_eq!(redis.status(id)["deliveries"], 1);
    }
    // Delayed jobs started within a second of when they were due.
    for line in lines(&stamps) {
        let (id, started) = line.split_once(' ').unwrap();
        let started: u64 = started.parse().unwrap();
        let (before, after) = delayed[id];
        assert!(
            started + 1000 >= before + 3000 && started <= after + 3000 + 1000,
            "delayed job {id} due in [{}, {}] started at {started}",
            before + 3000,
            after + 3000
        );
    }
    assert_eq!(lines(&stamps).len(), 4);

    // ...still there just before the TTL is over, gone soon after it.
    let first_expiry = expires.iter().map(|(_, at)| *at).min().unwrap();
    let mut conn = redis.conn();
    let server_ms = |conn: &mut redis::Connection| -> u64 {
        let (s, us): (u64, u64) = redis::cmd("TIME").query(conn).unwrap();
        s * 1000 + us / 1000
    };
    let now = server_ms(&mut conn);
    std::thread::sleep(Duration::from_millis((first_expiry - 1500).saturating_sub(now)));
    let mut checked = 0;
    for (id, expiry) in &expires {
        // Only while the TTL is surely not over by the time status answers.
        if server_ms(&mut conn) + 500 < *expiry {
            assert_eq!(redis.status(id)["state"], "succeeded", "result of {id} expired early");
            checked += 1;
        }
    }
    assert!(checked > 0, "no result was checked before its TTL was over");
    let late = Duration::from_secs(RESULT_TTL_S + 3);
    wait_until(late.saturating_sub(finished.elapsed()), "results to expire", || {
        quick.iter().all(|id| {
            let out = redis.tq().args(["status", id]).output().unwrap();
            out.status.code() == Some(3)
        })
    });
    drop((ahead, behind));
}
