//! The operator's controls, through the real binary: pause, resume and
//! purge a queue.

use crate::support;
use std::time::Duration;
use support::{RedisServer, wait_until};

fn state(redis: &RedisServer, id: &str) -> String {
    redis.status(id)["state"].as_str().unwrap_or("").to_string()
}

#[test]
fn a_paused_queue_is_never_claimed_from_and_resume_restarts_it() {
    let redis = RedisServer::start();
    // The first job of an empty queue is handed to idle workers at once:
    // pausing must take that one back too.
    let a: Vec<String> = (0..3).map(|_| redis.enqueue(&["tq.noop", "-q", "a"])).collect();
    let out = redis.tq().args(["queue", "pause", "a"]).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "queue a is paused");
    let again = redis.json(&["queue", "pause", "a"]);
    assert_eq!(again["changed"], false, "{again}");
    let b: Vec<String> = (0..3).map(|_| redis.enqueue(&["tq.noop", "-q", "b"])).collect();
    assert_eq!(redis.queue_stats("a")["paused"], true);

    // A burst worker with `a` first runs `b`'s jobs, none of `a`'s, and
    // jobs of a paused queue do not keep it from exiting.
    redis.drain(&["-Q", "a,b"]);
    for id in &b {
        assert_eq!(state(&redis, id), "succeeded", "b job {id}");
    }
    for id in &a {
        assert_eq!(state(&redis, id), "pending", "a job {id}");
    }
    assert_eq!(redis.queue_stats("a")["pending"], 3);

    // Still paused with a worker waiting: a new job is not handed to it.
    let _worker = redis.spawn_tq(&["worker", "-Q", "a,b"]);
    wait_until(Duration::from_secs(20), "the worker to register", || {
        redis.inspect()["workers"].as_array().is_some_and(|w| w.len() == 1)
    });
    let late = redis.enqueue(&["tq.noop", "-q", "a"]);
    let probe = redis.enqueue(&["tq.noop", "-q", "b"]);
    wait_until(Duration::from_secs(20), "the b job to run", || {
        state(&redis, &probe) == "succeeded"
    });
    assert_eq!(state(&redis, &late), "pending");

    let out = redis.tq().args(["queue", "resume", "a"]).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    wait_until(Duration::from_secs(20), "the a jobs to run after resume", || {
        a.iter().chain([&late]).all(|id| state(&redis, id) == "succeeded")
    });
    assert_eq!(redis.queue_stats("a")["paused"], false);
}

#[test]
fn purge_deletes_the_pending_jobs_of_one_queue_only_with_yes() {
    let redis = RedisServer::start();
    let dead = redis.enqueue(&["tq.fail", "--max-retries", "0"]);
    redis.drain(&[]);
    let replay = redis.json(&["dlq", "replay", &dead]);
    let replay_id = replay[0]["job_id"].as_str().map(str::to_string);
    let waiting: Vec<String> = (0..5).map(|_| redis.enqueue(&["tq.noop"])).collect();
    let later = redis.enqueue(&["tq.noop", "--delay", "1h"]);
    let other = redis.enqueue(&["tq.noop", "-q", "other"]);

    let refused = redis.tq().args(["queue", "purge", "default"]).output().unwrap();
    assert_eq!(refused.status.code(), Some(2), "{refused:?}");
    assert!(String::from_utf8_lossy(&refused.stderr).contains("refusing to delete 6 pending jobs"));
    assert_eq!(redis.queue_stats("default")["pending"], 6);

    let purged = redis.json(&["queue", "purge", "default", "--yes"]);
    assert_eq!(purged["purged"], 6, "{purged}");
    for id in &waiting {
        let out = redis.tq().args(["status", id]).output().unwrap();
        assert_eq!(out.status.code(), Some(3), "{id} is gone: {out:?}");
    }
    assert_eq!(state(&redis, &later), "scheduled", "delayed jobs stay");
    assert_eq!(state(&redis, &other), "pending", "other queues stay");
    // The purged replay no longer holds its dead record: it replays again.
    let replay_id = replay_id.unwrap_or_else(|| panic!("{replay}"));
    assert_eq!(
        redis.tq().args(["status", &replay_id]).output().unwrap().status.code(),
        Some(3)
    );
    let again = redis.tq().args(["dlq", "replay", &dead]).output().unwrap();
    assert!(again.status.success(), "{again:?}");
}

