//! Data other tools write into tq's keys, and a Redis at its memory limit,
//! never cost a good job: every good job ends in a state, the bad entry in
//! the DLQ (or moved aside), and the healthy queue answers throughout.

use crate::support;
use redis::Commands;
use std::time::Duration;
use support::RedisServer;
use tq::broker::keys::QueueKeys;

/// Three good jobs on queue `a` (the one damaged) and three on `b`.
fn good_jobs(redis: &RedisServer) -> (Vec<String>, Vec<String>) {
    let on = |q: &str| -> Vec<String> {
        (0..3)
            .map(|n| redis.enqueue(&["tq.echo", "-q", q, "--args", &format!("[{n}]")]))
            .collect()
    };
    (on("a"), on("b"))
}

fn state(redis: &RedisServer, id: &str) -> String {
    redis.status(id)["state"].as_str().unwrap_or("").to_string()
}

/// The CLI still answers for the healthy queue `b`.
fn healthy_queue_answers(redis: &RedisServer, b: &[String]) {
    let inspect = redis.inspect();
    let row = inspect["queues"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["name"] == "b")
        .cloned();
    assert!(row.is_some_and(|r| r["error"].is_null()), "{inspect}");
    for id in b {
        redis.status(id);
    }
    redis.json(&["dlq", "list"]);
}

#[test]
fn a_message_that_is_not_utf8_is_buried_alone_and_its_batch_mates_run() {
    let redis = RedisServer::start();
    let (a, b) = good_jobs(&redis);
    let q = QueueKeys::new("tq", "a");
    let mut c = redis.conn();
    let _: () = c.hset(&q.jobs, "bad1", b"\xff\xfe{not json".as_slice()).unwrap();
    let _: () = c.lpush(&q.pending, "bad1").unwrap();
    let _: () = c.lpush(&q.pending, "ghost").unwrap();
    // An id tq never writes, with a message: leased with its batch, then buried.
    let _: () = c.hset(&q.jobs, b"not a job\xff".as_slice(), "{}").unwrap();
    let _: () = c.lpush(&q.pending, b"not a job\xff".as_slice()).unwrap();
    let big = vec![b'x'; 10 * 1024 * 1024];
    let _: () = c.hset(&q.jobs, "big1", big).unwrap();
    let _: () = c.lpush(&q.pending, "big1").unwrap();
    healthy_queue_answers(&redis, &b);

    redis.drain(&["-Q", "a,b"]);
    for id in a.iter().chain(&b) {
        assert_eq!(state(&redis, id), "succeeded", "good job {id}");
    }
    let bad = redis.status("bad1");
    assert_eq!(
        (bad["state"].as_str(), bad["reason"].as_str()),
        (Some("dead"), Some("malformed")),
        "{bad}"
    );
    let shown = redis.json(&["dlq", "show", "bad1"]);
    assert!(
        shown["raw"].as_str().unwrap().starts_with(r"\xff\xfe{not json"),
        "{shown}"
    );
    let big = redis.status("big1");
    assert_eq!(big["reason"], "malformed", "{big}");
    assert!(big["last_error"].as_str().unwrap().contains("over the"), "{big}");
    let list = redis.json(&["dlq", "list", "-q", "a"]);
    let ids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert!(
        ids.contains(&"malformed-a-1"),
        "the ghost id, named after its queue: {ids:?}"
    );
    assert!(ids.contains(&r"not a job\xff"), "the foreign id, hex-escaped: {ids:?}");
    healthy_queue_answers(&redis, &b);
}

