//! At rest no thundering herd: a new job wakes one idle worker, retries
//! cost no extra due-work calls, and a killed wake-up connection is
//! replaced before the next job needs it.

use crate::support;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use support::{RedisServer, lines, wait_until};

/// Commands Redis runs, as `redis-cli monitor` prints them, while it runs.
struct Monitor {
    child: std::process::Child,
    lines: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl Monitor {
    fn start(redis: &RedisServer) -> Self {
        let mut child = Command::new("redis-cli")
            .args(["-u", &redis.url(), "monitor"])
            .stdout(Stdio::piped())
            .spawn()
            .expect("redis-cli");
        let lines = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let out = child.stdout.take().unwrap();
        let sink = lines.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                sink.lock().unwrap().push(line);
            }
        });
        wait_until(Duration::from_secs(10), "monitor to attach", || {
            redis::cmd("PING").query::<String>(&mut redis.conn()).unwrap();
            !lines.lock().unwrap().is_empty()
        });
        Monitor { child, lines }
    }
}

impl Drop for Monitor {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Due-work (promote/recover) script calls: the tick, the only script whose
/// first key is a queue's leader key.
fn due_work_calls(monitor: &Monitor) -> usize {
    let lines = monitor.lines.lock().unwrap();
    lines
        .iter()
        .filter(|l| {
            let Some((_, call)) = l.split_once("\"EVALSHA\" ") else {
                return false;
            };
            // "sha" "numkeys" "first key" ...
            call.split("\" \"")
                .nth(2)
                .is_some_and(|first| first.ends_with(":leader"))
        })
        .count()
}

#[test]
fn retries_cost_no_due_work_calls_beyond_the_tick() {
    let redis = RedisServer::start();
    let workers: Vec<_> = (0..8)
        .map(|_| redis.spawn_tq(&["worker", "-Q", "high,default,low", "-c", "4"]))
        .collect();
    wait_until(Duration::from_secs(20), "8 workers to register", || {
        redis.inspect()["workers"].as_array().is_some_and(|w| w.len() == 8)
    });
    let monitor = Monitor::start(&redis);
    let window = Duration::from_secs(4);

    let idle_start = due_work_calls(&monitor);
    std::thread::sleep(window);
    let idle = due_work_calls(&monitor) - idle_start;

    let busy_start = due_work_calls(&monitor);
    let started = Instant::now();
    // One batch (retry base 1 s, the default): 121 `tq enqueue` processes
    // would stretch the window past its 4 s on a slow machine.
    let ids = redis.enqueue_many("default", "tq.fail", "{}", 1, 121);
    std::thread::sleep(window.saturating_sub(started.elapsed()));
    let busy = due_work_calls(&monitor) - busy_start;
    eprintln!("due-work calls: {idle} at rest, {busy} with 121 retries");
    assert!(idle > 0, "the tick was seen");
    assert!(
        busy <= idle + 3,
        "{busy} due-work calls with 121 retries against {idle} at rest"
    );

    wait_until(Duration::from_secs(30), "every job to be retried once and die", || {
        redis.queue_stats("default")["dead"] == 121
    });
    assert_eq!(redis.status(&ids[0])["attempts"], 2);
    drop(workers);
}

#[test]
fn a_killed_wakeup_connection_is_replaced_before_the_next_job() {
    let redis = RedisServer::start();
    let _worker = redis.spawn_tq(&["worker", "-Q", "default"]);
    let blocked = || -> Vec<String> {
        let list: String = redis::cmd("CLIENT").arg("LIST").query(&mut redis.conn()).unwrap();
        list.lines()
            .filter(|l| l.contains("cmd=blpop"))
            .filter_map(|l| l.split(' ').find_map(|f| f.strip_prefix("id=")).map(str::to_string))
            .collect()
    };
    wait_until(Duration::from_secs(20), "the worker to wait for work", || {
        !blocked().is_empty()
    });
    let killed = blocked();
    for id in &killed {
        let _: i64 = redis::cmd("CLIENT")
            .arg("KILL")
            .arg("ID")
            .arg(id)
            .query(&mut redis.conn())
            .unwrap();
    }
    // A new connection waits in its place, before any job asks for it.
    wait_until(Duration::from_secs(10), "a new wake-up connection", || {
        blocked().iter().any(|id| !killed.contains(id))
    });
    let id = redis.enqueue(&["tq.noop"]);
    wait_until(Duration::from_secs(10), "the job to run", || {
        redis.status(&id)["state"] == "succeeded"
    });
    // Handed to the waiting worker (delivery 1, no claim needed).
    assert_eq!(redis.status(&id)["deliveries"], 1);
}

#[test]
fn a_burst_worker_running_a_long_job_starts_a_new_one_in_its_free_slot_at_once() {
    let redis = RedisServer::start();
    let long = redis.enqueue(&["tq.sleep", "--args", r#"{"ms":20000}"#]);
    let worker = redis.spawn_tq(&["worker", "--burst", "-c", "2"]);
    wait_until(Duration::from_secs(20), "the long job to start", || {
        redis.status(&long)["state"] == "active"
    });
    let quick = redis.enqueue(&["tq.noop"]);
    wait_until(Duration::from_secs(10), "the new job to run beside it", || {
        redis.status(&quick)["state"] == "succeeded"
    });
    assert_eq!(redis.status(&long)["state"], "active", "{}", worker.log());
    assert_eq!(redis.status(&quick)["deliveries"], 1, "{}", worker.log());
    worker.signal(libc::SIGKILL);
}

/// Clients Redis holds in a blocking command (idle workers waiting for work).
fn blocked_clients(redis: &RedisServer) -> u64 {
    redis.info_field("clients", "blocked_clients").unwrap().parse().unwrap()
}

#[test]
fn a_frozen_idle_worker_does_not_hold_a_job_handed_to_it() {
    let redis = RedisServer::start();
    let runs = redis.dir().join("runs");
    // The handler's parent is the worker that runs it.
    let handler = format!("mark=echo $PPID >> {}", runs.display());
    let args = ["worker", "-c", "1", "--lease", "5m", "--handler", handler.as_str()];
    let mut handed_to_frozen = 0;
    for round in 1..=5 {
        let mut frozen = redis.spawn_tq(&args);
        wait_until(Duration::from_secs(20), "the worker to wait for work", || {
            blocked_clients(&redis) == 1
        });
        // Frozen while its wait is in flight: the new job is handed to it.
        frozen.signal(libc::SIGSTOP);
        let id = redis.enqueue(&["mark"]);
        let mut healthy = redis.spawn_tq(&args);
        // Far less than the 5-minute lease the frozen worker would hold it for.
        wait_until(Duration::from_secs(30), "the job to run on the healthy worker", || {
            redis.status(&id)["state"] == "succeeded"
        });
        let ran = lines(&runs);
        assert_eq!(ran.len(), round, "{ran:?}");
        assert_eq!(ran[round - 1], healthy.child.id().to_string(), "round {round}");
        if redis.status(&id)["deliveries"] == 2 {
            handed_to_frozen += 1;
        }
        // Thawed, the frozen worker's confirmation is refused: it runs nothing.
        frozen.signal(libc::SIGCONT);
        for w in [&mut frozen, &mut healthy] {
            w.signal(libc::SIGTERM);
            assert!(w.wait_exit(Duration::from_secs(20)).success(), "{}", w.log());
        }
        assert_eq!(lines(&runs).len(), round);
        assert_eq!(redis.status(&id)["state"], "succeeded");
    }
    assert!(handed_to_frozen > 0, "no round handed the job to the frozen worker");
    assert_eq!(redis.queue_stats("default")["processed"], 5);
}

/// Commands clients sent (not those scripts ran) since `from` lines.
fn client_commands(monitor: &Monitor, from: usize) -> Vec<String> {
    let lines = monitor.lines.lock().unwrap();
    lines[from..]
        .iter()
        .filter(|l| !l.contains(" lua] "))
        .cloned()
        .collect()
}

#[test]
fn a_wait_blocks_on_the_job_instead_of_polling_it() {
    let redis = RedisServer::start();
    let monitor = Monitor::start(&redis);

    // Nobody runs it: the 3 s wait gives up, having asked Redis a handful of things.
    let from = monitor.lines.lock().unwrap().len();
    let out = redis
        .tq()
        .args(["enqueue", "nobody.runs", "-q", "idle", "--wait", "--wait-timeout", "3s"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("still pending after waiting 3s"));
    let sent = client_commands(&monitor, from);
    let names: Vec<&str> = sent
        .iter()
        .filter_map(|l| l.split("] ").nth(1)?.split(' ').next())
        .collect();
    eprintln!("one 3 s wait: {} commands: {names:?}", sent.len());
    assert!(sent.len() <= 40, "{} commands for one 3 s wait: {names:?}", sent.len());

    // A job that runs: the wait ends with it.
    let mut waiting = redis.spawn_tq(&[
        "enqueue",
        "tq.sleep",
        "-q",
        "work",
        "--args",
        r#"{"ms":2000}"#,
        "--wait",
        "--wait-timeout",
        "60s",
        "--json",
    ]);
    let _worker = redis.spawn_tq(&["worker", "-Q", "work"]);
    assert!(
        waiting.wait_exit(Duration::from_secs(30)).success(),
        "{}",
        waiting.log()
    );
    // (Exit 0: the job ended and did not die.)
    assert_eq!(redis.queue_stats("work")["processed"], 1);

    // A job someone waits for leaves no wait behind once it ended.
    let waiting_left: u64 = redis::cmd("ZCARD")
        .arg("tq:{work}:waiting")
        .query(&mut redis.conn())
        .unwrap();
    assert_eq!(waiting_left, 0);
}
