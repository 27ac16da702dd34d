//! Periodic jobs (`tq cron`) through the real binary: each tick fires once
//! however many workers race on it or die, gaps fire once (or not), pause
//! and resume, and schedules that are refused.

use crate::support;
use std::collections::BTreeSet;
use std::time::Duration;
use support::{RedisServer, wait_until};

/// The Redis server's clock, ms.
fn server_ms(redis: &RedisServer) -> u64 {
    let (secs, micros): (u64, u64) = redis::cmd("TIME").query(&mut redis.conn()).unwrap();
    secs * 1000 + micros / 1000
}

/// Lets the server's clock pass `ms` (ticks are what these tests count).
fn let_pass(redis: &RedisServer, ms: u64) {
    let until = server_ms(redis) + ms;
    wait_until(Duration::from_millis(ms + 20_000), "time to pass", || {
        server_ms(redis) >= until
    });
}

/// Of the 1 s ticks in (from, to], those whose job `cron:NAME:<tick>` exists
/// (in any state: pending, running, succeeded...), read through the library.
fn ticks_with_jobs(redis: &RedisServer, name: &str, from: u64, to: u64) -> BTreeSet<u64> {
    redis.with_broker(async |broker| {
        let client = tq::Client::new(broker);
        let mut found = BTreeSet::new();
        let mut tick = (from / 1000 + 1) * 1000;
        while tick <= to {
            match client.status(&format!("cron:{name}:{tick}")).await {
                Ok(_) => {
                    found.insert(tick);
                }
                Err(tq::Error::NotFound(_)) => {}
                Err(e) => panic!("status of tick {tick}: {e}"),
            }
            tick += 1000;
        }
        found
    })
}

/// Jobs run on `queue` so far (each once: results are kept per job id).
fn results(redis: &RedisServer, queue: &str) -> u64 {
    redis.queue_stats(queue)["results"].as_u64().unwrap()
}

fn settled(redis: &RedisServer, queue: &str) -> bool {
    let q = redis.queue_stats(queue);
    q["pending"] == 0 && q["active"] == 0 && q["retrying"] == 0
}

/// Every tick in (from, to] has its job, but perhaps the first and the last.
fn assert_every_tick(found: &BTreeSet<u64>, from: u64, to: u64) {
    let first = (from / 1000 + 2) * 1000;
    let last = (to / 1000) * 1000 - 1000;
    let mut tick = first;
    while tick <= last {
        assert!(found.contains(&tick), "no job for tick {tick}; jobs for {found:?}");
        tick += 1000;
    }
}

#[test]
fn five_workers_fire_each_tick_exactly_once() {
    let redis = RedisServer::start();
    let _workers: Vec<_> = (0..5).map(|_| redis.spawn_tq(&["worker", "-Q", "beat"])).collect();
    wait_until(Duration::from_secs(20), "5 workers", || {
        redis.inspect()["workers"].as_array().is_some_and(|w| w.len() == 5)
    });
    let added = server_ms(&redis);
    redis.json(&["cron", "add", "tick", "--every", "1s", "tq.noop", "-q", "beat"]);
    let_pass(&redis, 20_000);
    let removed_before = server_ms(&redis);
    redis.tq().args(["cron", "remove", "tick"]).assert().success();
    let removed_after = server_ms(&redis);
    wait_until(Duration::from_secs(20), "the last jobs to run", || {
        settled(&redis, "beat")
    });

    let found = ticks_with_jobs(&redis, "tick", added, removed_after + 2000);
    assert_every_tick(&found, added, removed_before);
    assert!(
        found.iter().all(|t| *t > added && *t <= removed_after),
        "a job outside the schedule's life: {found:?}"
    );
    assert!(found.len() >= 19, "{} jobs in 20 s: {found:?}", found.len());
    // One run per tick: as many jobs ran as ticks fired, none twice.
    assert_eq!(results(&redis, "beat"), found.len() as u64);
    assert_eq!(redis.queue_stats("beat")["processed"], found.len() as u64);
}

