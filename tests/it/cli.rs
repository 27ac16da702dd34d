//! Command-line behaviour scripts depend on: exit codes, errors, JSON.

use crate::support;
use std::time::{Duration, Instant};
use support::{RedisServer, free_port};

#[test]
fn unreachable_redis_exits_69_naming_the_url_without_password() {
    let port = free_port();
    let url = format!("redis://admin:hunter2@127.0.0.1:{port}/0");
    let started = Instant::now();
    let out = assert_cmd::Command::new(support::tq_bin())
        .env_remove("REDIS_URL")
        .args(["--redis", &url, "enqueue", "tq.noop"])
        .timeout(Duration::from_secs(20))
        .output()
        .unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(out.status.code(), Some(69));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("redis://admin:***@127.0.0.1:{port}/0")),
        "{stderr}"
    );
    assert!(!stderr.contains("hunter2"), "{stderr}");
    assert!(
        stderr.lines().count() == 1 && stderr.contains("ping"),
        "one line, with what to try: {stderr}"
    );
}

#[test]
fn no_color_output_has_no_escape_sequences_and_json_parses() {
    let redis = RedisServer::start();
    redis.enqueue(&["tq.noop", "-q", "high"]);
    let mut worker = redis.spawn_tq(&["worker", "-Q", "high", "-c", "1"]);
    support::wait_until(Duration::from_secs(20), "worker to register", || {
        redis.inspect()["workers"].as_array().is_some_and(|w| w.len() == 1)
    });
    let out = redis.tq().env("NO_COLOR", "1").arg("inspect").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("high") && !text.contains('\x1b'), "{text}");
    let json = redis.tq().args(["inspect", "--json"]).output().unwrap();
    let parsed: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(parsed["queues"][0]["name"], "high");
    worker.signal(libc::SIGTERM);
    assert!(worker.wait_exit(Duration::from_secs(20)).success());
}

