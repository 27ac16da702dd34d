//! Typed wrappers over the scripts that move one job from state to state
//! (enqueue, claim, ack, retry, bury, renew, release, replay, purge): the
//! only code that changes a job's state in Redis (due work: `upkeep.rs`).
//! Each call is one atomic script run; lists longer than [`MAX_PER_CALL`] go
//! in several calls, each atomic on its own.

use super::keys::{QueueKeys, shard_of};
use super::records::{FlowLimits, hand_off_parts, parse_counts, text};
use super::{Broker, MAX_MORE, MAX_PER_CALL};
use crate::error::{Error, Result};
use redis::Value;
use std::time::Duration;

/// When a new job may first run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    /// As soon as a worker is free.
    Now,
    /// This long after the server receives it (`--delay`).
    In(Duration),
    /// At this time, ms since the epoch (`--at`); a time already past runs now.
    At(u64),
}

impl Due {
    pub(super) fn encode(self) -> String {
        match self {
            Due::Now => "0".into(),
            Due::In(d) => format!("+{}", d.as_millis()),
            Due::At(ms) => ms.to_string(),
        }
    }
}

/// A job to add: id, when it is due and its encoded [`crate::job::JobMessage`].
#[derive(Debug, Clone)]
pub struct NewJob {
    /// Job id.
    pub id: String,
    /// When it may first run.
    pub due: Due,
    /// The JSON-encoded message.
    pub msg: String,
    /// The message with its redacted fields replaced by descriptors; empty if
    /// nothing is redacted. It replaces `msg` if the job dies.
    pub dead_msg: String,
    /// Unique jobs: what names the job's uniqueness (`key:<K>`, or
    /// `auto:<task>\n<args>`, which the script digests), and for how long no
    /// other job of that name is created. None: not unique.
    pub unique: Option<(String, Duration)>,
    /// When the job expires unless it started by then (`--expires`).
    pub expires: Option<Due>,
    /// Its fairness key (`--key`), checked by [`super::keys::validate_fairness_key`].
    pub key: Option<String>,
}

impl NewJob {
    /// Refuses an id the key layout cannot hold, or a bad fairness key.
    pub(super) fn check_id(&self) -> Result<()> {
        if let Some(key) = &self.key {
            super::keys::validate_fairness_key(key).map_err(Error::InvalidInput)?;
        }
        if valid_job_id(&self.id) {
            Ok(())
        } else {
            Err(Error::InvalidInput(format!(
                "invalid job id {:?}: use 1 to 200 letters, digits, '_', '.', ':' or '-'",
                self.id
            )))
        }
    }

    /// True for the common job: due now, nothing redacted, no options.
    /// A batch of only such jobs goes to enqueue.lua in its plain form.
    fn is_plain(&self) -> bool {
        matches!(self.due, Due::Now) && self.dead_msg.is_empty() && self.options().is_empty()
    }

    /// Appends it to a script call as enqueue.lua and cron_fire.lua read a
    /// job: id, due, message, redacted message, options.
    pub(super) fn push_args(&self, inv: &mut redis::ScriptInvocation<'_>) {
        inv.arg(&self.id)
            .arg(self.due.encode())
            .arg(&self.msg)
            .arg(&self.dead_msg)
            .arg(self.options());
    }

    /// Its options as enqueue.lua reads them: '' when it has none (the
    /// common case), else "<expiry>|<unique ms>|<key>|<unique name>".
    fn options(&self) -> String {
        if self.unique.is_none() && self.expires.is_none() && self.key.is_none() {
            return String::new();
        }
        let (name, window) = self
            .unique
            .as_ref()
            .map_or(("", 0), |(name, window)| (name.as_str(), window.as_millis() as u64));
        let expiry = self.expires.map_or(String::new(), Due::encode);
        let key = self.key.as_deref().unwrap_or("");
        format!("{expiry}|{window}|{key}|{name}")
    }
}

/// What one [`Broker::claim`] call took.
#[derive(Debug, Clone, Default)]
pub struct Claimed {
    /// The jobs leased, in the order to start them.
    pub jobs: Vec<Delivery>,
    /// Entries that were not tq jobs, moved to the DLQ instead (the leases
    /// the claim gave them are given up, and under a limit their slots freed).
    pub malformed: u64,
    /// When a flow limit or pause held jobs back: how long until it may let
    /// more start (a running job's end may free a slot sooner, and wakes a
    /// worker then).
    pub limited_for: Option<Duration>,
    /// The server's clock when the claim ran (ms since the epoch): when the
    /// jobs started, as limits count starts.
    pub server_ms: u64,
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
    /// The stored message as raw bytes, not yet decoded (decoding may fail:
    /// another tool may have written anything there).
    pub msg: Vec<u8>,
}

/// A job handed to this worker while it waited ([`Broker::take_handed`]).
#[derive(Debug, Clone)]
pub struct Handed {
    pub delivery: Delivery,
    /// More jobs of its queue the same call leased to this worker (as many
    /// as it asked for at most, when no claim had to judge them).
    pub more: Vec<Delivery>,
    /// Entries among those that were not tq jobs, moved to the DLQ instead.
    pub malformed: u64,
    /// More jobs wait on its queue still: claim them.
    pub more_pending: bool,
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
    /// The dead record this job replays ("" if none): it may take the job's history.
    pub replay_of: &'a str,
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

/// What became of a job whose delivery lost its lease.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeaseFate {
    /// Another delivery (this number) holds it now.
    ClaimedAgain(u64),
    /// It is back on its queue (or waiting for a retry), not yet claimed.
    Waiting,
    /// It succeeded or died through another delivery.
    Finished,
}

/// A delivery whose lease [`Broker::renew`] found gone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LostLease {
    /// Job id.
    pub id: String,
    /// The delivery that lost its lease.
    pub delivery: u64,
    /// What became of the job.
    pub fate: LeaseFate,
}

