//! Strict priority and the burst exit, through the real binary.

use crate::support;
use support::RedisServer;

#[test]
fn high_is_drained_before_default_before_low() {
    let redis = RedisServer::start();
    let order = redis.dir().join("order.log");
    for queue in ["low", "default", "high"] {
        for _ in 0..10 {
            redis.enqueue(&["record", "-q", queue]);
        }
    }
    let handler = format!("record=echo \"$TQ_QUEUE\" >> {}", order.display());
    redis.drain(&["-Q", "high,default,low", "-c", "1", "--handler", &handler]);
    let ran: Vec<String> = std::fs::read_to_string(&order)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    let expected: Vec<String> = ["high", "default", "low"]
        .iter()
        .flat_map(|q| std::iter::repeat_n(q.to_string(), 10))
        .collect();
    assert_eq!(ran, expected);
    for queue in ["high", "default", "low"] {
        let stats = redis.queue_stats(queue);
        assert_eq!(stats["pending"], 0, "{stats}");
        assert_eq!(stats["processed"], 10, "{stats}");
    }
}

#[test]
fn burst_does_not_wait_for_delayed_jobs() {
    let redis = RedisServer::start();
    let now = redis.enqueue(&["tq.noop"]);
    let later = redis.enqueue(&["tq.noop", "--delay", "1h"]);
    redis.drain(&[]);
    assert_eq!(redis.status(&now)["state"], "succeeded");
    assert_eq!(redis.status(&later)["state"], "scheduled");
}

#[test]
fn a_delayed_job_runs_once_it_is_due() {
    let redis = RedisServer::start();
    let id = redis.enqueue(&["tq.echo", "--args", "[7]", "--delay", "300ms"]);
    assert_eq!(redis.status(&id)["state"], "scheduled");
    let mut worker = redis.spawn_tq(&["worker", "-c", "2"]);
    support::wait_until(std::time::Duration::from_secs(20), "delayed job to succeed", || {
        redis.status(&id)["state"] == "succeeded"
    });
    assert_eq!(redis.status(&id)["result"], serde_json::json!([7]));
    worker.signal(libc::SIGTERM);
    assert!(worker.wait_exit(std::time::Duration::from_secs(20)).success());
}

#[test]
fn weighted_queues_3_to_1_share_400_starts_in_proportion() {
    let redis = RedisServer::start();
    let order = redis.dir().join("order.log");
    redis.enqueue_many("a", "record", "{}", 0, 400);
    redis.enqueue_many("b", "record", "{}", 0, 200);
    let handler = format!("record=echo \"$TQ_QUEUE\" >> {}", order.display());
    redis.drain(&["-Q", "a:3,b:1", "-c", "1", "--handler", &handler]);
    let ran: Vec<String> = std::fs::read_to_string(&order)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(ran.len(), 600);
    let a = ran[..400].iter().filter(|q| *q == "a").count() as f64;
    let b = ran[..400].iter().filter(|q| *q == "b").count() as f64;
    let ratio = a / b;
    assert!((2.5..=3.5).contains(&ratio), "a {a} b {b} over the first 400 starts");
}

#[test]
fn weights_are_given_to_every_queue_or_none() {
    let redis = RedisServer::start();
    let out = redis.tq().args(["worker", "--burst", "-Q", "a:3,b"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("give every queue of -Q a weight"));
}