#[test]
fn invalid_json_args_exit_2_with_the_position() {
    let redis = RedisServer::start();
    let out = redis
        .tq()
        .args(["enqueue", "t", "--args", r#"{"a": 1,}"#])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("invalid --args") && stderr.contains("line 1 column 9"),
        "{stderr}"
    );
    assert_eq!(redis.inspect()["queues"], serde_json::json!([]), "nothing was enqueued");
}

#[test]
fn oversized_payload_is_refused() {
    let redis = RedisServer::start();
    let big = format!("\"{}\"", "x".repeat(600 * 1024));
    let file = redis.dir().join("big.json");
    std::fs::write(&file, big).unwrap();
    let out = redis
        .tq()
        .args(["enqueue", "t", "--args-file"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("512 KiB"));
}

#[test]
fn args_can_come_from_stdin() {
    let redis = RedisServer::start();
    let out = redis
        .tq()
        .args(["enqueue", "tq.echo", "--args", "-", "--json"])
        .write_stdin(r#"{"from":"stdin"}"#)
        .output()
        .unwrap();
    assert!(out.status.success());
    let job: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (job["task"].as_str(), job["queue"].as_str()),
        (Some("tq.echo"), Some("default"))
    );
    redis.drain(&[]);
    let status = redis.status(job["id"].as_str().unwrap());
    assert_eq!(status["result"], serde_json::json!({"from": "stdin"}));
}

#[test]
fn bad_duration_is_a_usage_error() {
    let redis = RedisServer::start();
    let out = redis.tq().args(["enqueue", "t", "--delay", "soon"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid duration \"soon\""));
}

#[test]
fn unknown_job_is_exit_3() {
    let redis = RedisServer::start();
    redis.enqueue(&["tq.noop"]);
    let out = redis.tq().args(["status", "nope"]).output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no job with id nope"));
}

#[test]
fn wait_exits_1_when_the_job_dies_and_0_when_it_succeeds() {
    let redis = RedisServer::start();
    let mut worker = redis.spawn_tq(&["worker", "-c", "2"]);
    redis
        .tq()
        .args(["enqueue", "tq.fail", "--max-retries", "0", "--wait"])
        .timeout(Duration::from_secs(30))
        .assert()
        .code(1)
        .stderr(predicates::str::contains("died: tq.fail always fails"));
    redis
        .tq()
        .args(["enqueue", "tq.echo", "--args", "[1]", "--wait", "--json"])
        .timeout(Duration::from_secs(30))
        .assert()
        .success()
        .stdout(predicates::str::contains(r#""state":"succeeded""#));
    worker.signal(libc::SIGTERM);
    assert!(worker.wait_exit(Duration::from_secs(20)).success());
}

#[test]
fn inspect_lists_live_workers() {
    let redis = RedisServer::start();
    let mut worker = redis.spawn_tq(&["worker", "-Q", "a,b", "-c", "3"]);
    support::wait_until(Duration::from_secs(20), "worker to register", || {
        redis.inspect()["workers"].as_array().is_some_and(|w| w.len() == 1)
    });
    let w = &redis.inspect()["workers"][0];
    assert_eq!(w["queues"], serde_json::json!(["a", "b"]));
    assert_eq!(w["concurrency"], 3);
    worker.signal(libc::SIGTERM);
    assert!(worker.wait_exit(Duration::from_secs(20)).success());
    assert_eq!(
        redis.inspect()["workers"],
        serde_json::json!([]),
        "a stopped worker deregisters"
    );
}

#[test]
fn queue_names_that_break_hash_tags_are_usage_errors() {
    let redis = RedisServer::start();
    let out = redis.tq().args(["enqueue", "t", "-q", "a{b}"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid queue name \"a{b}\""));
    let out = redis
        .tq()
        .args(["worker", "-Q", "ok,bad queue", "--burst"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn rediss_urls_work_with_a_private_ca() {
    let redis = support::TlsRedisServer::start();
    let out = redis
        .tq()
        .args(["enqueue", "tq.echo", "--args", r#"{"over":"tls"}"#])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let id = String::from_utf8(out.stdout).unwrap().trim().to_string();
    redis
        .tq()
        .args(["worker", "--burst"])
        .timeout(Duration::from_secs(30))
        .assert()
        .success();
    let status = redis.tq().args(["status", &id, "--json"]).output().unwrap();
    let status: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(status["result"], serde_json::json!({"over": "tls"}));
    // Without the CA the server is not trusted: a clear error, exit 69.
    redis
        .tq()
        .env_remove("SSL_CERT_FILE")
        .args(["inspect"])
        .assert()
        .code(69)
        .stderr(predicates::str::contains("certificate"));
}

/// Runs `tq ARGS` with stdout on a pipe whose reader takes one line and
/// goes away (as `| head -1` does); returns the exit status and stderr.
fn read_one_line_then_close(redis: &RedisServer, args: &[&str]) -> (std::process::ExitStatus, String) {
    use std::io::{BufRead, BufReader, Read};
    let mut child = std::process::Command::new(support::tq_bin())
        .args(args)
        .env("TQ_REDIS_URL", redis.url())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(!first.is_empty(), "no output from {args:?}");
    // The reader is gone: the rest of the output meets a closed pipe.
    let mut stderr = String::new();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    (child.wait().unwrap(), stderr)
}

#[test]
fn a_reader_that_goes_away_ends_output_quietly() {
    let redis = RedisServer::start();
    // Far more output than a pipe buffers (64 KiB), so tq meets the closed pipe.
    redis.enqueue_many("default", "tq.fail", "{}", 0, 3000);
    redis.drain(&["-c", "100"]);
    for args in [
        &["dlq", "list"][..],
        &["dlq", "list", "--json"],
        &["completions", "bash"],
    ] {
        let (status, stderr) = read_one_line_then_close(&redis, args);
        assert_eq!(status.code(), Some(0), "{args:?}: {stderr}");
        assert!(stderr.is_empty(), "{args:?}: {stderr}");
    }
}

/// Every command path of the CLI ("dlq list", ...), from clap's own tree.
fn command_paths() -> Vec<Vec<String>> {
    use clap::CommandFactory;
    fn walk(cmd: &clap::Command, path: Vec<String>, out: &mut Vec<Vec<String>>) {
        for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
            let mut p = path.clone();
            p.push(sub.get_name().to_string());
            out.push(p.clone());
            walk(sub, p, out);
        }
    }
    let mut out = vec![Vec::new()];
    walk(&tq::cli::Cli::command(), Vec::new(), &mut out);
    out
}

#[test]
fn no_help_or_error_shows_the_password_of_the_redis_url() {
    // A port nothing listens on: every command that needs Redis fails.
    let url = format!("redis://admin:s3cret@127.0.0.1:{}/0", free_port());
    for path in command_paths() {
        for extra in [&["--help"][..], &[]] {
            let out = std::process::Command::new(support::tq_bin())
                .args(&path)
                .args(extra)
                .env("TQ_REDIS_URL", &url)
                .env("REDIS_URL", &url)
                .stdin(std::process::Stdio::null())
                .output()
                .unwrap();
            let text = format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(
                !text.contains("s3cret"),
                "tq {path:?} {extra:?} shows the password:\n{text}"
            );
        }
    }
    // A URL with no scheme, given on the command line.
    let out = std::process::Command::new(support::tq_bin())
        .args(["--redis", "admin:hunter2@127.0.0.1:1", "inspect"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("hunter2") && stderr.contains("admin:***@"), "{stderr}");
}

#[test]
fn handlers_do_not_inherit_the_redis_url_unless_kept() {
    let redis = RedisServer::start();
    let seen = redis.dir().join("env");
    let handler = format!("dump=env >> {}", seen.display());
    redis.enqueue(&["dump"]);
    redis.drain(&["--handler", &handler]);
    let env = std::fs::read_to_string(&seen).unwrap();
    assert!(env.contains("TQ_JOB_ID="), "{env}");
    assert!(!env.contains("TQ_REDIS_URL="), "{env}");
    std::fs::remove_file(&seen).unwrap();
    redis.enqueue(&["dump"]);
    redis.drain(&["--handler", &handler, "--keep-env", "TQ_REDIS_URL"]);
    let env = std::fs::read_to_string(&seen).unwrap();
    assert!(env.contains("TQ_REDIS_URL="), "{env}");
}

#[test]
fn usage_errors_are_one_line_and_json_failures_reach_stdout() {
    let redis = RedisServer::start();
    for (args, says) in [
        (
            &["enqueue", "tq.noop", "--delay", "-5s"][..],
            "a delay cannot be negative",
        ),
        (&["enqueue", "tq.noop", "--delay", "20y"], "more than 10 years"),
        (&["enqueue"], "<TASK>"),
        (&["dlq", "list", "--frob"], "tq dlq list --help"),
        (
            &["enqueue", "tq.noop", "--at", "2026-01-02T03:04:05+25:00"],
            "bad offset",
        ),
    ] {
        let out = redis.tq().args(args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(stderr.trim().lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }
    let out = redis.tq().args(["status", "nope", "--json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["exit_code"], 3, "{doc}");
    assert!(doc["error"].as_str().is_some_and(|e| e.contains("nope")), "{doc}");
}

#[test]
fn at_takes_any_rfc3339_offset() {
    let redis = RedisServer::start();
    let utc = redis.enqueue(&["tq.noop", "--at", "2030-06-01T10:00:00Z"]);
    let paris = redis.enqueue(&["tq.noop", "--at", "2030-06-01T12:00:00+02:00"]);
    let ny = redis.enqueue(&["tq.noop", "--at", "2030-06-01T06:00:00-04:00"]);
    let listed = redis.json(&["jobs", "list", "--state", "scheduled"]);
    let due = |id: &str| {
        listed
            .as_array()
            .unwrap()
            .iter()
            .find(|j| j["id"] == id)
            .map(|j| j["due_at_ms"].clone())
    };
    assert_eq!(due(&utc), Some(1_906_538_400_000u64.into()), "{listed}");
    assert_eq!(due(&paris), due(&utc));
    assert_eq!(due(&ny), due(&utc));
}

#[test]
fn a_wrong_password_or_a_server_that_is_not_redis_is_one_clear_line() {
    let redis = RedisServer::start();
    let _: () = redis::cmd("CONFIG")
        .arg("SET")
        .arg("requirepass")
        .arg("s3cret")
        .query(&mut redis.conn())
        .unwrap();
    let port = redis.port();
    for url in [
        format!("redis://:hunter2@127.0.0.1:{port}/0"),
        format!("redis://127.0.0.1:{port}/0"),
    ] {
        let out = std::process::Command::new(support::tq_bin())
            .args(["inspect"])
            .env("TQ_REDIS_URL", &url)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
        assert!(
            stderr.contains("refused the credentials") && !stderr.contains("hunter2"),
            "{stderr}"
        );
    }

    // Something that answers, but not in Redis's protocol (an HTTP server, say).
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let http = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        use std::io::{Read, Write};
        for stream in listener.incoming().flatten() {
            let mut stream = stream;
            let mut buf = [0u8; 256];
            let _ = stream.read(&mut buf);
            let _ = stream.write_all(b"HTTP/1.1 400 Bad Request\r\n\r\n");
        }
    });
    let out = std::process::Command::new(support::tq_bin())
        .args(["--redis", &format!("redis://127.0.0.1:{http}"), "inspect"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(69), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("does not speak the Redis protocol"), "{stderr}");
}

/// stderr and exit code of `tq ARGS` against `redis`.
fn run(redis: &RedisServer, args: &[&str]) -> (Option<i32>, String) {
    let out = redis.tq().args(args).output().unwrap();
    (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn a_mistyped_subcommand_flag_or_value_gets_a_did_you_mean() {
    let redis = RedisServer::start();
    for (args, hint) in [
        (&["wrker"][..], "did you mean 'worker'?"),
        (&["enqueue", "t", "--queu", "q"][..], "did you mean '--queue'?"),
        (&["dlq", "replya", "x"][..], "did you mean 'replay'?"),
        (&["--log-format", "jsn", "inspect"][..], "did you mean 'json'?"),
    ] {
        let (code, stderr) = run(&redis, args);
        assert_eq!(code, Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(hint), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
    }
}

#[test]
fn args_must_be_a_json_object_or_array() {
    let redis = RedisServer::start();
    for bad in ["5", r#""to""#, "true"] {
        let (code, stderr) = run(&redis, &["enqueue", "t", "--args", bad]);
        assert_eq!(code, Some(2), "{bad}: {stderr}");
        assert!(
            stderr.contains(&format!("invalid --args: {bad} is not a JSON object or array")),
            "{stderr}"
        );
        assert!(stderr.contains(r#"'{"to":"a@b.c"}'"#), "the form it takes: {stderr}");
    }
    let (code, stderr) = run(&redis, &["enqueue", "t", "--args", "to=a@b.c"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("it takes a JSON object"), "{stderr}");
    assert_eq!(redis.inspect()["queues"], serde_json::json!([]), "nothing was enqueued");
    // Named args, positional args and none all go.
    redis.enqueue(&["t", "--args", r#"{"to":"a@b.c"}"#]);
    redis.enqueue(&["t", "--args", "[1,2]"]);
    redis.enqueue(&["t", "--args", "null"]);
    assert_eq!(redis.queue_stats("default")["pending"], 3);
}

#[test]
fn a_redis_url_without_a_scheme_suggests_one() {
    let redis = RedisServer::start();
    let bare = format!("127.0.0.1:{}", redis.port());
    let out = redis.tq().args(["--redis", &bare, "inspect"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&format!("did you mean redis://{bare}?")), "{stderr}");
    let out = redis
        .tq()
        .args(["--redis", "admin:hunter2@localhost:1", "inspect"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("did you mean redis://admin:***@localhost:1?"),
        "{stderr}"
    );
    assert!(!stderr.contains("hunter2"), "{stderr}");
}

#[test]
fn pausing_or_limiting_a_queue_that_never_had_a_job_warns() {
    let redis = RedisServer::start();
    redis.enqueue(&["tq.noop", "-q", "high"]);
    let (code, stderr) = run(&redis, &["queue", "pause", "hihg"]);
    assert_eq!(code, Some(0), "it still acts: {stderr}");
    assert!(
        stderr.contains("tq: warning: queue hihg has never had a job (queues with jobs: high)"),
        "{stderr}"
    );
    let (code, stderr) = run(&redis, &["queue", "limit", "hihg", "--concurrency", "2"]);
    assert_eq!(code, Some(0));
    assert!(stderr.contains("queue hihg has never had a job"), "{stderr}");
    for args in [
        &["queue", "pause", "high"][..],
        &["queue", "limit", "high", "--rate", "5/1s"][..],
    ] {
        let (code, stderr) = run(&redis, args);
        assert_eq!(code, Some(0));
        assert!(stderr.is_empty(), "no warning for a known queue: {stderr}");
    }
}

#[test]
fn inspect_watch_into_a_pipe_writes_plain_frames() {
    use std::io::Read;
    let redis = RedisServer::start();
    redis.enqueue(&["tq.noop"]);
    let mut cmd = std::process::Command::new(support::tq_bin());
    support::clear_env(&mut cmd);
    let mut child = cmd
        .args(["--redis", &redis.url(), "inspect", "--watch", "--interval", "200ms"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    // Three frames (each names the queue), then stop it.
    while String::from_utf8_lossy(&seen).matches("default").count() < 3 {
        let n = stdout.read(&mut buf).unwrap();
        assert!(n > 0, "inspect --watch ended early");
        seen.extend_from_slice(&buf[..n]);
    }
    let _ = child.kill();
    let _ = child.wait();
    let text = String::from_utf8_lossy(&seen);
    assert!(!text.contains('\x1b'), "cursor codes in piped output: {text:?}");
    assert!(text.contains("pending"), "{text}");
}