#[test]
fn jobs_list_shows_each_state_with_its_times_and_worker() {
    let redis = RedisServer::start();
    let pending: Vec<String> = (0..3).map(|_| redis.enqueue(&["tq.noop", "-q", "idle"])).collect();
    let scheduled = redis.enqueue(&["tq.noop", "-q", "idle", "--delay", "1h"]);
    let sleeper = redis.enqueue(&["tq.sleep", "-q", "busy", "--args", r#"{"ms":60000}"#]);
    let failing = redis.enqueue(&["tq.fail", "-q", "busy", "--max-retries", "3", "--retry-base", "1h"]);
    let _worker = redis.spawn_tq(&["worker", "-Q", "busy", "-c", "2"]);
    wait_until(Duration::from_secs(20), "one job running, one retrying", || {
        state(&redis, &sleeper) == "active" && state(&redis, &failing) == "retrying"
    });

    let listed = redis.json(&["jobs", "list", "-q", "idle", "--state", "pending"]);
    let ids: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|j| j["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        pending.iter().map(String::as_str).collect::<Vec<_>>(),
        "oldest first"
    );
    let limited = redis.json(&["jobs", "list", "-q", "idle", "--state", "pending", "--limit", "2"]);
    assert_eq!(limited.as_array().unwrap().len(), 2);

    let listed = redis.json(&["jobs", "list", "-q", "idle", "--state", "scheduled"]);
    assert_eq!(listed[0]["id"], scheduled.as_str(), "{listed}");
    assert!(listed[0]["due_at_ms"].as_u64().is_some(), "{listed}");

    let listed = redis.json(&["jobs", "list", "-q", "busy", "--state", "retrying"]);
    assert_eq!(listed[0]["id"], failing.as_str(), "{listed}");
    assert_eq!(listed[0]["attempts"], 1, "{listed}");
    assert!(listed[0]["last_error"].as_str().is_some(), "{listed}");

    let worker_id = redis.inspect()["workers"][0]["id"].as_str().unwrap().to_string();
    wait_until(Duration::from_secs(20), "the worker to list its running job", || {
        let listed = redis.json(&["jobs", "list", "-q", "busy", "--state", "active"]);
        listed[0]["id"] == sleeper.as_str() && listed[0]["worker"] == worker_id.as_str()
    });

    // inspect: scheduled counts delayed and retrying jobs (SPEC.md) and shows
    // which of them are retrying, in JSON as in text.
    let (idle, busy) = (redis.queue_stats("idle"), redis.queue_stats("busy"));
    assert_eq!(
        (idle["scheduled"].clone(), idle["retrying"].clone()),
        (1.into(), 0.into()),
        "{idle}"
    );
    assert_eq!(
        (busy["scheduled"].clone(), busy["retrying"].clone()),
        (1.into(), 1.into()),
        "{busy}"
    );
    let text = redis.tq().args(["inspect"]).output().unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.lines().any(|l| l.contains("scheduled ┆ of which")) && text.contains("┆ retrying"),
        "{text}"
    );

    // tq status says the same: when the retry runs, and who runs the active job.
    let retrying = redis.status(&failing);
    assert!(retrying["due_at_ms"].as_u64().is_some(), "{retrying}");
    let text = redis.tq().args(["status", &failing]).output().unwrap();
    assert!(
        String::from_utf8_lossy(&text.stdout).contains("next retry:"),
        "{text:?}"
    );
    let active = redis.status(&sleeper);
    assert_eq!(active["worker"], worker_id.as_str(), "{active}");
    assert!(active["started_at_ms"].as_u64().is_some(), "{active}");

    let by_task = redis.json(&["jobs", "list", "--task", "tq.sleep"]);
    let ids: Vec<&str> = by_task
        .as_array()
        .unwrap()
        .iter()
        .map(|j| j["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![sleeper.as_str()]);
    let text = redis.tq().args(["jobs", "list", "-q", "idle"]).output().unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("waiting") && text.contains("due in"), "{text}");
}

#[test]
fn unique_jobs_are_created_once_per_window_even_under_concurrent_enqueues() {
    let redis = RedisServer::start();
    let first = redis.json(&["enqueue", "tq.noop", "--args", "[1]", "--unique-for", "10s"]);
    let second = redis.json(&["enqueue", "tq.noop", "--args", "[1]", "--unique-for", "10s"]);
    assert_eq!(first["duplicate"], false, "{first}");
    assert_eq!(
        (second["id"].clone(), second["duplicate"].clone()),
        (first["id"].clone(), true.into())
    );
    let other_args = redis.json(&["enqueue", "tq.noop", "--args", "[2]", "--unique-for", "10s"]);
    assert_ne!(other_args["id"], first["id"], "other args, other job");
    assert_eq!(redis.queue_stats("default")["pending"], 2);

    // 50 at once with one key: exactly one job.
    let children: Vec<_> = (0..50)
        .map(|n| {
            std::process::Command::new(support::tq_bin())
                .args(["enqueue", "tq.noop", "-q", "u", "--args", &format!("[{n}]")])
                .args(["--unique-for", "5s", "--unique-key", "nightly-report"])
                .env("TQ_REDIS_URL", redis.url())
                .stdout(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let ids: std::collections::HashSet<String> = children
        .into_iter()
        .map(|child| {
            let out = child.wait_with_output().unwrap();
            assert!(out.status.success(), "{out:?}");
            String::from_utf8(out.stdout).unwrap().trim().to_string()
        })
        .collect();
    assert_eq!(ids.len(), 1, "{ids:?}");
    assert_eq!(redis.queue_stats("u")["pending"], 1);
    // Once the window ends, the key makes a new job.
    wait_until(Duration::from_secs(20), "the window to end", || {
        let id = redis.enqueue(&[
            "tq.noop",
            "-q",
            "u",
            "--unique-for",
            "1s",
            "--unique-key",
            "nightly-report",
        ]);
        !ids.contains(&id)
    });
    assert_eq!(redis.queue_stats("u")["pending"], 2);
}

#[test]
fn a_job_not_started_before_it_expires_goes_to_the_dlq_unrun() {
    let redis = RedisServer::start();
    let runs = redis.dir().join("runs");
    let handler = format!("record=echo $TQ_JOB_ID >> {}", runs.display());
    let server_ms = || -> u64 {
        let (secs, micros): (u64, u64) = redis::cmd("TIME").query(&mut redis.conn()).unwrap();
        secs * 1000 + micros / 1000
    };
    let start = server_ms();
    // The first job of an empty queue is handed to idle workers at once;
    // the second waits on pending: both must expire.
    let expiring: Vec<String> = (0..2).map(|_| redis.enqueue(&["record", "--expires", "1s"])).collect();
    let lasting = redis.enqueue(&["record", "--expires", "1h"]);
    // No worker until their time is past (by the server's clock).
    wait_until(Duration::from_secs(10), "the expiry to pass", || {
        server_ms() > start + 1_500
    });
    redis.drain(&["--handler", &handler]);
    for id in &expiring {
        let status = redis.status(id);
        assert_eq!(status["state"], "dead", "{status}");
        let (record, _) = (redis.json(&["dlq", "show", id]), ());
        assert_eq!(record["reason"], "expired", "{record}");
    }
    assert_eq!(state(&redis, &lasting), "succeeded");
    let ran = std::fs::read_to_string(&runs).unwrap();
    assert_eq!(ran.trim(), lasting, "only the job that had not expired ran");
    // Replayable like any dead job: the replay has no expiry and runs.
    let replay = redis.json(&["dlq", "replay", &expiring[0]]);
    let new_id = replay[0]["job_id"].as_str().unwrap().to_string();
    redis.drain(&["--handler", &handler]);
    assert_eq!(state(&redis, &new_id), "succeeded");
}

#[test]
fn a_batch_enqueues_every_line_before_a_bad_one_and_names_it() {
    let redis = RedisServer::start();
    let file = redis.dir().join("jobs.jsonl");
    let mut lines: Vec<String> = (0..5000)
        .map(|n| {
            format!(
                r#"{{"task":"tq.noop","args":[{n}],"queue":"{}"}}"#,
                if n % 2 == 0 { "a" } else { "b" }
            )
        })
        .collect();
    lines.push(r#"{"task":"tq.noop","args":[1,}"#.to_string());
    lines.extend((0..10).map(|_| r#"{"task":"tq.noop"}"#.to_string()));
    std::fs::write(&file, lines.join("\n")).unwrap();
    let out = redis.tq().args(["enqueue", "--batch"]).arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("line 5001:"), "{stderr}");
    let ids: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(ids.len(), 5000);
    let pending = |q: &str| redis.queue_stats(q)["pending"].as_u64().unwrap();
    assert_eq!((pending("a"), pending("b")), (2500, 2500));
    let queues = redis.inspect()["queues"].clone();
    assert!(
        queues.as_array().unwrap().iter().all(|q| q["name"] != "default"),
        "nothing after the bad line: {queues}"
    );

    // From stdin, as JSON: every id, in order, runnable.
    let good = "{\"task\":\"tq.echo\",\"args\":[1]}\n\n{\"task\":\"tq.noop\",\"queue\":\"c\",\"delay\":\"1h\"}\n";
    let out = redis
        .tq()
        .args(["enqueue", "--batch", "-", "--json"])
        .write_stdin(good)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let ids: Vec<String> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(ids.len(), 2);
    assert_eq!(state(&redis, &ids[0]), "pending");
    assert_eq!(state(&redis, &ids[1]), "scheduled");
}

#[test]
fn cancel_kills_a_running_handler_and_keeps_waiting_jobs_from_running() {
    let redis = RedisServer::start();
    let dir = redis.dir();
    let pid_file = dir.join("pid");
    let runs = dir.join("runs");
    let handler = format!(
        "long=echo $TQ_JOB_ID >> {}; echo $$ > {}; exec sleep 60",
        runs.display(),
        pid_file.display()
    );
    let record = format!("record=echo $TQ_JOB_ID >> {}", runs.display());
    let long = redis.enqueue(&["long", "--max-retries", "3"]);
    let later = redis.enqueue(&["record", "--delay", "2s"]);
    let _worker = redis.spawn_tq(&["worker", "-c", "4", "--handler", &handler, "--handler", &record]);
    wait_until(Duration::from_secs(20), "the long job to start", || {
        std::fs::read_to_string(&pid_file).is_ok_and(|p| p.ends_with('\n')) && state(&redis, &long) == "active"
    });
    let pid: u32 = std::fs::read_to_string(&pid_file).unwrap().trim().parse().unwrap();
    assert!(support::pid_alive(pid));

    let out = redis.json(&["cancel", &long, &later]);
    assert_eq!(out[0]["result"], "cancelling", "{out}");
    assert_eq!(out[1]["result"], "cancelled", "{out}");
    wait_until(Duration::from_secs(20), "the handler to be killed", || {
        !support::pid_alive(pid)
    });
    wait_until(Duration::from_secs(20), "the job to end cancelled", || {
        state(&redis, &long) == "cancelled"
    });
    let status = redis.status(&long);
    assert_eq!(
        (status["reason"].clone(), status["attempts"].clone()),
        ("cancelled".into(), 1.into()),
        "{status}"
    );
    assert_eq!(state(&redis, &later), "cancelled");

    // Neither runs again: a job enqueued after its due time runs, they do not.
    let marker = redis.enqueue(&["record", "--delay", "2500ms"]);
    wait_until(Duration::from_secs(20), "a later job to run", || {
        state(&redis, &marker) == "succeeded"
    });
    let ran = std::fs::read_to_string(&runs).unwrap();
    assert_eq!(
        ran.lines().collect::<Vec<_>>(),
        vec![long.as_str(), marker.as_str()],
        "{ran}"
    );
    let unknown = redis.tq().args(["cancel", "nope"]).output().unwrap();
    assert_eq!(unknown.status.code(), Some(3));
}

#[test]
fn retry_now_runs_a_job_waiting_on_its_backoff() {
    let redis = RedisServer::start();
    let marker = redis.dir().join("ok");
    let handler = format!("once=test -f {0} || {{ touch {0}; exit 1; }}", marker.display());
    let id = redis.enqueue(&["once", "--retry-base", "1h"]);
    let _worker = redis.spawn_tq(&["worker", "--handler", &handler]);
    wait_until(Duration::from_secs(20), "the first attempt to fail", || {
        state(&redis, &id) == "retrying"
    });
    let out = redis.json(&["retry-now", &id]);
    assert_eq!(out[0]["result"], "pending", "{out}");
    wait_until(Duration::from_secs(20), "the retry to run", || {
        state(&redis, &id) == "succeeded"
    });
    let again = redis.json(&["retry-now", &id]);
    assert_eq!(again[0]["result"], "finished", "{again}");
}

#[test]
fn the_worker_logs_one_line_per_finished_job_unless_quiet() {
    let redis = RedisServer::start();
    let ok = redis.enqueue(&["tq.echo", "--args", "[1]"]);
    let flaky = redis.enqueue(&["tq.fail", "--max-retries", "1", "--retry-base", "100ms"]);
    let mut worker = redis.spawn_tq(&["worker", "--burst"]);
    assert!(worker.wait_exit(Duration::from_secs(60)).success(), "{}", worker.log());
    let log = worker.log();
    assert!(log.contains(&format!("job {ok} tq.echo succeeded in ")), "{log}");
    assert!(
        log.contains(&format!("job {flaky} tq.fail failed (attempt 1/2): ")) && log.contains("retry in"),
        "{log}"
    );
    assert!(
        log.contains(&format!("job {flaky} tq.fail dead (retries exhausted): ")),
        "{log}"
    );

    let quiet_job = redis.enqueue(&["tq.noop"]);
    let mut quiet = redis.spawn_tq(&["worker", "--burst", "--quiet"]);
    assert!(quiet.wait_exit(Duration::from_secs(60)).success());
    assert!(!quiet.log().contains(&quiet_job), "{}", quiet.log());

    let json_job = redis.enqueue(&["tq.noop"]);
    let mut json = redis.spawn_tq(&["worker", "--burst", "--log-format", "json"]);
    assert!(json.wait_exit(Duration::from_secs(60)).success());
    let line = json
        .log()
        .lines()
        .find(|l| l.contains(&json_job))
        .map(str::to_string)
        .unwrap_or_default();
    let parsed: serde_json::Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line}"));
    assert_eq!(parsed["fields"]["job"], json_job.as_str(), "{parsed}");
}

fn tmux(socket: &std::path::Path, args: &[&str]) -> String {
    let out = std::process::Command::new("tmux")
        .arg("-S")
        .arg(socket)
        .args(args)
        .output()
        .expect("tmux is missing: scripts/setup and .ci/run install it");
    String::from_utf8_lossy(&out.stdout).to_string()
}

#[test]
fn inspect_watch_redraws_in_place_in_a_terminal_and_ends_on_ctrl_c() {
    let redis = RedisServer::start();
    redis.enqueue(&["tq.noop", "-q", "watched"]);
    let socket = redis.dir().join("tmux.sock");
    let exit = redis.dir().join("exit");
    let command = format!(
        "TQ_REDIS_URL={} {} inspect --watch --interval 200ms; echo $? > {}",
        redis.url(),
        support::tq_bin().display(),
        exit.display()
    );
    tmux(
        &socket,
        &["new-session", "-d", "-x", "120", "-y", "40", "-s", "w", &command],
    );
    let pending_shown = |n: u64| {
        let screen = tmux(&socket, &["capture-pane", "-p", "-t", "w"]);
        screen.lines().any(|l| {
            let cells: Vec<&str> = l.split(['│', '┆']).map(str::trim).collect();
            cells.get(1) == Some(&"watched") && cells.get(2) == Some(&n.to_string().as_str())
        })
    };
    wait_until(Duration::from_secs(20), "the table with 1 pending", || pending_shown(1));
    for _ in 0..2 {
        redis.enqueue(&["tq.noop", "-q", "watched"]);
    }
    wait_until(Duration::from_secs(20), "the redrawn table with 3 pending", || {
        pending_shown(3)
    });
    // Redrawn in place: nothing scrolled off into the pane's history.
    let history = tmux(&socket, &["display", "-p", "-t", "w", "#{history_size}"]);
    assert_eq!(history.trim(), "0", "the view scrolled instead of redrawing");
    tmux(&socket, &["send-keys", "-t", "w", "C-c"]);
    // The shell creates the file before it writes the status: wait for the status.
    wait_until(Duration::from_secs(20), "the watch to exit", || {
        std::fs::read_to_string(&exit).is_ok_and(|t| !t.trim().is_empty())
    });
    assert_eq!(std::fs::read_to_string(&exit).unwrap().trim(), "0");
    tmux(&socket, &["kill-server"]);
}

#[test]
fn inspect_watch_json_prints_one_document_per_interval_with_rates() {
    use std::io::{BufRead, BufReader};
    let redis = RedisServer::start();
    redis.enqueue(&["tq.noop"]);
    let mut child = std::process::Command::new(support::tq_bin())
        .args(["inspect", "--watch", "--interval", "200ms", "--json"])
        .env("TQ_REDIS_URL", redis.url())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    for n in 0..3 {
        let line = lines.next().unwrap().unwrap();
        let doc: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(doc["queues"][0]["pending"], 1, "{doc}");
        if n > 0 {
            assert_eq!(doc["rates"]["default"]["pending_change"], 0, "{doc}");
        }
    }
    // SIGINT, as Ctrl-C sends it.
    let _ = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    assert_eq!(child.wait().unwrap().code(), Some(0));
}

#[test]
fn tables_fit_80_columns_cutting_long_text_unless_wide() {
    let redis = RedisServer::start();
    let queue = "reports_for_the_finance_department_monthly";
    let task = "reports.generate_the_monthly_statement_for_every_customer";
    redis.enqueue(&[task, "-q", queue, "--max-retries", "0"]);
    redis.enqueue(&[task, "-q", queue]);
    redis.drain(&["-Q", queue, "--handler", &format!("{task}=false")]);
    redis.enqueue(&[task, "-q", queue]);
    for command in [&["inspect"][..], &["jobs", "list"], &["dlq", "list"]] {
        let out = redis.tq().args(command).output().unwrap();
        assert!(out.status.success(), "{command:?}: {out:?}");
        let text = String::from_utf8_lossy(&out.stdout);
        let widest = text.lines().map(|l| l.chars().count()).max().unwrap_or(0);
        assert!(widest <= 80, "{command:?} is {widest} wide:\n{text}");
        assert!(
            text.contains('…') && !text.contains(queue),
            "{command:?} cut nothing:\n{text}"
        );
        assert!(
            text.contains("--wide shows them"),
            "{command:?} names no hidden column:\n{text}"
        );

        let out = redis.tq().args(command).arg("--wide").output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains(queue) && !text.contains('…'),
            "{command:?} --wide:\n{text}"
        );
        assert!(!text.contains("hidden"), "{command:?} --wide:\n{text}");
    }
    let out = redis.tq().args(["dlq", "list", "--wide"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains(task));
}

#[test]
fn inspect_marks_a_worker_that_stopped_beating_as_stale_then_forgets_it() {
    let redis = RedisServer::start();
    let mut worker = redis.spawn_tq(&["worker", "-Q", "q"]);
    wait_until(Duration::from_secs(20), "the worker to register", || {
        redis.inspect()["workers"][0]["stale"] == false
    });
    let text = redis.tq().arg("inspect").output().unwrap();
    assert!(!String::from_utf8_lossy(&text.stdout).contains("stale"));

    worker.signal(libc::SIGKILL);
    worker.wait_exit(Duration::from_secs(20));
    wait_until(Duration::from_secs(20), "inspect to mark it stale", || {
        redis.inspect()["workers"][0]["stale"] == true
    });
    let text = redis.tq().arg("inspect").output().unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("ago (stale)") && text.contains("stale: no heartbeat"),
        "{text}"
    );
    wait_until(Duration::from_secs(30), "the dead worker to be forgotten", || {
        redis.inspect()["workers"] == serde_json::json!([])
    });
}

#[test]
fn queues_that_hold_nothing_are_forgotten_by_the_workers() {
    let redis = RedisServer::start();
    let names = || -> Vec<String> {
        redis.inspect()["queues"]
            .as_array()
            .unwrap()
            .iter()
            .map(|q| q["name"].as_str().unwrap().to_string())
            .collect()
    };
    // A dead record keeps its queue; a name typed once holds nothing.
    redis.enqueue(&["tq.fail", "-q", "kept", "--max-retries", "0"]);
    redis.drain(&["-Q", "kept"]);
    let _: i64 = redis::cmd("SADD")
        .arg("tq:queues")
        .arg("typo")
        .query(&mut redis.conn())
        .unwrap();
    assert!(names().contains(&"typo".to_string()));
    let worker = redis.spawn_tq(&["worker", "-Q", "listened"]);
    wait_until(Duration::from_secs(30), "the empty queue to be forgotten", || {
        !names().contains(&"typo".to_string())
    });
    let left = names();
    assert!(left.contains(&"kept".to_string()), "{left:?}");
    assert!(
        left.contains(&"listened".to_string()),
        "a live worker listens to it: {left:?}"
    );
    assert!(
        worker.log().contains("forgot queues that hold nothing"),
        "{}",
        worker.log()
    );
    // A job to it brings it back.
    redis.enqueue(&["tq.noop", "-q", "typo"]);
    assert!(names().contains(&"typo".to_string()));
}
