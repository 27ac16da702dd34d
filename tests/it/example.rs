//! examples/markdown end to end, as its README runs it: the web app
//! enqueues through `tq serve`, a served Python task processes documents and
//! refuses one without a title, the dead-letter queue keeps that job without
//! the user's text, and replay with the full args brings it back.

use crate::support;

use std::time::Duration;
use support::{RedisServer, curl, free_port, wait_until};

#[test]
fn the_markdown_example_runs_fails_redacts_and_replays() {
    let redis = RedisServer::start();
    let (_server, base) = redis.serve(&["--auth-token", "admin", "--enqueue-token", "app-secret"]);
    let root = env!("CARGO_MANIFEST_DIR");
    let _worker = redis.spawn_tq(&[
        "worker",
        "-Q",
        "documents",
        "--serve",
        &format!("python3 {root}/examples/markdown/tasks.py"),
    ]);
    let port = free_port();
    let mut app = std::process::Command::new("python3");
    support::clear_env(&mut app);
    let _app = KillOnDrop(
        app.arg(format!("{root}/examples/markdown/app.py"))
            .env("TQ_URL", &base)
            .env("TQ_TOKEN", "app-secret")
            .env("PORT", port.to_string())
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("python3 runs the app"),
    );
    let app = format!("http://127.0.0.1:{port}");
    wait_until(Duration::from_secs(20), "the app to answer", || {
        curl(&[&format!("{app}/documents/x")]).0 != 0
    });
    let submit = |doc: &str| -> String {
        let (code, body) = curl(&["-X", "POST", "-d", doc, &format!("{app}/documents")]);
        assert_eq!(code, 202, "{body}");
        let reply: serde_json::Value = serde_json::from_str(&body).unwrap();
        reply["process_id"].as_str().unwrap().to_string()
    };
    let state_of =
        |id: &str| -> serde_json::Value { serde_json::from_str(&curl(&[&format!("{app}/documents/{id}")]).1).unwrap() };

    let good = submit(r###"{"title":"Notes","text":"## Day 1\n\nprivate thoughts","user":"ana"}"###);
    let mut doc = serde_json::Value::Null;
    wait_until(Duration::from_secs(30), "the document to be processed", || {
        doc = state_of(&good);
        doc["state"] == "succeeded"
    });
    assert_eq!(
        doc["result"]["html"],
        "<h1>Notes</h1>\n<h2>Day 1</h2>\n<p>private thoughts</p>"
    );

    let secret = "secret notes without a title";
    let bad = submit(&format!(r#"{{"text":"{secret}"}}"#));
    wait_until(Duration::from_secs(30), "the untitled document to die", || {
        state_of(&bad)["state"] == "dead"
    });
    assert_eq!(state_of(&bad)["error"], "PermanentError: a document needs a title");
    let dead = redis.json(&["dlq", "show", &bad]);
    assert!(!dead.to_string().contains(secret), "the DLQ keeps no user text: {dead}");
    assert_eq!(dead["args"]["text"]["omitted"], true, "{dead}");
    assert_eq!(dead["args"]["text"]["length"], secret.len());

    let refused = redis.tq().args(["dlq", "replay", &bad]).output().unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("redacted"));
    let full = redis.dir().join("full.json");
    std::fs::write(&full, format!(r#"{{"title":"Fixed","text":"{secret}"}}"#)).unwrap();
    let replayed = redis.json(&["dlq", "replay", &bad, "--args-file", &full.display().to_string()]);
    let replay = replayed[0]["job_id"]
        .as_str()
        .unwrap_or_else(|| panic!("no new job id in {replayed}"))
        .to_string();
    wait_until(Duration::from_secs(30), "the replay to succeed", || {
        state_of(&replay)["state"] == "succeeded"
    });
    assert_eq!(state_of(&replay)["result"]["title"], "Fixed");
}

struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
