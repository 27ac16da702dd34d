//! `tq serve`'s producer API (/api/v1/) through the real binary, called with
//! real curl, on a real redis-server: enqueue, status with ?wait=, tokens,
//! errors naming the field or line, bulk NDJSON, Idempotency-Key, 503 while
//! Redis is away, and the OpenAPI document.

use crate::support;

use std::time::Duration;
use support::{RedisServer, curl, wait_until};

const JSON: &str = "Content-Type: application/json";
const NDJSON: &str = "Content-Type: application/x-ndjson";

fn post(base: &str, queue: &str, token: &str, content_type: &str, body: &str) -> (u16, serde_json::Value) {
    let auth = format!("Authorization: Bearer {token}");
    let url = format!("{base}/api/v1/queues/{queue}/jobs");
    let (code, text) = curl(&[
        "-X",
        "POST",
        "-H",
        &auth,
        "-H",
        content_type,
        "--data-binary",
        body,
        &url,
    ]);
    (
        code,
        serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)),
    )
}

fn get(base: &str, path: &str, token: &str) -> (u16, serde_json::Value) {
    let auth = format!("Authorization: Bearer {token}");
    let (code, text) = curl(&["-H", &auth, &format!("{base}{path}")]);
    (
        code,
        serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)),
    )
}

#[test]
fn a_job_enqueued_over_http_runs_and_its_status_waits_for_the_result() {
    let redis = RedisServer::start();
    let (_server, base) = redis.serve(&["--auth-token", "admin", "--enqueue-token", "app"]);
    let (code, created) = post(
        &base,
        "emails",
        "app",
        JSON,
        r#"{"task":"tq.echo","args":{"to":"a@b.c"}}"#,
    );
    assert_eq!(code, 201, "{created}");
    assert_eq!(created["queue"], "emails");
    assert_eq!(created["duplicate"], false);
    let id = created["id"].as_str().unwrap().to_string();
    let _worker = redis.spawn_tq(&["worker", "-Q", "emails"]);
    let (code, status) = get(&base, &format!("/api/v1/jobs/{id}?wait=30s"), "app");
    assert_eq!(code, 200, "{status}");
    assert_eq!(status["state"], "succeeded", "{status}");
    assert_eq!(status["result"], serde_json::json!({"to": "a@b.c"}));
    assert_eq!(status, redis.status(&id), "the document of tq status --json");
}

