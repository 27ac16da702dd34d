//! Typed wrappers over the Lua scripts in `lua/`: the only code that changes
//! a job's state in Redis. Each method is one script call (EVALSHA), so every
//! transition is atomic on the server.

pub mod connect;
pub mod keys;

use crate::error::Result;
use keys::{GlobalKeys, QueueKeys};
use redis::aio::ConnectionManager;
use redis::{Script, Value};

pub use connect::{RedisTarget, display_url};

/// The compiled transition scripts (loaded on first use, then run by SHA).
struct Scripts {
    enqueue: Script,
    claim: Script,
    ack: Script,
    retry: Script,
    bury: Script,
    renew: Script,
    recover: Script,
    promote: Script,
    release: Script,
    replay: Script,
    purge: Script,
}

/// A script that calls the helpers of `lua/lib.lua`, with them in front.
fn with_lib(script: &str) -> String {
    format!("{}\n{script}", include_str!("../../lua/lib.lua"))
}

impl Scripts {
    fn new() -> Self {
        Scripts {
            enqueue: Script::new(include_str!("../../lua/enqueue.lua")),
            claim: Script::new(include_str!("../../lua/claim.lua")),
            ack: Script::new(include_str!("../../lua/ack.lua")),
            retry: Script::new(&with_lib(include_str!("../../lua/retry.lua"))),
            bury: Script::new(&with_lib(include_str!("../../lua/bury.lua"))),
            renew: Script::new(include_str!("../../lua/renew.lua")),
            recover: Script::new(&with_lib(include_str!("../../lua/recover.lua"))),
            promote: Script::new(include_str!("../../lua/promote.lua")),
            release: Script::new(&with_lib(include_str!("../../lua/release.lua"))),
            replay: Script::new(include_str!("../../lua/replay.lua")),
            purge: Script::new(include_str!("../../lua/purge.lua")),
        }
    }
}

/// A job to add: id, due time (0 = now) and its encoded [`crate::job::JobMessage`].
#[derive(Debug, Clone)]
pub struct NewJob {
    /// Job id.
    pub id: String,
    /// When it may run (ms since the epoch); 0 runs it as soon as a worker is free.
    pub due_ms: u64,
    /// The JSON-encoded message.
    pub msg: String,
    /// The message with its redacted fields replaced by descriptors; empty if
    /// nothing is redacted. It replaces `msg` if the job dies.
    pub dead_msg: String,
}

/// One job handed to a worker by [`Broker::claim`].
#[derive(Debug, Clone)]
pub struct Delivery {
    /// Job id.
    pub id: String,
    /// Which delivery of this job this is (1 = first); fences ack/retry/bury.
    pub delivery: u64,
    /// Attempts that already finished (success or failure) before this one.
    pub attempts: u64,
    /// The stored message, not yet decoded (decoding may fail: malformed job).
    pub msg: String,
}

/// A successful attempt, as recorded by [`Broker::ack`].
#[derive(Debug, Clone)]
pub struct Ack {
    /// Job id.
    pub id: String,
    /// The delivery that succeeded (the fence).
    pub delivery: u64,
    /// Which attempt this was (1-based).
    pub attempt: u64,
    /// What `tq status` will show of the job: a [`crate::job::ResultRecord`] as JSON.
    pub record: String,
    /// The dead record this job replays (removed now that it succeeded); empty if none.
    pub replay_of: String,
    /// True if the job was enqueued with `--redact` (its redacted copy goes too).
    pub redacted: bool,
}

/// A failed attempt, as recorded by [`Broker::retry`] and [`Broker::bury`].
#[derive(Debug, Clone)]
pub struct Failure<'a> {
    /// Job id.
    pub id: &'a str,
    /// The delivery that failed.
    pub delivery: u64,
    /// One-line error.
    pub error: &'a str,
    /// The attempt record (JSON) appended to the job's failure list.
    pub record: &'a str,
    /// Task name (kept on the dead record for filtering).
    pub task: &'a str,
}

/// What [`Broker::replay`] did with one dead record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplayOutcome {
    /// A new job was queued.
    Queued,
    /// No dead record with that id (in that queue).
    Missing,
    /// A replay of it (this job id) is already queued or running.
    AlreadyReplaying(String),
    /// The new job id is taken (never expected: ids are random).
    IdTaken,
}

/// What one [`Broker::recover`] call did.
#[derive(Debug, Clone, Copy, Default)]
pub struct Recovered {
    /// Jobs put back on pending.
    pub requeued: u64,
    /// Jobs buried as poison (or malformed).
    pub buried: u64,
    /// Earliest remaining lease deadline, if any lease is held.
    pub next_deadline_ms: Option<u64>,
}

/// A connection to Redis plus tq's key layout and scripts.
#[derive(Clone)]
pub struct Broker {
    conn: ConnectionManager,
    scripts: std::sync::Arc<Scripts>,
    prefix: String,
    global: GlobalKeys,
    target: RedisTarget,
}