/// Ids a queue may hold: what `lua/lib.lua`'s `valid_id` accepts.
fn valid_job_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 200
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b':' | b'-'))
}

/// Fewest plain jobs with new ids that one enqueue call writes without
/// looking their ids up first ([`Broker::enqueue_new`]). Below it, looking
/// them up costs a call about what setting its marker would.
pub const FRESH_MIN: usize = 32;

/// Most malformed entries one call records.
const MALFORMED_BATCH: isize = 100;

/// How many of the oldest dead records each burial reads as candidates to trim.
const BURY_TRIM_CANDIDATES: isize = 100;

/// The `n` ids a claim (or a confirmation) leased, as its script answers
/// them, each a first delivery with no finished attempt until [`read_extra`]
/// says otherwise: (id, delivery, attempts).
fn leased_ids(it: &mut impl Iterator<Item = Value>, n: i64, script: &str) -> Result<Vec<(Vec<u8>, u64, u64)>> {
    let n = usize::try_from(n).unwrap_or(0);
    let mut leased = Vec::with_capacity(n);
    for _ in 0..n {
        let Some(id) = it.next() else {
            return Err(Error::Failed(format!(
                "the {script} script answered fewer jobs than it counted"
            )));
        };
        leased.push((redis::from_redis_value(id)?, 1, 0));
    }
    Ok(leased)
}

/// The rest of the answer: (position, delivery, attempts) of each leased
/// job that is not a first delivery with no finished attempt.
fn read_extra(it: &mut impl Iterator<Item = Value>, leased: &mut [(Vec<u8>, u64, u64)]) -> Result<()> {
    while let (Some(at), Some(delivery), Some(attempts)) = (it.next(), it.next(), it.next()) {
        let at: usize = redis::from_redis_value(at)?;
        if let Some(job) = at.checked_sub(1).and_then(|i| leased.get_mut(i)) {
            job.1 = redis::from_redis_value(delivery)?;
            job.2 = redis::from_redis_value(attempts)?;
        }
    }
    Ok(())
}

/// Declares every key of queue `q` a script may touch beyond its own KEYS,
/// and the dead-record and history keys of `ids` ("" skipped), so that on a
/// cluster a slot being migrated refuses the script before it runs (ASK or
/// TRYAGAIN, which the client retries) instead of failing half-way.
pub(super) fn declare(inv: &mut redis::ScriptInvocation<'_>, q: &QueueKeys, ids: &[&str]) {
    for key in q.fixed() {
        inv.key(key);
    }
    for id in ids.iter().filter(|id| !id.is_empty()) {
        inv.key(q.job(id));
        inv.key(q.failures(id));
    }
}

/// Sends the runs of `ids` (in their order) that share a message shard:
/// their count, then (shard, jobs in it) for each, so the script takes each
/// shard's jobs as one range of its arguments (`given_runs` in lua/lib.lua)
/// and spends no Lua call per job working them out.
fn push_runs<'a>(inv: &mut redis::ScriptInvocation<'_>, ids: impl Iterator<Item = &'a str>) {
    let mut runs: Vec<(&[u8], usize)> = Vec::new();
    for id in ids {
        let shard = shard_of(id.as_bytes());
        match runs.last_mut() {
            Some((last, n)) if *last == shard => *n += 1,
            _ => runs.push((shard, 1)),
        }
    }
    inv.arg(runs.len());
    for (shard, n) in runs {
        inv.arg(shard).arg(n);
    }
}

/// A change of flow limits ([`Broker::set_limits`]): None leaves a limit
/// as it is, `Some(None)` removes it, `Some(Some(v))` sets it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LimitChange {
    pub concurrency: Option<Option<u64>>,
    pub rate: Option<Option<super::Rate>>,
    pub key_concurrency: Option<Option<u64>>,
    pub key_rate: Option<Option<super::Rate>>,
}

/// A running job that asks to wait ([`Broker::snooze`]).
#[derive(Debug, Clone, Copy)]
pub struct Snooze<'a> {
    pub id: &'a str,
    pub delivery: u64,
    pub task: &'a str,
    /// The dead record the job replays ("" if none): a burial merges into it.
    pub replay_of: &'a str,
    /// Hold back every job of the queue this long, for every worker.
    pub pause_queue: Option<Duration>,
    /// Hold back every job of the job's fairness key this long.
    pub pause_key: Option<Duration>,
}

impl Broker {
    /// Adds jobs to queue `q`; returns how many were new (ids already stored,
    /// or repeated in `jobs`, go in once).
    pub async fn enqueue(&self, q: &QueueKeys, jobs: &[NewJob]) -> Result<u64> {
        Ok(self.enqueue_unique(q, jobs).await?.0)
    }

    /// Like [`Broker::enqueue`], also returning the unique jobs that were not
    /// created: (new id, id of the job that holds the name).
    pub async fn enqueue_unique(&self, q: &QueueKeys, jobs: &[NewJob]) -> Result<(u64, Vec<(String, String)>)> {
        self.enqueue_calls(q, jobs, false).await
    }

    /// Like [`Broker::enqueue_unique`], for jobs whose ids were all made for
    /// this call ([`crate::job::new_job_id`]) and were never sent before,
    /// other than by sending this very call again (same jobs, same order):
    /// then a batch of [`FRESH_MIN`] plain jobs or more does not look its ids
    /// up before it writes them. A marker per call ([`QueueKeys::sent`]) tells
    /// a re-sent call (a lost reply, a cluster client's retry), which looks
    /// them up as [`Broker::enqueue`] does, so it still adds no job twice.
    pub async fn enqueue_new(&self, q: &QueueKeys, jobs: &[NewJob]) -> Result<(u64, Vec<(String, String)>)> {
        self.enqueue_calls(q, jobs, true).await
    }

