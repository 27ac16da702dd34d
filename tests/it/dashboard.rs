//! `tq dashboard` through the real binary: the page in real headless
//! Chromium (over WebDriver, chromedriver), its safety rules over HTTP
//! (curl), and `/metrics` checked by promtool.

use crate::support;
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use support::{RedisServer, Spawned, curl, free_port, wait_until};

/// A dashboard on a free loopback port, serving once its API answers.
fn dashboard(redis: &RedisServer, extra: &[&str]) -> (Spawned, String) {
    redis.serve(extra)
}

/// The CSRF token the page carries.
fn csrf_of(base: &str) -> String {
    let (_, page) = curl(&[&format!("{base}/")]);
    let at = page.find("name=\"tq-csrf\" content=\"").expect("csrf meta") + 24;
    page[at..at + 32].to_string()
}

/// chromedriver on a free port, stopped when dropped.
struct Driver {
    child: Child,
    url: String,
}

impl Driver {
    fn start() -> Driver {
        let port = free_port();
        use std::os::unix::process::CommandExt;
        // Its own process group, which the browser it starts joins: a
        // failing test kills both (see Drop).
        let child = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .process_group(0)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver (Debian's chromium-driver) is installed");
        let url = format!("http://127.0.0.1:{port}");
        wait_until(Duration::from_secs(20), "chromedriver to listen", || {
            std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
        });
        Driver { child, url }
    }

    async fn browser(&self) -> fantoccini::Client {
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,900"],
            }),
        );
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        fantoccini::ClientBuilder::new(connector)
            .capabilities(caps)
            .connect(&self.url)
            .await
            .expect("a Chromium session")
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // SAFETY: kill only sends a signal to the process group we started.
        unsafe {
            libc::kill(-(self.child.id() as libc::pid_t), libc::SIGKILL);
        }
        let _ = self.child.wait();
    }
}