impl Broker {
    /// Connects to the Redis at `target` and checks it answers.
    pub async fn connect(target: &RedisTarget, prefix: &str) -> Result<Self> {
        let conn = connect::manager(target).await?;
        Ok(Broker {
            conn,
            scripts: std::sync::Arc::new(Scripts::new()),
            prefix: prefix.to_string(),
            global: GlobalKeys::new(prefix),
            target: target.clone(),
        })
    }

    /// The key prefix (`--prefix`).
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// Where this broker connects (used for blocking and pub/sub connections).
    pub fn target(&self) -> &RedisTarget {
        &self.target
    }

    /// Keys that do not belong to one queue.
    pub fn global(&self) -> &GlobalKeys {
        &self.global
    }

    /// Key names of queue `name`.
    pub fn queue(&self, name: &str) -> QueueKeys {
        QueueKeys::new(&self.prefix, name)
    }

    /// A handle on the shared multiplexed connection for plain commands.
    pub fn conn(&self) -> ConnectionManager {
        self.conn.clone()
    }

    /// Adds jobs to queue `q` in one script call; returns how many were new.
    pub async fn enqueue(&self, q: &QueueKeys, jobs: &[NewJob]) -> Result<u64> {
        let mut inv = self.scripts.enqueue.key(&q.pending);
        inv.key(&q.scheduled).key(&q.jobs).key(&q.redacted).arg(&q.wake);
        for job in jobs {
            inv.arg(&job.id).arg(job.due_ms).arg(&job.msg).arg(&job.dead_msg);
        }
        Ok(inv.invoke_async(&mut self.conn.clone()).await?)
    }

    /// Records `queue` in the set of known queues (so `inspect` and `status` find it).
    pub async fn register_queue(&self, queue: &str) -> Result<()> {
        let _: () = redis::cmd("SADD")
            .arg(&self.global.queues)
            .arg(queue)
            .query_async(&mut self.conn.clone())
            .await?;
        Ok(())
    }

    /// Leases up to `max` pending jobs of `q` until `deadline_ms`. Entries that
    /// are not tq jobs are moved to the DLQ on the way; the second value counts them.
    pub async fn claim(
        &self,
        q: &QueueKeys,
        now_ms: u64,
        deadline_ms: u64,
        max: usize,
    ) -> Result<(Vec<Delivery>, u64)> {
        let reply: Vec<Value> = self
            .scripts
            .claim
            .key(&q.pending)
            .key(&q.active)
            .key(&q.dead)
            .key(&q.jobs)
            .key(&q.counts)
            .arg(&q.base)
            .arg(now_ms)
            .arg(deadline_ms)
            .arg(max)
            .invoke_async(&mut self.conn.clone())
            .await?;
        let mut out = Vec::with_capacity(reply.len() / 4);
        let mut it = reply.into_iter();
        let malformed: u64 = it.next().map(redis::from_redis_value).transpose()?.unwrap_or(0);
        if malformed > 0 {
            tracing::warn!(queue = %q.name, malformed, "moved entries that are not tq jobs to the DLQ as malformed");
        }
        while let (Some(id), Some(delivery), Some(attempts), Some(msg)) = (it.next(), it.next(), it.next(), it.next()) {
            out.push(Delivery {
                id: redis::from_redis_value(id)?,
                delivery: redis::from_redis_value(delivery)?,
                attempts: redis::from_redis_value(attempts)?,
                msg: redis::from_redis_value(msg)?,
            });
        }
        Ok((out, malformed))
    }

    /// Marks jobs of `q` succeeded: their hashes go, their result records go into
    /// `bucket` (a key from [`QueueKeys::results_bucket`]), which expires at `expire_at_ms`.
    /// Returns how many were recorded (deliveries that lost their lease are not).
    pub async fn ack(&self, q: &QueueKeys, now_ms: u64, bucket: &str, expire_at_ms: u64, done: &[Ack]) -> Result<u64> {
        let mut inv = self.scripts.ack.key(&q.active);
        inv.key(&q.stats).key(&q.results).key(bucket).key(&q.dead).key(&q.jobs);
        inv.arg(&q.base).arg(now_ms).arg(expire_at_ms);
        for ack in done {
            inv.arg(&ack.id)
                .arg(ack.delivery)
                .arg(ack.attempt)
                .arg(&ack.record)
                .arg(&ack.replay_of)
                .arg(if ack.redacted { "1" } else { "" });
        }
        Ok(inv.invoke_async(&mut self.conn.clone()).await?)
    }

    /// Schedules the next attempt of a failed job at `due_ms`. False if the lease was lost.
    pub async fn retry(&self, q: &QueueKeys, failure: &Failure<'_>, due_ms: u64) -> Result<bool> {
        let moved: i64 = self
            .scripts
            .retry
            .key(&q.active)
            .key(&q.retry)
            .key(&q.stats)
            .arg(&q.base)
            .arg(failure.id)
            .arg(failure.delivery)
            .arg(due_ms)
            .arg(failure.error)
            .arg(failure.record)
            .arg(&q.wake)
            .invoke_async(&mut self.conn.clone())
            .await?;
        Ok(moved == 1)
    }