#[test]
fn tokens_errors_and_limits_answer_as_json_naming_what_is_wrong() {
    let redis = RedisServer::start();
    let (_server, base) = redis.serve(&["--auth-token", "admin", "--enqueue-token", "app"]);
    let job = r#"{"task":"tq.noop"}"#;
    assert_eq!(post(&base, "default", "wrong", JSON, job).0, 401);
    let (code, body) = curl(&[
        "-X",
        "POST",
        "-H",
        JSON,
        "-d",
        job,
        &format!("{base}/api/v1/queues/default/jobs"),
    ]);
    assert_eq!(code, 401, "no token: {body}");
    // The enqueue token opens the API only: no page action, no page.
    let (code, body) = curl(&[
        "-X",
        "POST",
        "-H",
        "Authorization: Bearer app",
        &format!("{base}/api/queues/default/pause"),
    ]);
    assert_eq!(code, 403, "{body}");
    assert_eq!(
        curl(&["-H", "Authorization: Bearer app", &format!("{base}/api/dlq")]).0,
        403
    );
    assert_eq!(
        post(&base, "default", "admin", JSON, job).0,
        201,
        "the admin token may enqueue too"
    );

    let (code, e) = post(&base, "default", "app", JSON, r#"{"task":"t","delay":"soon"}"#);
    assert_eq!((code, e["field"].as_str()), (400, Some("delay")), "{e}");
    let (code, e) = post(
        &base,
        "default",
        "app",
        JSON,
        r#"{"task":"t","args":{"a":1},"redact":["/b"]}"#,
    );
    assert_eq!((code, e["field"].as_str()), (400, Some("redact")), "{e}");
    let (code, e) = post(&base, "default", "app", JSON, "{not json");
    assert_eq!((code, e["field"].as_str()), (400, Some("body")), "{e}");
    let (code, e) = post(&base, "bad%20queue", "app", JSON, job);
    assert_eq!((code, e["field"].as_str()), (400, Some("queue")), "{e}");
    let (code, e) = post(&base, "default", "app", "Content-Type: text/plain", job);
    assert_eq!(code, 415, "{e}");
    let (code, e) = get(&base, "/api/v1/jobs/no-such-job", "app");
    assert_eq!(code, 404, "{e}");
    assert!(e["error"].as_str().unwrap().contains("no job with id"), "{e}");
    let (code, e) = get(&base, "/api/v1/jobs/x?wait=forever", "app");
    assert_eq!((code, e["field"].as_str()), (400, Some("wait")), "{e}");

    let big = format!(r#"{{"task":"t","args":"{}"}}"#, "x".repeat(600 * 1024));
    let file = redis.dir().join("big.json");
    std::fs::write(&file, big).unwrap();
    let (code, e) = post(&base, "default", "app", JSON, &format!("@{}", file.display()));
    assert_eq!((code, e["field"].as_str()), (413, Some("args")), "{e}");
    assert_eq!(
        redis.queue_stats("default")["pending"],
        1,
        "only the admin's job went in"
    );
}

#[test]
fn bulk_ndjson_of_10000_runs_each_once_and_one_bad_line_enqueues_nothing() {
    let redis = RedisServer::start();
    let (_server, base) = redis.serve(&[]);
    let mut lines: Vec<String> = (0..10_000)
        .map(|n| format!(r#"{{"task":"tq.echo","args":{{"n":{n}}}}}"#))
        .collect();
    let good = redis.dir().join("good.ndjson");
    std::fs::write(&good, lines.join("\n")).unwrap();
    lines[4321] = r#"{"task":"tq.echo","max_retries":"three"}"#.into();
    let bad = redis.dir().join("bad.ndjson");
    std::fs::write(&bad, lines.join("\n")).unwrap();

    let (code, e) = post(&base, "bulk", "", NDJSON, &format!("@{}", bad.display()));
    assert_eq!(
        (code, e["line"].as_u64(), e["field"].as_str()),
        (400, Some(4322), Some("max_retries")),
        "{e}"
    );
    assert!(
        redis.json(&["inspect"])["queues"]
            .as_array()
            .unwrap()
            .iter()
            .all(|q| q["name"] != "bulk" || q["pending"] == 0)
    );

    let (code, created) = post(&base, "bulk", "", NDJSON, &format!("@{}", good.display()));
    assert_eq!(code, 201);
    let ids: Vec<String> = created["ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i.as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), 10_000);
    redis.drain(&["-Q", "bulk", "-c", "64"]);
    let stats = redis.queue_stats("bulk");
    assert_eq!(stats["processed"], 10_000, "each ran once: {stats}");
    let statuses = redis.statuses(&ids[..100]);
    for (n, s) in statuses.iter().enumerate() {
        assert_eq!(
            s.result,
            Some(serde_json::json!({ "n": n })),
            "ids come back in the order sent"
        );
    }
}

#[test]
fn the_same_idempotency_key_twice_makes_one_job() {
    let redis = RedisServer::start();
    let (_server, base) = redis.serve(&[]);
    let send = || {
        let (code, text) = curl(&[
            "-X",
            "POST",
            "-H",
            JSON,
            "-H",
            "Idempotency-Key: order-42",
            "-d",
            r#"{"task":"tq.noop"}"#,
            &format!("{base}/api/v1/queues/default/jobs"),
        ]);
        (code, serde_json::from_str::<serde_json::Value>(&text).unwrap())
    };
    let (first_code, first) = send();
    let (second_code, second) = send();
    assert_eq!((first_code, first["duplicate"].as_bool()), (201, Some(false)));
    assert_eq!((second_code, second["duplicate"].as_bool()), (200, Some(true)));
    assert_eq!(first["id"], second["id"]);
    assert_eq!(redis.queue_stats("default")["pending"], 1);
}

#[test]
fn with_redis_stopped_the_api_answers_503_with_retry_after_then_recovers() {
    let mut redis = RedisServer::start_durable();
    let (_server, base) = redis.serve(&[]);
    let job = r#"{"task":"tq.noop"}"#;
    assert_eq!(post(&base, "default", "", JSON, job).0, 201);
    redis.crash();
    let (code, headers) = curl(&[
        "-D",
        "-",
        "-X",
        "POST",
        "-H",
        JSON,
        "-d",
        job,
        &format!("{base}/api/v1/queues/default/jobs"),
    ]);
    assert_eq!(code, 503, "{headers}");
    assert!(headers.to_ascii_lowercase().contains("retry-after: 1"), "{headers}");
    redis.restart();
    let mut code = 0;
    wait_until(Duration::from_secs(30), "the API to enqueue again", || {
        code = post(&base, "default", "", JSON, job).0;
        code == 201
    });
    assert_eq!(redis.queue_stats("default")["pending"], 2);
}

#[test]
fn openapi_json_is_openapi_3_1_and_lists_every_route() {
    let redis = RedisServer::start();
    let (_server, base) = redis.serve(&["--auth-token", "admin"]);
    let (code, doc) = get(&base, "/api/v1/openapi.json", "admin");
    assert_eq!(code, 200);
    assert_eq!(doc["openapi"], "3.1.0");
    for (path, method) in [
        ("/api/v1/queues/{queue}/jobs", "post"),
        ("/api/v1/jobs/{id}", "get"),
        ("/api/v1/openapi.json", "get"),
    ] {
        assert!(doc["paths"][path][method].is_object(), "{path} {method} missing: {doc}");
    }
    let spec = oas3::from_json(doc.to_string()).unwrap_or_else(|e| panic!("not OpenAPI 3.1: {e}\n{doc}"));
    assert!(spec.openapi.starts_with("3.1"), "{}", spec.openapi);
    let operations: Vec<String> = spec
        .operations()
        .map(|(path, method, _)| format!("{method} {path}"))
        .collect();
    assert_eq!(operations.len(), 3, "{operations:?}");
    // Every schema a route refers to is defined.
    for reference in doc.to_string().match_indices("#/components/schemas/") {
        let name: String = doc.to_string()[reference.0 + 21..]
            .chars()
            .take_while(|c| *c != '"')
            .collect();
        assert!(
            doc["components"]["schemas"][&name].is_object(),
            "{name} is referred to but not defined"
        );
    }
}

#[test]
fn a_public_address_without_a_token_is_refused_in_one_line() {
    let redis = RedisServer::start();
    let out = redis.tq().args(["serve", "--listen", "0.0.0.0:0"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("--auth-token"), "{err}");
}

#[test]
fn a_read_only_server_refuses_enqueues_but_answers_status() {
    let redis = RedisServer::start();
    let id = redis.enqueue(&["tq.noop"]);
    let (_server, base) = redis.serve(&["--read-only"]);
    let (code, e) = post(&base, "default", "", JSON, r#"{"task":"tq.noop"}"#);
    assert_eq!(code, 403, "{e}");
    assert_eq!(get(&base, &format!("/api/v1/jobs/{id}"), "").0, 200);
    assert_eq!(redis.queue_stats("default")["pending"], 1);
}

/// Connections Redis accepted so far (INFO stats).
fn connections_received(redis: &RedisServer) -> u64 {
    redis
        .info_field("stats", "total_connections_received")
        .unwrap()
        .parse()
        .unwrap()
}

#[test]
fn status_waits_one_after_another_share_one_blocking_connection() {
    let redis = RedisServer::start();
    let (_server, base) = redis.serve(&["--auth-token", "admin", "--enqueue-token", "app"]);
    // No worker: each wait runs its course and answers "pending".
    let id = redis.enqueue(&["tq.noop", "-q", "unserved"]);
    let path = format!("/api/v1/jobs/{id}?wait=300ms");
    let (code, first) = get(&base, &path, "app");
    assert_eq!((code, first["state"].as_str()), (200, Some("pending")), "{first}");
    let before = connections_received(&redis);
    for _ in 0..5 {
        let (code, status) = get(&base, &path, "app");
        assert_eq!((code, status["state"].as_str()), (200, Some("pending")), "{status}");
    }
    assert_eq!(
        connections_received(&redis) - before,
        1,
        "only this test's own INFO connection is new: the waits reused the server's"
    );
}