/// Waits (polling the live page, never reloading it) until `check` holds.
async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while !check().await {
        assert!(std::time::Instant::now() < deadline, "timed out waiting for: {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn text_of(page: &fantoccini::Client, css: &str) -> Option<String> {
    match page.find(fantoccini::Locator::Css(css)).await {
        Ok(e) => e.text().await.ok(),
        Err(_) => None,
    }
}

async fn count(page: &fantoccini::Client, css: &str) -> usize {
    page.find_all(fantoccini::Locator::Css(css))
        .await
        .map_or(0, |v| v.len())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_shows_inspect_counts_replays_a_dead_job_live_and_pauses_a_queue() {
    let redis = RedisServer::start();
    let marker = redis.dir().join("flip-may-succeed");
    let handler = format!("flip=test -f {}", marker.display());
    let flip = redis.enqueue(&["flip", "-q", "work", "--max-retries", "0"]);
    let xss = redis.enqueue(&[
        "tq.fail",
        "-q",
        "work",
        "--max-retries",
        "0",
        "--args",
        r#"{"message":"<script>alert(1)</script>"}"#,
    ]);
    for _ in 0..3 {
        redis.enqueue(&["tq.noop", "-q", "other", "--delay", "1h"]);
    }
    let _worker = redis.spawn_tq(&["worker", "-Q", "other,work", "--handler", &handler]);
    wait_until(Duration::from_secs(20), "both jobs to die", || {
        redis.queue_stats("work")["dead"] == 2
    });
    let (_dashboard, base) = dashboard(&redis, &[]);
    let driver = Driver::start();
    let page = driver.browser().await;

    // The overview shows what tq inspect --json says.
    page.goto(&format!("{base}/")).await.unwrap();
    let inspect = redis.inspect();
    for q in inspect["queues"].as_array().unwrap() {
        let name = q["name"].as_str().unwrap();
        for field in [
            "pending",
            "active",
            "scheduled",
            "retrying",
            "dead",
            "processed",
            "failed",
        ] {
            let css = format!(r#"tr[data-queue="{name}"] td[data-field="{field}"]"#);
            let want = q[field].to_string();
            eventually(&format!("{name} {field} = {want}"), || async {
                text_of(&page, &css).await.as_deref() == Some(want.as_str())
            })
            .await;
        }
    }
    assert_eq!(count(&page, "tr[data-worker]").await, 1);

    // The dead letters: an error with markup is text, and runs nothing.
    page.goto(&format!("{base}/dlq")).await.unwrap();
    let error_css = format!(r#"tr[data-dead="{xss}"] td[data-field="error"]"#);
    eventually("the dead jobs listed", || async {
        text_of(&page, &error_css).await.is_some()
    })
    .await;
    assert_eq!(
        text_of(&page, &error_css).await.as_deref(),
        Some("<script>alert(1)</script>")
    );
    assert!(page.get_alert_text().await.is_err(), "an alert opened");
    let injected = page
        .execute("return document.querySelectorAll('main script').length", vec![])
        .await
        .unwrap();
    assert_eq!(injected, serde_json::json!(0));

    // The task filter narrows the list; emptied, it lists them all again.
    let task_filter = page
        .find(fantoccini::Locator::Css(r#"input[name="task"]"#))
        .await
        .unwrap();
    task_filter.send_keys("no.such.task\u{E007}").await.unwrap();
    eventually("the filter to empty the list", || async {
        count(&page, "tr[data-dead]").await == 0
    })
    .await;
    let task_filter = page
        .find(fantoccini::Locator::Css(r#"input[name="task"]"#))
        .await
        .unwrap();
    task_filter.clear().await.unwrap();
    task_filter.send_keys("\u{E007}").await.unwrap();
    eventually("both records back", || async {
        count(&page, "tr[data-dead]").await == 2
    })
    .await;

    // The dead record's page: its fields and its attempt, as text.
    page.goto(&format!("{base}/dlq/{xss}")).await.unwrap();
    eventually("the dead record's page", || async {
        text_of(&page, "dl")
            .await
            .is_some_and(|t| t.contains("retries exhausted"))
    })
    .await;
    let record = text_of(&page, "dl").await.unwrap_or_default();
    assert!(record.contains("tq.fail") && !record.contains("[object"), "{record}");
    assert_eq!(
        text_of(&page, r#"td[data-field="error"]"#).await.as_deref(),
        Some("<script>alert(1)</script>")
    );
    page.goto(&format!("{base}/dlq")).await.unwrap();
    eventually("the dead jobs listed again", || async {
        text_of(&page, &error_css).await.is_some()
    })
    .await;

    // Replay: once the job succeeds, its record leaves the page, unreloaded.
    std::fs::write(&marker, "").unwrap();
    page.execute("window.tqSamePage = true; return 1", vec![])
        .await
        .unwrap();
    let row = format!(r#"tr[data-dead="{flip}"]"#);
    page.find(fantoccini::Locator::Css(&format!(
        r#"{row} button[data-action="replay"]"#
    )))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    eventually("the replay's job id", || async {
        text_of(&page, "#status")
            .await
            .is_some_and(|t| t.starts_with("replayed as "))
    })
    .await;
    let said = text_of(&page, "#status").await.unwrap_or_default();
    let replay = said.trim_start_matches("replayed as ").trim().to_string();
    eventually("the replayed record to leave the page", || async {
        count(&page, &row).await == 0
    })
    .await;
    let same = page.execute("return window.tqSamePage === true", vec![]).await.unwrap();
    assert_eq!(same, serde_json::json!(true), "the page was reloaded");
    assert_eq!(redis.status(&replay)["state"], "succeeded", "replay {replay}");
    page.goto(&format!("{base}/jobs/{replay}")).await.unwrap();
    eventually("the replay's job page", || async {
        text_of(&page, "dl")
            .await
            .is_some_and(|t| t.contains("succeeded") && t.contains("flip"))
    })
    .await;

    // Pause: the worker (other first in -Q) stops claiming from it.
    page.goto(&format!("{base}/queues/other")).await.unwrap();
    let pause = r#"button[data-action="pause"]"#;
    eventually("the pause button", || async { count(&page, pause).await == 1 }).await;
    page.find(fantoccini::Locator::Css(pause))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_until(Duration::from_secs(10), "inspect to show the pause", || {
        redis.queue_stats("other")["paused"] == true
    });
    let held = redis.enqueue(&["tq.noop", "-q", "other"]);
    let probe = redis.enqueue(&["tq.noop", "-q", "work"]);
    wait_until(Duration::from_secs(20), "the probe to run", || {
        redis.status(&probe)["state"] == "succeeded"
    });
    assert_eq!(
        redis.status(&held)["state"],
        "pending",
        "a paused queue was claimed from"
    );

    // The README's screenshot.
    page.goto(&format!("{base}/")).await.unwrap();
    eventually("the overview", || async { count(&page, "tr[data-queue]").await == 2 }).await;
    eventually("the paused tag", || async { count(&page, ".tag.paused").await == 1 }).await;
    let png = page.screenshot().await.unwrap();
    assert!(png.starts_with(b"\x89PNG"), "the screenshot is a PNG");
    // Rewritten only on request, so a test run leaves the checkout as it was:
    // TQ_UPDATE_GENERATED=1 cargo test --test it dashboard::
    if std::env::var("TQ_UPDATE_GENERATED").is_ok_and(|v| v == "1") {
        let docs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs");
        std::fs::create_dir_all(&docs).unwrap();
        std::fs::write(docs.join("dashboard.png"), png).unwrap();
    }

    // Read-only: the same data, no action buttons.
    let (_read_only, ro_base) = dashboard(&redis, &["--read-only"]);
    for path in ["/", "/dlq", "/queues/work", "/cron"] {
        page.goto(&format!("{ro_base}{path}")).await.unwrap();
        eventually("the page to draw", || async {
            text_of(&page, "#updated")
                .await
                .is_some_and(|t| t.contains("read-only"))
        })
        .await;
        assert_eq!(count(&page, "button").await, 0, "a button on read-only {path}");
    }
    page.close().await.unwrap();
}

#[test]
fn actions_need_the_csrf_token_the_same_origin_and_a_writable_dashboard() {
    let redis = RedisServer::start();
    redis.enqueue(&["tq.noop", "-q", "q"]);
    let (_d, base) = dashboard(&redis, &[]);
    let pause = format!("{base}/api/queues/q/pause");
    let (code, body) = curl(&["-X", "POST", &pause]);
    assert_eq!(code, 403, "{body}");
    assert!(body.contains("CSRF"), "{body}");
    let token = csrf_of(&base);
    let header = format!("X-CSRF-Token: {token}");
    let (code, body) = curl(&["-X", "POST", "-H", &header, "-H", "Origin: http://evil.example", &pause]);
    assert_eq!(code, 403, "{body}");
    assert_eq!(
        redis.queue_stats("q")["paused"],
        false,
        "a refused action changed nothing"
    );
    let (code, body) = curl(&["-X", "POST", "-H", &header, &pause]);
    assert_eq!(code, 200, "{body}");
    assert_eq!(redis.queue_stats("q")["paused"], true);

    let (_ro, ro_base) = dashboard(&redis, &["--read-only"]);
    let token = csrf_of(&ro_base);
    let header = format!("X-CSRF-Token: {token}");
    let (code, body) = curl(&["-X", "POST", "-H", &header, &format!("{ro_base}/api/queues/q/resume")]);
    assert_eq!(code, 403, "{body}");
    assert!(body.contains("read-only"), "{body}");
    assert_eq!(redis.queue_stats("q")["paused"], true, "read-only changed nothing");
    let (code, body) = curl(&[&format!("{ro_base}/api/overview")]);
    assert_eq!(code, 200, "{body}");
}

#[test]
fn a_public_address_needs_auth_and_auth_is_enforced() {
    let redis = RedisServer::start();
    let out = redis
        .tq()
        .args(["dashboard", "--listen", "0.0.0.0:0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--auth-token") && err.trim().lines().count() == 1, "{err}");

    let (_t, base) = dashboard(&redis, &["--auth-token", "s3cret-token"]);
    let api = format!("{base}/api/overview");
    assert_eq!(curl(&[&api]).0, 401);
    assert_eq!(curl(&["-H", "Authorization: Bearer nope", &api]).0, 401);
    assert_eq!(curl(&["-H", "Authorization: Bearer s3cret-token", &api]).0, 200);
    let (code, headers) = curl(&["-D", "-", &format!("{base}/?token=s3cret-token")]);
    assert_eq!(code, 200);
    assert!(headers.contains("tq_token=s3cret-token; HttpOnly"), "{headers}");
    assert_eq!(curl(&["-H", "Cookie: tq_token=s3cret-token", &api]).0, 200);

    let (_b, base) = dashboard(&redis, &["--basic-auth", "ops:hunter22"]);
    let api = format!("{base}/api/overview");
    assert_eq!(curl(&[&api]).0, 401);
    assert_eq!(curl(&["-u", "ops:wrong", &api]).0, 401);
    let (code, body) = curl(&["-u", "ops:hunter22", &api]);
    assert_eq!(code, 200);
    assert!(!body.contains("hunter22"), "a password in a response");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn limits_are_set_and_cleared_from_the_queue_page() {
    let redis = RedisServer::start();
    redis.enqueue(&["tq.noop", "-q", "emails", "--delay", "1h"]);
    let (_dashboard, base) = dashboard(&redis, &[]);
    let driver = Driver::start();
    let page = driver.browser().await;
    page.goto(&format!("{base}/queues/emails")).await.unwrap();
    let set = r#"button[data-action="set-limits"]"#;
    eventually("the limits form", || async { count(&page, set).await == 1 }).await;
    for (field, value) in [("concurrency", "3"), ("rate", "10/1s"), ("key_rate", "2/1s")] {
        let input = page
            .find(fantoccini::Locator::Css(&format!("input[name={field}]")))
            .await
            .unwrap();
        input.send_keys(value).await.unwrap();
    }
    page.find(fantoccini::Locator::Css(set))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_until(Duration::from_secs(10), "the limits to be set", || {
        redis.json(&["queue", "limit", "emails"])["limits"]["concurrency"] == 3
    });
    let limits = redis.json(&["queue", "limit", "emails"])["limits"].clone();
    assert_eq!(limits["rate"], "10/1s");
    assert_eq!(limits["key_rate"], "2/1s");
    assert_eq!(limits["key_concurrency"], serde_json::Value::Null);
    eventually("the page to show them", || async {
        text_of(&page, r#"[data-field="limits"]"#)
            .await
            .is_some_and(|t| t.contains("concurrency 3") && t.contains("rate 10/1s"))
    })
    .await;
    page.find(fantoccini::Locator::Css(r#"button[data-action="clear-limits"]"#))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_until(Duration::from_secs(10), "the limits to be cleared", || {
        redis.json(&["queue", "limit", "emails"])["limits"]["concurrency"].is_null()
    });
    page.close().await.unwrap();
}

/// How many times Redis ran `command` so far (INFO commandstats).
fn calls_of(redis: &RedisServer, command: &str) -> u64 {
    redis
        .info_field("commandstats", &format!("cmdstat_{command}"))
        .and_then(|stats| stats.strip_prefix("calls=")?.split(',').next()?.parse().ok())
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_running_jobs_page_waits_for_its_end_instead_of_polling() {
    let redis = RedisServer::start();
    let marker = redis.dir().join("go");
    let handler = format!("hold=while ! test -f {}; do sleep 0.05; done", marker.display());
    let id = redis.enqueue(&["hold"]);
    let _worker = redis.spawn_tq(&["worker", "--handler", &handler]);
    let (_d, base) = dashboard(&redis, &[]);
    let driver = Driver::start();
    let page = driver.browser().await;
    page.goto(&format!("{base}/jobs/{id}")).await.unwrap();
    eventually("the job to show as active", || async {
        text_of(&page, r#"[data-field="state"]"#).await.as_deref() == Some("active")
    })
    .await;
    // The page's next request blocks on the queue's finished stream.
    eventually("the page to wait on the stream", || async {
        calls_of(&redis, "xread") > 0
    })
    .await;
    std::fs::write(&marker, "").unwrap();
    eventually("the page to show the end", || async {
        text_of(&page, r#"[data-field="state"]"#).await.as_deref() == Some("succeeded")
    })
    .await;
    page.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redacted_dead_job_offers_no_replay_and_says_why() {
    let redis = RedisServer::start();
    let secret = redis.enqueue(&[
        "login",
        "--args",
        r#"{"password":"x"}"#,
        "--redact",
        "/password",
        "--max-retries",
        "0",
    ]);
    let plain = redis.enqueue(&["login", "--args", r#"{"password":"y"}"#, "--max-retries", "0"]);
    redis.drain(&["--handler", "login=exit 1"]);
    let (_d, base) = dashboard(&redis, &[]);
    let driver = Driver::start();
    let page = driver.browser().await;
    page.goto(&format!("{base}/dlq")).await.unwrap();
    eventually("both records", || async { count(&page, "tr[data-dead]").await == 2 }).await;
    let row = |id: &str, css: &str| format!(r#"tr[data-dead="{id}"] {css}"#);
    assert_eq!(count(&page, &row(&plain, r#"button[data-action="replay"]"#)).await, 1);
    assert_eq!(
        count(&page, &row(&secret, "button")).await,
        0,
        "no Replay on the redacted record"
    );
    let note = text_of(&page, &row(&secret, r#"[data-field="no-replay"]"#))
        .await
        .unwrap();
    assert!(note.contains("CLI"), "{note}");

    page.goto(&format!("{base}/dlq/{secret}")).await.unwrap();
    eventually("the record's page", || async {
        text_of(&page, r#"[data-field="no-replay"]"#).await.is_some()
    })
    .await;
    assert_eq!(count(&page, r#"button[data-action="replay"]"#).await, 0);
    let why = text_of(&page, r#"[data-field="no-replay"]"#).await.unwrap();
    assert!(
        why.contains("/password") && why.contains(&format!("tq dlq replay {secret} --args-file")),
        "{why}"
    );
    page.goto(&format!("{base}/dlq/{plain}")).await.unwrap();
    eventually("Replay on the plain record", || async {
        count(&page, r#"button[data-action="replay"]"#).await == 1
    })
    .await;
    page.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_queue_page_shows_which_queue_before_its_data_arrives() {
    let redis = RedisServer::start();
    redis.enqueue(&["tq.noop", "-q", "emails"]);
    let (_d, base) = dashboard(&redis, &[]);
    let driver = Driver::start();
    let page = driver.browser().await;
    // Redis answers no one for a while: the page's data cannot arrive yet.
    let _: String = redis::cmd("CLIENT")
        .arg("PAUSE")
        .arg(4000)
        .arg("ALL")
        .query(&mut redis.conn())
        .unwrap();
    page.goto(&format!("{base}/queues/emails")).await.unwrap();
    let heading = text_of(&page, "main h2").await.unwrap_or_default();
    assert!(heading.contains("emails"), "first paint: {heading:?}");
    assert!(text_of(&page, r#"[data-field="loading"]"#).await.is_some());
    eventually("the queue's counts", || async {
        text_of(&page, "main p").await.is_some_and(|t| t.contains("1 pending"))
    })
    .await;
    assert_eq!(count(&page, r#"[data-field="loading"]"#).await, 0);
    page.goto(&format!("{base}/queues/emial")).await.unwrap();
    eventually("a note that no job went there", || async {
        text_of(&page, r#"[data-field="unknown"]"#).await.is_some()
    })
    .await;
    page.close().await.unwrap();
}

#[test]
fn metrics_pass_promtool_and_match_inspect_and_the_worker_counts_its_jobs() {
    let redis = RedisServer::start();
    for _ in 0..4 {
        redis.enqueue(&["tq.noop", "-q", "a"]);
    }
    redis.enqueue(&["tq.fail", "-q", "a", "--max-retries", "0"]);
    redis.enqueue(&["tq.noop", "-q", "b", "--delay", "1h"]);
    redis
        .tq()
        .args(["queue", "limit", "b", "--concurrency", "3", "--rate", "30/1m"])
        .assert()
        .success();
    let port = free_port();
    let worker_metrics = format!("http://127.0.0.1:{port}/metrics");
    let _worker = redis.spawn_tq(&["worker", "-Q", "a", "--metrics-listen", &format!("127.0.0.1:{port}")]);
    wait_until(Duration::from_secs(20), "the jobs to run", || {
        let a = redis.queue_stats("a");
        a["pending"] == 0 && a["active"] == 0 && a["dead"] == 1
    });
    let (_d, base) = dashboard(&redis, &[]);
    let (code, text) = curl(&[&format!("{base}/metrics")]);
    assert_eq!(code, 200);
    promtool(&text);
    assert_series_in_label_order(&text);
    let (_, again) = curl(&[&format!("{base}/metrics")]);
    assert_eq!(
        series_of(&again),
        series_of(&text),
        "two scrapes list the same series alike"
    );
    let inspect = redis.inspect();
    for q in inspect["queues"].as_array().unwrap() {
        let name = q["name"].as_str().unwrap();
        for state in ["pending", "active", "scheduled", "retrying", "dead"] {
            let line = format!("tq_queue_jobs{{queue=\"{name}\",state=\"{state}\"}} {}", q[state]);
            assert!(text.contains(&line), "{line} not in\n{text}");
        }
        for (metric, field) in [
            ("tq_jobs_processed_total", "processed"),
            ("tq_jobs_failed_total", "failed"),
        ] {
            let line = format!("{metric}{{queue=\"{name}\"}} {}", q[field]);
            assert!(text.contains(&line), "{line} not in\n{text}");
        }
    }
    assert!(text.contains("tq_workers 1"), "{text}");
    for line in [
        r#"tq_queue_limit{queue="b",limit="concurrency"} 3.0"#,
        r#"tq_queue_limit{queue="b",limit="rate_per_second"} 0.5"#,
        r#"tq_queue_flow_held{queue="b"} 0"#,
    ] {
        assert!(text.contains(line), "{line} not in\n{text}");
    }

    let (code, text) = curl(&[&worker_metrics]);
    assert_eq!(code, 200);
    promtool(&text);
    assert_series_in_label_order(&text);
    assert!(
        text.contains(r#"tq_job_duration_seconds_count{queue="a",task="tq.noop"} 4"#),
        "{text}"
    );
    assert!(
        text.contains(r#"tq_job_duration_seconds_count{queue="a",task="tq.fail"} 1"#),
        "{text}"
    );
    assert!(
        text.contains(r#"tq_worker_jobs_total{queue="a",outcome="dead"} 1"#),
        "{text}"
    );
}

/// The sample lines of `text` without their values, in order.
fn series_of(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| l.rsplit_once(' ').map_or(l, |(series, _)| series).to_string())
        .collect()
}

/// Within each metric family, series come in order of their labels (a
/// histogram's bucket lines, which differ only in `le`, stay together).
fn assert_series_in_label_order(text: &str) {
    let labels = |line: &str| -> String {
        let inner = line
            .split_once('{')
            .map_or("", |(_, rest)| rest.split('}').next().unwrap_or(""));
        inner
            .split(',')
            .filter(|l| !l.starts_with("le="))
            .collect::<Vec<_>>()
            .join(",")
    };
    let mut family: Vec<String> = Vec::new();
    for line in text.lines().chain(std::iter::once("# end")) {
        if line.starts_with('#') {
            let mut sorted = family.clone();
            sorted.sort();
            assert_eq!(family, sorted, "series out of order in\n{text}");
            family.clear();
        } else if family.last() != Some(&labels(line)) {
            family.push(labels(line));
        }
    }
}

/// `promtool check metrics` (Debian's prometheus package) accepts `text`.
fn promtool(text: &str) {
    use std::io::Write;
    let mut child = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("promtool (Debian's prometheus package) is installed");
    child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "promtool: {}{}\n{text}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
