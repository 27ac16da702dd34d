//! Served handler processes (`tq worker --serve`): a process written from
//! SPEC.md's protocol table alone runs job after job, and a crash, a hang,
//! noise, broken protocol or a process that never gets ready costs at most
//! its own job. Real python3 processes, a real worker, a real redis-server.

use crate::support;

use std::collections::BTreeSet;
use std::path::Path;
use std::time::Duration;
use support::{RedisServer, pid_alive, wait_until};

/// The test process that speaks the protocol with nothing but the standard library.
fn plain() -> String {
    format!("python3 {}/tests/fixtures/plain_served.py", env!("CARGO_MANIFEST_DIR"))
}

/// Enqueues task `work` with `args` and options; returns the id.
fn work(redis: &RedisServer, args: &str, options: &[&str]) -> String {
    let mut all = vec!["work", "--args", args];
    all.extend_from_slice(options);
    redis.enqueue(&all)
}

/// Enqueues `work` with `args` and a `pidfile` named `name` in the scratch
/// directory, where the process notes its pid per delivery (see [`pid_in`]).
fn work_noting_pid(redis: &RedisServer, mut args: serde_json::Value, name: &str) -> String {
    args["pidfile"] = redis.dir().join(name).display().to_string().into();
    work(redis, &args.to_string(), &[])
}

/// The pid a job's process wrote for `delivery` (see the fixture's note_pid), once written.
fn pid_in(dir: &Path, name: &str, delivery: u64) -> u32 {
    let path = dir.join(format!("{name}.{delivery}"));
    let mut pid = 0;
    wait_until(
        Duration::from_secs(20),
        &format!("{} to be written", path.display()),
        || {
            pid = std::fs::read_to_string(&path)
                .ok()
                .and_then(|p| p.trim().parse().ok())
                .unwrap_or(0);
            pid > 0
        },
    );
    pid
}

fn pids_of(statuses: &[tq::JobStatus]) -> BTreeSet<u64> {
    statuses
        .iter()
        .map(|s| {
            assert_eq!(s.state, "succeeded", "{s:?}");
            s.result
                .as_ref()
                .and_then(|r| r["pid"].as_u64())
                .unwrap_or_else(|| panic!("no pid in {s:?}"))
        })
        .collect()
}

