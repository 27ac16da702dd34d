//! `redis+sentinel://` URLs, with a real master, a real replica and three
//! real Sentinels started by the test: every command works through them,
//! and a worker and the dashboard follow a failover without a restart.

mod support;

use std::time::Duration;
use support::{RedisSentinels, curl, free_port, wait_until};

#[test]
fn enqueue_worker_inspect_dlq_cron_and_dashboard_work_through_sentinels() {
    let set = RedisSentinels::start();
    let ok = set.enqueue(&["tq.echo", "--args", r#"{"hello":"sentinel"}"#]);
    let bad = set.enqueue(&["tq.fail", "--max-retries", "0"]);
    set.tq()
        .args(["worker", "--burst"])
        .timeout(Duration::from_secs(60))
        .assert()
        .success();
    let status = set.json(&["status", &ok]);
    assert_eq!(status["state"], "succeeded", "{status}");
    assert_eq!(status["result"]["hello"], "sentinel", "{status}");

    let dead = set.json(&["dlq", "list"]);
    assert!(dead.to_string().contains(&bad), "{dead}");
    let replayed = set.tq().args(["dlq", "replay", &bad]).output().unwrap();
    assert!(replayed.status.success(), "{replayed:?}");

    let inspect = set.json(&["inspect"]);
    assert_eq!(inspect["redis"]["mode"], "sentinel", "{inspect}");
    assert_eq!(inspect["redis"]["role"], "master", "{inspect}");
    assert_eq!(
        inspect["redis"]["replicas"].as_array().map(Vec::len),
        Some(1),
        "{inspect}"
    );

    set.json(&["cron", "add", "beat", "--every", "1s", "tq.noop", "-q", "beat"]);
    let _worker = set.spawn_tq(&["worker", "-Q", "beat"]);
    wait_until(Duration::from_secs(30), "cron to fire through the Sentinels", || {
        let q = set.json(&["inspect"]);
        q["queues"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|q| q["name"] == "beat" && q["results"].as_u64().unwrap_or(0) >= 2)
    });

    let addr = format!("127.0.0.1:{}", free_port());
    let _dashboard = set.spawn_tq(&["dashboard", "--listen", &addr]);
    wait_until(Duration::from_secs(20), "the dashboard to show the queues", || {
        let (code, body) = curl(&[&format!("http://{addr}/api/overview")]);
        code == 200 && body.contains("beat")
    });
}

#[test]
fn a_running_worker_and_dashboard_follow_a_failover_without_a_restart() {
    let mut set = RedisSentinels::start();
    let worker = set.spawn_tq(&["worker", "-c", "8"]);
    let addr = format!("127.0.0.1:{}", free_port());
    let _dashboard = set.spawn_tq(&["dashboard", "--listen", &addr]);
    let before: Vec<String> = (0..20).map(|_| set.enqueue(&["tq.noop"])).collect();
    wait_until(Duration::from_secs(30), "jobs before the failover to run", || {
        before
            .iter()
            .all(|id| set.json(&["status", id])["state"] == "succeeded")
    });
    let old = set.master_port();
    let new = set.kill_master();
    assert_ne!(old, new);

    let after: Vec<String> = (0..20).map(|_| set.enqueue(&["tq.noop"])).collect();
    wait_until(Duration::from_secs(60), "the same worker to run jobs after it", || {
        after.iter().all(|id| set.json(&["status", id])["state"] == "succeeded")
    });
    assert!(
        worker.log().contains(&format!("the master is now 127.0.0.1:{new}")),
        "{}",
        worker.log()
    );
    wait_until(Duration::from_secs(20), "the dashboard to read the new master", || {
        let (code, body) = curl(&[&format!("http://{addr}/api/overview")]);
        code == 200 && body.contains("default")
    });
}
