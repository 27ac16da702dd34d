//! `tq load-test` through the real binary: the report, chaos, the loss check itself.

use crate::support;
use serde_json::Value;
use std::time::Duration;
use support::{RedisServer, wait_until};

fn report(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// Runs `tq ARGS` (a load test with --json) and returns its report.
fn run_report(redis: &RedisServer, args: &[&str]) -> Value {
    let out = redis
        .tq()
        .args(args)
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    report(&out)
}

fn assert_ordered(p: &Value) {
    let v: Vec<f64> = ["p50", "p90", "p99", "p999", "max"]
        .iter()
        .map(|k| p[*k].as_f64().unwrap())
        .collect();
    assert!(v.windows(2).all(|w| w[0] <= w[1]), "percentiles out of order: {p}");
    assert!(p["mean"].as_f64().unwrap() > 0.0, "{p}");
}

#[test]
fn ten_thousand_noop_jobs_all_complete_with_ordered_percentiles() {
    let redis = RedisServer::start();
    let r = run_report(&redis, &["load-test", "--jobs", "10000", "--json"]);
    assert_eq!(r["submitted"], 10000, "{r}");
    assert_eq!(r["completed"], 10000, "{r}");
    assert_eq!(
        (r["lost"].as_u64(), r["duplicates"].as_u64(), r["dead"].as_u64()),
        (Some(0), Some(0), Some(0))
    );
    let per_queue: Vec<(String, u64, u64)> = r["queues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| {
            (
                q["name"].as_str().unwrap().to_string(),
                q["jobs"].as_u64().unwrap(),
                q["completed"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        per_queue,
        vec![
            ("high".into(), 2000, 2000),
            ("default".into(), 6000, 6000),
            ("low".into(), 2000, 2000)
        ]
    );
    for l in std::iter::once(&r["latency_ms"]).chain(r["queues"].as_array().unwrap().iter().map(|q| &q["latency_ms"])) {
        assert_ordered(&l["enqueue_to_start"]);
        assert_ordered(&l["enqueue_to_finish"]);
    }
    assert!(r["drain_rate"].as_f64().unwrap() > 0.0 && r["submit_rate"].as_f64().unwrap() > 0.0);
    assert!(
        r["redis_cpu_us_per_job"].as_f64().unwrap() > 0.0,
        "what Redis spent: {r}"
    );
    assert_eq!(r["redis"]["spawned"], false);
    assert!(r.get("submit_lag_ms").is_none(), "not paced: {r}");
    let mut conn = redis.conn();
    let keys: Vec<String> = redis::cmd("KEYS").arg("*").query(&mut conn).unwrap();
    assert!(keys.is_empty(), "the run cleans up after itself: {keys:?}");
}

#[test]
fn keyed_jobs_under_limits_all_complete_and_leave_no_key_behind() {
    let redis = RedisServer::start();
    let out = redis
        .tq()
        .args(["load-test", "--jobs", "5000", "--keys", "100", "--json"])
        .args(["--limits", "concurrency=50,rate=1000000/1s,key-concurrency=5"])
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let r = report(&out);
    assert_eq!(
        (r["completed"].as_u64(), r["lost"].as_u64(), r["duplicates"].as_u64()),
        (Some(5000), Some(0), Some(0)),
        "{r}"
    );
    let keys: Vec<String> = redis::cmd("KEYS").arg("*").query(&mut redis.conn()).unwrap();
    assert!(keys.is_empty(), "the run cleans up after itself: {keys:?}");
    let bad = redis.tq().args(["load-test", "--limits", "speed=9"]).output().unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown limit \"speed\""));
}

#[test]
fn chaos_kills_cause_redeliveries_but_no_loss() {
    let redis = RedisServer::start();
    let hdr = redis.dir().join("latency.hlog");
    let out = redis
        .tq()
        .args([
            "load-test",
            "--jobs",
            "3000",
            "--task",
            "tq.sleep",
            "--args",
            r#"{"ms":20}"#,
        ])
        .args([
            "--workers",
            "2",
            "-c",
            "16",
            "--lease",
            "1s",
            "--chaos-kill-every",
            "500ms",
            "--json",
            "--hdr-out",
        ])
        .arg(&hdr)
        .timeout(Duration::from_secs(180))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let r = report(&out);
    assert_eq!(
        (r["lost"].as_u64(), r["completed"].as_u64()),
        (Some(0), Some(3000)),
        "{r}"
    );
    assert!(r["chaos_kills"].as_u64().unwrap() > 0, "{r}");
    assert!(r["redeliveries"].as_u64().unwrap() > 0, "{r}");
    let log = std::fs::read_to_string(&hdr).unwrap();
    assert!(log.contains("Tag=enqueue_to_finish.all,"), "{log}");
}

#[test]
fn jobs_deleted_behind_tqs_back_are_reported_lost() {
    let redis = RedisServer::start();
    let mut run = redis.spawn_tq(&[
        "load-test",
        "--jobs",
        "2000",
        "--task",
        "tq.sleep",
        "--args",
        r#"{"ms":10}"#,
        "--mix",
        "default=1",
        "--workers",
        "1",
        "-c",
        "8",
        "--json",
    ]);
    let mut conn = redis.conn();
    let mut pending_key = String::new();
    wait_until(Duration::from_secs(60), "a backlog of pending jobs", || {
        let keys: Vec<String> = redis::cmd("KEYS").arg("*:pending").query(&mut conn).unwrap();
        pending_key = keys.into_iter().next().unwrap_or_default();
        !pending_key.is_empty() && redis::cmd("LLEN").arg(&pending_key).query::<u64>(&mut conn).unwrap() > 200
    });
    let cli = std::process::Command::new("redis-cli")
        .args(["-u", &redis.url(), "RPOP", &pending_key, "50"])
        .output()
        .unwrap();
    assert!(cli.status.success());
    assert_eq!(String::from_utf8_lossy(&cli.stdout).lines().count(), 50);
    let status = run.wait_exit(Duration::from_secs(120));
    assert_eq!(status.code(), Some(1), "{}", run.log());
    assert!(run.log().contains("50 submitted jobs were lost"), "{}", run.log());
}

#[test]
fn submit_only_leaves_jobs_for_a_burst_worker() {
    let redis = RedisServer::start();
    let out = redis
        .tq()
        .args([
            "load-test",
            "--jobs",
            "1000",
            "--mix",
            "a=1,b=3",
            "--submit-only",
            "--json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(report(&out)["submitted"], 1000);
    assert_eq!(redis.queue_stats("a")["pending"], 250);
    assert_eq!(redis.queue_stats("b")["pending"], 750);
    redis.drain(&["-Q", "a,b", "-c", "64"]);
    assert_eq!(redis.queue_stats("a")["processed"], 250);
    assert_eq!(redis.queue_stats("b")["processed"], 750);
}

#[test]
fn spawn_redis_leaves_no_server_or_directory_behind() {
    let out = assert_cmd::Command::new(support::tq_bin())
        .env_remove("REDIS_URL")
        .env_remove("TQ_REDIS_URL")
        .args(["load-test", "--jobs", "1000", "--spawn-redis", "--json"])
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let r = report(&out);
    assert_eq!(
        (r["completed"].as_u64(), r["redis"]["spawned"].as_bool()),
        (Some(1000), Some(true))
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    let url = stderr
        .split_whitespace()
        .find(|w| w.starts_with("redis://"))
        .unwrap_or_else(|| panic!("says where it started Redis: {stderr}"));
    let port: u16 = url
        .trim_start_matches("redis://127.0.0.1:")
        .trim_end_matches("/0")
        .parse()
        .unwrap();
    assert!(
        std::net::TcpStream::connect(("127.0.0.1", port)).is_err(),
        "redis-server on {port} still runs"
    );
    let leftovers: Vec<_> = std::fs::read_dir(std::env::temp_dir())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(&format!("-{port}")))
        .collect();
    assert!(leftovers.is_empty(), "temp dir left behind: {leftovers:?}");
}

/// Runs `script` in a fresh network namespace, where nothing listens on the
/// default port 6379 (the machine's own Redis is out of reach there).
fn in_empty_network(script: &str) -> std::process::Output {
    let out = std::process::Command::new("unshare")
        .args(["--net", "sh", "-c"])
        .arg(format!("ip link set lo up && {script}"))
        .env("TQ", support::tq_bin())
        .env_remove("REDIS_URL")
        .env_remove("TQ_REDIS_URL")
        .output()
        .expect("unshare (util-linux) runs here as root");
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("unshare failed"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

#[test]
fn with_no_url_and_nothing_listening_load_test_spawns_redis_and_others_exit_69() {
    let out = in_empty_network("\"$TQ\" load-test --jobs 1000 --json");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let r = report(&out);
    assert_eq!(
        (r["completed"].as_u64(), r["redis"]["spawned"].as_bool()),
        (Some(1000), Some(true))
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("started a private redis-server"));

    let out = in_empty_network("\"$TQ\" enqueue tq.noop");
    assert_eq!(out.status.code(), Some(69));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("redis://127.0.0.1:6379/0") && stderr.contains("redis-server --daemonize yes"),
        "{stderr}"
    );
}

#[test]
fn ctrl_c_stops_a_load_test_and_removes_its_workers_and_keys() {
    let redis = support::RedisServer::start();
    let mut run = redis.spawn_tq(&["load-test", "--jobs", "1000000", "--rate", "2000", "--no-progress"]);
    support::wait_until(Duration::from_secs(30), "the run to enqueue jobs", || {
        let keys: Vec<String> = redis::cmd("KEYS").arg("*").query(&mut redis.conn()).unwrap();
        keys.iter().any(|k| k.contains("-load-"))
    });
    // Its workers run in the process group the harness started it in.
    let group = run.child.id().to_string();
    let workers_running = || {
        std::process::Command::new("pgrep")
            .args(["-g", &group])
            .output()
            .is_ok_and(|o| !o.stdout.is_empty())
    };
    assert!(workers_running());
    run.signal(libc::SIGINT);
    let status = run.wait_exit(Duration::from_secs(30));
    assert_eq!(status.code(), Some(130), "{}", run.log());
    let log = run.log();
    assert!(log.contains("load test on the Redis at redis://127.0.0.1:"), "{log}");
    let keys: Vec<String> = redis::cmd("KEYS").arg("*").query(&mut redis.conn()).unwrap();
    assert!(keys.iter().all(|k| !k.contains("-load-")), "keys left: {keys:?}");
    support::wait_until(Duration::from_secs(10), "its workers to be gone", || !workers_running());
}

#[test]
fn a_paced_load_test_reports_how_late_it_sent_the_jobs_as_part_of_their_latency() {
    let redis = RedisServer::start();
    let r = run_report(&redis, &["load-test", "--jobs", "600", "--rate", "2000", "--json"]);
    assert_eq!(
        (r["completed"].as_u64(), r["lost"].as_u64()),
        (Some(600), Some(0)),
        "{r}"
    );
    let lag = &r["submit_lag_ms"];
    assert_ordered(lag);
    // Each job's latency counts from its intended send time, so its lag is in it.
    let start = &r["latency_ms"]["enqueue_to_start"];
    for k in ["p50", "p99", "max"] {
        assert!(lag[k].as_f64().unwrap() <= start[k].as_f64().unwrap(), "{k}: {r}");
    }
    let text = redis
        .tq()
        .args(["load-test", "--jobs", "200", "--rate", "2000", "--no-progress"])
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    assert!(text.status.success(), "{}", String::from_utf8_lossy(&text.stderr));
    assert!(
        String::from_utf8_lossy(&text.stdout).contains("submit lag (in the above)"),
        "{}",
        String::from_utf8_lossy(&text.stdout)
    );
}

#[test]
fn a_load_test_whose_workers_all_die_stops_waiting_and_says_so() {
    let redis = support::RedisServer::start();
    let mut run = redis.spawn_tq(&[
        "load-test",
        "--jobs",
        "10000",
        "--rate",
        "2000",
        "--workers",
        "2",
        "--timeout",
        "300s",
        "--no-progress",
    ]);
    support::wait_until(Duration::from_secs(30), "its workers to register", || {
        let keys: Vec<String> = redis::cmd("KEYS").arg("*workers*").query(&mut redis.conn()).unwrap();
        keys.iter().filter(|k| k.contains(":worker:")).count() == 2
    });
    // SIGKILL the workers (the other processes of its group), not the run.
    let group = run.child.id().to_string();
    let out = std::process::Command::new("pgrep")
        .args(["-g", &group])
        .output()
        .unwrap();
    for pid in String::from_utf8_lossy(&out.stdout).lines().filter(|p| *p != group) {
        let _ = std::process::Command::new("kill").args(["-9", pid]).status();
    }
    // Far sooner than --timeout: it sees its workers are gone.
    let status = run.wait_exit(Duration::from_secs(120));
    assert_eq!(status.code(), Some(1), "{}", run.log());
    assert!(
        run.log().contains("every worker of the load test exited"),
        "{}",
        run.log()
    );
}
