//! `--min-replicas`: an enqueue waits until replicas have it (Redis WAIT),
//! with a real master and a real replica started by the test.

use crate::support;

use std::time::{Duration, Instant};
use support::{RedisServer, curl, wait_until};
use tq::broker::keys::QueueKeys;

/// A redis-server replicating `master` (tq's own private-server launcher), stopped on drop.
struct Replica(tq::spawn::SpawnedRedis);

impl Replica {
    fn start(master: &RedisServer) -> Replica {
        let master_port = master.port().to_string();
        let replica =
            Replica(tq::spawn::SpawnedRedis::start_with(&["--replicaof", "127.0.0.1", &master_port]).unwrap());
        wait_until(Duration::from_secs(20), "the replica to sync", || {
            replica.info().contains("master_link_status:up")
        });
        replica
    }

    fn conn(&self) -> redis::Connection {
        redis::Client::open(self.0.url()).unwrap().get_connection().unwrap()
    }

    fn info(&self) -> String {
        redis::Client::open(self.0.url())
            .and_then(|c| c.get_connection())
            .and_then(|mut c| redis::cmd("INFO").arg("replication").query(&mut c))
            .unwrap_or_default()
    }

    fn signal(&self, sig: i32) {
        // SAFETY: kill only sends a signal to a child this test started.
        unsafe {
            libc::kill(self.0.pid() as libc::pid_t, sig);
        }
    }
}

impl Drop for Replica {
    fn drop(&mut self) {
        // A stopped server cannot die of its kill until it runs again.
        self.signal(libc::SIGCONT);
    }
}

#[test]
fn an_enqueue_waits_for_a_replica_and_exits_75_with_its_id_when_none_confirms() {
    let master = RedisServer::start();
    let replica = Replica::start(&master);

    // Confirmed: the replica has the job when tq enqueue returns.
    let id = master.enqueue(&["tq.noop", "--min-replicas", "1"]);
    let on_replica: bool = redis::cmd("HEXISTS")
        .arg(QueueKeys::new("tq", "default").jobs_shard(id.as_bytes()))
        .arg(&id)
        .query(&mut replica.conn())
        .unwrap();
    assert!(on_replica, "the replica has job {id} when enqueue returns");

    // A replica that stops acknowledging: exit 75 within the timeout, id printed.
    replica.signal(libc::SIGSTOP);
    let started = Instant::now();
    let out = master
        .tq()
        .args([
            "enqueue",
            "tq.noop",
            "--min-replicas",
            "1",
            "--replica-timeout",
            "300ms",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(75), "{out:?}");
    let unconfirmed = String::from_utf8(out.stdout).unwrap().trim().to_string();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("job {unconfirmed}: only 0 of 1 replicas confirmed it")),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(
        master.status(&unconfirmed)["state"],
        "pending",
        "the job is on the master"
    );

    // The same for a script: the error document names the job.
    let out = master
        .tq()
        .args(["enqueue", "tq.noop", "--replica-timeout", "100ms", "--json"])
        .env("TQ_MIN_REPLICAS", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(75));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["exit_code"], 75);
    assert!(doc["id"].as_str().is_some_and(|id| !id.is_empty()), "{doc}");

    // Not asked for, no wait.
    master.enqueue(&["tq.noop"]);

    // Back: confirmed again.
    replica.signal(libc::SIGCONT);
    master.enqueue(&["tq.noop", "--min-replicas", "1", "--replica-timeout", "5s"]);
}

#[test]
fn the_api_answers_503_with_retry_after_when_no_replica_confirms() {
    let master = RedisServer::start();
    let replica = Replica::start(&master);
    let (_server, base) = master.serve(&["--min-replicas", "1", "--replica-timeout", "200ms"]);
    let url = format!("{base}/api/v1/queues/default/jobs");
    let post = || {
        curl(&[
            "-i",
            "-X",
            "POST",
            "-H",
            "Content-Type: application/json",
            "-d",
            r#"{"task":"tq.noop"}"#,
            &url,
        ])
    };
    let (code, _) = post();
    assert_eq!(code, 201, "confirmed by the replica");
    replica.signal(libc::SIGSTOP);
    let (code, text) = post();
    assert_eq!(code, 503, "{text}");
    assert!(text.to_lowercase().contains("retry-after: 1"), "{text}");
    assert!(text.contains("only 0 of 1 replicas confirmed it"), "{text}");
}

