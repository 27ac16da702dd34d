//! The dead-letter queue through the real binary: list, show, replay, purge, redaction.

use crate::support;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::time::Duration;
use support::RedisServer;

fn count(redis: &RedisServer, extra: &[&str]) -> u64 {
    let out = redis
        .tq()
        .args(["dlq", "list", "--count"])
        .args(extra)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().trim().parse().unwrap()
}

fn show(redis: &RedisServer, id: &str) -> Value {
    redis.json(&["dlq", "show", id])
}

#[test]
fn list_filters_by_task_newest_first_and_counts() {
    let redis = RedisServer::start();
    let mut fail_ids = Vec::new();
    for _ in 0..5 {
        fail_ids.push(redis.enqueue(&["tq.fail", "--max-retries", "0"]));
    }
    for _ in 0..3 {
        redis.enqueue(&["tq.flaky", "--args", r#"{"p":1}"#, "--max-retries", "0", "-q", "other"]);
    }
    redis.drain(&["-Q", "default,other", "-c", "1"]);

    let listed = redis.json(&["dlq", "list", "--task", "tq.fail"]);
    let listed = listed.as_array().unwrap();
    let ids: HashSet<&str> = listed.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, fail_ids.iter().map(String::as_str).collect::<HashSet<_>>());
    let times: Vec<u64> = listed.iter().map(|r| r["failed_at_ms"].as_u64().unwrap()).collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "newest first: {times:?}");
    assert!(
        listed
            .iter()
            .all(|r| r["reason"] == "retries exhausted" && r["error"] == "tq.fail always fails")
    );
    assert_eq!(count(&redis, &[]), 8);
    assert_eq!(count(&redis, &["-q", "other"]), 3);
    assert_eq!(redis.queue_stats("other")["dead"], 3);
}

#[test]
fn show_lists_every_attempt_with_the_handler_output() {
    let redis = RedisServer::start();
    let id = redis.enqueue(&["backup", "--max-retries", "2", "--retry-base", "10ms"]);
    redis.drain(&[
        "--handler",
        "backup=echo \"disk full on /dev/sda1 (try $TQ_ATTEMPT)\" >&2; exit 3",
    ]);
    let dead = show(&redis, &id);
    let history = dead["history"].as_array().unwrap();
    assert_eq!(history.len(), 3, "{dead}");
    for (n, attempt) in history.iter().enumerate() {
        assert_eq!(attempt["attempt"], n as u64 + 1);
        let expected = format!("disk full on /dev/sda1 (try {})", n + 1);
        assert!(
            attempt["stderr_tail"].as_str().unwrap().contains(&expected),
            "{attempt}"
        );
        assert!(attempt["error"].as_str().unwrap().contains("status 3"), "{attempt}");
        assert!(attempt["worker"].as_str().is_some_and(|w| !w.is_empty()));
    }
    assert_eq!(dead["task"], "backup");
    assert_eq!(dead["options"]["max_retries"], 2);
    let text = redis.tq().args(["dlq", "show", &id]).output().unwrap();
    assert!(String::from_utf8_lossy(&text.stdout).contains("disk full on /dev/sda1 (try 3)"));
}

