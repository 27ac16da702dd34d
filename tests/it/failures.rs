//! Retries with backoff, the DLQ path, command handlers and bad input on a queue.

use crate::support;
use serde_json::Value;
use support::RedisServer;

/// The attempt records kept for job `id` on `queue`.
fn attempt_records(redis: &RedisServer, queue: &str, id: &str) -> Vec<Value> {
    let mut conn = redis.conn();
    let raw: Vec<String> = redis::cmd("LRANGE")
        .arg(format!("tq:{{{queue}}}:failures:{id}"))
        .arg(0)
        .arg(-1)
        .query(&mut conn)
        .unwrap();
    raw.iter().map(|r| serde_json::from_str(r).unwrap()).collect()
}

/// Jobs an earlier version wrote, whose messages sit in the one
/// `tq:{Q}:jobs` hash, not in its shards: they are found, run and removed.
#[test]
fn jobs_an_earlier_version_stored_in_one_hash_still_run() {
    let redis = RedisServer::start();
    let mut conn = redis.conn();
    let ids = ["01kbmq3ts0aaaaaaaaaaaaaaaa", "01kbmq3ts0bbbbbbbbbbbbbbbb"];
    let _: () = redis::cmd("SADD")
        .arg("tq:queues")
        .arg("default")
        .query(&mut conn)
        .unwrap();
    for id in ids {
        let msg = format!(r#"{{"id":"{id}","task":"tq.noop","queue":"default","args":{{}},"enqueued_at_us":1}}"#);
        let _: () = redis::cmd("HSET")
            .arg("tq:{default}:jobs")
            .arg(id)
            .arg(msg)
            .query(&mut conn)
            .unwrap();
        let _: () = redis::cmd("LPUSH")
            .arg("tq:{default}:pending")
            .arg(id)
            .query(&mut conn)
            .unwrap();
    }
    assert_eq!(redis.status(ids[0])["state"], "pending", "status reads the old hash");
    let listed = redis.json(&["jobs", "list", "--state", "pending"]);
    assert_eq!(listed.as_array().map(Vec::len), Some(2), "{listed}");
    redis.drain(&["-c", "1"]);
    for id in ids {
        assert_eq!(redis.status(id)["state"], "succeeded", "{id}");
    }
    let left: bool = redis::cmd("EXISTS").arg("tq:{default}:jobs").query(&mut conn).unwrap();
    assert!(!left, "the old hash is emptied as its jobs finish");
}

#[test]
fn failing_job_is_retried_with_growing_backoff_then_dead() {
    let redis = RedisServer::start();
    let id = redis.enqueue(&[
        "tq.fail",
        "--args",
        r#"{"message":"boom"}"#,
        "--max-retries",
        "3",
        "--retry-base",
        "50ms",
    ]);
    redis.drain(&[]);
    let status = redis.status(&id);
    assert_eq!(status["state"], "dead", "{status}");
    assert_eq!(status["attempts"], 4, "{status}");
    assert_eq!(status["reason"], "retries exhausted", "{status}");

    let records = attempt_records(&redis, "default", &id);
    assert_eq!(records.len(), 4, "{records:?}");
    for (n, record) in records.iter().enumerate() {
        assert_eq!(record["attempt"], n as u64 + 1);
        assert_eq!(record["error"], "boom");
    }
    for n in 1..=3u64 {
        let planned = records[n as usize - 1]["retry_in_ms"].as_u64().unwrap();
        let low = 50 * 2u64.pow(n as u32 - 1);
        assert!(
            planned >= low && planned * 10 <= low * 13,
            "retry {n} planned {planned}ms, outside [{low}, 1.3·{low}]"
        );
        let finished = records[n as usize - 1]["finished_at_ms"].as_u64().unwrap();
        let next_start = records[n as usize]["started_at_ms"].as_u64().unwrap();
        assert!(
            next_start >= finished + planned,
            "retry {n} ran before its backoff was over"
        );
    }
    assert!(records[3]["retry_in_ms"].is_null());
    let stats = redis.queue_stats("default");
    assert_eq!(
        (stats["dead"].as_u64(), stats["failed"].as_u64()),
        (Some(1), Some(4)),
        "{stats}"
    );
}

#[test]
fn command_handler_gets_args_on_stdin_and_job_env() {
    let redis = RedisServer::start();
    let seen = redis.dir().join("seen.txt");
    let handler = format!(
        "greet=cat > {0}; echo \" $TQ_JOB_ID $TQ_TASK $TQ_QUEUE $TQ_ATTEMPT\" >> {0}; echo '{{\"ok\":true}}'",
        seen.display()
    );
    let id = redis.enqueue(&["greet", "-q", "mail", "--args", r#"{"to":"a@b.c"}"#]);
    redis.drain(&["-Q", "mail", "--handler", &handler]);
    let text = std::fs::read_to_string(&seen).unwrap();
    assert_eq!(text.trim(), format!(r#"{{"to":"a@b.c"}} {id} greet mail 1"#));
    let status = redis.status(&id);
    assert_eq!(status["state"], "succeeded");
    assert_eq!(status["result"], serde_json::json!({"ok": true}));
}

#[test]
fn exit_65_is_a_permanent_failure() {
    let redis = RedisServer::start();
    let id = redis.enqueue(&["bad", "--max-retries", "5"]);
    redis.drain(&["--handler", "bad=echo 'row 3 is not a number' >&2; exit 65"]);
    let status = redis.status(&id);
    assert_eq!(status["state"], "dead", "{status}");
    assert_eq!(status["attempts"], 1, "{status}");
    assert_eq!(status["reason"], "permanent failure", "{status}");
    let records = attempt_records(&redis, "default", &id);
    assert_eq!(records.len(), 1);
    assert!(
        records[0]["stderr_tail"]
            .as_str()
            .unwrap()
            .contains("row 3 is not a number")
    );
    assert!(status["last_error"].as_str().unwrap().contains("status 65"), "{status}");
}

#[test]
fn timeout_kills_the_handler_and_its_children_then_retries() {
    let redis = RedisServer::start();
    let pids = redis.dir().join("pids");
    let handler = format!(
        "hang=sleep 300 & echo $! >> {0}; echo $$ >> {0}; sleep 300",
        pids.display()
    );
    let id = redis.enqueue(&["hang", "--timeout", "1s", "--max-retries", "1", "--retry-base", "10ms"]);
    redis.drain(&["--handler", &handler]);
    let status = redis.status(&id);
    assert_eq!(status["state"], "dead", "{status}");
    assert_eq!(status["attempts"], 2, "retried once after the timeout: {status}");
    assert!(
        status["last_error"].as_str().unwrap().contains("timed out after 1s"),
        "{status}"
    );
    let pids: Vec<i32> = std::fs::read_to_string(&pids)
        .unwrap()
        .lines()
        .map(|l| l.trim().parse().unwrap())
        .collect();
    assert_eq!(pids.len(), 4, "two attempts, each a shell and a child");
    for pid in pids {
        assert!(!support::pid_alive(pid as u32), "process {pid} outlived its attempt");
    }
}

#[test]
fn task_without_handler_goes_to_dlq_with_a_clear_error() {
    let redis = RedisServer::start();
    let id = redis.enqueue(&["no.such.task"]);
    redis.drain(&[]);
    let status = redis.status(&id);
    assert_eq!(status["state"], "dead");
    assert_eq!(status["reason"], "no handler");
    assert!(
        status["last_error"]
            .as_str()
            .unwrap()
            .contains("--handler no.such.task=COMMAND"),
        "{status}"
    );
}

#[test]
fn malformed_entries_go_to_dlq_and_the_worker_keeps_going() {
    let redis = RedisServer::start();
    let good = redis.enqueue(&["tq.echo", "--args", r#"{"n":1}"#]);
    let mut conn = redis.conn();
    // Another tool writes raw data into tq's keys: a bare string on the
    // pending list, and a job whose message is not JSON.
    let _: () = redis::cmd("RPUSH")
        .arg("tq:{default}:pending")
        .arg("{not a tq job")
        .query(&mut conn)
        .unwrap();
    let _: () = redis::cmd("HSET")
        .arg("tq:{default}:jobs")
        .arg("rogue")
        .arg("%%%")
        .query(&mut conn)
        .unwrap();
    let _: () = redis::cmd("RPUSH")
        .arg("tq:{default}:pending")
        .arg("rogue")
        .query(&mut conn)
        .unwrap();
    redis.drain(&["-c", "1"]);

    assert_eq!(redis.status(&good)["state"], "succeeded");
    let rogue = redis.status("rogue");
    assert_eq!(
        (rogue["state"].as_str(), rogue["reason"].as_str()),
        (Some("dead"), Some("malformed")),
        "{rogue}"
    );
    let dead: Vec<String> = redis::cmd("ZRANGE")
        .arg("tq:{default}:dead")
        .arg(0)
        .arg(-1)
        .query(&mut conn)
        .unwrap();
    assert_eq!(dead.len(), 2, "{dead:?}");
    let raw: Vec<String> = dead
        .iter()
        .filter_map(|id| {
            redis::cmd("HGET")
                .arg(format!("tq:{{default}}:job:{id}"))
                .arg("raw")
                .query::<Option<String>>(&mut conn)
                .unwrap()
        })
        .collect();
    assert_eq!(
        raw,
        vec!["{not a tq job".to_string()],
        "the raw entry is kept for inspection"
    );
}

#[test]
fn a_handler_that_exits_75_twice_then_succeeds_ends_succeeded_with_one_attempt() {
    let redis = RedisServer::start();
    let count = redis.dir().join("tries");
    let handler = format!(
        "busy=n=$(cat {0} 2>/dev/null || echo 0); echo $((n+1)) > {0}; [ \"$n\" -ge 2 ] || exit 75; echo done",
        count.display()
    );
    let id = redis.enqueue(&["busy", "--max-retries", "0", "--retry-base", "100ms"]);
    redis.drain(&["--handler", &handler]);
    let status = redis.status(&id);
    assert_eq!(status["state"], "succeeded", "{status}");
    assert_eq!(status["attempts"], 1, "snoozes spend no attempt: {status}");
    assert_eq!(std::fs::read_to_string(&count).unwrap().trim(), "3");
}