#[test]
fn each_tick_fires_once_while_workers_are_killed_and_replaced() {
    let redis = RedisServer::start();
    let start = || redis.spawn_tq(&["worker", "-Q", "beat", "--lease", "2s"]);
    let mut workers: Vec<_> = (0..5).map(|_| start()).collect();
    wait_until(Duration::from_secs(20), "5 workers", || {
        redis.inspect()["workers"].as_array().is_some_and(|w| w.len() == 5)
    });
    let added = server_ms(&redis);
    redis.json(&["cron", "add", "tick", "--every", "1s", "tq.noop", "-q", "beat"]);
    for round in 0..10 {
        let_pass(&redis, 2_000);
        let victim = rand::random_range(0..workers.len());
        let mut dead = std::mem::replace(&mut workers[victim], start());
        dead.signal(libc::SIGKILL);
        dead.wait_exit(Duration::from_secs(10));
        eprintln!("round {round}: killed worker {victim}");
    }
    let removed_before = server_ms(&redis);
    redis.tq().args(["cron", "remove", "tick"]).assert().success();
    let removed_after = server_ms(&redis);
    // Jobs a killed worker held come back when their 2 s lease ends.
    wait_until(Duration::from_secs(30), "every job to run", || settled(&redis, "beat"));

    let found = ticks_with_jobs(&redis, "tick", added, removed_after + 2000);
    assert_every_tick(&found, added, removed_before);
    assert!(found.iter().all(|t| *t > added && *t <= removed_after), "{found:?}");
    // Each tick's job succeeded once (a job redelivered after a kill keeps its id).
    assert_eq!(results(&redis, "beat"), found.len() as u64);
}

/// Adds an every-second schedule, lets 10 s pass with no worker, starts
/// one and lets 4 s more pass. Returns the schedule's first tick (as `cron
/// add` set it: a second boundary may pass while the command starts), the
/// worker's start and the check times, and the ticks that got a job.
fn gap_then_worker(redis: &RedisServer, catch_up: &str) -> (u64, u64, u64, BTreeSet<u64>) {
    let added = server_ms(redis);
    let schedule = redis.json(&[
        "cron",
        "add",
        "gap",
        "--every",
        "1s",
        "tq.noop",
        "-q",
        "beat",
        "--catch-up",
        catch_up,
    ]);
    let first_tick = schedule["next_run_ms"].as_u64().unwrap();
    let_pass(redis, 10_000);
    let started = server_ms(redis);
    let _worker = redis.spawn_tq(&["worker", "-Q", "beat"]);
    wait_until(Duration::from_secs(20), "the worker to register", || {
        redis.inspect()["workers"].as_array().is_some_and(|w| w.len() == 1)
    });
    let_pass(redis, 4_000);
    let checked = server_ms(redis);
    let found = ticks_with_jobs(redis, "gap", added, checked + 2000);
    (first_tick, started, checked, found)
}

#[test]
fn a_gap_without_workers_fires_one_catch_up_job_then_one_per_tick() {
    let redis = RedisServer::start();
    let (first_tick, started, checked, found) = gap_then_worker(&redis, "one");
    let in_gap: Vec<&u64> = found.iter().filter(|t| **t <= started).collect();
    assert_eq!(in_gap, vec![&first_tick], "one job for the whole gap: {found:?}");
    assert_every_tick(&found, started + 1000, checked);
    let status = redis.status(&format!("cron:gap:{first_tick}"));
    assert_eq!(status["task"], "tq.noop", "{status}");
}

#[test]
fn a_gap_without_workers_fires_nothing_with_catch_up_none() {
    let redis = RedisServer::start();
    let (_, started, checked, found) = gap_then_worker(&redis, "none");
    assert!(found.iter().all(|t| *t > started), "a job for the gap: {found:?}");
    assert_every_tick(&found, started + 1000, checked);
}

#[test]
fn pause_stops_firing_and_resume_restarts_without_a_burst() {
    let redis = RedisServer::start();
    let _worker = redis.spawn_tq(&["worker", "-Q", "beat"]);
    let added = server_ms(&redis);
    redis.json(&["cron", "add", "tick", "--every", "1s", "tq.noop", "-q", "beat"]);
    wait_until(Duration::from_secs(20), "a first tick to fire", || {
        !ticks_with_jobs(&redis, "tick", added, server_ms(&redis)).is_empty()
    });
    redis.tq().args(["cron", "pause", "tick"]).assert().success();
    let paused = server_ms(&redis);
    let listed = redis.json(&["cron", "list"]);
    assert_eq!(listed[0]["paused"], true, "{listed}");
    let_pass(&redis, 4_000);
    let resumed = server_ms(&redis);
    redis.tq().args(["cron", "resume", "tick"]).assert().success();
    let_pass(&redis, 3_000);
    let checked = server_ms(&redis);

    let found = ticks_with_jobs(&redis, "tick", added, checked + 2000);
    let while_paused: Vec<&u64> = found.iter().filter(|t| **t > paused + 1000 && **t <= resumed).collect();
    assert!(
        while_paused.is_empty(),
        "fired while paused: {while_paused:?} of {found:?}"
    );
    let burst = found.iter().filter(|t| **t > paused && **t <= resumed + 1000).count();
    assert!(burst <= 2, "a burst after resume: {found:?}");
    assert_every_tick(&found, resumed + 1000, checked);
}