#[test]
fn workers_keep_working_while_a_replica_is_stopped_and_report_the_outcomes_it_confirms_later() {
    let master = RedisServer::start();
    let replica = Replica::start(&master);
    let worker = master.spawn_tq(&["worker", "--min-replicas", "1", "--replica-timeout", "300ms"]);
    let first = master.enqueue(&["tq.noop"]);
    wait_until(
        Duration::from_secs(20),
        "a job to run while the replica answers",
        || master.status(&first)["state"] == "succeeded",
    );
    // Its outcome reached the replica before the worker went on.
    let results_on_replica = || -> bool {
        let status = tq_status_on(&replica, &first);
        status.contains("succeeded")
    };
    assert!(results_on_replica(), "the replica has the first job's outcome");

    replica.signal(libc::SIGSTOP);
    let ids: Vec<String> = (0..20).map(|_| master.enqueue(&["tq.noop"])).collect();
    wait_until(Duration::from_secs(30), "the worker to go on running jobs", || {
        ids.iter().all(|id| master.status(id)["state"] == "succeeded")
    });
    wait_until(
        Duration::from_secs(10),
        "the worker to say they wait for replicas",
        || worker.log().contains("not confirmed by the replicas"),
    );
    assert!(!worker.log().contains("the replicas confirmed"), "{}", worker.log());

    replica.signal(libc::SIGCONT);
    wait_until(Duration::from_secs(20), "the worker to report them confirmed", || {
        worker.log().contains("the replicas confirmed the")
    });
    for id in &ids {
        assert!(tq_status_on(&replica, id).contains("succeeded"), "{id} on the replica");
    }
}

/// `tq status ID --json` read from the replica itself.
fn tq_status_on(replica: &Replica, id: &str) -> String {
    let out = support::tq_at(&replica.0.url())
        .args(["status", id, "--json"])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).to_string()
}

/// Resumes the stopped `replica` and waits (up to 20 s) until `broker`'s
/// confirmation of `q`'s writes succeeds.
async fn confirmed_once_resumed(replica: &Replica, broker: &tq::broker::Broker, q: &tq::broker::keys::QueueKeys) {
    replica.signal(libc::SIGCONT);
    let deadline = Instant::now() + Duration::from_secs(20);
    while broker.confirm_writes(&[q]).await.is_err() {
        assert!(Instant::now() < deadline, "the replica never confirmed");
    }
}

#[tokio::test]
async fn an_ack_tried_again_on_a_new_connection_is_confirmed_only_once_the_replica_has_it() {
    let master = RedisServer::start();
    let replica = Replica::start(&master);
    let timeout = Duration::from_millis(300);
    // Two connections: the first try's, and the retry's after it dropped.
    let first = master.broker().await.with_min_replicas(1, timeout);
    let retry = master.broker().await.with_min_replicas(1, timeout);
    let id = master.enqueue(&["tq.noop"]);
    let q = first.queue("default");
    let claimed = first.claim(&q, Duration::from_secs(30), 10).await.unwrap().jobs;
    assert_eq!(claimed.len(), 1);
    let ack = tq::broker::Ack {
        id: id.clone(),
        delivery: claimed[0].delivery,
        attempt: claimed[0].attempts + 1,
        record: r#"{"task":"tq.noop","attempts":1,"deliveries":1,"enqueued_us":0,"started_us":1,"finished_us":2}"#
            .into(),
        replay_of: String::new(),
        redacted: false,
    };
    let ttl = Duration::from_secs(3600);

    replica.signal(libc::SIGSTOP);
    assert!(first.ack(&q, ttl, std::slice::from_ref(&ack)).await.unwrap().is_empty());
    assert!(
        first.confirm_writes(&[&q]).await.is_err(),
        "the replica is stopped: not confirmed"
    );
    // The retry finds the job recorded by the first try and writes nothing.
    // Its WAIT must still cover the first try's write, though this connection
    // never sent it: the confirmation writes a mark of its own first
    // (lua/synced.lua), and WAIT waits for the master's offset at that mark.
    assert!(retry.ack(&q, ttl, std::slice::from_ref(&ack)).await.unwrap().is_empty());
    assert!(
        retry.confirm_writes(&[&q]).await.is_err(),
        "confirmed while the replica that lacks the outcome is stopped"
    );

    confirmed_once_resumed(&replica, &retry, &q).await;
    assert!(tq_status_on(&replica, &id).contains("succeeded"));
}

#[tokio::test]
async fn a_confirmation_on_a_new_connection_still_waits_for_the_writes_before_it() {
    let master = RedisServer::start();
    let replica = Replica::start(&master);
    let timeout = Duration::from_millis(300);
    let confirming = master.broker().await.with_min_replicas(1, timeout);
    let q = confirming.queue("default");
    replica.signal(libc::SIGSTOP);
    let id = master.enqueue(&["tq.noop"]);
    // The client's connection drops, and its next command finds it gone
    // and has it replaced: the confirmation is the first thing the new
    // connection sends, where a bare WAIT answers at once with the stopped
    // replica counted.
    let killed: u64 = redis::cmd("CLIENT")
        .arg(&["KILL", "TYPE", "normal"])
        .query(&mut master.conn())
        .unwrap();
    assert!(killed >= 1);
    let _ = confirming.sync_clock().await;
    assert!(
        confirming.confirm_writes(&[&q]).await.is_err(),
        "confirmed while the replica that lacks the job is stopped"
    );
    confirmed_once_resumed(&replica, &confirming, &q).await;
    assert!(tq_status_on(&replica, &id).contains("pending"));
}
