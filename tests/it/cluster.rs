//! tq on a real local Redis Cluster (3 masters): pointed at any node, it
//! finds the others, and each queue lives on its own master.

use crate::support;
use std::time::Duration;
use support::RedisCluster;

/// Three queue names whose slots land on three different masters (the
/// usual high/default/low do not: high and default share one).
const QUEUES: [&str; 3] = ["urgent", "normal", "slow"];

/// A 100,000-job load test over the three queues, running in the background
/// (its JSON report goes to the `.out` file beside its log).
fn spawn_load_test(cluster: &RedisCluster) -> support::Spawned {
    spawn_load_test_with(cluster, &[])
}

/// [`spawn_load_test`] with global flags before the command (`--min-replicas 1`, say).
fn spawn_load_test_with(cluster: &RedisCluster, global: &[&str]) -> support::Spawned {
    let mix = format!("{}=20,{}=60,{}=20", QUEUES[0], QUEUES[1], QUEUES[2]);
    let mut args: Vec<&str> = global.to_vec();
    args.extend([
        "load-test",
        "--jobs",
        "100000",
        "--mix",
        &mix,
        "--workers",
        "2",
        "--no-progress",
        "--json",
        "--timeout",
        "90s",
    ]);
    cluster.spawn_tq(&args)
}

/// The JSON report a [`spawn_load_test`] run wrote.
fn report_of(run: &support::Spawned) -> serde_json::Value {
    let out = std::fs::read_to_string(run.log.with_extension("out")).unwrap();
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out} {}", run.log()))
}

#[test]
fn a_burst_worker_drains_queues_on_three_masters_in_priority_order() {
    let cluster = RedisCluster::start(3);
    let ports: Vec<u16> = QUEUES
        .iter()
        .map(|q| cluster.port_of(&format!("tq:{{{q}}}:pending")))
        .collect();
    assert!(
        ports[0] != ports[1] && ports[1] != ports[2] && ports[0] != ports[2],
        "{ports:?}"
    );
    let order = cluster.dir().join("order.log");
    let handler = format!("record=echo \"$TQ_QUEUE\" >> {}", order.display());
    let mut ids = Vec::new();
    for queue in QUEUES.iter().rev() {
        for _ in 0..5 {
            ids.push(cluster.enqueue(&["record", "-q", queue]));
        }
    }
    cluster
        .tq()
        .args([
            "worker",
            "--burst",
            "-Q",
            &QUEUES.join(","),
            "-c",
            "1",
            "--handler",
            &handler,
        ])
        .timeout(Duration::from_secs(60))
        .assert()
        .success();
    let ran = support::lines(&order);
    let expected: Vec<String> = QUEUES
        .iter()
        .flat_map(|q| std::iter::repeat_n(q.to_string(), 5))
        .collect();
    assert_eq!(ran, expected, "queues on ports {ports:?}");
    for id in &ids {
        assert_eq!(cluster.json(&["status", id])["state"], "succeeded");
    }
    let inspect = cluster.json(&["inspect"]);
    for q in inspect["queues"].as_array().unwrap() {
        assert_eq!(
            (q["processed"].as_u64(), q["pending"].as_u64()),
            (Some(5), Some(0)),
            "{inspect}"
        );
    }
}

#[test]
fn failures_retry_then_land_in_the_dlq_and_replay_works_across_masters() {
    let cluster = RedisCluster::start(3);
    let ids: Vec<String> = QUEUES
        .iter()
        .map(|q| cluster.enqueue(&["tq.fail", "-q", q, "--max-retries", "1", "--retry-base", "50ms"]))
        .collect();
    cluster.drain(&["-Q", &QUEUES.join(",")]);
    for id in &ids {
        let status = cluster.json(&["status", id]);
        assert_eq!(
            (status["state"].as_str(), status["attempts"].as_u64()),
            (Some("dead"), Some(2)),
            "{status}"
        );
    }
    let dead = cluster.json(&["dlq", "list"]);
    assert_eq!(dead.as_array().unwrap().len(), 3, "{dead}");
    assert_eq!(cluster.json(&["dlq", "show", &ids[1]])["queue"], QUEUES[1]);
    let replayed = cluster.json(&["dlq", "replay", "--all"]);
    assert_eq!(replayed.as_array().unwrap().len(), 3, "{replayed}");
    cluster.tq().args(["dlq", "purge", "--all", "--yes"]).assert().success();
    assert_eq!(cluster.json(&["dlq", "list", "--count"])["count"], 0);
}

