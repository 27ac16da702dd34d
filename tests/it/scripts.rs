//! One test per Lua transition, through the broker with a pinned clock (in
//! the style of asynq's rdb_test.go): each asserts the script's invariant,
//! above all that a job is in exactly one place after it.

use crate::support;
use redis::Commands;
use std::time::Duration;
use support::RedisServer;
use tq::broker::keys::{QueueKeys, result_part};
use tq::broker::{Ack, Broker, Delivery, Due, Failure, Handed, JobRecord, LeaseFate, NewJob, ReplayOutcome};
use tq::client::{EnqueueRequest, new_job_entry};

const LEASE: Duration = Duration::from_secs(30);

/// A request for a `tq.noop` job on queue "default".
fn noop_request() -> EnqueueRequest {
    EnqueueRequest::new(
        "tq.noop",
        serde_json::value::RawValue::from_string("{}".into()).unwrap(),
        "default",
    )
}

/// A private server, a broker on it and the server's now (ms) to pin clocks to.
struct Fixture {
    redis: RedisServer,
    broker: Broker,
    q: QueueKeys,
    t0: u64,
}

impl Fixture {
    async fn new() -> Self {
        let redis = RedisServer::start();
        let broker = redis.broker().await;
        broker.register_queue("default").await.unwrap();
        let t0 = broker.server_now_ms().await.unwrap();
        let q = broker.queue("default");
        Fixture { redis, broker, q, t0 }
    }

    /// The broker with its clock pinned `offset_ms` after t0.
    fn at(&self, offset_ms: u64) -> Broker {
        self.broker.with_fixed_clock(self.t0 + offset_ms)
    }

    async fn enqueue(&self, n: usize, due: Due) -> Vec<String> {
        let jobs: Vec<NewJob> = (0..n)
            .map(|_| {
                let (msg, _) = noop_request().to_new_job().unwrap();
                new_job_entry(&msg, due).unwrap()
            })
            .collect();
        assert_eq!(self.at(0).enqueue(&self.q, &jobs).await.unwrap(), n as u64);
        jobs.into_iter().map(|j| j.id).collect()
    }

    async fn claim(&self, at: u64, max: usize) -> Vec<Delivery> {
        self.at(at).claim(&self.q, LEASE, max).await.unwrap().jobs
    }

    /// Acks `claimed` at `at` (results kept an hour): every one held its lease.
    async fn ack_all(&self, at: u64, claimed: &[Delivery]) {
        let acks: Vec<Ack> = claimed.iter().map(ack_of).collect();
        let stale = self
            .at(at)
            .ack(&self.q, Duration::from_secs(3600), &acks)
            .await
            .unwrap();
        assert!(stale.is_empty(), "acks refused: {stale:?}");
    }

    /// Every place job `id` is found in: each transition must leave exactly one.
    fn places(&self, id: &str) -> Vec<&'static str> {
        let mut c = self.redis.conn();
        let q = &self.q;
        let mut found = Vec::new();
        let pending: Vec<String> = c.lrange(&q.pending, 0, -1).unwrap();
        if pending.iter().any(|p| p == id) {
            found.push("pending");
        }
        // A job handed to idle workers that none took yet (leased, its member
        // on the ready list) still waits: it is pending.
        let ready: Vec<String> = c.lrange(&q.ready, 0, -1).unwrap();
        let active: Vec<String> = c.zrange(&q.active, 0, -1).unwrap();
        for member in active {
            let (i, delivery) = lease_parts(&member);
            if i == id {
                found.push(if ready.contains(&format!("{i}:{delivery}")) {
                    "pending"
                } else {
                    "active"
                });
            }
        }
        for (key, name) in [(&q.scheduled, "scheduled"), (&q.retry, "retry"), (&q.dead, "dead")] {
            let score: Option<f64> = c.zscore(key, id).unwrap();
            if score.is_some() {
                found.push(name);
            }
        }
        let buckets: Vec<String> = c.zrange(&q.results, 0, -1).unwrap();
        if buckets.iter().any(|b| c.hexists::<_, _, bool>(b, id).unwrap()) {
            found.push("succeeded");
        }
        found
    }

    fn assert_only(&self, id: &str, place: &str) {
        assert_eq!(self.places(id), vec![place], "job {id}");
    }

    /// Takes the job handed to idle workers, as a waiting worker does.
    async fn wait_handed(&self) -> (Vec<u8>, u64) {
        let mut waiter = self.broker.waiter(Duration::from_secs(1)).await.unwrap();
        match self.broker.wait_for_work(&mut waiter, &self.q).await.unwrap() {
            tq::broker::Wake::Handed { id, delivery } => (id, delivery),
            other => panic!("{other:?}"),
        }
    }

    /// Confirms at `at` the job `wait_handed` took, as delivery `delivery`
    /// of `id`, with `more` free slots: the delivery still holds its lease.
    async fn confirm(&self, at: u64, (id, delivery): (Vec<u8>, u64), more: usize) -> Handed {
        let handed = self
            .at(at)
            .take_handed(&self.q, id, delivery, LEASE, more)
            .await
            .unwrap();
        handed.expect("the handed delivery still holds its lease")
    }

    fn lease_deadline(&self, id: &str, delivery: u64) -> Option<u64> {
        let score: Option<f64> = self.redis.conn().zscore(&self.q.active, lease(id, delivery)).unwrap();
        score.map(|s| s as u64)
    }
}

/// The lease member of a delivery: the bare id for a first delivery of an
/// id with no ':', else "<id>:<delivery>" (lease_of in lua/lib.lua).
fn lease(id: &str, delivery: u64) -> String {
    if delivery == 1 && !id.contains(':') {
        id.to_string()
    } else {
        format!("{id}:{delivery}")
    }
}

/// A lease member's job id and delivery, in either form (lease_parts in lua/lib.lua).
fn lease_parts(member: &str) -> (&str, u64) {
    match member.rsplit_once(':') {
        Some((id, n)) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => (id, n.parse().unwrap()),
        _ => (member, 1),
    }
}

fn failure<'a>(d: &'a Delivery) -> Failure<'a> {
    Failure {
        id: &d.id,
        delivery: d.delivery,
        error: "boom",
        record: r#"{"error":"boom"}"#,
        task: "tq.noop",
        replay_of: "",
    }
}