    async fn enqueue_calls(
        &self,
        q: &QueueKeys,
        jobs: &[NewJob],
        new_ids: bool,
    ) -> Result<(u64, Vec<(String, String)>)> {
        for job in jobs {
            job.check_id()?;
        }
        let mut added = 0;
        let mut duplicates = Vec::new();
        for chunk in jobs.chunks(MAX_PER_CALL) {
            let mut inv = self.scripts.enqueue.key(&q.pending);
            inv.key(&q.scheduled).key(&q.jobs).key(&q.redacted).key(&q.ready);
            // Plain batches (the common case) send two arguments per job, not
            // five: Redis parses and copies every argument.
            let plain = chunk.iter().all(NewJob::is_plain);
            let form = match chunk.first() {
                Some(first) if plain && new_ids && chunk.len() >= FRESH_MIN => {
                    inv.key(q.sent(&first.id));
                    "f"
                }
                _ if plain => "p",
                _ => "",
            };
            inv.arg(&self.clock).arg(form).arg(&q.base);
            if plain {
                push_runs(&mut inv, chunk.iter().map(|job| job.id.as_str()));
            }
            for job in chunk {
                if plain {
                    inv.arg(&job.id).arg(&job.msg);
                } else {
                    job.push_args(&mut inv);
                }
            }
            declare(&mut inv, q, &[]);
            let reply: Vec<String> = match inv.invoke_async(&mut self.conn()).await {
                Ok(reply) => reply,
                Err(e) if crate::error::is_out_of_memory(&e) => return Err(self.out_of_memory("enqueue").await),
                Err(e) => return Err(e.into()),
            };
            let mut it = reply.into_iter();
            added += it.next().and_then(|n| n.parse::<u64>().ok()).unwrap_or(0);
            while let (Some(new), Some(held_by)) = (it.next(), it.next()) {
                duplicates.push((new, held_by));
            }
            // With --min-replicas, once per batch: the cost is a round trip per batch.
            self.confirm_writes(&[q]).await?;
        }
        Ok((added, duplicates))
    }

    /// Leases up to `max` pending jobs of `q` for `lease` (from the server's
    /// now). Entries that are not tq jobs are moved to the DLQ on the way; the
    /// second value counts them.
    pub async fn claim(&self, q: &QueueKeys, lease: Duration, max: usize) -> Result<Claimed> {
        let mut inv = self.scripts.claim.key(&q.pending);
        inv.key(&q.active)
            .key(&q.dead)
            .key(&q.jobs)
            .key(&q.counts)
            .key(&q.ready)
            .arg(&self.clock)
            .arg(&q.base)
            .arg(lease.as_millis() as u64)
            .arg(max.clamp(1, MAX_PER_CALL))
            .arg(self.retention.dead_max_age.as_millis() as u64)
            .arg(self.retention.dead_max_count);
        declare(&mut inv, q, &[]);
        let reply: Vec<Value> = inv.invoke_async(&mut self.conn()).await?;
        let mut it = reply.into_iter();
        let mut header = |missing: i64| -> Result<i64> {
            Ok(it.next().map(redis::from_redis_value).transpose()?.unwrap_or(missing))
        };
        let (expired, wait, server_ms, n) = (header(0)?, header(-1)?, header(0)?, header(0)?);
        let server_ms = server_ms.max(0) as u64;
        if expired > 0 {
            self.bury_expired(q).await?;
        }
        // The script sends the ids; the few that are not a first delivery
        // with no finished attempt follow as (position, delivery, attempts).
        let mut leased = leased_ids(&mut it, n, "claim")?;
        read_extra(&mut it, &mut leased)?;
        // The messages, read here rather than in the script: a message that
        // crosses Lua costs Redis a copy and a hash of every byte. Until the
        // worker acks, the leases fence them: nothing else deletes them.
        let ids: Vec<&[u8]> = leased.iter().map(|(id, _, _)| id.as_slice()).collect();
        let msgs = self.messages(q, &ids).await?;
        let (out, malformed) = self.deliveries(q, leased, msgs).await?;
        Ok(Claimed {
            jobs: out,
            malformed,
            limited_for: u64::try_from(wait).ok().map(Duration::from_millis),
            server_ms,
        })
    }

    /// The runnable deliveries of `leased` jobs (id, delivery, attempts),
    /// given their messages `msgs`, and how many were not tq jobs.
    /// Decoded job by job, as bytes: whatever one entry holds, the rest of
    /// the batch is handed out. An entry with no message is not a tq job
    /// (written raw by another tool): it goes to the DLQ as malformed. An
    /// id tq would never write (another tool put it there, with a message)
    /// is buried here, under its lease.
    async fn deliveries(
        &self,
        q: &QueueKeys,
        leased: Vec<(Vec<u8>, u64, u64)>,
        msgs: Vec<Option<Vec<u8>>>,
    ) -> Result<(Vec<Delivery>, u64)> {
        let mut malformed = 0;
        let mut out = Vec::with_capacity(leased.len());
        let mut no_message = Vec::new();
        for ((id, delivery, attempts), msg) in leased.into_iter().zip(msgs) {
            let Some(msg) = msg else {
                no_message.push((id, delivery));
                continue;
            };
            match String::from_utf8(id) {
                Ok(id) if valid_job_id(&id) => out.push(Delivery {
                    id,
                    delivery,
                    attempts,
                    msg,
                }),
                Ok(id) => {
                    self.bury_foreign_id(q, id.as_bytes(), delivery).await?;
                    malformed += 1;
                }
                Err(e) => {
                    self.bury_foreign_id(q, e.as_bytes(), delivery).await?;
                    malformed += 1;
                }
            }
        }
        if !no_message.is_empty() {
            let mut inv = self.scripts.unlease_malformed.key(&q.active);
            inv.key(&q.jobs)
                .key(&q.malformed)
                .key(&q.pending)
                .arg(&self.clock)
                .arg(&q.base);
            for (id, delivery) in &no_message {
                inv.arg(id).arg(*delivery);
            }
            declare(&mut inv, q, &[]);
            let set_aside: u64 = inv.invoke_async(&mut self.conn()).await?;
            if set_aside > 0 {
                malformed += set_aside;
                self.bury_malformed(q).await?;
            }
        }
        Ok((out, malformed))
    }

