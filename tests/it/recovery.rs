//! No job is lost when a worker dies or is stopped.

use crate::support;
use std::time::Duration;
use support::{RedisServer, wait_until};

fn active(redis: &RedisServer, queue: &str) -> u64 {
    redis.queue_stats(queue)["active"].as_u64().unwrap()
}

#[test]
fn killed_worker_jobs_are_redelivered_and_completed() {
    let redis = RedisServer::start();
    let ids: Vec<String> = (0..4)
        .map(|_| redis.enqueue(&["tq.sleep", "--args", r#"{"ms":3000}"#]))
        .collect();
    let mut first = redis.spawn_tq(&["worker", "-c", "4", "--lease", "2s"]);
    wait_until(Duration::from_secs(20), "first worker to hold all 4 jobs", || {
        active(&redis, "default") == 4
    });
    first.signal(libc::SIGKILL);
    first.wait_exit(Duration::from_secs(10));

    let mut second = redis.spawn_tq(&["worker", "-c", "4", "--lease", "2s", "--burst"]);
    assert!(second.wait_exit(Duration::from_secs(60)).success(), "{}", second.log());
    for id in &ids {
        let status = redis.status(id);
        assert_eq!(status["state"], "succeeded", "{status}");
        assert_eq!(status["deliveries"], 2, "{status}");
    }
    let stats = redis.queue_stats("default");
    assert_eq!(stats["active"], 0, "{stats}");
    assert_eq!(stats["pending"], 0, "{stats}");
    assert_eq!(stats["processed"], 4, "{stats}");
}

#[test]
fn sigterm_lets_a_running_job_finish() {
    let redis = RedisServer::start();
    let id = redis.enqueue(&["tq.sleep", "--args", r#"{"ms":1500}"#]);
    let mut worker = redis.spawn_tq(&["worker", "-c", "1"]);
    wait_until(Duration::from_secs(20), "job to start", || {
        redis.status(&id)["state"] == "active"
    });
    worker.signal(libc::SIGTERM);
    assert!(worker.wait_exit(Duration::from_secs(30)).success(), "{}", worker.log());
    assert_eq!(redis.status(&id)["state"], "succeeded");
}

#[test]
fn sigterm_after_grace_hands_the_job_back() {
    let redis = RedisServer::start();
    // Runs long until the marker exists, however slow the machine is.
    let marker = redis.dir().join("go");
    let handler = format!("hold=test -f {} || sleep 60", marker.display());
    let id = redis.enqueue(&["hold"]);
    let mut worker = redis.spawn_tq(&["worker", "-c", "1", "--grace", "200ms", "--handler", &handler]);
    wait_until(Duration::from_secs(20), "job to start", || {
        redis.status(&id)["state"] == "active"
    });
    worker.signal(libc::SIGTERM);
    assert!(worker.wait_exit(Duration::from_secs(30)).success(), "{}", worker.log());
    let status = redis.status(&id);
    assert_eq!(status["state"], "pending", "{status}");
    let stats = redis.queue_stats("default");
    assert_eq!(
        (stats["pending"].as_u64(), stats["active"].as_u64()),
        (Some(1), Some(0)),
        "{stats}"
    );
    // Handed back, not lost: the next worker runs it.
    std::fs::write(&marker, "").unwrap();
    redis.drain(&["--handler", &handler]);
    assert_eq!(redis.status(&id)["state"], "succeeded");
}

#[test]
fn a_job_whose_worker_keeps_dying_is_buried_as_poison() {
    let redis = RedisServer::start();
    let id = redis.enqueue(&["tq.sleep", "--args", r#"{"ms":60000}"#]);
    for round in 1..=2 {
        let mut worker = redis.spawn_tq(&["worker", "--lease", "500ms", "--max-deliveries", "2"]);
        wait_until(Duration::from_secs(20), "job to be delivered again", || {
            redis.status(&id)["deliveries"] == round
        });
        worker.signal(libc::SIGKILL);
        worker.wait_exit(Duration::from_secs(10));
    }
    let mut janitor = redis.spawn_tq(&["worker", "--lease", "500ms", "--max-deliveries", "2", "--burst"]);
    assert!(
        janitor.wait_exit(Duration::from_secs(30)).success(),
        "{}",
        janitor.log()
    );
    let status = redis.status(&id);
    assert_eq!(status["state"], "dead", "{status}");
    assert_eq!(status["reason"], "poison: delivered 2 times", "{status}");
}

#[test]
fn a_worker_that_lost_its_lease_cannot_finish_the_job() {
    let redis = RedisServer::start();
    let id = redis.enqueue(&["tq.sleep", "--args", r#"{"ms":1500}"#]);
    let mut frozen = redis.spawn_tq(&["worker", "--lease", "500ms"]);
    wait_until(Duration::from_secs(20), "first delivery to start", || {
        redis.status(&id)["state"] == "active"
    });
    // Frozen, it renews nothing; its lease runs out and the job goes to another worker.
    frozen.signal(libc::SIGSTOP);
    let mut second = redis.spawn_tq(&["worker", "--lease", "500ms"]);
    wait_until(Duration::from_secs(20), "second delivery to start", || {
        let s = redis.status(&id);
        s["state"] == "active" && s["deliveries"] == 2
    });
    // Thawed, the first worker finishes its (stale) attempt and tries to ack it.
    frozen.signal(libc::SIGCONT);
    wait_until(Duration::from_secs(20), "the job to succeed", || {
        redis.status(&id)["state"] == "succeeded"
    });
    let status = redis.status(&id);
    assert_eq!(
        status["deliveries"], 2,
        "recorded by the delivery that held the lease: {status}"
    );
    for w in [&mut frozen, &mut second] {
        w.signal(libc::SIGTERM);
        assert!(w.wait_exit(Duration::from_secs(20)).success(), "{}", w.log());
    }
    assert_eq!(
        redis.queue_stats("default")["processed"],
        1,
        "the stale ack counted nothing"
    );
}