    /// Moves a leased job into the dead-letter set with `reason`.
    /// Returns the dead record's id (the job's own, or the record it replayed,
    /// which took its history), or `None` if the lease was lost.
    pub async fn bury(
        &self,
        q: &QueueKeys,
        failure: &Failure<'_>,
        now_ms: u64,
        reason: &str,
    ) -> Result<Option<String>> {
        let record: Option<String> = self
            .scripts
            .bury
            .key(&q.active)
            .key(&q.dead)
            .key(&q.stats)
            .arg(&q.base)
            .arg(failure.id)
            .arg(failure.delivery)
            .arg(now_ms)
            .arg(reason)
            .arg(failure.error)
            .arg(failure.record)
            .arg(failure.task)
            .invoke_async(&mut self.conn.clone())
            .await?;
        Ok(record)
    }

    /// Extends the leases of `(id, delivery)` to `deadline_ms`; returns ids whose lease was lost.
    pub async fn renew(&self, q: &QueueKeys, deadline_ms: u64, held: &[(String, u64)]) -> Result<Vec<String>> {
        let mut inv = self.scripts.renew.key(&q.active);
        inv.arg(deadline_ms);
        for (id, delivery) in held {
            inv.arg(id).arg(*delivery);
        }
        Ok(inv.invoke_async(&mut self.conn.clone()).await?)
    }

    /// Returns expired leases of `q` to pending (or buries poison jobs).
    pub async fn recover(&self, q: &QueueKeys, now_ms: u64, max_deliveries: u32, max: usize) -> Result<Recovered> {
        let (requeued, buried, next): (u64, u64, i64) = self
            .scripts
            .recover
            .key(&q.active)
            .key(&q.pending)
            .key(&q.dead)
            .key(&q.stats)
            .arg(&q.base)
            .arg(now_ms)
            .arg(max_deliveries)
            .arg(max)
            .arg(&q.wake)
            .invoke_async(&mut self.conn.clone())
            .await?;
        Ok(Recovered {
            requeued,
            buried,
            next_deadline_ms: u64::try_from(next).ok(),
        })
    }

    /// Moves due delayed jobs and retries of `q` to pending; returns the next due time.
    pub async fn promote(&self, q: &QueueKeys, now_ms: u64, max: usize) -> Result<Option<u64>> {
        let next: i64 = self
            .scripts
            .promote
            .key(&q.scheduled)
            .key(&q.retry)
            .key(&q.pending)
            .arg(now_ms)
            .arg(max)
            .arg(&q.wake)
            .invoke_async(&mut self.conn.clone())
            .await?;
        Ok(u64::try_from(next).ok())
    }

    /// Queues `entry` (a message with `replay_of` set) as the one live replay of dead record `dead_id`.
    pub async fn replay(&self, q: &QueueKeys, dead_id: &str, entry: &NewJob, now_ms: u64) -> Result<ReplayOutcome> {
        let outcome: String = self
            .scripts
            .replay
            .key(&q.pending)
            .key(&q.dead)
            .key(&q.jobs)
            .arg(&q.base)
            .arg(dead_id)
            .arg(&entry.id)
            .arg(&entry.msg)
            .arg(&entry.dead_msg)
            .arg(now_ms)
            .arg(&q.wake)
            .invoke_async(&mut self.conn.clone())
            .await?;
        Ok(match outcome.as_str() {
            "ok" => ReplayOutcome::Queued,
            "missing" => ReplayOutcome::Missing,
            "exists" => ReplayOutcome::IdTaken,
            other => ReplayOutcome::AlreadyReplaying(other.trim_start_matches("replayed:").to_string()),
        })
    }

    /// Deletes dead records of `q` (ids that are not dead records are left alone); returns how many went.
    pub async fn purge(&self, q: &QueueKeys, ids: &[String]) -> Result<u64> {
        let mut removed = 0;
        for chunk in ids.chunks(1000) {
            let mut inv = self.scripts.purge.key(&q.dead);
            inv.arg(&q.base);
            for id in chunk {
                inv.arg(id);
            }
            removed += inv.invoke_async::<u64>(&mut self.conn.clone()).await?;
        }
        Ok(removed)
    }

    /// Hands leased jobs back to the front of their queue (graceful stop).
    pub async fn release(&self, q: &QueueKeys, held: &[(String, u64)]) -> Result<u64> {
        let mut inv = self.scripts.release.key(&q.active);
        inv.key(&q.pending).arg(&q.base).arg(&q.wake);
        for (id, delivery) in held {
            inv.arg(id).arg(*delivery);
        }
        Ok(inv.invoke_async(&mut self.conn.clone()).await?)
    }
}