    /// Confirms the job handed to this worker as delivery `delivery` of `id`
    /// (taken by [`Broker::wait_for_work`]) and gives it a lease of `lease`:
    /// until this call it was leased for a second only, so a worker that
    /// froze after taking it holds it no longer (see lua/confirm.lua). None
    /// if the lease is gone (then another worker has it or will) or the
    /// entry was not a runnable tq job (then it was buried or handed back).
    /// With `more` free slots, the same call leases up to that many more
    /// pending jobs of the queue (32 at most) when no claim has to judge
    /// them, as a claim would, with their messages: at a low rate, jobs
    /// enqueued together start after one call instead of three.
    pub async fn take_handed(
        &self,
        q: &QueueKeys,
        id: Vec<u8>,
        delivery: u64,
        lease: Duration,
        more: usize,
    ) -> Result<Option<Handed>> {
        let id = match String::from_utf8(id) {
            Ok(id) if valid_job_id(&id) => id,
            Ok(id) => return self.bury_foreign_id(q, id.as_bytes(), delivery).await.map(|_| None),
            Err(e) => return self.bury_foreign_id(q, e.as_bytes(), delivery).await.map(|_| None),
        };
        let mut inv = self.scripts.confirm.key(&q.active);
        inv.key(&q.handed)
            .key(&q.jobs)
            .key(&q.counts)
            .key(&q.pending)
            .arg(&self.clock)
            .arg(&q.base)
            .arg(lease.as_millis() as u64)
            .arg(&id)
            .arg(delivery)
            .arg(more.min(MAX_MORE));
        declare(&mut inv, q, &[]);
        let reply: Vec<Value> = inv.invoke_async(&mut self.conn()).await?;
        if reply.is_empty() {
            return Ok(None);
        }
        let mut it = reply.into_iter();
        let mut field = || it.next().unwrap_or(Value::Nil);
        let (msg, counts): (Option<Vec<u8>>, Option<Vec<u8>>) =
            (redis::from_redis_value(field())?, redis::from_redis_value(field())?);
        let (pending, n): (u64, i64) = (redis::from_redis_value(field())?, redis::from_redis_value(field())?);
        let Some(msg) = msg else {
            // Its message went (deleted by another tool): back to pending,
            // where the next claim records the entry as malformed.
            self.release(q, &[(id, delivery)]).await?;
            return Ok(None);
        };
        let counts = counts.map(|c| text(&c));
        let (attempts, _, _) = parse_counts(counts.as_deref());
        let mut leased = leased_ids(&mut it, n, "confirm")?;
        let mut msgs = Vec::with_capacity(leased.len());
        for _ in 0..leased.len() {
            msgs.push(redis::from_redis_value(it.next().unwrap_or(Value::Nil))?);
        }
        read_extra(&mut it, &mut leased)?;
        let (more, malformed) = self.deliveries(q, leased, msgs).await?;
        Ok(Some(Handed {
            delivery: Delivery {
                id,
                delivery,
                attempts,
                msg,
            },
            more,
            malformed,
            more_pending: pending > 0,
        }))
    }

    /// Marks jobs of `q` succeeded: their live state goes, their result
    /// records stay readable for at least `result_ttl` (by the server's clock).
    /// Returns the positions in `done` of the jobs not recorded: deliveries
    /// that lost their lease to another. A job an earlier try of the same
    /// call recorded (its answer lost, say in a failover) counts as recorded.
    pub async fn ack(&self, q: &QueueKeys, result_ttl: Duration, done: &[Ack]) -> Result<Vec<usize>> {
        let mut stale = Vec::new();
        for (n, chunk) in done.chunks(MAX_PER_CALL).enumerate() {
            let offset = n * MAX_PER_CALL;
            stale.extend(
                self.ack_chunk(q, result_ttl, chunk)
                    .await?
                    .into_iter()
                    .map(|i| i + offset),
            );
        }
        Ok(stale)
    }

