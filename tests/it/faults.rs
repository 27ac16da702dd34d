//! Faults never cost a healthy job: a worker that stalls past its lease,
//! thousands of running jobs, Redis down while jobs finish, replays that die
//! again, and --burst racing recovery.

use crate::support;
use std::collections::HashMap;
use std::time::{Duration, Instant};
use support::{RedisServer, lines, wait_until};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Runtime::new().unwrap()
}

fn process_exists(pid: &str) -> bool {
    std::path::Path::new(&format!("/proc/{pid}")).exists()
}

#[test]
fn a_worker_that_stalls_past_its_lease_gets_its_job_back_and_kills_the_stale_copy() {
    let redis = RedisServer::start();
    let runs = redis.dir().join("runs");
    // A busy peer: its only slot is taken, so it recovers leases but claims nothing.
    redis.enqueue(&["tq.sleep", "--args", r#"{"ms":120000}"#]);
    let _peer = redis.spawn_tq(&["worker", "-c", "1", "--lease", "1s"]);
    wait_until(Duration::from_secs(20), "the peer to be busy", || {
        redis.queue_stats("default")["active"] == 1
    });
    let id = redis.enqueue(&["slow"]);
    let handler = format!(
        "slow=echo \"start $$ $TQ_ATTEMPT\" >> {0}; sleep 8; echo \"end $$\" >> {0}",
        runs.display()
    );
    let worker = redis.spawn_tq(&["worker", "-c", "2", "--lease", "1s", "--handler", &handler]);
    wait_until(Duration::from_secs(20), "the first delivery to start", || {
        lines(&runs).len() == 1
    });
    let first_pid = lines(&runs)[0].split(' ').nth(1).unwrap().to_string();

    worker.signal(libc::SIGSTOP);
    let stopped = Instant::now();
    wait_until(Duration::from_secs(20), "the peer to recover the stalled lease", || {
        redis.status(&id)["state"] == "pending"
    });
    // Stalled for three leases in all.
    std::thread::sleep(Duration::from_secs(3).saturating_sub(stopped.elapsed()));
    worker.signal(libc::SIGCONT);

    wait_until(Duration::from_secs(10), "the worker to notice its lost lease", || {
        worker.log().contains("lease lost")
    });
    wait_until(Duration::from_secs(1), "the stale copy's handler to be gone", || {
        !process_exists(&first_pid)
    });
    wait_until(Duration::from_secs(30), "the job to succeed", || {
        redis.status(&id)["state"] == "succeeded"
    });
    let status = redis.status(&id);
    assert_eq!(status["deliveries"], 2, "{status}");
    let runs = lines(&runs);
    let starts = runs.iter().filter(|l| l.starts_with("start")).count();
    assert_eq!(starts, 2, "executions: {runs:?}");
    assert!(
        !runs.contains(&format!("end {first_pid}")),
        "the stale copy ran to the end: {runs:?}"
    );
    assert_eq!(redis.queue_stats("default")["dead"], 0);
}

#[test]
fn ten_thousand_running_jobs_keep_their_leases() {
    let redis = RedisServer::start();
    let rt = runtime();
    let broker = rt.block_on(redis.broker());
    redis.enqueue_many("default", "tq.sleep", r#"{"ms":3000}"#, 3, 10_000);
    let mut worker = redis.spawn_tq(&["worker", "-c", "10000", "--lease", "2s", "--burst"]);
    assert!(worker.wait_exit(Duration::from_secs(120)).success(), "{}", worker.log());
    let results = rt.block_on(broker.results("default")).unwrap();
    assert_eq!(results.len(), 10_000);
    let redelivered = results.values().filter(|r| r.deliveries != 1).count();
    assert_eq!(redelivered, 0, "jobs delivered more than once");
    let stats = redis.queue_stats("default");
    assert_eq!(
        (stats["processed"].as_u64(), stats["dead"].as_u64()),
        (Some(10_000), Some(0)),
        "{stats}"
    );
    let log = worker.log();
    assert!(
        !log.contains("failed") && !log.contains("lease lost") && !log.contains("ERROR"),
        "{log}"
    );
}

#[test]
fn redis_down_while_jobs_finish_does_not_run_them_twice() {
    let mut redis = RedisServer::start_durable();
    let runs = redis.dir().join("runs");
    let ids: Vec<String> = (0..10).map(|_| redis.enqueue(&["work"])).collect();
    let handler = format!("work=echo $TQ_JOB_ID >> {}; sleep 2", runs.display());
    let _worker = redis.spawn_tq(&["worker", "-c", "10", "--lease", "30s", "--handler", &handler]);
    wait_until(Duration::from_secs(20), "all 10 jobs to start", || {
        lines(&runs).len() == 10
    });

    redis.crash();
    // The outage itself: the jobs finish while Redis is gone.
    std::thread::sleep(Duration::from_secs(10));
    redis.restart();

    wait_until(Duration::from_secs(40), "every job to succeed", || {
        ids.iter().all(|id| redis.status(id)["state"] == "succeeded")
    });
    let mut counts: HashMap<String, usize> = HashMap::new();
    for line in lines(&runs) {
        *counts.entry(line).or_default() += 1;
    }
    for id in &ids {
        assert_eq!(counts.get(id), Some(&1), "executions of {id}: {counts:?}");
        assert_eq!(redis.status(id)["deliveries"], 1);
    }
}

#[test]
fn a_replay_that_dies_again_still_answers_status_and_shows_on_its_record() {
    let redis = RedisServer::start();
    let dead = redis.enqueue(&["tq.fail", "--max-retries", "0"]);
    redis.drain(&[]);
    let out = redis.tq().args(["dlq", "replay", &dead]).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let replay = String::from_utf8(out.stdout).unwrap().trim().to_string();

    let record = redis.json(&["dlq", "show", &dead]);
    assert_eq!(record["replay_job"], replay.as_str(), "{record}");
    assert_eq!(record["replay_state"], "pending", "{record}");
    let shown = redis.tq().args(["dlq", "show", &dead]).output().unwrap();
    assert!(
        String::from_utf8_lossy(&shown.stdout).contains(&format!("live replay {replay} (pending)")),
        "{shown:?}"
    );

    redis.drain(&[]);
    let status = redis.status(&replay);
    assert_eq!(status["state"], "dead", "{status}");
    assert_eq!(status["dead_record"], dead.as_str(), "{status}");
    let human = redis.tq().args(["status", &replay]).assert().success();
    let text = String::from_utf8_lossy(&human.get_output().stdout).to_string();
    assert!(text.contains(&format!("dead record: {dead}")), "{text}");
    // The record is replayable again, and shows no live replay.
    assert!(redis.json(&["dlq", "show", &dead])["replay_job"].is_null());
}

#[test]
fn burst_never_exits_while_a_job_is_pending_active_or_retrying() {
    let redis = RedisServer::start();
    let rt = runtime();
    let broker = rt.block_on(redis.broker());
    for round in 0..15 {
        let queue = format!("race{round}");
        let q = broker.queue(&queue);
        let ids = redis.enqueue_many(&queue, "tq.noop", "{}", 3, 3);
        // One job under a lease that expired a minute ago (its worker died),
        // one failed and due for a retry now, one pending: recover and
        // promote move the first two while the burst worker looks.
        let now = rt.block_on(broker.server_now_ms()).unwrap();
        let past = broker.with_fixed_clock(now - 60_000);
        let expired = rt.block_on(past.claim(&q, Duration::from_secs(1), 1)).unwrap().jobs;
        let failed = rt.block_on(broker.claim(&q, Duration::from_secs(30), 1)).unwrap().jobs;
        let failure = tq::broker::Failure {
            id: &failed[0].id,
            delivery: 1,
            error: "boom",
            record: "{}",
            task: "tq.noop",
            replay_of: "",
        };
        assert!(rt.block_on(broker.retry(&q, &failure, Duration::ZERO)).unwrap());
        assert_eq!(expired.len(), 1);
        // A peer racing the burst worker: recover and promote, over and over.
        let racing = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
        let racer = {
            let (broker, q, racing) = (broker.clone(), q.clone(), racing.clone());
            rt.spawn(async move {
                while racing.load(std::sync::atomic::Ordering::Relaxed) {
                    let _ = broker.recover(&q, 5, 100).await;
                    let _ = broker.promote(&q, 100).await;
                }
            })
        };
        redis.drain(&["-Q", &queue]);
        racing.store(false, std::sync::atomic::Ordering::Relaxed);
        rt.block_on(racer).unwrap();
        for id in &ids {
            assert_eq!(redis.status(id)["state"], "succeeded", "round {round}, job {id}");
        }
    }
}