#[test]
fn a_key_of_the_wrong_type_is_moved_aside_and_no_job_is_left_in_no_state() {
    let keys = [
        "pending",
        "jobs",
        "counts",
        "errors",
        "redacted",
        "replays",
        "merged",
        "active",
        "scheduled",
        "retry",
        "dead",
        "stats",
        "results",
        "ready",
        "shards",
        // Checked where first used, not when a call starts (enqueue's
        // plain form, wake_one, push_pending).
        "expires",
        "handed",
        "keyed",
        // Not a key's name: the shards that hold the jobs' messages.
        "jobs:<shard>",
    ];
    for key in keys {
        let redis = RedisServer::start();
        let (a, b) = good_jobs(&redis);
        let q = QueueKeys::new("tq", "a");
        let mut names = vec![format!("{}{key}", q.base).into_bytes()];
        if key == "jobs:<shard>" {
            names = a.iter().map(|id| q.jobs_shard(id.as_bytes())).collect();
            names.dedup();
        }
        for name in &names {
            let _: () = redis.conn().set(name, "written by another tool").unwrap();
        }
        let name = names[0].clone();
        healthy_queue_answers(&redis, &b);
        // A job enqueued on the damaged queue goes in and runs; so does one
        // on an empty queue with the same key damaged, which wakes a worker.
        let late = redis.enqueue(&["tq.echo", "-q", "a", "--args", "[9]"]);
        let mut fresh = None;
        if key != "jobs:<shard>" {
            let c = QueueKeys::new("tq", "c");
            let _: () = redis
                .conn()
                .set(format!("{}{key}", c.base), "written by another tool")
                .unwrap();
            fresh = Some(redis.enqueue(&["tq.echo", "-q", "c", "--args", "[9]"]));
        }

        redis.drain(&["-Q", "a,b,c"]);
        if let Some(id) = &fresh {
            assert_eq!(
                state(&redis, id),
                "succeeded",
                "{key}: job {id} on an empty damaged queue"
            );
        }
        for id in &b {
            assert_eq!(state(&redis, id), "succeeded", "{key}: healthy queue job {id}");
        }
        assert_eq!(
            state(&redis, &late),
            "succeeded",
            "{key}: job {late} enqueued after the damage"
        );
        let dead = redis.json(&["dlq", "list", "-q", "a"]);
        for id in &a {
            let ran = redis.tq().args(["status", id, "--json"]).output().unwrap();
            let status: serde_json::Value = serde_json::from_slice(&ran.stdout).unwrap_or_default();
            if key == "jobs:<shard>" {
                // The keys that held their messages are gone: each id is kept
                // in the DLQ as a malformed entry, not dropped.
                let kept = dead.as_array().unwrap().iter().any(|r| r["reason"] == "malformed");
                assert!(kept && dead.as_array().unwrap().len() == 3, "{key}: {dead}");
            } else {
                assert_eq!(
                    status["state"], "succeeded",
                    "{key}: good job {id} on the damaged queue: {ran:?}"
                );
            }
        }
        assert_eq!(
            redis.queue_stats("a")["quarantined"],
            names.len(),
            "{key}: inspect shows every key moved aside"
        );
        // Kept serialized (DUMP) in the quarantine hash: RESTORE brings it back.
        let dump: Vec<u8> = redis.conn().hget(format!("{}quarantine", q.base), &name).unwrap();
        let _: () = redis::cmd("RESTORE")
            .arg("restored")
            .arg(0)
            .arg(dump)
            .query(&mut redis.conn())
            .unwrap();
        let kept: String = redis.conn().get("restored").unwrap();
        assert_eq!(kept, "written by another tool", "{key}: the foreign value is kept");
        healthy_queue_answers(&redis, &b);
    }
}

#[test]
fn a_leader_key_written_by_another_tool_does_not_stall_due_work() {
    let redis = RedisServer::start();
    let _: () = redis.conn().set("tq:{default}:leader", "not a worker").unwrap();
    let id = redis.enqueue(&["tq.noop", "--delay", "300ms"]);
    let _worker = redis.spawn_tq(&["worker"]);
    support::wait_until(Duration::from_secs(20), "the delayed job to run", || {
        redis.status(&id)["state"] == "succeeded"
    });
}

#[test]
fn inspect_reports_a_damaged_queue_and_still_shows_the_others() {
    let redis = RedisServer::start();
    let (_, b) = good_jobs(&redis);
    let _: () = redis.conn().set("tq:{a}:active", "oops").unwrap();
    let inspect = redis.inspect();
    let a = inspect["queues"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["name"] == "a")
        .cloned()
        .unwrap();
    assert!(
        a["error"].as_str().is_some_and(|e| e.contains("WRONGTYPE")),
        "{inspect}"
    );
    healthy_queue_answers(&redis, &b);
    let table = redis.tq().arg("inspect").assert().success();
    let text = String::from_utf8_lossy(&table.get_output().stdout).to_string();
    assert!(text.contains("cannot be read"), "{text}");
}

#[test]
fn a_full_redis_is_drained_by_a_new_worker_and_refuses_enqueues_in_one_line() {
    let redis = RedisServer::start();
    let mut c = redis.conn();
    let _: () = redis::cmd("CONFIG")
        .arg("SET")
        .arg("maxmemory-policy")
        .arg("noeviction")
        .query(&mut c)
        .unwrap();
    let used: u64 = redis.info_field("memory", "used_memory").unwrap().parse().unwrap();
    let _: () = redis::cmd("CONFIG")
        .arg("SET")
        .arg("maxmemory")
        .arg(used + 2_000_000)
        .query(&mut c)
        .unwrap();
    let pad = "x".repeat(20_000);
    let args = format!("{{\"pad\":\"{pad}\"}}");
    let mut accepted = 0;
    let refusal = loop {
        let out = redis
            .tq()
            .args(["enqueue", "tq.noop", "--args", &args])
            .output()
            .unwrap();
        if !out.status.success() {
            break out;
        }
        accepted += 1;
        assert!(accepted < 1000, "Redis never filled up");
    };
    assert_eq!(refusal.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&refusal.stderr).to_string();
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("tq: error: Redis is out of memory (maxmemory "),
        "{stderr}"
    );
    assert!(!stderr.contains("script"), "no script SHA: {stderr}");

    let mut worker = redis.spawn_tq(&["worker", "--burst", "--result-ttl", "1s"]);
    assert!(worker.wait_exit(Duration::from_secs(60)).success(), "{}", worker.log());
    let stats = redis.queue_stats("default");
    assert_eq!(
        (stats["pending"].as_u64(), stats["processed"].as_u64()),
        (Some(0), Some(accepted)),
        "{stats}"
    );
    // With the jobs gone, there is room again.
    support::wait_until(Duration::from_secs(10), "an enqueue to be accepted again", || {
        redis
            .tq()
            .args(["enqueue", "tq.noop", "--args", &args])
            .output()
            .unwrap()
            .status
            .success()
    });
}