fn ack_of(d: &Delivery) -> Ack {
    Ack {
        id: d.id.clone(),
        delivery: d.delivery,
        attempt: d.attempts + 1,
        record: r#"{"task":"tq.noop","attempts":1,"deliveries":1,"enqueued_us":0,"started_us":0,"finished_us":0}"#
            .into(),
        replay_of: String::new(),
        redacted: false,
    }
}

#[tokio::test]
async fn enqueue_puts_each_job_in_one_place_once_even_when_an_id_repeats() {
    let f = Fixture::new().await;
    let ids = f.enqueue(2, Due::Now).await;
    let req = noop_request();
    let (msg, _) = req.to_new_job().unwrap();
    let twice = new_job_entry(&msg, Due::Now).unwrap();
    let mut again = new_job_entry(&msg, Due::Now).unwrap();
    again.msg = twice.msg.replace("tq.noop", "tq.other");
    assert_eq!(
        f.at(0).enqueue(&f.q, &[twice.clone(), again]).await.unwrap(),
        1,
        "a repeated id counts once"
    );
    let stored: String = f.redis.conn().hget(f.q.jobs_shard(msg.id.as_bytes()), &msg.id).unwrap();
    assert_eq!(stored, twice.msg, "the first of a repeated id's messages is kept");
    // Sent again in a later batch (a client retrying), beside a new job:
    // only the new one goes in.
    let (fresh, _) = req.to_new_job().unwrap();
    let batch = [new_job_entry(&fresh, Due::Now).unwrap(), twice];
    assert_eq!(
        f.at(0).enqueue(&f.q, &batch).await.unwrap(),
        1,
        "a stored id is not added again"
    );
    let pending: Vec<String> = f.redis.conn().lrange(&f.q.pending, 0, -1).unwrap();
    assert_eq!(pending.iter().filter(|p| **p == msg.id).count(), 1, "{pending:?}");
    for id in ids.iter().chain([&msg.id, &fresh.id]) {
        f.assert_only(id, "pending");
    }
}

#[tokio::test]
async fn a_re_sent_call_of_new_jobs_adds_none_of_them_twice() {
    let f = Fixture::new().await;
    // A batch large enough to skip looking its ids up, and a small one that
    // always looks them up: each sent, some of it claimed, then sent again
    // (a reply lost, a cluster client's retry).
    for n in [tq::broker::transitions::FRESH_MIN * 4, 3] {
        let jobs: Vec<NewJob> = (0..n)
            .map(|_| new_job_entry(&noop_request().to_new_job().unwrap().0, Due::Now).unwrap())
            .collect();
        assert_eq!(f.at(0).enqueue_new(&f.q, &jobs).await.unwrap().0, n as u64);
        let claimed = f.claim(10, 2).await;
        assert_eq!(claimed.len(), 2);
        assert_eq!(
            f.at(20).enqueue_new(&f.q, &jobs).await.unwrap().0,
            0,
            "a re-sent call adds nothing"
        );
        let pending: Vec<String> = f.redis.conn().lrange(&f.q.pending, 0, -1).unwrap();
        for job in &jobs {
            assert!(
                pending.iter().filter(|p| **p == job.id).count() <= 1,
                "{} twice in pending",
                job.id
            );
            let place = if claimed.iter().any(|d| d.id == job.id) {
                "active"
            } else {
                "pending"
            };
            f.assert_only(&job.id, place);
        }
        let rest = f.claim(40, n).await;
        assert_eq!(rest.len(), n - 2, "each job is claimed once");
    }
}

#[tokio::test]
async fn a_raw_entry_set_aside_under_a_concurrency_limit_does_not_keep_the_slot() {
    let f = Fixture::new().await;
    let limit = tq::broker::LimitChange {
        concurrency: Some(Some(1)),
        ..Default::default()
    };
    f.at(0).set_limits(&f.q, false, &limit).await.unwrap();
    let _: () = f.redis.conn().lpush(&f.q.pending, "written-by-another-tool").unwrap();
    let ids = f.enqueue(1, Due::Now).await;
    // The claim leases the raw entry (the one slot), finds it has no
    // message and sets it aside: it is a dead record, and the slot is free.
    let first = f.at(100).claim(&f.q, LEASE, 10).await.unwrap();
    assert_eq!(first.malformed, 1);
    assert!(first.jobs.is_empty(), "{:?}", first.jobs);
    let active: u64 = f.redis.conn().zcard(&f.q.active).unwrap();
    assert_eq!(active, 0, "the raw entry holds no lease");
    let dead: Vec<String> = f.redis.conn().zrange(&f.q.dead, 0, -1).unwrap();
    assert_eq!(dead, vec!["malformed-default-1".to_string()]);
    let second = f.at(200).claim(&f.q, LEASE, 10).await.unwrap();
    assert_eq!(second.jobs.iter().map(|d| d.id.clone()).collect::<Vec<_>>(), ids);
    f.assert_only(&ids[0], "active");
}

#[tokio::test]
async fn enqueue_delay_counts_from_the_server_clock() {
    let f = Fixture::new().await;
    let delayed = f.enqueue(1, Due::In(Duration::from_secs(10))).await;
    let at_past = f.enqueue(1, Due::At(f.t0 - 1)).await;
    let due: Option<f64> = f.redis.conn().zscore(&f.q.scheduled, &delayed[0]).unwrap();
    assert_eq!(due.map(|d| d as u64), Some(f.t0 + 10_000));
    f.assert_only(&delayed[0], "scheduled");
    f.assert_only(&at_past[0], "pending");
}