#[test]
fn a_load_test_on_the_cluster_loses_nothing_and_cleans_up() {
    let cluster = RedisCluster::start(3);
    let mix = format!("{}=20,{}=60,{}=20", QUEUES[0], QUEUES[1], QUEUES[2]);
    let report = cluster.json(&[
        "load-test",
        "--jobs",
        "5000",
        "--mix",
        &mix,
        "--workers",
        "2",
        "--no-progress",
    ]);
    assert_eq!(
        (report["completed"].as_u64(), report["lost"].as_u64()),
        (Some(5000), Some(0)),
        "{report}"
    );
    assert_eq!(report["redis"]["mode"], "cluster");
    for port in QUEUES.iter().map(|q| cluster.port_of(&format!("tq:{{{q}}}:x"))) {
        let mut c = redis::Client::open(format!("redis://127.0.0.1:{port}/"))
            .unwrap()
            .get_connection()
            .unwrap();
        let left: Vec<String> = redis::cmd("KEYS").arg("tq-load-*").query(&mut c).unwrap();
        assert!(left.is_empty(), "keys left on {port}: {left:?}");
    }
}

#[test]
fn a_slot_moved_to_another_master_during_a_load_test_loses_nothing() {
    let cluster = RedisCluster::start(3);
    let slot = cluster.slot_of("tq:{normal}:pending");
    let from = cluster.port_of("tq:{normal}:pending");
    let to = cluster.masters().iter().map(|(_, p)| *p).find(|p| *p != from).unwrap();
    let mut run = spawn_load_test(&cluster);
    // Move the busiest queue's slot while jobs flow.
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        run.child.try_wait().unwrap().is_none(),
        "the load test was running when the move began"
    );
    cluster.move_slot(slot, to);
    assert!(
        run.child.try_wait().unwrap().is_none(),
        "the load test was running when the move ended"
    );
    let status = run.wait_exit(Duration::from_secs(120));
    let report = report_of(&run);
    assert!(status.success(), "{report} {}", run.log());
    assert_eq!(
        (report["lost"].as_u64(), report["completed"].as_u64()),
        (Some(0), Some(100_000)),
        "{report}"
    );
    assert_eq!(cluster.port_of("tq:{normal}:pending"), to, "the slot moved");
}