#[test]
fn replayed_job_that_succeeds_removes_its_record() {
    let redis = RedisServer::start();
    let marker = redis.dir().join("fixed");
    let handler = format!(
        "flaky=test -f {} || {{ echo 'not fixed yet' >&2; exit 1; }}",
        marker.display()
    );
    let id = redis.enqueue(&["flaky", "--args", r#"{"n":42}"#, "--max-retries", "0"]);
    redis.drain(&["--handler", &handler]);
    assert_eq!(count(&redis, &[]), 1);

    std::fs::write(&marker, "").unwrap();
    let out = redis.tq().args(["dlq", "replay", &id]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let new_id = String::from_utf8(out.stdout).unwrap().trim().to_string();
    assert_ne!(new_id, id);
    assert_eq!(
        show(&redis, &id)["replay_job"],
        new_id.as_str(),
        "marked with the new job's id"
    );
    redis.drain(&["--handler", &handler]);

    assert_eq!(redis.status(&new_id)["state"], "succeeded");
    let out = redis.tq().args(["dlq", "show", &id]).output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(&format!("it was replayed as {new_id}, which succeeded")),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(count(&redis, &[]), 0);
    // The old id still answers, pointing to the replay that succeeded for it.
    let old = redis.status(&id);
    assert_eq!(old["id"], id.as_str(), "{old}");
    assert_eq!(old["state"], "succeeded", "{old}");
    assert_eq!(old["replay_job"], new_id.as_str(), "{old}");
    let text = redis.tq().args(["status", &id]).output().unwrap();
    assert!(text.status.success());
    assert!(
        String::from_utf8_lossy(&text.stdout).contains(&format!("succeeded when replayed as {new_id}")),
        "{}",
        String::from_utf8_lossy(&text.stdout)
    );
}

#[test]
fn replayed_job_that_dies_again_keeps_one_record_with_both_histories() {
    let redis = RedisServer::start();
    let id = redis.enqueue(&[
        "tq.fail",
        "--args",
        r#"{"message":"still broken"}"#,
        "--max-retries",
        "0",
    ]);
    redis.drain(&[]);
    let new_id = String::from_utf8(redis.tq().args(["dlq", "replay", &id]).output().unwrap().stdout).unwrap();
    redis.drain(&[]);

    let dead = show(&redis, &id);
    assert_eq!(dead["replays"], 1, "{dead}");
    assert!(dead["replay_job"].is_null(), "replayable again: {dead}");
    let runs: Vec<&str> = dead["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["job"].as_str().unwrap())
        .collect();
    assert_eq!(runs, vec![id.as_str(), new_id.trim()], "history of both runs");
    assert_eq!(count(&redis, &[]), 1, "one record per logical job");
}

#[test]
fn replay_all_by_task_replays_each_record_exactly_once_under_concurrency() {
    let redis = RedisServer::start();
    let mut wanted = HashSet::new();
    for _ in 0..30 {
        wanted.insert(redis.enqueue(&["tq.fail", "--max-retries", "0"]));
    }
    for _ in 0..5 {
        redis.enqueue(&["tq.flaky", "--args", r#"{"p":1}"#, "--max-retries", "0"]);
    }
    redis.drain(&["-c", "8"]);

    let a = redis.spawn_tq(&["dlq", "replay", "--all", "--task", "tq.fail", "--json"]);
    let b = redis.spawn_tq(&["dlq", "replay", "--all", "--task", "tq.fail", "--json"]);
    for mut p in [a, b] {
        assert!(p.wait_exit(Duration::from_secs(60)).success(), "{}", p.log());
    }
    let records = redis.json(&["dlq", "list", "--limit", "100"]);
    let mut replayed = HashSet::new();
    for r in records.as_array().unwrap() {
        let id = r["id"].as_str().unwrap();
        if wanted.contains(id) {
            assert_eq!(r["replays"], 1, "replayed exactly once: {r}");
            replayed.insert(id.to_string());
        } else {
            assert_eq!(r["replays"], 0, "other tasks untouched: {r}");
        }
    }
    assert_eq!(replayed, wanted);
    assert_eq!(redis.queue_stats("default")["pending"], 30, "one new job per record");
}

/// Every value stored in Redis, as text.
fn keyspace_dump(redis: &RedisServer) -> String {
    let mut conn = redis.conn();
    let keys: Vec<String> = redis::cmd("KEYS").arg("*").query(&mut conn).unwrap();
    let mut dump = String::new();
    for key in keys {
        let kind: String = redis::cmd("TYPE").arg(&key).query(&mut conn).unwrap();
        let values: Vec<String> = match kind.as_str() {
            "string" => vec![redis::cmd("GET").arg(&key).query(&mut conn).unwrap()],
            "hash" => redis::cmd("HGETALL").arg(&key).query(&mut conn).unwrap(),
            "list" => redis::cmd("LRANGE").arg(&key).arg(0).arg(-1).query(&mut conn).unwrap(),
            "set" => redis::cmd("SMEMBERS").arg(&key).query(&mut conn).unwrap(),
            "zset" => redis::cmd("ZRANGE").arg(&key).arg(0).arg(-1).query(&mut conn).unwrap(),
            other => panic!("unexpected type {other} for {key}"),
        };
        dump.push_str(&key);
        dump.push_str(&values.join("\n"));
    }
    dump
}

#[test]
fn redacted_fields_leave_no_trace_and_replay_needs_the_matching_args() {
    let redis = RedisServer::start();
    let secret = "s3cr3t-hunter2";
    let args = serde_json::json!({"user": "ann", "password": secret});
    let id = redis.enqueue(&[
        "login",
        "--args",
        &args.to_string(),
        "--redact",
        "/password",
        "--max-retries",
        "1",
        "--retry-base",
        "10ms",
    ]);
    // The handler prints its args (secret included) and fails: what it printed
    // is kept with the attempt, scrubbed.
    redis.drain(&[
        "--handler",
        "login=read -r args; echo \"$args\"; echo \"rejected $args\" >&2; exit 1",
    ]);

    let dump = keyspace_dump(&redis);
    assert!(dump.contains(&id), "the record is there");
    assert!(!dump.contains(secret), "the secret is not");
    let dead = show(&redis, &id);
    assert_eq!(dead["redacted"], serde_json::json!(["/password"]));
    assert_eq!(dead["args_redacted"], true, "{dead}");
    let listed = redis.json(&["dlq", "list"]);
    assert_eq!(listed[0]["args_redacted"], true, "the list says so too: {listed}");
    assert_eq!(dead["history"].as_array().unwrap().len(), 2);
    assert!(
        dead["history"][1]["stderr_tail"]
            .as_str()
            .unwrap()
            .contains("[redacted]"),
        "{dead}"
    );
    assert!(dead["error"].as_str().unwrap().contains("[redacted]"), "{dead}");
    let descriptor = &dead["args"]["password"];
    assert_eq!(descriptor["omitted"], true);
    assert_eq!(descriptor["length"], secret.len());
    let digest: String = Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(descriptor["sha256"], digest.as_str());

    let refused = redis.tq().args(["dlq", "replay", &id]).output().unwrap();
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("/password"));

    let wrong = redis.dir().join("wrong.json");
    std::fs::write(
        &wrong,
        serde_json::json!({"user": "ann", "password": "guess"}).to_string(),
    )
    .unwrap();
    let out = redis
        .tq()
        .args(["dlq", "replay", &id, "--args-file"])
        .arg(&wrong)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not match the stored sha256 of /password"));

    let right = redis.dir().join("right.json");
    std::fs::write(&right, args.to_string()).unwrap();
    let out = redis
        .tq()
        .args(["dlq", "replay", &id, "--args-file"])
        .arg(&right)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let new_id = String::from_utf8(out.stdout).unwrap().trim().to_string();
    assert_eq!(redis.status(&new_id)["state"], "pending");
}

#[test]
fn purge_needs_yes_and_respects_older_than() {
    let redis = RedisServer::start();
    let ids: Vec<String> = (0..3)
        .map(|_| redis.enqueue(&["tq.fail", "--max-retries", "0"]))
        .collect();
    redis.drain(&[]);
    // Age two records by two hours, as if they had died then.
    let mut conn = redis.conn();
    let two_hours_ago = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
        - 2 * 3600 * 1000;
    for id in &ids[..2] {
        let _: () = redis::cmd("ZADD")
            .arg("tq:{default}:dead")
            .arg("XX")
            .arg(two_hours_ago)
            .arg(id)
            .query(&mut conn)
            .unwrap();
    }

    let out = redis.tq().args(["dlq", "purge", "--all"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--yes"));
    assert_eq!(count(&redis, &[]), 3, "nothing deleted");

    redis
        .tq()
        .args(["dlq", "purge", "--all", "--older-than", "1h", "--yes"])
        .assert()
        .success()
        .stdout("deleted 2 dead jobs\n");
    assert_eq!(count(&redis, &[]), 1);
    redis.tq().args(["dlq", "show", &ids[2]]).assert().success();
    redis.tq().args(["dlq", "show", &ids[0]]).assert().code(3);
}

#[test]
fn unknown_dead_ids_are_exit_3() {
    let redis = RedisServer::start();
    let live = redis.enqueue(&["tq.noop"]);
    for cmd in [
        &["dlq", "show", "nope"][..],
        &["dlq", "replay", "nope"],
        &["dlq", "purge", "nope", "--yes"],
    ] {
        redis
            .tq()
            .args(cmd)
            .assert()
            .code(3)
            .stderr(predicates::str::contains("no dead job with id nope"));
    }
    // A live job is not a dead record: purge leaves it alone.
    redis.tq().args(["dlq", "purge", &live, "--yes"]).assert().code(3);
    assert_eq!(redis.status(&live)["state"], "pending");
}
