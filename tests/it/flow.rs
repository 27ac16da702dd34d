//! Flow control with real workers: fleet-wide concurrency and rate limits,
//! fairness keys and their limits, a handler's pause, limits that outlive
//! workers, on one redis-server and on a 3-master Redis Cluster.

use crate::support;

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;
use support::{RedisCluster, RedisServer, drain_at, lines, spawn_at, tq_at, tq_bin, wait_until};

/// Enqueues `jobs` (JSON lines, as `tq enqueue --batch` reads them) on `queue`, in order.
fn enqueue_lines(url: &str, dir: &Path, queue: &str, jobs: &[String]) {
    let file = dir.join(format!("{queue}-{}.ndjson", jobs.len()));
    std::fs::write(&file, jobs.join("\n")).unwrap();
    tq_at(url)
        .args(["enqueue", "-q", queue, "--batch"])
        .arg(&file)
        .assert()
        .success();
}

/// `n` jobs of `task`, each with fairness key `key` if given.
fn jobs(task: &str, key: Option<&str>, n: usize) -> Vec<String> {
    let key = key.map_or(String::new(), |k| format!(r#","key":"{k}""#));
    (0..n).map(|_| format!(r#"{{"task":"{task}"{key}}}"#)).collect()
}

/// Sets a limit with `tq queue limit QUEUE FLAGS...`.
fn limit(url: &str, queue: &str, flags: &[&str]) {
    tq_at(url)
        .args(["queue", "limit", queue])
        .args(flags)
        .assert()
        .success();
}

/// Runs `workers` burst workers on `queue` at once, each with `extra`
/// flags, until the queue is drained; asserts each exits 0.
fn drain_with(url: &str, dir: &Path, workers: usize, extra: &[&str]) {
    let bin = tq_bin().display().to_string();
    let mut running: Vec<_> = (0..workers)
        .map(|_| {
            let mut args = vec!["worker", "--burst"];
            args.extend_from_slice(extra);
            spawn_at(url, dir, &bin, &args)
        })
        .collect();
    for w in &mut running {
        let status = w.wait_exit(Duration::from_secs(120));
        assert!(status.success(), "a worker failed: {}", w.log());
    }
}

/// A handler that records "<job> s <ns>" when it starts and "<job> e <ns>"
/// when it ends (its own clock), sleeping `sleep` seconds between.
fn span_handler(task: &str, log: &Path, sleep: &str) -> String {
    let log = log.display();
    format!(
        "{task}=echo \"$TQ_JOB_ID $TQ_KEY s $(date +%s%N)\" >> {log}; sleep {sleep}; echo \"$TQ_JOB_ID $TQ_KEY e $(date +%s%N)\" >> {log}"
    )
}

/// Most jobs running at once, per group (the key, or "" for all), from a
/// span_handler log: an end and a start at the same instant do not overlap.
fn most_at_once(log: &Path, by_key: bool) -> HashMap<String, usize> {
    let mut events: Vec<(u128, i32, String)> = lines(log)
        .iter()
        .map(|l| {
            let parts: Vec<&str> = l.split_whitespace().collect();
            // "<job> <key> s|e <ns>", the key may be empty.
            let (key, kind, ns) = match parts.as_slice() {
                [_, key, kind, ns] => (key.to_string(), *kind, *ns),
                [_, kind, ns] => (String::new(), *kind, *ns),
                _ => panic!("bad log line {l:?}"),
            };
            let key = if by_key { key } else { String::new() };
            (ns.parse().unwrap(), if kind == "s" { 1 } else { -1 }, key)
        })
        .collect();
    events.sort_by_key(|(t, delta, _)| (*t, *delta));
    let mut now: HashMap<String, i32> = HashMap::new();
    let mut most: HashMap<String, usize> = HashMap::new();
    for (_, delta, key) in events {
        let n = now.entry(key.clone()).or_default();
        *n += delta;
        let m = most.entry(key).or_default();
        *m = (*m).max(*n as usize);
    }
    most
}

/// `--concurrency 5` over 4 workers × `-c 50`, 200 jobs of 100 ms: the
/// handlers' own spans never overlap more than 5, and do reach 5.
fn concurrency_holds_for_the_fleet(url: &str, dir: &Path, queue: &str) {
    let log = dir.join(format!("{queue}-spans.log"));
    limit(url, queue, &["--concurrency", "5"]);
    enqueue_lines(url, dir, queue, &jobs("span", None, 200));
    let handler = span_handler("span", &log, "0.1");
    drain_with(url, dir, 4, &["-Q", queue, "-c", "50", "--handler", &handler]);
    assert_eq!(lines(&log).len(), 400, "every job ran once");
    assert_eq!(most_at_once(&log, false)[""], 5, "at most 5 at once, and 5 reached");
}

/// Asserts that no second (from any start on) holds more than `most` of
/// `starts` (ms); returns them sorted.
fn at_most_per_second(mut starts: Vec<u64>, most: usize, what: &str) -> Vec<u64> {
    starts.sort_unstable();
    for (i, t) in starts.iter().enumerate() {
        let in_window = starts[i..].iter().take_while(|s| **s < t + 1000).count();
        assert!(in_window <= most, "{what}: {in_window} starts in the second from {t}");
    }
    starts
}

/// `--rate 20/1s` over 4 workers, 100 jobs: no window of one second (by
/// the server's clock, which the limit counts: TQ_STARTED_AT_MS) holds more
/// than 20 starts, so the run spans at least 4 s.
fn rate_holds_in_every_window(url: &str, dir: &Path, queue: &str) {
    let log = dir.join(format!("{queue}-starts.log"));
    limit(url, queue, &["--rate", "20/1s"]);
    enqueue_lines(url, dir, queue, &jobs("stamp", None, 100));
    let handler = format!("stamp=echo \"$TQ_STARTED_AT_MS\" >> {}", log.display());
    drain_with(url, dir, 4, &["-Q", queue, "-c", "50", "--handler", &handler]);
    let starts: Vec<u64> = lines(&log).iter().map(|l| l.trim().parse().unwrap()).collect();
    let starts = at_most_per_second(starts, 20, queue);
    assert_eq!(starts.len(), 100);
    let span = starts[99] - starts[0];
    assert!(span >= 4000, "100 starts at 20/s spread over {span} ms");
}

/// 300 jobs of key A enqueued before 10 of B and 10 of C, one worker `-c 1`:
/// the keys take turns, so B's and C's all start within the first 40.
fn keys_take_turns(url: &str, dir: &Path, queue: &str) {
    let log = dir.join(format!("{queue}-keys.log"));
    let mut all = jobs("turn", Some("A"), 300);
    all.extend(jobs("turn", Some("B"), 10));
    all.extend(jobs("turn", Some("C"), 10));
    enqueue_lines(url, dir, queue, &all);
    let handler = format!("turn=echo \"$TQ_KEY\" >> {}", log.display());
    drain_at(url, &["-Q", queue, "-c", "1", "--handler", &handler]);
    let order = lines(&log);
    assert_eq!(order.len(), 320);
    let last_of = |k: &str| order.iter().rposition(|o| o == k).unwrap();
    assert!(
        last_of("B") < 40 && last_of("C") < 40,
        "B's last start is #{}, C's #{}: {:?}",
        last_of("B") + 1,
        last_of("C") + 1,
        &order[..40]
    );
}

/// `--key-concurrency 1` with `-c 10`: no two jobs of one key overlap, while
/// different keys run side by side.
fn key_concurrency_holds(url: &str, dir: &Path, queue: &str) {
    let log = dir.join(format!("{queue}-key-spans.log"));
    limit(url, queue, &["--key-concurrency", "1"]);
    let mut all = Vec::new();
    for key in ["K1", "K2", "K3"] {
        all.extend(jobs("span", Some(key), 6));
    }
    enqueue_lines(url, dir, queue, &all);
    let handler = span_handler("span", &log, "0.05");
    drain_at(url, &["-Q", queue, "-c", "10", "--handler", &handler]);
    assert_eq!(lines(&log).len(), 36);
    let most = most_at_once(&log, true);
    for key in ["K1", "K2", "K3"] {
        assert_eq!(most[key], 1, "key {key} ran {} at once", most[key]);
    }
    assert!(most_at_once(&log, false)[""] > 1, "different keys ran side by side");
}

#[test]
fn a_concurrency_limit_holds_for_the_whole_fleet() {
    let redis = RedisServer::start();
    concurrency_holds_for_the_fleet(&redis.url(), redis.dir(), "reports");
}

#[test]
fn a_rate_limit_holds_in_every_window() {
    let redis = RedisServer::start();
    rate_holds_in_every_window(&redis.url(), redis.dir(), "emails");
}

#[test]
fn fairness_keys_take_turns_and_key_concurrency_holds() {
    let redis = RedisServer::start();
    keys_take_turns(&redis.url(), redis.dir(), "tenants");
    key_concurrency_holds(&redis.url(), redis.dir(), "per-tenant");
}

#[test]
fn flow_control_holds_on_a_three_master_cluster() {
    let cluster = RedisCluster::start(3);
    // Queues on each of the three masters, and a fourth anywhere.
    let mut names: Vec<String> = Vec::new();
    let mut masters = std::collections::HashSet::new();
    for i in 0..1000 {
        let name = format!("flow{i}");
        if masters.insert(cluster.port_of(&format!("{{{name}}}"))) {
            names.push(name);
        }
        if masters.len() == 3 {
            break;
        }
    }
    assert_eq!(names.len(), 3);
    names.push("flow-extra".into());
    let (url, dir) = (cluster.url(), cluster.dir());
    concurrency_holds_for_the_fleet(&url, dir, &names[0]);
    rate_holds_in_every_window(&url, dir, &names[1]);
    keys_take_turns(&url, dir, &names[2]);
    key_concurrency_holds(&url, dir, &names[3]);
    weighted_queues_share_starts(&url, dir, &names[0], &names[1]);
    a_snoozed_job_spends_no_attempt(&url, dir, &names[2]);
}

/// Weighted 3:1 with both queues full, `-c 1`: over 400 starts the ratio
/// lies within 2.5–3.5 (queues on two masters of a cluster here; one
/// redis-server in tests/priority.rs).
fn weighted_queues_share_starts(url: &str, dir: &Path, a: &str, b: &str) {
    let log = dir.join("weighted.log");
    enqueue_lines(url, dir, a, &jobs("record", None, 400));
    enqueue_lines(url, dir, b, &jobs("record", None, 200));
    // Only the new jobs: the queues' earlier limits go.
    for q in [a, b] {
        tq_at(url).args(["queue", "limit", q, "--clear"]).assert().success();
    }
    let handler = format!("record=echo \"$TQ_QUEUE\" >> {}", log.display());
    let weights = format!("{a}:3,{b}:1");
    drain_at(url, &["-Q", &weights, "-c", "1", "--handler", &handler]);
    let ran = lines(&log);
    assert_eq!(ran.len(), 600);
    let from_a = ran[..400].iter().filter(|q| *q == a).count() as f64;
    let ratio = from_a / (400.0 - from_a);
    assert!(
        (2.5..=3.5).contains(&ratio),
        "{from_a} of the first 400 starts from {a}"
    );
}

/// A handler that exits 75 twice, then succeeds: `succeeded`, 1 attempt.
fn a_snoozed_job_spends_no_attempt(url: &str, dir: &Path, queue: &str) {
    let count = dir.join("tries");
    let handler = format!(
        "busy=n=$(cat {0} 2>/dev/null || echo 0); echo $((n+1)) > {0}; [ \"$n\" -ge 2 ] || exit 75",
        count.display()
    );
    let out = tq_at(url)
        .args([
            "enqueue",
            "busy",
            "-q",
            queue,
            "--max-retries",
            "0",
            "--retry-base",
            "100ms",
        ])
        .output()
        .unwrap();
    let id = String::from_utf8(out.stdout).unwrap().trim().to_string();
    drain_at(url, &["-Q", queue, "--handler", &handler]);
    let out = tq_at(url).args(["status", &id, "--json"]).output().unwrap();
    let status: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (status["state"].as_str(), status["attempts"].as_u64()),
        (Some("succeeded"), Some(1))
    );
    assert_eq!(std::fs::read_to_string(&count).unwrap().trim(), "3");
}

#[test]
fn a_limited_high_queue_does_not_hold_back_default() {
    let redis = RedisServer::start();
    let log = redis.dir().join("spans.log");
    limit(&redis.url(), "high", &["--concurrency", "1"]);
    enqueue_lines(&redis.url(), redis.dir(), "high", &jobs("slow", None, 3));
    enqueue_lines(&redis.url(), redis.dir(), "default", &jobs("slow", None, 3));
    let handler = format!(
        "slow=echo \"$TQ_QUEUE $(date +%s%N)\" >> {}; sleep 0.3",
        redis.dir().join("spans.log").display()
    );
    redis.drain(&["-Q", "high,default", "-c", "4", "--handler", &handler]);
    let starts: Vec<(String, u128)> = lines(&log)
        .iter()
        .map(|l| {
            let (q, t) = l.split_once(' ').unwrap();
            (q.to_string(), t.parse().unwrap())
        })
        .collect();
    let last_high = starts
        .iter()
        .filter(|(q, _)| q == "high")
        .map(|(_, t)| *t)
        .max()
        .unwrap();
    let last_default = starts
        .iter()
        .filter(|(q, _)| q == "default")
        .map(|(_, t)| *t)
        .max()
        .unwrap();
    assert!(
        last_default < last_high,
        "default's jobs ran while high's limit held its own: {starts:?}"
    );
}

#[test]
fn limits_outlive_workers_and_clear_removes_them() {
    let redis = RedisServer::start();
    let url = redis.url();
    limit(&url, "q", &["--concurrency", "2", "--rate", "1000/1m"]);
    let shown = redis.json(&["queue", "limit", "q"]);
    assert_eq!(shown["limits"]["concurrency"], 2);
    assert_eq!(shown["limits"]["rate"], "1000/1m");
    // Two workers in turn (each stops when drained): both keep to the limit.
    for round in 0..2 {
        let log = redis.dir().join(format!("round{round}.log"));
        enqueue_lines(&url, redis.dir(), "q", &jobs("span", None, 6));
        redis.drain(&["-Q", "q", "-c", "10", "--handler", &span_handler("span", &log, "0.2")]);
        assert_eq!(most_at_once(&log, false)[""], 2, "round {round}");
    }
    tq_at(&url).args(["queue", "limit", "q", "--clear"]).assert().success();
    let shown = redis.json(&["queue", "limit", "q"]);
    assert_eq!(shown["limits"]["concurrency"], serde_json::Value::Null);
    assert!(redis.inspect()["queues"][0].get("flow").is_none(), "no flow state left");
    let log = redis.dir().join("cleared.log");
    enqueue_lines(&url, redis.dir(), "q", &jobs("span", None, 6));
    redis.drain(&["-Q", "q", "-c", "10", "--handler", &span_handler("span", &log, "0.2")]);
    assert!(most_at_once(&log, false)[""] > 2, "without the limit, more ran at once");
}

#[test]
fn a_bad_limit_is_refused_in_one_line() {
    let redis = RedisServer::start();
    for (flags, says) in [
        (&["--rate", "20"][..], "expected N/DURATION"),
        (&["--rate", "0/1s"][..], "N must be 1 to 1000000"),
        (&["--rate", "5/1y2"][..], "expected N/DURATION"),
        (&["--concurrency", "-1"][..], "unexpected argument"),
        (&["--clear", "--concurrency", "3"][..], "cannot be used with"),
    ] {
        let out = redis.tq().args(["queue", "limit", "q"]).args(flags).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{flags:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{flags:?}: {err}");
    }
    let out = redis.tq().args(["enqueue", "t", "--key", "a|b"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("'|' not allowed"));
}

/// A served process that answers `pause_queue_ms` (an HTTP 429, say) holds
/// back the whole queue for every worker: nothing starts in the window, then
/// the queue runs again; `pause_key_ms` holds back only that key.
#[test]
fn a_handler_pause_holds_back_its_queue_or_its_key() {
    let redis = RedisServer::start();
    let url = redis.url();
    let serve = format!("python3 {}/tests/fixtures/plain_served.py", env!("CARGO_MANIFEST_DIR"));
    let log = redis.dir().join("pause.log");
    let bin = tq_bin().display().to_string();
    let _workers: Vec<_> = (0..2)
        .map(|_| {
            spawn_at(
                &url,
                redis.dir(),
                &bin,
                &["worker", "-Q", "api", "-c", "4", "--serve", &serve],
            )
        })
        .collect();
    let job = |what: &str, key: Option<&str>, tag: &str| {
        let key = key.map_or(String::new(), |k| format!(r#","key":"{k}""#));
        format!(
            r#"{{"task":"work","args":{{"do":"{what}","ms":1500,"log":"{}","tag":"{tag}"{}}}{key}}}"#,
            log.display(),
            if key.is_empty() { "" } else { r#","key":true"# }
        )
    };
    let times = |kind: &str| -> Vec<(f64, String)> {
        lines(&log)
            .iter()
            .filter_map(|l| {
                let mut parts = l.split_whitespace();
                (parts.next() == Some(kind)).then(|| {
                    let t = parts.next().unwrap().parse().unwrap();
                    (t, parts.next().unwrap_or("").to_string())
                })
            })
            .collect()
    };
    // The whole queue.
    enqueue_lines(&url, redis.dir(), "api", &[job("pause", None, "first")]);
    wait_until(Duration::from_secs(30), "the pause", || times("pause").len() == 1);
    let paused_at = times("pause")[0].0;
    enqueue_lines(
        &url,
        redis.dir(),
        "api",
        &(0..4).map(|_| job("stamp", None, "q")).collect::<Vec<_>>(),
    );
    wait_until(Duration::from_secs(30), "every job to run", || {
        times("start").len() == 5
    });
    for (t, tag) in times("start") {
        assert!(
            t >= paused_at + 1.5,
            "{tag} started {:.3}s into the 1.5s pause",
            t - paused_at
        );
    }
    // One key: the others run meanwhile.
    std::fs::remove_file(&log).unwrap();
    enqueue_lines(&url, redis.dir(), "api", &[job("pause", Some("X"), "X")]);
    wait_until(Duration::from_secs(30), "the key's pause", || times("pause").len() == 1);
    let paused_at = times("pause")[0].0;
    let mut next: Vec<String> = (0..3).map(|_| job("stamp", Some("X"), "X")).collect();
    next.extend((0..3).map(|_| job("stamp", Some("Y"), "Y")));
    enqueue_lines(&url, redis.dir(), "api", &next);
    wait_until(Duration::from_secs(30), "every job to run", || {
        times("start").len() == 7
    });
    for (t, tag) in times("start") {
        if tag == "X" {
            assert!(
                t >= paused_at + 1.5,
                "X started {:.3}s into its 1.5s pause",
                t - paused_at
            );
        } else {
            assert!(t < paused_at + 1.5, "Y waited for X's pause");
        }
    }
}

/// A key with nothing waiting or running costs nothing for long: its
/// records under the key limits are pruned by the queue's tick once the
/// rate window is past, leaving only the queue's two counters.
#[test]
fn idle_keys_leave_no_records_behind() {
    let redis = RedisServer::start();
    let url = redis.url();
    limit(&url, "keys", &["--key-rate", "100/1s", "--key-concurrency", "3"]);
    let mut all = Vec::new();
    for k in 0..50 {
        all.extend(jobs("tq.noop", Some(&format!("tenant-{k}")), 2));
    }
    enqueue_lines(&url, redis.dir(), "keys", &all);
    let _worker = redis.spawn_tq(&["worker", "-Q", "keys", "-c", "20"]);
    let kstate = "tq:{keys}:kstate";
    wait_until(Duration::from_secs(30), "the jobs to run", || {
        redis.queue_stats("keys")["processed"] == 100
    });
    let fields = || -> Vec<String> {
        let mut f: Vec<String> = redis::cmd("HKEYS").arg(kstate).query(&mut redis.conn()).unwrap();
        f.sort();
        f
    };
    assert!(fields().len() > 50, "the keys' records were written: {:?}", fields());
    wait_until(Duration::from_secs(30), "idle keys' records to be pruned", || {
        fields().iter().all(|f| ["seq", "sweep", "turn"].contains(&f.as_str()))
    });
    let lines: u64 = redis::cmd("ZCARD")
        .arg("tq:{keys}:kq")
        .query(&mut redis.conn())
        .unwrap();
    assert_eq!(lines, 0);
}

/// What holds a pending job back is said where an operator looks: `tq jobs
/// list`, `tq status`, `tq inspect`.
#[test]
fn jobs_list_status_and_inspect_say_why_a_job_waits() {
    let redis = RedisServer::start();
    let url = redis.url();
    limit(&url, "slow", &["--concurrency", "1"]);
    let running = redis.enqueue(&["nap", "-q", "slow"]);
    let waiting = redis.enqueue(&["nap", "-q", "slow", "--key", "acme"]);
    let _worker = redis.spawn_tq(&["worker", "-Q", "slow", "-c", "4", "--handler", "nap=sleep 30"]);
    wait_until(Duration::from_secs(20), "the first job to run", || {
        redis.status(&running)["state"] == "active"
    });
    let why = "concurrency limit: 1 of 1 running";
    let status = redis.status(&waiting);
    assert_eq!(status["state"], "pending");
    assert_eq!(status["key"], "acme");
    assert_eq!(status["waiting_for"], why);
    let listed = redis.json(&["jobs", "list", "-q", "slow", "--state", "pending"]);
    assert_eq!(listed[0]["id"], waiting.as_str());
    assert_eq!(listed[0]["waiting_for"], why);
    let flow = &redis.inspect()["queues"][0]["flow"];
    assert_eq!(flow["held_by"], why);
    assert_eq!(
        (flow["running"].as_u64(), flow["keyed_pending"].as_u64()),
        (Some(1), Some(1))
    );
    let table = redis.tq().args(["inspect", "slow"]).output().unwrap();
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(text.contains("flow slow: limits concurrency 1"), "{text}");
}

/// `--key-rate 5/1s`: no second of the server's clock holds more than 5
/// starts of one key, while another key runs beside it.
#[test]
fn a_key_rate_holds_per_key() {
    let redis = RedisServer::start();
    let url = redis.url();
    let log = redis.dir().join("key-starts.log");
    limit(&url, "api", &["--key-rate", "5/1s"]);
    let mut all = jobs("stamp", Some("A"), 15);
    all.extend(jobs("stamp", Some("B"), 15));
    enqueue_lines(&url, redis.dir(), "api", &all);
    let handler = format!("stamp=echo \"$TQ_KEY $TQ_STARTED_AT_MS\" >> {}", log.display());
    drain_with(&url, redis.dir(), 2, &["-Q", "api", "-c", "10", "--handler", &handler]);
    for key in ["A", "B"] {
        let starts: Vec<u64> = lines(&log)
            .iter()
            .filter_map(|l| l.strip_prefix(&format!("{key} ")).map(|t| t.parse().unwrap()))
            .collect();
        assert_eq!(at_most_per_second(starts, 5, key).len(), 15);
    }
}

/// A key's running count that went wrong (written by another tool, say)
/// is recounted from the leases by the queue's tick: the key runs again.
#[test]
fn a_wrong_running_count_is_recounted_and_the_key_runs() {
    let redis = RedisServer::start();
    let url = redis.url();
    limit(&url, "q", &["--key-concurrency", "2"]);
    let id = redis.enqueue(&["tq.noop", "-q", "q", "--key", "acme"]);
    let _: () = redis::cmd("HSET")
        .arg("tq:{q}:kstate")
        .arg("r:acme")
        .arg(2)
        .query(&mut redis.conn())
        .unwrap();
    let _worker = redis.spawn_tq(&["worker", "-Q", "q"]);
    wait_until(Duration::from_secs(30), "the key's job to run", || {
        redis.status(&id)["state"] == "succeeded"
    });
}