#[test]
fn load_test_spawns_a_private_cluster_and_leaves_nothing_behind() {
    let scratch = tempfile::tempdir().unwrap();
    let mut cmd = std::process::Command::new(support::tq_bin());
    support::clear_env(&mut cmd);
    // The spawned nodes' directories go under TMPDIR: a private one to inspect.
    let child = cmd
        .env("TMPDIR", scratch.path())
        .args([
            "load-test",
            "--spawn-redis",
            "--cluster",
            "3",
            "--jobs",
            "10000",
            "--json",
            "--no-progress",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (report["lost"].as_u64(), report["completed"].as_u64()),
        (Some(0), Some(10_000)),
        "{report}"
    );
    assert_eq!(report["redis"]["mode"], "cluster");
    assert_eq!(
        std::fs::read_dir(scratch.path()).unwrap().count(),
        0,
        "node directories removed"
    );
    let left = std::process::Command::new("pgrep")
        .args(["-f", &format!("tq-redis-{pid}-")])
        .output()
        .unwrap();
    assert!(
        left.stdout.is_empty(),
        "redis-server left running: {}",
        String::from_utf8_lossy(&left.stdout)
    );
}

#[test]
fn workers_carry_on_when_a_master_fails_over_to_its_replica() {
    let mut cluster = RedisCluster::start_with_replicas(3, 1);
    let master = cluster.port_of("tq:{normal}:pending");
    let mut run = spawn_load_test(&cluster);
    std::thread::sleep(Duration::from_millis(500));
    assert!(
        run.child.try_wait().unwrap().is_none(),
        "the load test was running when the master died"
    );
    cluster.kill_node(master);
    run.wait_exit(Duration::from_secs(150));
    let report = report_of(&run);
    let (completed, lost) = (report["completed"].as_u64().unwrap(), report["lost"].as_u64().unwrap());
    // Asynchronous replication may lose the writes of the last moments before
    // the master died; everything else is run by the same workers, unrestarted.
    eprintln!(
        "failover: completed {completed}, lost {lost}, duplicates {}, drain {}/s",
        report["duplicates"], report["drain_rate"]
    );
    assert_eq!(completed + lost, 100_000, "every job is accounted for: {report}");
    assert!(completed > 0, "{report}");
    assert_ne!(cluster.port_of("tq:{normal}:pending"), master, "a replica took over");
    // The queue works on its new master.
    let id = cluster.enqueue(&["tq.echo", "-q", "normal", "--args", "[1]"]);
    cluster.drain(&["-Q", "normal"]);
    assert_eq!(cluster.json(&["status", &id])["state"], "succeeded");
}

#[test]
fn with_min_replicas_1_a_master_failover_loses_no_accepted_job() {
    let mut cluster = RedisCluster::start_with_replicas(3, 1);
    let master = cluster.port_of("tq:{normal}:pending");
    // After the failover the new master has no replica: writes there wait
    // this long, then go on unconfirmed (the jobs are on it and run).
    let mut run = spawn_load_test_with(&cluster, &["--min-replicas", "1", "--replica-timeout", "200ms"]);
    std::thread::sleep(Duration::from_millis(500));
    assert!(
        run.child.try_wait().unwrap().is_none(),
        "the load test was running when the master died"
    );
    cluster.kill_node(master);
    run.wait_exit(Duration::from_secs(150));
    let report = report_of(&run);
    eprintln!(
        "failover with --min-replicas 1: submitted {}, unconfirmed {}, completed {}, lost {} (unconfirmed {}), duplicates {}, drain {}/s",
        report["submitted"],
        report["unconfirmed"],
        report["completed"],
        report["lost"],
        report["lost_unconfirmed"],
        report["duplicates"],
        report["drain_rate"]
    );
    assert_eq!(report["submitted"], 100_000, "{report}");
    assert_eq!(
        report["lost"], report["lost_unconfirmed"],
        "every job the replicas confirmed survived: {report}"
    );
    assert!(run.wait_exit(Duration::from_secs(1)).success(), "{}", run.log());
    assert_ne!(cluster.port_of("tq:{normal}:pending"), master, "a replica took over");
}

#[test]
fn a_killed_workers_jobs_are_redelivered_and_wait_works_on_the_cluster() {
    let cluster = RedisCluster::start(3);
    let ids: Vec<String> = QUEUES
        .iter()
        .map(|q| cluster.enqueue(&["tq.sleep", "-q", q, "--args", r#"{"ms":3000}"#]))
        .collect();
    let queues = QUEUES.join(",");
    let mut first = cluster.spawn_tq(&["worker", "-Q", &queues, "-c", "3", "--lease", "1s"]);
    support::wait_until(Duration::from_secs(20), "the worker to hold all three jobs", || {
        ids.iter().all(|id| cluster.json(&["status", id])["state"] == "active")
    });
    first.signal(libc::SIGKILL);
    first.wait_exit(Duration::from_secs(10));
    cluster.drain(&["-Q", &queues, "-c", "3", "--lease", "1s"]);
    for id in &ids {
        let status = cluster.json(&["status", id]);
        assert_eq!(
            (status["state"].as_str(), status["deliveries"].as_u64()),
            (Some("succeeded"), Some(2)),
            "{status}"
        );
    }
    // enqueue --wait follows its job to the end on whichever master holds it.
    let _worker = cluster.spawn_tq(&["worker", "-Q", &queues]);
    for queue in QUEUES {
        let out = cluster
            .tq()
            .args(["enqueue", "tq.echo", "-q", queue, "--args", "[42]", "--wait", "--json"])
            .timeout(Duration::from_secs(30))
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        let status: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(status["result"], serde_json::json!([42]), "{status}");
    }
}

#[test]
fn periodic_jobs_fire_once_per_tick_on_queues_of_three_masters() {
    let cluster = RedisCluster::start(3);
    for q in QUEUES {
        cluster.json(&["cron", "add", &format!("beat-{q}"), "--every", "1s", "tq.noop", "-q", q]);
    }
    let _workers: Vec<_> = (0..2)
        .map(|_| cluster.spawn_tq(&["worker", "-Q", &QUEUES.join(",")]))
        .collect();
    support::wait_until(Duration::from_secs(30), "three ticks' jobs on every queue", || {
        QUEUES.iter().all(|q| {
            let inspect = cluster.json(&["inspect"]);
            let row = inspect["queues"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["name"] == *q)
                .cloned();
            row.is_some_and(|r| r["results"].as_u64().unwrap_or(0) >= 3)
        })
    });
    for q in QUEUES {
        let show = cluster.json(&["cron", "show", &format!("beat-{q}")]);
        let job = show["schedule"]["last_job"].as_str().unwrap().to_string();
        assert!(job.starts_with(&format!("cron:beat-{q}:")), "{show}");
        cluster
            .tq()
            .args(["cron", "remove", &format!("beat-{q}")])
            .assert()
            .success();
    }
    // One run per job: processed equals the jobs that succeeded (each kept once).
    support::wait_until(Duration::from_secs(20), "the last jobs to finish", || {
        let inspect = cluster.json(&["inspect"]);
        inspect["queues"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["pending"] == 0 && r["active"] == 0)
    });
    let inspect = cluster.json(&["inspect"]);
    for row in inspect["queues"].as_array().unwrap() {
        assert_eq!(row["processed"], row["results"], "{row}");
    }
}
