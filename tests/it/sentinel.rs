//! `redis+sentinel://` URLs, with a real master, a real replica and three
//! real Sentinels started by the test: every command works through them,
//! and a worker and the dashboard follow a failover without a restart.

use crate::support;

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

#[test]
fn with_min_replicas_1_a_killed_master_loses_none_of_20000_jobs() {
    let mut set = RedisSentinels::start();
    let concurrency = 200;
    let worker = set.spawn_tq(&[
        "worker",
        "-c",
        &concurrency.to_string(),
        "--lease",
        "3s",
        "--min-replicas",
        "1",
        "--replica-timeout",
        "500ms",
    ]);
    let file = set.dir().join("jobs.ndjson");
    let line = r#"{"task":"tq.sleep","args":{"ms":20}}"#;
    std::fs::write(&file, vec![line; 20_000].join("\n")).unwrap();
    let out = set
        .tq()
        .args(["enqueue", "--batch"])
        .arg(&file)
        .args(["--min-replicas", "1"])
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    assert!(out.status.success(), "every batch confirmed by the replica: {out:?}");
    let ids: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(ids.len(), 20_000);
    // Right after the submit returned: the worker is still draining.
    let done_before = set.json(&["inspect"])["queues"][0]["results"].as_u64();
    set.kill_master();
    eprintln!("master killed with {done_before:?} of 20000 jobs done");

    let counts = || {
        let doc = set.json(&["inspect"]);
        let q = doc["queues"]
            .as_array()
            .and_then(|qs| qs.iter().find(|q| q["name"] == "default").cloned())
            .unwrap_or_default();
        (
            q["results"].as_u64().unwrap_or(0),
            q["pending"].as_u64().unwrap_or(1) + q["active"].as_u64().unwrap_or(1) + q["dead"].as_u64().unwrap_or(0),
        )
    };
    wait_until(
        Duration::from_secs(120),
        "all 20,000 jobs to run on the new master",
        || counts() == (20_000, 0),
    );
    // Every job ran; a job ran twice only where its outcome was recorded on
    // the old master and not yet confirmed by the replica when it died.
    let log = worker.log();
    let mut runs: std::collections::HashMap<&str, u32> = std::collections::HashMap::new();
    for line in log.lines().filter(|l| l.contains(" tq.sleep succeeded")) {
        if let Some(id) = line.split("job ").nth(1).and_then(|s| s.split(' ').next()) {
            *runs.entry(id).or_default() += 1;
        }
    }
    for id in &ids {
        assert!(runs.contains_key(id.as_str()), "job {id} never ran");
    }
    let twice = runs.values().filter(|n| **n > 1).count();
    eprintln!("sentinel failover with --min-replicas 1: 20000 jobs, {twice} ran twice");
    assert!(
        twice <= concurrency,
        "{twice} jobs ran twice: more than one batch of unconfirmed outcomes"
    );
}