    async fn ack_chunk(&self, q: &QueueKeys, result_ttl: Duration, done: &[Ack]) -> Result<Vec<usize>> {
        // Results go into buckets a 24th of the TTL wide (1 s to 1 h), about
        // 25 per queue, each in parts of one 32 ms window of enqueues (so a
        // part's size follows the enqueue rate, not the volume) that expire
        // whole.
        let span = (result_ttl.as_secs() / 24).clamp(1, 3600);
        let mut server_ms = self.estimated_server_ms();
        // A second refusal cannot happen unless the server's clock jumps.
        for _ in 0..3 {
            let start = server_ms / 1000 / span * span;
            let bucket = q.results_bucket(start);
            let mut inv = self.scripts.ack.key(&q.active);
            inv.key(&q.stats).key(&q.results).key(&bucket).key(&q.dead).key(&q.jobs);
            inv.key(&q.result_counts);
            // Plain batches (first deliveries and attempts, no replay, no
            // redaction, no ':' in an id, so each id is its lease member, see
            // lease_of in lib.lua: the common case) send two arguments per
            // job, id and record, not six, in shard order (`order[k]`: the
            // position in `done` of the k-th job sent), so each shard's jobs
            // are one run.
            let plain = done.iter().all(|a| {
                a.delivery == 1 && a.attempt == 1 && a.replay_of.is_empty() && !a.redacted && !a.id.contains(':')
            });
            let mut order: Vec<usize> = (0..done.len()).collect();
            if plain {
                order.sort_by_key(|&i| shard_of(done[i].id.as_bytes()));
            }
            inv.arg(&self.clock)
                .arg(&q.base)
                .arg(result_ttl.as_millis() as u64)
                .arg(start)
                .arg(span)
                .arg(if plain { "p" } else { "" });
            let history: Vec<&str> = done
                .iter()
                .flat_map(|a| [if a.attempt > 1 { a.id.as_str() } else { "" }, a.replay_of.as_str()])
                .collect();
            declare(&mut inv, q, &history);
            if plain {
                push_runs(&mut inv, order.iter().map(|&i| done[i].id.as_str()));
                for &i in &order {
                    inv.arg(&done[i].id).arg(&done[i].record);
                }
            } else {
                for ack in done {
                    inv.arg(&ack.id)
                        .arg(ack.delivery)
                        .arg(ack.attempt)
                        .arg(&ack.record)
                        .arg(&ack.replay_of)
                        .arg(if ack.redacted { "1" } else { "" });
                }
            }
            let reply: Vec<i64> = inv.invoke_async(&mut self.conn()).await?;
            match reply.as_slice() {
                [n] if usize::try_from(*n).ok() == Some(done.len()) => return Ok(Vec::new()),
                [n, -2, stale @ ..]
                    if *n >= 0 && usize::try_from(*n).ok().map(|n| n + stale.len()) == Some(done.len()) =>
                {
                    return stale
                        .iter()
                        .map(|i| usize::try_from(*i).ok().and_then(|i| order.get(i).copied()))
                        .collect::<Option<Vec<usize>>>()
                        .ok_or_else(|| Error::Failed(format!("ack script answered {reply:?}")));
                }
                [-1, now] => {
                    server_ms = u64::try_from(*now).unwrap_or(0);
                    self.note_server_time(server_ms, crate::job::now_ms());
                }
                other => return Err(Error::Failed(format!("ack script answered {other:?}"))),
            }
        }
        Err(Error::Failed(
            "ack: the server's clock kept moving between result buckets".into(),
        ))
    }

    /// Buries a leased entry whose id tq would never write, keeping its bytes.
    /// Records the entries claims set aside on `q`'s malformed list as dead
    /// records "malformed-<queue>-<n>", numbered from the queue's counter as
    /// read here, so the script can declare their keys. Returns how many.
    pub(super) async fn bury_malformed(&self, q: &QueueKeys) -> Result<u64> {
        let mut recorded = 0;
        // Another worker recording the same entries makes a call refuse (-1): read again.
        for _ in 0..20 {
            type Read = (Option<Vec<u8>>, Vec<Vec<u8>>);
            let read: redis::RedisResult<Read> = redis::pipe()
                .get(&q.malformed_seq)
                .lrange(&q.malformed, 0, MALFORMED_BATCH - 1)
                .query_async(&mut self.conn())
                .await;
            // A key of the wrong type: the call with nothing moves it aside.
            let (seq, entries, damaged) = match read {
                Ok((seq, entries)) => (seq, entries, false),
                Err(e) if e.is_connection_dropped() || e.is_io_error() => return Err(e.into()),
                Err(_) => (None, Vec::new(), true),
            };
            if entries.is_empty() && !damaged {
                break;
            }
            let seq = seq.map(|s| text(&s)).unwrap_or_default();
            let start: u64 = seq.parse().unwrap_or(0);
            let ids: Vec<String> = (1..=entries.len() as u64)
                .map(|n| format!("malformed-{}-{}", q.name, start + n))
                .collect();
            let mut inv = self.scripts.bury_malformed.key(&q.malformed);
            inv.key(&q.dead)
                .key(&q.malformed_seq)
                .arg(&self.clock)
                .arg(&q.base)
                .arg(&seq);
            for entry in &entries {
                inv.arg(entry);
            }
            let names: Vec<&str> = ids.iter().map(String::as_str).collect();
            declare(&mut inv, q, &names);
            let n: i64 = inv.invoke_async(&mut self.conn()).await?;
            recorded += u64::try_from(n).unwrap_or(0);
        }
        if recorded > 0 {
            tracing::warn!(queue = %q.name, recorded, "moved entries that are not tq jobs to the DLQ as malformed");
        }
        Ok(recorded)
    }