#[tokio::test]
async fn claim_leases_from_the_server_clock_and_buries_raw_entries_as_malformed() {
    let f = Fixture::new().await;
    let ids = f.enqueue(3, Due::Now).await;
    let _: () = f.redis.conn().rpush(&f.q.pending, "written-by-another-tool").unwrap();
    let got = f.at(500).claim(&f.q, LEASE, 10).await.unwrap();
    let (claimed, malformed) = (got.jobs, got.malformed);
    assert_eq!(malformed, 1);
    assert_eq!(claimed.len(), 3);
    for d in &claimed {
        assert_eq!(d.delivery, 1);
        assert_eq!(f.lease_deadline(&d.id, 1), Some(f.t0 + 500 + 30_000));
    }
    for id in &ids {
        f.assert_only(id, "active");
    }
    f.assert_only("malformed-default-1", "dead");
    let dead = f
        .broker
        .dead_record(&["default".into()], "malformed-default-1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(dead.0.fields.raw.as_deref(), Some("written-by-another-tool"));
    assert_eq!(dead.0.fields.reason, "malformed");
}

#[tokio::test]
async fn renew_extends_only_the_delivery_that_holds_the_lease() {
    let f = Fixture::new().await;
    f.enqueue(1, Due::Now).await;
    let d = f.claim(0, 1).await.remove(0);
    let lost = f
        .at(10_000)
        .renew(&f.q, LEASE, &[(d.id.clone(), 1), (d.id.clone(), 7)])
        .await
        .unwrap();
    assert_eq!(f.lease_deadline(&d.id, 1), Some(f.t0 + 40_000));
    assert_eq!(lost.len(), 1, "{lost:?}");
    assert_eq!((lost[0].delivery, lost[0].fate), (7, LeaseFate::ClaimedAgain(1)));
    f.assert_only(&d.id, "active");
}

#[tokio::test]
async fn renew_takes_more_deliveries_than_lua_can_unpack_at_once() {
    let f = Fixture::new().await;
    let ids = f.enqueue(9000, Due::Now).await;
    let mut held = Vec::new();
    while held.len() < ids.len() {
        held.extend(f.claim(0, 1000).await.into_iter().map(|d| (d.id, d.delivery)));
    }
    let lost = f.at(1000).renew(&f.q, LEASE, &held).await.unwrap();
    assert!(lost.is_empty());
    assert_eq!(f.lease_deadline(&held[8999].0, 1), Some(f.t0 + 31_000));
}

#[tokio::test]
async fn an_ack_tried_again_after_its_answer_was_lost_counts_its_jobs_once() {
    let f = Fixture::new().await;
    f.enqueue(3, Due::Now).await;
    let claimed = f.claim(0, 3).await;
    let batch: Vec<Ack> = claimed.iter().map(ack_of).collect();
    let ttl = Duration::from_secs(3600);
    assert!(f.at(1000).ack(&f.q, ttl, &batch).await.unwrap().is_empty());
    // The same call again (its first answer lost in a failover): every job
    // was recorded by it, and nothing is counted or written twice.
    assert!(f.at(1000).ack(&f.q, ttl, &batch).await.unwrap().is_empty());
    let processed: u64 = f.redis.conn().hget(&f.q.stats, "processed").unwrap();
    assert_eq!(processed, 3);
    // A finish with another record (another delivery's) is not this call's.
    let mut other = ack_of(&claimed[2]);
    other.record =
        r#"{"task":"tq.noop","attempts":1,"deliveries":1,"enqueued_us":0,"started_us":1,"finished_us":2}"#.into();
    let not_recorded = f.at(1000).ack(&f.q, ttl, &[ack_of(&claimed[0]), other]).await.unwrap();
    assert_eq!(not_recorded, vec![1]);
    for d in &claimed {
        f.assert_only(&d.id, "succeeded");
    }
}

/// Jobs of two message shards, acked in the other order than the one the
/// broker sends them in (by shard): the stale one is still reported by its
/// position in the caller's batch, and the other's message and lease go.
#[tokio::test]
async fn a_stale_job_is_reported_by_its_own_position_when_the_batch_spans_shards() {
    let f = Fixture::new().await;
    let req = noop_request();
    // "order-17" lives in shard "~", which sorts after a tq id's shard.
    let (named, named_entry) = req.to_new_job_with_id("order-17".into()).unwrap();
    let (made, made_entry) = req.to_new_job().unwrap();
    assert_eq!(f.at(0).enqueue(&f.q, &[named_entry, made_entry]).await.unwrap(), 2);
    let claimed = f.claim(0, 2).await;
    let by_id = |id: &str| claimed.iter().find(|d| d.id == id).unwrap();
    // The tq id's lease goes back (its delivery moves on): its ack is stale.
    assert_eq!(f.at(5).release(&f.q, &[(made.id.clone(), 1)]).await.unwrap(), 1);
    let batch = [ack_of(by_id(&named.id)), ack_of(by_id(&made.id))];
    let not_recorded = f.at(1000).ack(&f.q, Duration::from_secs(3600), &batch).await.unwrap();
    assert_eq!(not_recorded, vec![1], "the stale job, by its position in the batch");
    f.assert_only(&named.id, "succeeded");
    f.assert_only(&made.id, "pending");
}

/// A message shard stays a compact listpack while small, becomes a hash
/// table once it passes 128 jobs (a listpack is searched end to end on every
/// access, up to 512 fields), and goes once its last job ends.
#[tokio::test]
async fn a_shard_past_128_jobs_is_a_hash_table_and_goes_with_its_last_job() {
    let f = Fixture::new().await;
    let req = noop_request();
    // Ids that are not tq ids share one shard ("~").
    let jobs = |name: &str, n: usize| -> Vec<NewJob> {
        (1..=n)
            .map(|i| req.to_new_job_with_id(format!("{name}-{i}")).unwrap().1)
            .collect()
    };
    let shard = f.q.jobs_shard(b"order-1");
    let mut c = f.redis.conn();
    let encoding =
        |c: &mut redis::Connection| -> String { redis::cmd("OBJECT").arg("ENCODING").arg(&shard).query(c).unwrap() };
    assert_eq!(f.at(0).enqueue(&f.q, &jobs("order", 128)).await.unwrap(), 128);
    assert_eq!(encoding(&mut c), "listpack", "128 jobs: still compact");
    let one_more = req.to_new_job_with_id("order-129".into()).unwrap().1;
    assert_eq!(f.at(0).enqueue(&f.q, &[one_more]).await.unwrap(), 1);
    assert_eq!(encoding(&mut c), "hashtable", "the 129th job makes it a hash table");
    let drain = async || {
        loop {
            let claimed = f.claim(0, 1000).await;
            if claimed.is_empty() {
                break;
            }
            f.ack_all(1000, &claimed).await;
        }
    };
    drain().await;
    let left: bool = c.exists(&shard).unwrap();
    assert!(!left, "the shard with no job left is deleted");
    let shards: Vec<String> = c.zrange(&f.q.shards, 0, -1).unwrap();
    assert!(shards.is_empty(), "{shards:?}");
    f.assert_only("order-129", "succeeded");
    // One batch of more than 128 jobs makes a new shard a hash table at once.
    assert_eq!(f.at(0).enqueue(&f.q, &jobs("big", 200)).await.unwrap(), 200);
    assert_eq!(encoding(&mut c), "hashtable");
    drain().await;
    let left: bool = c.exists(&shard).unwrap();
    assert!(!left, "deleted again");
}

#[tokio::test]
async fn ack_records_the_holder_and_ignores_a_stale_delivery() {
    let f = Fixture::new().await;
    f.enqueue(2, Due::Now).await;
    let claimed = f.claim(0, 2).await;
    let mut stale = ack_of(&claimed[1]);
    stale.delivery = 2;
    let not_recorded = f
        .at(1000)
        .ack(&f.q, Duration::from_secs(3600), &[ack_of(&claimed[0]), stale])
        .await
        .unwrap();
    assert_eq!(not_recorded, vec![1], "the stale delivery is reported by its position");
    f.assert_only(&claimed[0].id, "succeeded");
    f.assert_only(&claimed[1].id, "active");
    let ttl: i64 = f
        .redis
        .conn()
        .pttl(format!(
            "{}:{}",
            f.q.results_bucket((f.t0 + 1000) / 1000 / 150 * 150),
            String::from_utf8_lossy(result_part(claimed[0].id.as_bytes()))
        ))
        .unwrap();
    assert!(ttl > 3_000_000 && ttl <= 3_600_000 + 150_000, "bucket part ttl {ttl}");
}

/// Results go to one part per 32 ms window of enqueue time (an id's 8th and
/// 9th characters), each found by `find_job` through the bucket index and
/// counted in one sum; results an earlier version kept (32 parts, indexed
/// only by part) are still found and counted, before and after the first
/// ack of this version; expired parts leave the sum.
#[tokio::test]
async fn results_are_found_and_counted_in_their_parts_and_in_an_earlier_layout() {
    let f = Fixture::new().await;
    let mut c = f.redis.conn();
    let ttl = Duration::from_secs(3600);
    let record = r#"{"task":"tq.noop","attempts":1,"deliveries":1,"enqueued_us":0,"started_us":0,"finished_us":0}"#;
    let broker = &f.broker;
    let found = |id: String| async move {
        matches!(
            broker.find_job(&["default".to_string()], &id).await.unwrap(),
            Some(JobRecord::Succeeded { .. })
        )
    };
    let counted = || async { f.broker.queue_counts(&["default".to_string()]).await.unwrap()[0].results };
    // An earlier version's result: part "<bucket>:<9th character>".
    let old_id = "01m93z1zb0000000000000000p";
    let old_bucket = f.q.results_bucket((f.t0 / 1000 / 150 - 1) * 150);
    let old_part = format!("{old_bucket}:b");
    let _: () = c.hset(&old_part, old_id, record).unwrap();
    let _: () = c.zadd(&f.q.results, &old_part, f.t0 + 3_000_000).unwrap();
    let _: () = c.hincr(&f.q.result_counts, &old_part, 1).unwrap();
    assert!(found(old_id.into()).await, "found with no bucket index");
    assert_eq!(counted().await, 1);

    let req = noop_request();
    let ids = [
        "01m93z1wa0000000000000000p",
        "01m93z1xa0000000000000000p",
        "01m93z1wb0000000000000000p",
    ];
    let entries: Vec<NewJob> = ids
        .iter()
        .map(|id| req.to_new_job_with_id(id.to_string()).unwrap().1)
        .collect();
    assert_eq!(f.at(0).enqueue(&f.q, &entries).await.unwrap(), 3);
    let claimed = f.claim(0, 3).await;
    let acks: Vec<Ack> = claimed.iter().map(ack_of).collect();
    assert!(f.at(1000).ack(&f.q, ttl, &acks).await.unwrap().is_empty());
    let bucket = f.q.results_bucket((f.t0 + 1000) / 1000 / 150 * 150);
    let mut parts: Vec<String> = c.zrange(&f.q.results, 0, -1).unwrap();
    parts.sort();
    let mut want = vec![old_part.clone()];
    want.extend(["wa", "wb", "xa"].map(|p| format!("{bucket}:{p}")));
    want.sort();
    assert_eq!(parts, want, "one part per window");
    let buckets: Vec<String> = c.zrange(&f.q.result_buckets, 0, -1).unwrap();
    assert_eq!(buckets, vec![old_bucket, bucket], "the earlier bucket joins the index");
    for id in ids.iter().chain([&old_id]) {
        assert!(found(id.to_string()).await, "{id} found");
    }
    assert_eq!(counted().await, 4);

    // Past the TTL the parts of both buckets expire: they leave the index,
    // the bucket index and the sum.
    f.enqueue(1, Due::Now).await;
    let later = f.claim(0, 1).await;
    let after = ttl.as_millis() as u64 + 200_000;
    assert!(
        f.at(after)
            .ack(&f.q, ttl, &[ack_of(&later[0])])
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(c.zcard::<_, u64>(&f.q.results).unwrap(), 1);
    assert_eq!(c.zcard::<_, u64>(&f.q.result_buckets).unwrap(), 1);
    assert_eq!(counted().await, 1);
    assert!(found(later[0].id.clone()).await);
}

#[tokio::test]
async fn retry_moves_the_job_to_retry_until_promote_finds_it_due() {
    let f = Fixture::new().await;
    f.enqueue(1, Due::Now).await;
    let d = f.claim(0, 1).await.remove(0);
    assert!(
        f.at(1000)
            .retry(&f.q, &failure(&d), Duration::from_secs(5))
            .await
            .unwrap()
    );
    f.assert_only(&d.id, "retry");
    assert!(
        !f.at(1000)
            .retry(&f.q, &failure(&d), Duration::from_secs(5))
            .await
            .unwrap(),
        "stale"
    );
    assert_eq!(
        f.at(5999).promote(&f.q, 100).await.unwrap(),
        Some(Duration::from_millis(1))
    );
    f.assert_only(&d.id, "retry");
    assert_eq!(f.at(6000).promote(&f.q, 100).await.unwrap(), None);
    f.assert_only(&d.id, "pending");
    let again = f.claim(6000, 1).await.remove(0);
    assert_eq!((again.delivery, again.attempts), (2, 1));
}

#[tokio::test]
async fn bury_makes_one_dead_record_and_a_stale_bury_changes_nothing() {
    let f = Fixture::new().await;
    f.enqueue(1, Due::Now).await;
    let d = f.claim(0, 1).await.remove(0);
    let mut stale = failure(&d);
    stale.delivery = 3;
    assert_eq!(f.at(10).bury(&f.q, &stale, "retries exhausted").await.unwrap(), None);
    f.assert_only(&d.id, "active");
    let record = f.at(10).bury(&f.q, &failure(&d), "retries exhausted").await.unwrap();
    assert_eq!(record.as_deref(), Some(d.id.as_str()));
    f.assert_only(&d.id, "dead");
    let (dead, history) = f.broker.dead_record(&["default".into()], &d.id).await.unwrap().unwrap();
    assert_eq!(
        (dead.fields.failed_at_ms, dead.fields.attempts, history.len()),
        (f.t0 + 10, 1, 1)
    );
}

#[tokio::test]
async fn recover_returns_only_expired_leases_and_buries_poison() {
    let f = Fixture::new().await;
    f.enqueue(1, Due::Now).await;
    let d = f.claim(0, 1).await.remove(0);
    let early = f.at(29_999).recover(&f.q, 2, 100).await.unwrap();
    assert_eq!(
        (early.requeued, early.next_expiry_in),
        (0, Some(Duration::from_millis(1)))
    );
    f.assert_only(&d.id, "active");
    let late = f.at(30_001).recover(&f.q, 2, 100).await.unwrap();
    assert_eq!((late.requeued, late.buried), (1, 0));
    f.assert_only(&d.id, "pending");
    let second = f.claim(30_001, 1).await.remove(0);
    assert_eq!(second.delivery, 2);
    let poison = f.at(60_002).recover(&f.q, 2, 100).await.unwrap();
    assert_eq!(poison.buried, 1);
    f.assert_only(&d.id, "dead");
    let (dead, _) = f.broker.dead_record(&["default".into()], &d.id).await.unwrap().unwrap();
    assert_eq!(dead.fields.reason, "poison: delivered 2 times");
}

#[tokio::test]
async fn promote_moves_delayed_jobs_when_due_by_the_server_clock() {
    let f = Fixture::new().await;
    let ids = f.enqueue(1, Due::In(Duration::from_secs(60))).await;
    assert_eq!(
        f.at(59_000).promote(&f.q, 100).await.unwrap(),
        Some(Duration::from_secs(1))
    );
    f.assert_only(&ids[0], "scheduled");
    f.at(60_000).promote(&f.q, 100).await.unwrap();
    f.assert_only(&ids[0], "pending");
}

#[tokio::test]
async fn release_hands_the_job_back_with_a_new_delivery_number() {
    let f = Fixture::new().await;
    f.enqueue(1, Due::Now).await;
    let d = f.claim(0, 1).await.remove(0);
    assert_eq!(f.at(5).release(&f.q, &[(d.id.clone(), 9)]).await.unwrap(), 0, "stale");
    assert_eq!(f.at(5).release(&f.q, &[(d.id.clone(), 1)]).await.unwrap(), 1);
    f.assert_only(&d.id, "pending");
    let again = f.claim(10, 1).await.remove(0);
    assert_eq!((again.delivery, again.attempts), (2, 0));
}

#[tokio::test]
async fn replay_queues_one_job_and_a_replay_that_dies_again_points_to_its_record() {
    let f = Fixture::new().await;
    f.enqueue(1, Due::Now).await;
    let d = f.claim(0, 1).await.remove(0);
    f.at(1).bury(&f.q, &failure(&d), "permanent failure").await.unwrap();
    let req = noop_request();
    let (mut msg, _) = req.to_new_job().unwrap();
    msg.replay_of = Some(d.id.clone());
    let entry = new_job_entry(&msg, Due::Now).unwrap();
    assert_eq!(
        f.at(2).replay(&f.q, &d.id, &entry).await.unwrap(),
        ReplayOutcome::Queued
    );
    assert_eq!(
        f.at(2).replay(&f.q, &d.id, &entry).await.unwrap(),
        ReplayOutcome::AlreadyReplaying(msg.id.clone())
    );
    assert_eq!(
        f.at(2).replay(&f.q, "nope", &entry).await.unwrap(),
        ReplayOutcome::Missing
    );
    f.assert_only(&msg.id, "pending");
    f.assert_only(&d.id, "dead");
    let r = f.claim(3, 1).await.remove(0);
    assert_eq!(
        f.at(4).bury(&f.q, &failure(&r), "permanent failure").await.unwrap(),
        Some(d.id.clone())
    );
    assert!(f.places(&msg.id).is_empty(), "merged into its record");
    match f.broker.find_job(&["default".into()], &msg.id).await.unwrap() {
        Some(JobRecord::MergedReplay { record, .. }) => assert_eq!(record, d.id),
        other => panic!("replay that died again: {other:?}"),
    }
}

#[tokio::test]
async fn purge_deletes_dead_records_only() {
    let f = Fixture::new().await;
    let ids = f.enqueue(2, Due::Now).await;
    let claimed = f.claim(0, 1).await;
    f.at(1)
        .bury(&f.q, &failure(&claimed[0]), "permanent failure")
        .await
        .unwrap();
    let removed = f
        .at(2)
        .purge(&f.q, &[claimed[0].id.clone(), ids[1].clone()])
        .await
        .unwrap();
    assert_eq!(removed, 1);
    assert!(f.places(&claimed[0].id).is_empty());
    f.assert_only(&ids[1], "pending");
}

#[tokio::test]
async fn idle_sees_a_job_wherever_it_is_but_not_a_delayed_one() {
    let f = Fixture::new().await;
    assert!(f.at(0).idle(&f.q).await.unwrap());
    f.enqueue(1, Due::In(Duration::from_secs(60))).await;
    assert!(
        f.at(0).idle(&f.q).await.unwrap(),
        "delayed jobs do not hold a burst back"
    );
    f.enqueue(1, Due::Now).await;
    assert!(!f.at(0).idle(&f.q).await.unwrap());
    let d = f.claim(0, 1).await.remove(0);
    assert!(!f.at(0).idle(&f.q).await.unwrap(), "active");
    f.at(0)
        .retry(&f.q, &failure(&d), Duration::from_secs(60))
        .await
        .unwrap();
    assert!(!f.at(0).idle(&f.q).await.unwrap(), "retrying");
}

#[tokio::test]
async fn a_job_handed_to_idle_workers_waits_as_pending_until_one_takes_it() {
    let f = Fixture::new().await;
    let ids = f.enqueue(2, Due::Now).await;
    // The first job is leased for a second to whichever idle worker takes
    // it, until that worker confirms; the second waits on pending.
    let member = format!("{}:1", ids[0]);
    let ready: Vec<String> = f.redis.conn().lrange(&f.q.ready, 0, -1).unwrap();
    assert_eq!(ready, vec![member.clone()]);
    assert_eq!(f.lease_deadline(&ids[0], 1), Some(f.t0 + 1_000));
    f.assert_only(&ids[0], "pending");
    f.assert_only(&ids[1], "pending");
    let counts = f.broker.queue_counts(&["default".into()]).await.unwrap();
    assert_eq!((counts[0].pending, counts[0].active), (2, 0));
    match f.broker.find_job(&["default".into()], &ids[0]).await.unwrap() {
        Some(JobRecord::Live(job)) => assert_eq!(job.state, tq::broker::LiveState::Pending),
        other => panic!("{other:?}"),
    }

    // Nobody took it for longer than that: recovery leaves it waiting
    // (not delivered twice) and renews its lease.
    let later = f.at(1_001).recover(&f.q, 2, 100).await.unwrap();
    assert_eq!((later.requeued, later.buried), (0, 0));
    assert_eq!(f.lease_deadline(&ids[0], 1), Some(f.t0 + 2_001));
    f.assert_only(&ids[0], "pending");

    // An idle worker takes it with no claim call: delivery 1, and its
    // confirmation gives it the worker's own lease.
    let (id, delivery) = f.wait_handed().await;
    let handed = f.confirm(1_500, (id, delivery), 0).await;
    assert_eq!(
        (handed.delivery.id.as_str(), handed.delivery.delivery),
        (ids[0].as_str(), 1)
    );
    assert_eq!(
        f.lease_deadline(&ids[0], 1),
        Some(f.t0 + 1_500 + LEASE.as_millis() as u64)
    );
    assert!(handed.more_pending, "the second job still waits");
    f.assert_only(&ids[0], "active");
    let handed_marks: u64 = f.redis.conn().zcard(&f.q.handed).unwrap();
    assert_eq!(handed_marks, 0, "confirmed");
    let not_recorded = f
        .at(2_000)
        .ack(&f.q, Duration::from_secs(3600), &[ack_of(&handed.delivery)])
        .await
        .unwrap();
    assert!(not_recorded.is_empty());
    f.assert_only(&ids[0], "succeeded");
}

#[tokio::test]
async fn a_handed_job_its_worker_never_confirms_goes_back_as_a_hand_back() {
    let f = Fixture::new().await;
    let ids = f.enqueue(1, Due::Now).await;
    // Taken by a worker that freezes before it confirms.
    let (id, delivery) = f.wait_handed().await;
    f.assert_only(&ids[0], "active");
    let early = f.at(999).recover(&f.q, 2, 100).await.unwrap();
    assert_eq!(early.requeued, 0, "still within its second");
    // Past its second: back to pending, a hand-back (not a lost delivery,
    // which would count toward the poison limit: max 1 here).
    let later = f.at(1_001).recover(&f.q, 1, 100).await.unwrap();
    assert_eq!((later.requeued, later.buried), (1, 0));
    let counts: Option<String> = f.redis.conn().hget(&f.q.counts, &ids[0]).unwrap();
    assert_eq!(counts.as_deref(), Some("0,0,1"));
    // The frozen worker wakes: its confirmation is refused, nothing runs twice.
    let late = f.at(1_500).take_handed(&f.q, id, delivery, LEASE, 0).await.unwrap();
    assert!(late.is_none());
    // Handed to the next idle worker as delivery 2.
    let ready: Vec<String> = f.redis.conn().lrange(&f.q.ready, 0, -1).unwrap();
    assert_eq!(ready, vec![format!("{}:2", ids[0])]);
    let handed_marks: Vec<String> = f.redis.conn().zrange(&f.q.handed, 0, -1).unwrap();
    assert_eq!(handed_marks, vec![format!("{}:2", ids[0])]);
    let d = f.claim(1_600, 1).await.remove(0);
    assert_eq!((d.id.as_str(), d.delivery), (ids[0].as_str(), 2));
    let handed_marks: u64 = f.redis.conn().zcard(&f.q.handed).unwrap();
    assert_eq!(handed_marks, 0, "a claim takes its mark too");
}

#[tokio::test]
async fn a_confirmation_also_leases_the_jobs_behind_the_handed_one_to_free_slots() {
    let f = Fixture::new().await;
    let ids = f.enqueue(4, Due::Now).await;
    // The third job was handed back once: its next delivery is 2.
    let _: () = f.redis.conn().hset(&f.q.counts, &ids[2], "0,0,1").unwrap();
    let (id, delivery) = f.wait_handed().await;
    let handed = f.confirm(500, (id, delivery), 2).await;
    assert_eq!(handed.delivery.id, ids[0]);
    let more: Vec<(&str, u64, u64)> = handed
        .more
        .iter()
        .map(|d| (d.id.as_str(), d.delivery, d.attempts))
        .collect();
    assert_eq!(
        more,
        vec![(ids[1].as_str(), 1, 0), (ids[2].as_str(), 2, 0)],
        "the oldest two, each under its own delivery"
    );
    assert_eq!(handed.malformed, 0);
    for d in &handed.more {
        let stored: Vec<u8> = f.redis.conn().hget(f.q.jobs_shard(d.id.as_bytes()), &d.id).unwrap();
        assert_eq!(d.msg, stored, "its own message");
        assert_eq!(
            f.lease_deadline(&d.id, d.delivery),
            Some(f.t0 + 500 + LEASE.as_millis() as u64),
            "the worker's lease"
        );
        f.assert_only(&d.id, "active");
    }
    assert!(handed.more_pending, "the fourth job still waits");
    f.assert_only(&ids[3], "pending");
    // Their leases fence them as a claim's do.
    let done: Vec<Ack> = std::iter::once(&handed.delivery)
        .chain(&handed.more)
        .map(ack_of)
        .collect();
    let not_recorded = f.at(600).ack(&f.q, Duration::from_secs(3600), &done).await.unwrap();
    assert!(not_recorded.is_empty());
    for id in &ids[..3] {
        f.assert_only(id, "succeeded");
    }
}

#[tokio::test]
async fn a_confirmation_leases_no_more_where_a_claim_must_judge_them() {
    for case in ["paused", "limited", "expiring", "handed on"] {
        let f = Fixture::new().await;
        let mut ids = f.enqueue(if case == "handed on" { 1 } else { 2 }, Due::Now).await;
        let (id, delivery) = f.wait_handed().await;
        match case {
            "paused" => assert!(f.at(0).set_paused(&f.q, true).await.unwrap()),
            "limited" => {
                let change = tq::broker::LimitChange {
                    concurrency: Some(Some(10)),
                    ..Default::default()
                };
                f.at(0).set_limits(&f.q, false, &change).await.unwrap();
            }
            "expiring" => {
                let mut request = noop_request();
                request.expires = Some(Due::In(Duration::from_secs(60)));
                let (_, entry) = request.to_new_job().unwrap();
                f.at(0).enqueue(&f.q, &[entry]).await.unwrap();
            }
            _ => {
                // Enqueued once the first was taken: the second is handed to
                // the next idle worker, and the third waits behind it.
                ids.extend(f.enqueue(2, Due::Now).await);
                let ready: Vec<String> = f.redis.conn().lrange(&f.q.ready, 0, -1).unwrap();
                assert_eq!(ready, vec![format!("{}:1", ids[1])]);
            }
        }
        let handed = f.confirm(10, (id, delivery), 5).await;
        assert_eq!(handed.delivery.id, ids[0], "{case}");
        assert!(handed.more.is_empty(), "{case}: {:?}", handed.more);
        assert!(handed.more_pending, "{case}: a claim takes the rest");
        f.assert_only(&ids[0], "active");
        f.assert_only(&ids[1], "pending");
    }
}

#[tokio::test]
async fn an_entry_without_a_message_behind_a_handed_job_is_buried_as_malformed() {
    let f = Fixture::new().await;
    let ids = f.enqueue(1, Due::Now).await;
    let (id, delivery) = f.wait_handed().await;
    let _: () = f.redis.conn().lpush(&f.q.pending, "not-a-job").unwrap();
    let handed = f.confirm(10, (id, delivery), 5).await;
    assert_eq!(handed.delivery.id, ids[0]);
    assert!(handed.more.is_empty());
    assert_eq!(handed.malformed, 1);
    assert!(!handed.more_pending);
    f.assert_only("malformed-default-1", "dead");
    f.assert_only(&ids[0], "active");
    let active: Vec<String> = f.redis.conn().zrange(&f.q.active, 0, -1).unwrap();
    assert_eq!(active, vec![lease(&ids[0], 1)], "the entry holds no lease");
}

#[tokio::test]
async fn a_claim_takes_the_handed_job_first_under_its_own_lease() {
    let f = Fixture::new().await;
    let ids = f.enqueue(3, Due::Now).await;
    let got = f.claim(1_000, 2).await;
    let claimed: Vec<&str> = got.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(claimed, vec![ids[0].as_str(), ids[1].as_str()], "oldest first");
    assert_eq!(
        f.lease_deadline(&ids[0], 1),
        Some(f.t0 + 1_000 + LEASE.as_millis() as u64)
    );
    f.assert_only(&ids[0], "active");
    // The job left behind is handed on to the next idle worker.
    let ready: Vec<String> = f.redis.conn().lrange(&f.q.ready, 0, -1).unwrap();
    assert_eq!(ready, vec![format!("{}:1", ids[2])]);
    f.assert_only(&ids[2], "pending");
}

#[tokio::test]
async fn entries_set_aside_by_a_claim_whose_worker_died_are_recorded_by_the_next_tick() {
    let f = Fixture::new().await;
    // What a claim leaves when its worker dies before recording them.
    let _: () = f.redis.conn().rpush(&f.q.malformed, &["raw-1", "raw-2"]).unwrap();
    let tick = f.broker.tick(&f.q, "w1", Duration::from_secs(1), 3, 100).await.unwrap();
    assert!(matches!(tick, tq::broker::Tick::Led { .. }), "{tick:?}");
    let left: Vec<String> = f.redis.conn().lrange(&f.q.malformed, 0, -1).unwrap();
    assert!(left.is_empty(), "{left:?}");
    for (n, raw) in [(1, "raw-1"), (2, "raw-2")] {
        let id = format!("malformed-default-{n}");
        f.assert_only(&id, "dead");
        let (dead, _) = f.broker.dead_record(&["default".into()], &id).await.unwrap().unwrap();
        assert_eq!(dead.fields.reason, "malformed");
        assert_eq!(dead.fields.raw.as_deref(), Some(raw), "{id} keeps its entry");
    }
}

#[tokio::test]
async fn a_job_cancelled_while_it_ran_is_buried_not_retried_and_its_mark_goes() {
    let f = Fixture::new().await;
    f.enqueue(2, Due::Now).await;
    let claimed = f.claim(0, 2).await;
    let words = f
        .broker
        .cancel(&f.q, &[claimed[0].id.clone(), claimed[1].id.clone()])
        .await
        .unwrap();
    assert_eq!(words, vec!["cancelling", "cancelling"]);
    // Its handler failed before the worker saw the mark: no retry.
    assert!(
        f.at(10)
            .retry(&f.q, &failure(&claimed[0]), Duration::from_secs(1))
            .await
            .unwrap()
    );
    f.assert_only(&claimed[0].id, "dead");
    let (dead, _) = f
        .broker
        .dead_record(&["default".into()], &claimed[0].id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(dead.fields.reason, "cancelled");
    // It succeeded before the worker saw the mark: recorded, and the mark is gone.
    f.at(10)
        .ack(&f.q, Duration::from_secs(60), &[ack_of(&claimed[1])])
        .await
        .unwrap();
    f.assert_only(&claimed[1].id, "succeeded");
    let marks: u64 = f.redis.conn().hlen(&f.q.cancel).unwrap();
    assert_eq!(marks, 0);
}

fn snooze_of(d: &Delivery) -> tq::broker::Snooze<'_> {
    tq::broker::Snooze {
        id: &d.id,
        delivery: d.delivery,
        task: "tq.noop",
        replay_of: "",
        pause_queue: None,
        pause_key: None,
    }
}

#[tokio::test]
async fn snooze_waits_without_an_attempt_and_past_the_most_snoozes_buries() {
    let f = Fixture::new().await;
    f.enqueue(1, Due::Now).await;
    let mut d = f.claim(0, 1).await.remove(0);
    let mut at = 0;
    for n in 1..=2u64 {
        let snoozed = f
            .at(at)
            .snooze(&f.q, &snooze_of(&d), Duration::from_millis(100), 2)
            .await
            .unwrap();
        assert_eq!(snoozed, Some(true), "snooze {n}");
        f.assert_only(&d.id, "retry");
        assert_eq!(
            f.at(at)
                .snooze(&f.q, &snooze_of(&d), Duration::from_millis(100), 2)
                .await
                .unwrap(),
            None,
            "a stale snooze changes nothing"
        );
        at += 100;
        f.at(at).promote(&f.q, 100).await.unwrap();
        d = f.claim(at, 1).await.remove(0);
        assert_eq!((d.delivery, d.attempts), (n + 1, 0), "a new delivery, no attempt spent");
    }
    let third = f
        .at(at)
        .snooze(&f.q, &snooze_of(&d), Duration::from_millis(100), 2)
        .await
        .unwrap();
    assert_eq!(third, Some(false), "past 2 snoozes");
    f.assert_only(&d.id, "dead");
    let dead = tq::dlq::Dlq::new(f.at(at)).show(&d.id).await.unwrap();
    assert_eq!(dead.record.reason, "snoozed too often");
}

/// A first delivery's lease is its bare id, and ids with a ':' (which may
/// end in digits, like a lease number) keep "<id>:<delivery>", through every
/// path that leases: the job handed to idle workers, a claim, an ack.
#[tokio::test]
async fn ids_with_colons_keep_numbered_leases_and_other_first_deliveries_lease_their_bare_id() {
    let f = Fixture::new().await;
    let req = noop_request();
    let (a, a_entry) = req.to_new_job_with_id("order:1".into()).unwrap();
    let (b, b_entry) = req.to_new_job_with_id("order:x".into()).unwrap();
    let (c, c_entry) = req.to_new_job().unwrap();
    assert_eq!(f.at(0).enqueue(&f.q, &[a_entry, b_entry, c_entry]).await.unwrap(), 3);
    // The oldest, "order:1", is handed to idle workers: "<id>:<delivery>" in ready.
    let ready: Vec<String> = f.redis.conn().lrange(&f.q.ready, 0, -1).unwrap();
    assert_eq!(ready, vec!["order:1:1".to_string()]);
    let claimed = f.claim(0, 3).await;
    assert_eq!(claimed.len(), 3);
    let mut members: Vec<String> = f.redis.conn().zrange(&f.q.active, 0, -1).unwrap();
    members.sort();
    let mut want = vec!["order:1:1".to_string(), "order:x:1".to_string(), c.id.clone()];
    want.sort();
    assert_eq!(members, want);
    for id in [&a.id, &b.id, &c.id] {
        f.assert_only(id, "active");
    }
    f.ack_all(1000, &claimed).await;
    for id in [&a.id, &b.id, &c.id] {
        f.assert_only(id, "succeeded");
    }
    let left: u64 = f.redis.conn().zcard(&f.q.active).unwrap();
    assert_eq!(left, 0, "every lease went with its ack");
}

/// A claim looks through its ids for a ':' in chunks (first_leases in
/// lib.lua): one at the very end of a batch longer than a chunk still keeps
/// its numbered lease, and the rest lease their bare ids.
#[tokio::test]
async fn an_id_with_a_colon_at_the_end_of_a_long_claim_keeps_its_numbered_lease() {
    let f = Fixture::new().await;
    let ids = f.enqueue(299, Due::Now).await;
    let (odd, entry) = noop_request().to_new_job_with_id("order:7".into()).unwrap();
    assert_eq!(f.at(0).enqueue(&f.q, &[entry]).await.unwrap(), 1);
    let claimed = f.claim(0, 300).await;
    assert_eq!(claimed.len(), 300);
    assert_eq!(claimed.last().map(|d| d.id.as_str()), Some(odd.id.as_str()));
    let mut members: Vec<String> = f.redis.conn().zrange(&f.q.active, 0, -1).unwrap();
    let mut want = ids;
    want.push("order:7:1".into());
    members.sort();
    want.sort();
    assert_eq!(members, want);
    f.ack_all(1000, &claimed).await;
    let left: u64 = f.redis.conn().zcard(&f.q.active).unwrap();
    assert_eq!(left, 0, "every lease went with its ack");
}

/// A lease an earlier version wrote ("<id>:1" for a first delivery: a worker
/// not yet upgraded) is still seen as running, cancelled as running, and
/// recovered when it expires.
#[tokio::test]
async fn a_first_delivery_leased_by_an_earlier_version_is_still_found_and_recovered() {
    let f = Fixture::new().await;
    let ids = f.enqueue(2, Due::Now).await;
    let claimed = f.claim(0, 2).await;
    assert_eq!(claimed.len(), 2);
    {
        let mut c = f.redis.conn();
        for id in &ids {
            let score: f64 = c.zscore(&f.q.active, id).unwrap();
            let _: () = c.zrem(&f.q.active, id).unwrap();
            let _: () = c.zadd(&f.q.active, format!("{id}:1"), score).unwrap();
        }
    }
    f.assert_only(&ids[0], "active");
    match f.broker.find_job(&["default".into()], &ids[0]).await.unwrap() {
        Some(JobRecord::Live(job)) => assert_eq!(job.state, tq::broker::LiveState::Active),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        f.at(5).cancel(&f.q, &[ids[1].clone()]).await.unwrap(),
        vec!["cancelling"]
    );
    let late = f.at(30_001).recover(&f.q, 5, 100).await.unwrap();
    assert_eq!(
        (late.requeued, late.buried),
        (1, 1),
        "one back to pending, the cancelled one buried"
    );
    f.assert_only(&ids[0], "pending");
    f.assert_only(&ids[1], "dead");
    let again = f.claim(30_002, 1).await.remove(0);
    assert_eq!((again.id.as_str(), again.delivery), (ids[0].as_str(), 2));
    assert_eq!(
        f.lease_deadline(&ids[0], 2),
        Some(f.t0 + 30_002 + LEASE.as_millis() as u64)
    );
}