#[test]
fn bad_schedules_are_refused_in_one_line_and_re_adding_changes_nothing() {
    let redis = RedisServer::start();
    for (args, needle) in [
        (&["--cron", "61 9 * * *"][..], "bad minute field \"61\""),
        (&["--cron", "0 9 * * MON-FRX"], "day of week"),
        (
            &["--cron", "0 9 * * *", "--tz", "Europe/Pariss"],
            "unknown time zone \"Europe/Pariss\"",
        ),
        (&["--every", "10ms"], "shortest period is 1s"),
    ] {
        let out = redis
            .tq()
            .args(["cron", "add", "digest", "send_digest"])
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {out:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(needle), "{args:?}: {err}");
        assert_eq!(err.trim().lines().count(), 1, "{err}");
    }
    let out = redis
        .tq()
        .args(["cron", "add", "digest", "send_digest"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "--every or --cron is required");
    assert_eq!(
        redis.json(&["cron", "list"]),
        serde_json::json!([]),
        "nothing was stored"
    );

    let add = [
        "cron",
        "add",
        "digest",
        "--cron",
        "0 9 * * MON-FRI",
        "--tz",
        "Europe/Paris",
        "send_digest",
    ];
    assert_eq!(redis.json(&add)["outcome"], "created");
    let before = redis.json(&["cron", "list"]);
    assert_eq!(redis.json(&add)["outcome"], "unchanged");
    assert_eq!(redis.json(&["cron", "list"]), before);
    let next = before[0]["next_run_ms"].as_u64().unwrap();
    // 09:00 in Paris is 07:00 or 08:00 UTC, on a weekday.
    let hour_utc = (next / 3_600_000) % 24;
    assert!(hour_utc == 7 || hour_utc == 8, "{before}");

    let mut changed = add.to_vec();
    changed[4] = "30 9 * * MON-FRI";
    assert_eq!(redis.json(&changed)["outcome"], "changed");
    let after = redis.json(&["cron", "list"]);
    assert_eq!(after[0]["next_run_ms"].as_u64().unwrap(), next + 30 * 60_000, "{after}");
}

#[test]
fn run_fires_once_now_under_its_own_id_and_inspect_counts_schedules() {
    let redis = RedisServer::start();
    redis.json(&[
        "cron",
        "add",
        "report",
        "--every",
        "1h",
        "tq.echo",
        "--args",
        r#"{"n":1}"#,
        "-q",
        "reports",
    ]);
    let id = redis.json(&["cron", "run", "report"])["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(id.starts_with("cron:report:run-"), "{id}");
    redis.drain(&["-Q", "reports"]);
    let status = redis.status(&id);
    assert_eq!(status["state"], "succeeded", "{status}");
    assert_eq!(status["result"], serde_json::json!({"n": 1}));
    let listed = redis.json(&["cron", "list"]);
    assert_eq!(listed[0]["last_job"], id.as_str(), "{listed}");
    assert_eq!(listed[0]["last_job_state"], "succeeded", "{listed}");

    let q = redis.queue_stats("reports");
    assert_eq!(q["schedules"], 1, "{q}");
    assert_eq!(q["next_schedule"], "report", "{q}");
    let text = redis.tq().arg("inspect").output().unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("periodic jobs: 1 schedule(s); next: report on reports in"),
        "{text}"
    );

    let out = redis.tq().args(["cron", "remove", "nope"]).output().unwrap();
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    redis.tq().args(["cron", "remove", "report"]).assert().success();
    assert_eq!(redis.queue_stats("reports")["schedules"], 0);
}

#[test]
fn a_schedule_another_tool_overwrote_is_listed_as_unreadable_and_the_others_fire() {
    let redis = RedisServer::start();
    redis.json(&["cron", "add", "good", "--every", "1s", "tq.noop", "-q", "beat"]);
    redis.json(&["cron", "add", "bad", "--every", "1s", "tq.noop", "-q", "beat"]);
    let _: () = redis::cmd("HSET")
        .arg("tq:{beat}:cron")
        .arg("bad")
        .arg("\u{0}not json")
        .query(&mut redis.conn())
        .unwrap();
    let worker = redis.spawn_tq(&["worker", "-Q", "beat"]);
    let added = server_ms(&redis);
    wait_until(Duration::from_secs(20), "the good schedule to fire", || {
        !ticks_with_jobs(&redis, "good", added, server_ms(&redis)).is_empty()
    });
    let listed = redis.json(&["cron", "list"]);
    let bad = listed.as_array().unwrap().iter().find(|s| s["name"] == "bad").unwrap();
    assert!(bad["error"].as_str().unwrap().contains("not a tq schedule"), "{listed}");
    assert!(ticks_with_jobs(&redis, "bad", added - 2000, server_ms(&redis)).is_empty());
    assert!(worker.log().contains("cannot be read"), "{}", worker.log());
    // Removing it works as for any schedule.
    redis.tq().args(["cron", "remove", "bad"]).assert().success();
}