    /// The dead records that the replays among `ids` came from: burying or
    /// deleting those jobs may touch them, so callers declare their keys.
    pub(super) async fn replay_origins(
        &self,
        q: &QueueKeys,
        ids: &[impl redis::ToRedisArgs + Sync],
    ) -> Result<Vec<String>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let origins: Vec<Option<String>> = redis::cmd("HMGET")
            .arg(&q.replays)
            .arg(ids)
            .query_async(&mut self.conn())
            .await?;
        Ok(origins.into_iter().flatten().collect())
    }

    /// Buries the jobs claims set aside on `q`'s expired list as dead with
    /// reason `expired`, declaring each one's keys. Returns how many.
    pub(super) async fn bury_expired(&self, q: &QueueKeys) -> Result<u64> {
        let mut buried = 0;
        for _ in 0..20 {
            let ids: Vec<String> = redis::cmd("LRANGE")
                .arg(&q.expired)
                .arg(0)
                .arg(MALFORMED_BATCH - 1)
                .query_async(&mut self.conn())
                .await
                .unwrap_or_default();
            if ids.is_empty() {
                break;
            }
            let origins = self.replay_origins(q, &ids).await?;
            let mut inv = self.scripts.bury_expired.key(&q.expired);
            inv.key(&q.dead)
                .key(&q.stats)
                .arg(&self.clock)
                .arg(&q.base)
                .arg(self.retention.dead_max_age.as_millis() as u64)
                .arg(self.retention.dead_max_count);
            for id in &ids {
                inv.arg(id);
            }
            let named: Vec<&str> = ids.iter().chain(&origins).map(String::as_str).collect();
            declare(&mut inv, q, &named);
            let n: i64 = inv.invoke_async(&mut self.conn()).await?;
            buried += u64::try_from(n).unwrap_or(0);
        }
        if buried > 0 {
            tracing::warn!(queue = %q.name, buried, "jobs expired before they started: moved to the DLQ as expired");
        }
        Ok(buried)
    }

    async fn bury_foreign_id(&self, q: &QueueKeys, id: &[u8], delivery: u64) -> Result<()> {
        let error = "not a tq job id: the queue entry was written by another tool";
        let record = serde_json::json!({ "delivery": delivery, "error": error }).to_string();
        tracing::warn!(queue = %q.name, id = %id.escape_ascii(), "moved an entry with an id tq never writes to the DLQ as malformed");
        let mut inv = self.scripts.bury.key(&q.active);
        inv.key(&q.dead)
            .key(&q.stats)
            .arg(&self.clock)
            .arg(&q.base)
            .arg(id)
            .arg(delivery)
            .arg("malformed")
            .arg(error)
            .arg(record)
            .arg("")
            .arg(self.retention.dead_max_age.as_millis() as u64)
            .arg(self.retention.dead_max_count);
        // No trimming here. Its own record's keys are named by the entry's bytes.
        inv.arg(0);
        declare(&mut inv, q, &[]);
        for part in ["job:", "failures:"] {
            inv.key([q.base.as_bytes(), part.as_bytes(), id].concat());
        }
        let _: Option<Vec<u8>> = inv.invoke_async(&mut self.conn()).await?;
        Ok(())
    }

    /// Schedules the next attempt of a failed job `backoff` from the server's
    /// now. False if the delivery no longer held its lease.
    pub async fn retry(&self, q: &QueueKeys, failure: &Failure<'_>, backoff: Duration) -> Result<bool> {
        let mut inv = self.scripts.retry.key(&q.active);
        inv.key(&q.retry)
            .key(&q.stats)
            .arg(&self.clock)
            .arg(&q.base)
            .arg(failure.id)
            .arg(failure.delivery)
            .arg(backoff.as_millis() as u64)
            .arg(failure.error)
            .arg(failure.record)
            .arg(failure.task)
            .arg(self.retention.dead_max_age.as_millis() as u64)
            .arg(self.retention.dead_max_count);
        declare(&mut inv, q, &[failure.id, failure.replay_of]);
        // 1: scheduled; 2: buried as cancelled (an operator cancelled it meanwhile).
        let moved: i64 = inv.invoke_async(&mut self.conn()).await?;
        Ok(moved >= 1)
    }

    /// Puts a running job back to wait `wait` without spending an attempt
    /// (exit 75, or `snooze_ms`); past `most` snoozes it is buried as
    /// `snoozed too often`. `Some(true)`: it waits; `Some(false)`: it was
    /// buried (that, or cancelled meanwhile); `None`: the lease was lost.
    pub async fn snooze(&self, q: &QueueKeys, job: &Snooze<'_>, wait: Duration, most: u32) -> Result<Option<bool>> {
        let Snooze {
            id,
            delivery,
            task,
            replay_of,
            pause_queue,
            pause_key,
        } = *job;
        let ms = |d: Option<Duration>| d.map_or(0, |d| d.as_millis() as u64);
        let mut inv = self.scripts.snooze.key(&q.active);
        inv.key(&q.retry)
            .key(&q.stats)
            .arg(&self.clock)
            .arg(&q.base)
            .arg(id)
            .arg(delivery)
            .arg(wait.as_millis() as u64)
            .arg(most)
            .arg(task)
            .arg(self.retention.dead_max_age.as_millis() as u64)
            .arg(self.retention.dead_max_count)
            .arg(ms(pause_queue))
            .arg(ms(pause_key));
        declare(&mut inv, q, &[id, replay_of]);
        let outcome: i64 = inv.invoke_async(&mut self.conn()).await?;
        Ok(match outcome {
            1 => Some(true),
            2 => Some(false),
            _ => None,
        })
    }

    /// Moves a leased job into the dead-letter set with `reason`.
    /// Returns the dead record's id (the job's own, or the record it replayed,
    /// which took its history), or `None` if the lease was lost.
    pub async fn bury(&self, q: &QueueKeys, failure: &Failure<'_>, reason: &str) -> Result<Option<String>> {
        // The oldest records, to trim in the same step if past the limits:
        // enough that up to 100 burials sent together (so reading the same
        // oldest records) each still find one; past that, ticks trim the rest.
        let oldest: Vec<Vec<u8>> = redis::cmd("ZRANGE")
            .arg(&q.dead)
            .arg(0)
            .arg(BURY_TRIM_CANDIDATES - 1)
            .query_async(&mut self.conn())
            .await?;
        let mut inv = self.scripts.bury.key(&q.active);
        inv.key(&q.dead)
            .key(&q.stats)
            .arg(&self.clock)
            .arg(&q.base)
            .arg(failure.id)
            .arg(failure.delivery)
            .arg(reason)
            .arg(failure.error)
            .arg(failure.record)
            .arg(failure.task)
            .arg(self.retention.dead_max_age.as_millis() as u64)
            .arg(self.retention.dead_max_count);
        inv.arg(oldest.len()).arg(&oldest);
        let mut keys = vec![failure.id, failure.replay_of];
        keys.extend(oldest.iter().filter_map(|id| std::str::from_utf8(id).ok()));
        declare(&mut inv, q, &keys);
        let record: Option<String> = inv.invoke_async(&mut self.conn()).await?;
        Ok(record)
    }

    /// Extends the leases of `(id, delivery)` to `lease` from the server's
    /// now; returns the deliveries whose lease was already lost.
    pub async fn renew(&self, q: &QueueKeys, lease: Duration, held: &[(String, u64)]) -> Result<Vec<LostLease>> {
        let mut lost = Vec::new();
        for chunk in held.chunks(MAX_PER_CALL) {
            let mut inv = self.scripts.renew.key(&q.active);
            inv.key(&q.jobs).key(&q.counts);
            inv.arg(&self.clock).arg(lease.as_millis() as u64).arg(&q.base);
            for (id, delivery) in chunk {
                inv.arg(id).arg(*delivery);
            }
            declare(&mut inv, q, &[]);
            let reply: Vec<String> = inv.invoke_async(&mut self.conn()).await?;
            for item in reply.chunks_exact(3) {
                let fate = match item[2].strip_prefix("claimed:") {
                    Some(n) => LeaseFate::ClaimedAgain(n.parse().unwrap_or(0)),
                    None if item[2] == "waiting" => LeaseFate::Waiting,
                    None => LeaseFate::Finished,
                };
                lost.push(LostLease {
                    id: item[0].clone(),
                    delivery: item[1].parse().unwrap_or(0),
                    fate,
                });
            }
        }
        Ok(lost)
    }

    /// Queues `entry` (a message with `replay_of` set) as the one live replay of dead record `dead_id`.
    pub async fn replay(&self, q: &QueueKeys, dead_id: &str, entry: &NewJob) -> Result<ReplayOutcome> {
        let mut inv = self.scripts.replay.key(&q.pending);
        inv.key(&q.dead)
            .key(&q.jobs)
            .key(&q.ready)
            .arg(&self.clock)
            .arg(&q.base)
            .arg(dead_id)
            .arg(&entry.id)
            .arg(&entry.msg)
            .arg(&entry.dead_msg);
        declare(&mut inv, q, &[dead_id]);
        let reply: Vec<String> = inv.invoke_async(&mut self.conn()).await?;
        match reply.as_slice() {
            [s] if s == "queued" => {
                // With --min-replicas: the replay must survive a failover, as an enqueue.
                self.confirm_writes(&[q]).await.map_err(|mut e| {
                    if let Error::Unconfirmed { job, .. } = &mut e {
                        *job = Some(entry.id.clone());
                    }
                    e
                })?;
                Ok(ReplayOutcome::Queued)
            }
            [s] if s == "missing" => Ok(ReplayOutcome::Missing),
            [s] if s == "id_taken" => Ok(ReplayOutcome::IdTaken),
            [s, job] if s == "replaying" => Ok(ReplayOutcome::AlreadyReplaying(job.clone())),
            other => Err(Error::Failed(format!("replay script answered {other:?}"))),
        }
    }

    /// Deletes dead records of `q` (ids that are not dead records are left alone); returns how many went.
    pub async fn purge(&self, q: &QueueKeys, ids: &[String]) -> Result<u64> {
        let mut removed = 0;
        for chunk in ids.chunks(MAX_PER_CALL) {
            let mut inv = self.scripts.purge.key(&q.dead);
            inv.arg(&self.clock).arg(&q.base);
            for id in chunk {
                inv.arg(id);
            }
            declare(&mut inv, q, &chunk.iter().map(String::as_str).collect::<Vec<_>>());
            removed += inv.invoke_async::<u64>(&mut self.conn()).await?;
        }
        Ok(removed)
    }

    /// Hands leased jobs back to the front of their queue (graceful stop).
    pub async fn release(&self, q: &QueueKeys, held: &[(String, u64)]) -> Result<u64> {
        let mut released = 0;
        for chunk in held.chunks(MAX_PER_CALL) {
            let mut inv = self.scripts.release.key(&q.active);
            inv.key(&q.pending).key(&q.ready).arg(&self.clock).arg(&q.base).arg("");
            for (id, delivery) in chunk {
                inv.arg(id).arg(*delivery);
            }
            declare(&mut inv, q, &[]);
            released += inv.invoke_async::<u64>(&mut self.conn()).await?;
        }
        Ok(released)
    }

    /// Changes `q`'s flow limits in one step: with `clear`, every limit goes
    /// first; then each limit `set` names is set (`Some(Some)`) or removed
    /// (`Some(None)`). Returns the limits now.
    pub async fn set_limits(&self, q: &QueueKeys, clear: bool, set: &LimitChange) -> Result<FlowLimits> {
        let mut inv = self.scripts.limit.key(&q.limits);
        inv.key(&q.kready)
            .key(&q.kwait)
            .arg(&self.clock)
            .arg(&q.base)
            .arg(if clear { "1" } else { "0" });
        let number = |n: Option<u64>| n.map_or(String::new(), |n| n.to_string());
        let rate = |r: Option<super::Rate>| r.map_or(String::new(), |r| r.encode());
        let fields = [
            ("concurrency", set.concurrency.map(number)),
            ("rate", set.rate.map(rate)),
            ("key_concurrency", set.key_concurrency.map(number)),
            ("key_rate", set.key_rate.map(rate)),
        ];
        for (field, value) in fields {
            if let Some(value) = value {
                inv.arg(field).arg(value);
            }
        }
        declare(&mut inv, q, &[]);
        let now: Vec<String> = inv.invoke_async(&mut self.conn()).await?;
        let fields = now
            .chunks(2)
            .filter_map(|pair| match pair {
                [field, value] => Some((field.clone(), value.clone())),
                _ => None,
            })
            .collect();
        Ok(FlowLimits::from_fields(&fields))
    }

    /// Pauses (`true`) or resumes queue `q`: while paused no job of it is
    /// claimed or handed to an idle worker; running jobs finish. False if it
    /// already was in that state.
    pub async fn set_paused(&self, q: &QueueKeys, paused: bool) -> Result<bool> {
        let mut inv = self.scripts.pause.key(&q.stats);
        inv.key(&q.ready)
            .key(&q.pending)
            .key(&q.active)
            .arg(&self.clock)
            .arg(&q.base)
            .arg(if paused { "1" } else { "0" });
        declare(&mut inv, q, &[]);
        let changed: i64 = inv.invoke_async(&mut self.conn()).await?;
        Ok(changed == 1)
    }

    /// Deletes every job waiting on `q` (pending, or handed to idle workers
    /// that none took yet), oldest first, `MAX_PER_CALL` per call; `progress`
    /// hears the running total. Returns how many went.
    pub async fn purge_pending(&self, q: &QueueKeys, progress: impl Fn(u64)) -> Result<u64> {
        let mut purged = 0;
        loop {
            type Front = (Vec<Vec<u8>>, Vec<String>, Vec<Vec<u8>>);
            let (ready, ids, keyed): Front = redis::pipe()
                .lrange(&q.ready, 0, -1)
                .lrange(&q.pending, -(MAX_PER_CALL as isize), -1)
                .zrange(&q.kq, 0, MAX_PER_CALL as isize - 1)
                .query_async(&mut self.conn())
                .await?;
            // The entry that hands a job ("<id>:<delivery>"), and its id's length.
            let handed: Option<(String, usize)> = ready.iter().find_map(|m| {
                let (id, _) = hand_off_parts(m)?;
                Some((String::from_utf8(m.clone()).ok()?, id.len()))
            });
            if handed.is_none() && ids.is_empty() && keyed.is_empty() {
                return Ok(purged);
            }
            // Keyed jobs waiting in their keys' lines: "<key>\0<seq>\0<id>".
            let keyed_ids: Vec<String> = keyed
                .iter()
                .filter_map(|m| m.rsplit(|b| *b == 0).next())
                .map(|id| String::from_utf8_lossy(id).into_owned())
                .collect();
            let mut jobs: Vec<&str> = ids.iter().chain(&keyed_ids).map(String::as_str).collect();
            if let Some((entry, id_len)) = &handed {
                jobs.push(&entry[..*id_len]);
            }
            let origins = self.replay_origins(q, &jobs).await?;
            let origins: Vec<&str> = origins.iter().map(String::as_str).collect();
            let mut inv = self.scripts.purge_pending.key(&q.pending);
            inv.key(&q.ready)
                .key(&q.active)
                .arg(&self.clock)
                .arg(&q.base)
                .arg(handed.as_ref().map_or("", |(entry, _)| entry.as_str()))
                .arg(keyed.len());
            for member in &keyed {
                inv.arg(member);
            }
            for id in &ids {
                inv.arg(id);
            }
            declare(&mut inv, q, &origins);
            let n: i64 = inv.invoke_async(&mut self.conn()).await?;
            // -1: the front moved (a worker claimed meanwhile): read it again.
            purged += u64::try_from(n).unwrap_or(0);
            progress(purged);
        }
    }

    /// Cancels jobs `ids` of `q` (see lua/cancel.lua): one word per id,
    /// "cancelled", "cancelling" (running: its worker stops it) or "unknown".
    pub async fn cancel(&self, q: &QueueKeys, ids: &[String]) -> Result<Vec<String>> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(MAX_PER_CALL) {
            let origins = self.replay_origins(q, chunk).await?;
            let mut inv = self.scripts.cancel.key(&q.pending);
            inv.key(&q.scheduled)
                .key(&q.retry)
                .key(&q.active)
                .key(&q.dead)
                .key(&q.ready)
                .arg(&self.clock)
                .arg(&q.base)
                .arg(self.retention.dead_max_age.as_millis() as u64)
                .arg(self.retention.dead_max_count);
            for id in chunk {
                inv.arg(id);
            }
            let named: Vec<&str> = chunk.iter().chain(&origins).map(String::as_str).collect();
            declare(&mut inv, q, &named);
            let words: Vec<String> = inv.invoke_async(&mut self.conn()).await?;
            out.extend(words);
        }
        self.confirm_writes(&[q]).await?;
        Ok(out)
    }

    /// Moves jobs `ids` of `q` waiting on a delay or a retry backoff to
    /// pending: one word per id, "pending" or "not_waiting".
    pub async fn retry_now(&self, q: &QueueKeys, ids: &[String]) -> Result<Vec<String>> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(MAX_PER_CALL) {
            let mut inv = self.scripts.retry_now.key(&q.scheduled);
            inv.key(&q.retry).key(&q.pending).arg(&self.clock).arg(&q.base);
            for id in chunk {
                inv.arg(id);
            }
            declare(&mut inv, q, &[]);
            let words: Vec<String> = inv.invoke_async(&mut self.conn()).await?;
            out.extend(words);
        }
        Ok(out)
    }

    /// Which of `ids` (jobs of `q` this worker runs) an operator asked to cancel.
    pub async fn cancel_requested(&self, q: &QueueKeys, ids: &[&str]) -> Result<Vec<bool>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        if redis::cmd("HLEN")
            .arg(&q.cancel)
            .query_async::<u64>(&mut self.conn())
            .await?
            == 0
        {
            return Ok(vec![false; ids.len()]);
        }
        let marks: Vec<Option<String>> = redis::cmd("HMGET")
            .arg(&q.cancel)
            .arg(ids)
            .query_async(&mut self.conn())
            .await?;
        Ok(marks.iter().map(Option::is_some).collect())
    }
}