#[test]
fn a_process_written_from_the_spec_alone_serves_2000_jobs_on_at_most_4_pids() {
    let redis = RedisServer::start();
    let ids = redis.enqueue_many("default", "work", r#"{"do":"ok"}"#, 0, 2000);
    redis.drain(&["-c", "4", "--serve", &plain()]);
    let statuses = redis.statuses(&ids);
    let pids = pids_of(&statuses);
    assert!(!pids.is_empty() && pids.len() <= 4, "pids: {pids:?}");
    assert!(statuses.iter().all(|s| s.attempts == 1), "every job ran once");
    assert_eq!(redis.queue_stats("default")["processed"], 2000);
}

#[test]
fn crash_hang_noise_bad_json_and_a_process_never_ready_cost_only_their_own_job() {
    let redis = RedisServer::start();
    let never_ready = redis.dir().join("skip-ready-once");
    std::fs::write(&never_ready, "").unwrap();
    let once = ["--max-retries", "0"];
    let crash = work(&redis, r#"{"do":"crash"}"#, &once);
    let hang = work(&redis, r#"{"do":"hang"}"#, &["--max-retries", "0", "--timeout", "1s"]);
    let junk = work(&redis, r#"{"do":"junk"}"#, &once);
    let bad_json = work(&redis, r#"{"do":"badjson"}"#, &once);
    let good = redis.enqueue_many("default", "work", r#"{"do":"ok"}"#, 0, 20);
    let mut worker = redis.spawn_program(
        "sh",
        &[
            "-c",
            &format!(
                "SKIP_READY_ONCE={} exec {} worker --burst -c 2 --ready-timeout 2s --serve '{}'",
                never_ready.display(),
                support::tq_bin().display(),
                plain()
            ),
        ],
    );
    assert!(worker.wait_exit(Duration::from_secs(90)).success(), "{}", worker.log());
    let log = worker.log();
    assert!(!never_ready.exists(), "the first process started and never said ready");
    assert!(log.contains("did not say ready within 2s"), "{log}");

    let status = |id: &str| redis.status(id);
    let crashed = status(&crash);
    assert_eq!(crashed["state"], "dead");
    let error = crashed["last_error"].as_str().unwrap();
    assert!(error.contains("exited with status 3"), "{error}");
    let shown = redis.json(&["dlq", "show", &crash]);
    assert!(
        shown.to_string().contains("crashing now"),
        "what it printed is kept: {shown}"
    );

    let hung = status(&hang);
    assert_eq!(hung["state"], "dead");
    assert!(
        hung["last_error"].as_str().unwrap().contains("timed out after 1s"),
        "{hung}"
    );

    assert_eq!(status(&junk)["state"], "succeeded", "stdout is free for prints");
    let broke = status(&bad_json);
    assert_eq!(broke["state"], "dead");
    assert!(
        broke["last_error"].as_str().unwrap().contains("broke the protocol"),
        "{broke}"
    );

    let statuses = redis.statuses(&good);
    pids_of(&statuses);
    assert!(
        statuses.iter().all(|s| s.attempts == 1),
        "no good job paid for another's failure"
    );
    let stats = redis.queue_stats("default");
    assert_eq!(stats["dead"], 3);
    assert_eq!(stats["failed"], 3);
}

#[test]
fn cancel_stops_a_served_job_and_kills_only_a_process_that_does_not_answer() {
    let redis = RedisServer::start();
    let dir = redis.dir();
    let answers = work_noting_pid(&redis, serde_json::json!({"do": "cancellable"}), "a");
    let ignores = work_noting_pid(&redis, serde_json::json!({"do": "hang"}), "b");
    let worker = redis.spawn_tq(&["worker", "-c", "2", "--serve", &plain()]);
    let (a, b) = (pid_in(dir, "a", 1), pid_in(dir, "b", 1));
    redis.tq().args(["cancel", &answers, &ignores]).assert().success();
    for id in [&answers, &ignores] {
        let mut state = serde_json::Value::Null;
        let died = support::poll(Duration::from_secs(20), || {
            state = redis.status(id);
            state["state"] == "cancelled"
        });
        assert!(died, "{state}\n{}", worker.log());
    }
    wait_until(
        Duration::from_secs(10),
        "the process that ignored the cancel to be killed",
        || !pid_alive(b),
    );
    assert!(pid_alive(a), "the process that stopped its job keeps serving");
    let next = work(&redis, r#"{"do":"ok"}"#, &[]);
    wait_until(Duration::from_secs(20), "a new job to succeed", || {
        redis.status(&next)["state"] == "succeeded"
    });
}

#[test]
fn a_worker_stalled_past_its_lease_stops_its_served_copy() {
    let redis = RedisServer::start();
    let dir = redis.dir();
    // Long enough to be still running when the stalled worker wakes, however
    // slowly the second worker starts (a copy that already answered has
    // nothing left to kill: its outcome is refused as stale).
    let id = work_noting_pid(&redis, serde_json::json!({"do": "sleep", "ms": 10000}), "s");
    let stalled = redis.spawn_tq(&["worker", "--lease", "1s", "--serve", &plain()]);
    let first = pid_in(dir, "s", 1);
    stalled.signal(libc::SIGSTOP);
    let _other = redis.spawn_tq(&["worker", "--lease", "1s", "--serve", &plain()]);
    pid_in(dir, "s", 2);
    stalled.signal(libc::SIGCONT);
    wait_until(Duration::from_secs(20), "the stalled worker to kill its copy", || {
        !pid_alive(first)
    });
    wait_until(Duration::from_secs(30), "the job to succeed", || {
        redis.status(&id)["state"] == "succeeded"
    });
    let status = redis.status(&id);
    assert_eq!(status["deliveries"], 2, "{status}");
    assert_eq!(redis.queue_stats("default")["processed"], 1, "recorded once");
}

#[test]
fn max_jobs_per_process_50_over_300_jobs_uses_at_least_6_processes() {
    let redis = RedisServer::start();
    let ids = redis.enqueue_many("default", "work", r#"{"do":"ok"}"#, 0, 300);
    redis.drain(&["-c", "1", "--max-jobs-per-process", "50", "--serve", &plain()]);
    let statuses = redis.statuses(&ids);
    let pids = pids_of(&statuses);
    assert!(pids.len() >= 6, "pids: {pids:?}");
    for pid in pids {
        let served = statuses
            .iter()
            .filter(|s| s.result.as_ref().is_some_and(|r| r["pid"] == pid))
            .count();
        assert!(served <= 50, "process {pid} ran {served} jobs");
    }
}

#[test]
fn a_process_past_max_rss_is_recycled() {
    let redis = RedisServer::start();
    let ids = redis.enqueue_many("default", "work", r#"{"do":"grow","mb":40}"#, 0, 4);
    let mut worker = redis.spawn_tq(&[
        "worker",
        "--burst",
        "-c",
        "1",
        "--max-rss-per-process",
        "60MiB",
        "--serve",
        &plain(),
    ]);
    assert!(worker.wait_exit(Duration::from_secs(60)).success(), "{}", worker.log());
    let pids = pids_of(&redis.statuses(&ids));
    assert!(
        pids.len() >= 2,
        "a process that grew past 60 MiB was replaced: {pids:?}"
    );
    assert!(worker.log().contains("over --max-rss-per-process"), "{}", worker.log());
}

#[test]
fn sigterm_lets_served_jobs_finish_and_leaves_no_process_behind() {
    let redis = RedisServer::start();
    let dir = redis.dir();
    let ids: Vec<String> = ["x", "y"]
        .iter()
        .map(|name| work_noting_pid(&redis, serde_json::json!({"do": "sleep", "ms": 1500}), name))
        .collect();
    let mut worker = redis.spawn_tq(&["worker", "-c", "2", "--serve", &plain()]);
    let pids = [pid_in(dir, "x", 1), pid_in(dir, "y", 1)];
    worker.signal(libc::SIGTERM);
    assert!(worker.wait_exit(Duration::from_secs(30)).success(), "{}", worker.log());
    for s in redis.statuses(&ids) {
        assert_eq!(s.state, "succeeded", "running served jobs finish on SIGTERM: {s:?}");
    }
    for pid in pids {
        wait_until(Duration::from_secs(5), "served processes to be gone", || {
            !pid_alive(pid)
        });
    }
}

#[test]
fn past_the_grace_period_a_served_job_is_handed_back_and_its_process_killed() {
    let redis = RedisServer::start();
    let dir = redis.dir();
    let id = work_noting_pid(&redis, serde_json::json!({"do": "hang"}), "h");
    let mut worker = redis.spawn_tq(&["worker", "--grace", "1s", "--serve", &plain()]);
    let pid = pid_in(dir, "h", 1);
    worker.signal(libc::SIGTERM);
    assert!(worker.wait_exit(Duration::from_secs(30)).success(), "{}", worker.log());
    wait_until(Duration::from_secs(5), "the hung process to be gone", || {
        !pid_alive(pid)
    });
    let status = redis.status(&id);
    assert_eq!(status["state"], "pending", "handed back: {status}");
    assert_eq!(status["attempts"], 0, "without spending an attempt: {status}");
}

#[test]
fn inspect_lists_served_processes_with_their_tasks_and_jobs() {
    let redis = RedisServer::start();
    let ids = redis.enqueue_many("default", "work", r#"{"do":"ok"}"#, 0, 5);
    let metrics = format!("127.0.0.1:{}", support::free_port());
    let _worker = redis.spawn_tq(&["worker", "-c", "2", "--metrics-listen", &metrics, "--serve", &plain()]);
    let mut served = serde_json::Value::Null;
    wait_until(
        Duration::from_secs(20),
        "inspect to list 2 served processes that ran 5 jobs",
        || {
            let all = redis.inspect();
            served = all["workers"][0]["served"].clone();
            served
                .as_array()
                .is_some_and(|p| p.len() == 2 && p.iter().map(|p| p["jobs"].as_u64().unwrap_or(0)).sum::<u64>() == 5)
        },
    );
    for p in served.as_array().unwrap() {
        assert_eq!(p["tasks"], serde_json::json!(["work"]));
        assert_eq!(p["state"], "ready");
        assert!(pid_alive(p["pid"].as_u64().unwrap() as u32));
        assert!(p["rss_bytes"].as_u64().unwrap() > 1_000_000, "{p}");
    }
    let text = redis.tq().arg("inspect").output().unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("served processes"), "{text}");
    assert_eq!(redis.statuses(&ids).len(), 5);

    let command = plain();
    let worker_metrics = http_get(&metrics, "/metrics");
    assert!(
        worker_metrics.contains(&format!("tq_served_processes{{command=\"{command}\"}} 2")),
        "{worker_metrics}"
    );
    let dashboard = format!("127.0.0.1:{}", support::free_port());
    let _dashboard = redis.spawn_tq(&["dashboard", "--listen", &dashboard]);
    let mut page_metrics = String::new();
    wait_until(Duration::from_secs(20), "the dashboard's /metrics", || {
        page_metrics = http_get(&dashboard, "/metrics");
        page_metrics.contains("tq_served_processes")
    });
    assert!(
        page_metrics.contains(&format!("tq_served_processes{{command=\"{command}\"}} 2")),
        "{page_metrics}"
    );
}

/// The body of `GET path` on `addr` (empty while nothing answers there).
fn http_get(addr: &str, path: &str) -> String {
    use std::io::{Read, Write};
    let Ok(mut conn) = std::net::TcpStream::connect(addr) else {
        return String::new();
    };
    let _ = write!(conn, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n");
    let mut reply = String::new();
    let _ = conn.read_to_string(&mut reply);
    reply
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_string())
        .unwrap_or_default()
}

#[test]
fn a_process_killed_for_one_stuck_job_hands_its_other_jobs_back_without_spending_an_attempt() {
    let redis = RedisServer::start();
    let naps = redis.enqueue_many("default", "nap", r#"{"ms":4000}"#, 0, 2);
    let stuck = redis.enqueue(&["stubborn", "--timeout", "1s", "--max-retries", "0"]);
    let app = format!(
        "python3 {}/tests/fixtures/stubborn_served.py",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut worker = redis.spawn_tq(&["worker", "--burst", "-c", "4", "--serve", &app]);
    assert!(worker.wait_exit(Duration::from_secs(60)).success(), "{}", worker.log());
    let status = redis.status(&stuck);
    assert_eq!(status["state"], "dead", "{status}");
    assert!(
        status["last_error"].as_str().unwrap().contains("timed out after 1s"),
        "{status}"
    );
    for s in redis.statuses(&naps) {
        assert_eq!(s.state, "succeeded", "{s:?}");
        assert_eq!(
            (s.attempts, s.deliveries),
            (1, 2),
            "handed back once, one attempt counted: {s:?}\n{}",
            worker.log()
        );
    }
    assert!(worker.log().contains("did not stop the job"), "{}", worker.log());
}

#[test]
fn a_served_job_that_answers_snooze_ms_runs_again_without_spending_an_attempt() {
    let redis = RedisServer::start();
    let id = work(&redis, r#"{"do":"snooze"}"#, &["--max-retries", "0"]);
    redis.drain(&["--serve", &plain()]);
    let status = redis.status(&id);
    assert_eq!(status["state"], "succeeded", "{status}");
    assert_eq!(
        (status["attempts"].as_u64(), status["deliveries"].as_u64()),
        (Some(1), Some(3)),
        "{status}"
    );
}
