//! Records outcomes in Redis: successes batched into one `ack` call per queue,
//! failures into `retry` or `bury`, cancelled jobs handed back with `release`.
//! An outcome whose recording fails (Redis unreachable) is tried again until
//! it is recorded or its lease has certainly run out; meanwhile its slot
//! stays taken and upkeep keeps renewing its lease.

use super::handlers::{Failure, Outcome, SnoozeAsk};
use super::{Running, Shared};
use crate::backoff::retry_delay;
use crate::broker::{self, Broker};
use crate::error::Result;
use crate::job::{JobMessage, ResultRecord, now_ms, now_us};
use crate::redact;
use serde_json::value::RawValue;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::{OwnedSemaphorePermit, mpsc};

/// Most outcomes recorded in one round.
const MAX_BATCH: usize = 2000;
/// Snoozes after which a job is buried as `snoozed too often`.
const MOST_SNOOZES: u32 = 100;

/// The retry settings a job carries.
#[derive(Debug, Clone, Copy)]
struct RetryPolicy {
    max_retries: u32,
    base: Duration,
    cap: Duration,
}

impl RetryPolicy {
    fn of(msg: &JobMessage) -> Self {
        RetryPolicy {
            max_retries: msg.max_retries,
            base: Duration::from_millis(msg.retry_base_ms),
            cap: Duration::from_millis(msg.retry_cap_ms),
        }
    }
}

/// One finished attempt, with the slot it occupied (freed once recorded).
pub(super) struct Done {
    pub queue: usize,
    /// True if the job is in `Shared::inflight` (it ran on its own task).
    pub tracked: bool,
    pub id: String,
    pub delivery: u64,
    pub prior_attempts: u64,
    /// When the lease of this delivery runs out unless renewed (monotonic).
    pub lease_until: Instant,
    /// The decoded message; `None` when it could not be decoded (no retry possible).
    pub job: Option<JobMessage>,
    pub started_at_us: u64,
    pub outcome: Outcome,
    pub slot: Slot,
}

/// The worker slot a job occupies: freed when its [`Done`] is dropped
/// (after its outcome is recorded), or earlier with [`Slot::free`].
pub(super) struct Slot(std::sync::Mutex<Option<OwnedSemaphorePermit>>);

impl Slot {
    pub(super) fn new(permit: OwnedSemaphorePermit) -> Slot {
        Slot(std::sync::Mutex::new(Some(permit)))
    }

    /// Gives the slot back now.
    pub(super) fn free(&self) {
        drop(self.0.lock().unwrap_or_else(|p| p.into_inner()).take());
    }
}

/// Receives outcomes until every sender is gone, recording them in batches
/// on `broker` (with `--min-replicas`, a connection of the acker's own:
/// after each batch it waits for the replicas there, see [`Confirm`]).
pub(super) async fn run(shared: Arc<Shared>, broker: Broker, mut rx: mpsc::UnboundedReceiver<Done>) {
    let mut batch = Vec::new();
    let mut confirm = Confirm::default();
    loop {
        let got = match confirm.since {
            // Outcomes wait for the replicas: ask again now and then, and
            // meanwhile record new outcomes without waiting for each batch.
            Some(_) => tokio::select! {
                got = rx.recv_many(&mut batch, MAX_BATCH) => got,
                _ = tokio::time::sleep(RECONFIRM) => {
                    confirm.again(&broker, &shared).await;
                    continue;
                }
            },
            None => rx.recv_many(&mut batch, MAX_BATCH).await,
        };
        if got == 0 {
            break;
        }
        {
            let mut inflight = shared.inflight();
            for done in batch.iter().filter(|d| d.tracked) {
                if let Some(running) = inflight.get_mut(&(done.id.clone(), done.delivery)) {
                    running.recording = true;
                }
            }
        }
        let book = Book {
            shared: &shared,
            broker: &broker,
            batch: &batch,
            registered: AtomicBool::new(false),
        };
        record(&book).await;
        let registered = book.registered.load(Ordering::Relaxed);
        {
            let mut inflight = shared.inflight();
            for done in batch.iter().filter(|d| d.tracked || registered) {
                inflight.remove(&(done.id.clone(), done.delivery));
            }
        }
        shared.processed.fetch_add(batch.len() as u64, Ordering::Relaxed);
        let outcomes = batch.len() as u64;
        // The queues this batch wrote to (on a Cluster, one WAIT per master of these).
        let mut written: Vec<usize> = batch.iter().map(|d| d.queue).collect();
        written.sort_unstable();
        written.dedup();
        batch.clear();
        shared.jobs_ended.notify_one();
        if broker.min_replicas() > 0 {
            confirm.batch(&broker, &shared, &written, outcomes).await;
        }
    }
    if confirm.since.is_some() {
        confirm.again(&broker, &shared).await;
        if confirm.since.is_some() {
            tracing::error!(
                outcomes = confirm.outcomes,
                "stopping with {} recorded outcomes the replicas never confirmed: they are on the master and may not survive a failover",
                confirm.outcomes
            );
        }
    }
}

/// How often outcomes the replicas did not confirm are confirmed again.
const RECONFIRM: Duration = Duration::from_secs(1);

/// Recorded outcomes the replicas have not confirmed yet (`--min-replicas`).
/// A batch is confirmed by one WAIT on the acker's connection; when too few
/// replicas answer, the outcomes stay recorded on the master, the worker
/// goes on working, and a WAIT every [`RECONFIRM`] (which covers every write
/// sent before it) confirms them all once the replicas are back.
#[derive(Default)]
struct Confirm {
    /// When the first unconfirmed outcome was recorded.
    since: Option<Instant>,
    outcomes: u64,
}

impl Confirm {
    async fn batch(&mut self, broker: &Broker, shared: &Shared, written: &[usize], outcomes: u64) {
        self.outcomes += outcomes;
        if self.since.is_some() {
            return;
        }
        let queues: Vec<_> = written.iter().filter_map(|&i| shared.queues.get(i)).collect();
        if let Err(e) = broker.confirm_writes(&queues).await {
            let why = match e {
                crate::error::Error::Unconfirmed {
                    confirmed,
                    wanted,
                    timeout_ms,
                    ..
                } => format!("only {confirmed} of {wanted} replicas confirmed them within {timeout_ms} ms"),
                other => other.to_string(),
            };
            tracing::warn!(
                "{outcomes} outcomes recorded on the master but not confirmed by the replicas ({why}): they may not survive a failover; the worker goes on and confirms them once the replicas answer"
            );
            self.since = Some(Instant::now());
        } else {
            self.outcomes = 0;
        }
    }

    async fn again(&mut self, broker: &Broker, shared: &Shared) {
        let Some(since) = self.since else { return };
        if broker
            .confirm_writes(&shared.queues.iter().collect::<Vec<_>>())
            .await
            .is_ok()
        {
            tracing::info!(
                outcomes = self.outcomes,
                "the replicas confirmed the {} outcomes recorded in the last {} (they waited for replicas)",
                self.outcomes,
                humantime::format_duration(Duration::from_secs(since.elapsed().as_secs().max(1)))
            );
            self.since = None;
            self.outcomes = 0;
        }
    }
}

/// One batch being recorded, and whether its instant jobs were put in the
/// worker's running set so their leases are renewed while recording waits.
struct Book<'a> {
    shared: &'a Shared,
    broker: &'a Broker,
    batch: &'a [Done],
    registered: AtomicBool,
}

impl Book<'_> {
    /// The first recording call failed: keep every delivery of the batch
    /// renewed until it is recorded.
    fn keep_leases(&self) {
        if self.registered.swap(true, Ordering::Relaxed) {
            return;
        }
        let mut inflight = self.shared.inflight();
        for done in self.batch.iter().filter(|d| !d.tracked) {
            inflight
                .entry((done.id.clone(), done.delivery))
                .or_insert_with(|| Running {
                    queue: done.queue,
                    lease_until: done.lease_until,
                    stop: None,
                    started: Instant::now(),
                    recording: true,
                });
        }
    }

    /// The latest time any of `items` may still hold its lease: past it,
    /// recording them cannot count any more.
    fn lease_deadline<'b>(&self, items: impl Iterator<Item = &'b Done>) -> Instant {
        let inflight = self.shared.inflight();
        items
            .map(|d| {
                inflight
                    .get(&(d.id.clone(), d.delivery))
                    .map_or(d.lease_until, |r| r.lease_until)
            })
            .max()
            .unwrap_or_else(Instant::now)
    }
}

async fn record(book: &Book<'_>) {
    let shared = book.shared;
    let now = now_ms();
    let finished_us = now_us();
    let mut acks: Vec<Vec<broker::Ack>> = vec![Vec::new(); shared.queues.len()];
    let mut ack_items: Vec<Vec<&Done>> = vec![Vec::new(); shared.queues.len()];
    let mut releases: Vec<Vec<(String, u64)>> = vec![Vec::new(); shared.queues.len()];
    let mut release_items: Vec<Vec<&Done>> = vec![Vec::new(); shared.queues.len()];
    let mut failures = Vec::new();
    let mut snoozes = Vec::new();
    for done in book.batch {
        match &done.outcome {
            Outcome::Success(result) => {
                acks[done.queue].push(broker::Ack {
                    id: done.id.clone(),
                    delivery: done.delivery,
                    attempt: done.prior_attempts + 1,
                    record: result_record(done, result, finished_us),
                    replay_of: done.job.as_ref().and_then(|j| j.replay_of.clone()).unwrap_or_default(),
                    redacted: done.job.as_ref().is_some_and(|j| !j.redact.is_empty()),
                });
                ack_items[done.queue].push(done);
            }
            Outcome::Cancelled => {
                // Its hand-back may wake this very worker for it (a job
                // handed to an idle worker waits only briefly for a slot):
                // the slot it held is free before that.
                done.slot.free();
                releases[done.queue].push((done.id.clone(), done.delivery));
                release_items[done.queue].push(done);
            }
            Outcome::LeaseLost => {}
            Outcome::Failure(failure) => failures.push((done, failure)),
            Outcome::Snooze(wait) => snoozes.push((done, *wait)),
        }
    }
    // Each failure or snooze is its own script call; sent together they share round trips.
    futures_util::future::join_all(
        failures
            .into_iter()
            .map(|(done, failure)| fail(book, done, failure, now)),
    )
    .await;
    futures_util::future::join_all(snoozes.into_iter().map(|(done, wait)| snooze(book, done, wait, now))).await;
    let ttl = shared.config.result_ttl;
    for (index, q) in shared.queues.iter().enumerate() {
        let items = &acks[index];
        if !items.is_empty()
            && let Some(stale) = persist(book, "ack", &ack_items[index], || book.broker.ack(q, ttl, items)).await
        {
            shared.metrics.acked(items.len() - stale.len());
            for (position, done) in ack_items[index].iter().enumerate() {
                if stale.contains(&position) {
                    continue;
                }
                let ms = finished_us.saturating_sub(done.started_at_us) / 1000;
                let task = done.job.as_ref().map_or("", |j| j.task.as_str());
                shared.metrics.finished(&q.name, task, "succeeded", ms);
                tracing::info!(target: "tq::job", job = %done.id, task, queue = %q.name, ms, "job {} {task} succeeded in {ms} ms", done.id);
            }
            if !stale.is_empty() {
                tracing::info!(
                    queue = %q.name,
                    stale = stale.len(),
                    "finished jobs whose lease was lost were not recorded: another delivery owns them"
                );
            }
        }
        let items = &releases[index];
        if !items.is_empty() {
            persist(book, "release", &release_items[index], || book.broker.release(q, items)).await;
            tracing::info!(queue = %q.name, jobs = items.len(), "handed running jobs back");
        }
    }
}

/// The JSON kept for a job that succeeded.
fn result_record(done: &Done, result: &str, finished_us: u64) -> String {
    let record = ResultRecord {
        task: done.job.as_ref().map(|j| j.task.clone()).unwrap_or_default(),
        attempts: done.prior_attempts + 1,
        deliveries: done.delivery,
        enqueued_us: done.job.as_ref().map_or(0, |j| j.enqueued_at_us),
        started_us: done.started_at_us,
        finished_us,
        result: (!result.is_empty())
            .then(|| RawValue::from_string(result.to_string()).ok())
            .flatten(),
    };
    serde_json::to_string(&record).unwrap_or_default()
}

/// Decides between retry and the DLQ for a failed attempt, and records it.
async fn fail(book: &Book<'_>, done: &Done, failure: &Failure, now: u64) {
    let shared = book.shared;
    let attempt = done.prior_attempts + 1;
    let retry_in = match done.job.as_ref().map(RetryPolicy::of) {
        Some(p) if !failure.permanent && attempt <= u64::from(p.max_retries) => {
            Some(retry_delay(attempt as u32, p.base, p.cap))
        }
        _ => None,
    };
    // Values the job asked to redact must not reach Redis through what the
    // handler printed or the error it raised.
    let secrets = done
        .job
        .as_ref()
        .map(|j| redact::secrets(&j.args, &j.redact))
        .unwrap_or_default();
    let error = redact::scrub(&failure.error, &secrets);
    let record = serde_json::json!({
        "job": done.id,
        "attempt": attempt,
        "delivery": done.delivery,
        "worker": shared.id,
        "started_at_ms": done.started_at_us / 1000,
        "finished_at_ms": now,
        "error": error,
        "stdout_tail": redact::scrub(&failure.stdout_tail, &secrets),
        "stderr_tail": redact::scrub(&failure.stderr_tail, &secrets),
        "retry_in_ms": retry_in.map(|d| d.as_millis() as u64),
    });
    let mut record = record;
    // What a served process said of its failure, when it said it.
    if let Some(t) = &failure.error_type {
        record["error_type"] = t.as_str().into();
    }
    if let Some(tb) = &failure.traceback {
        record["traceback"] = redact::scrub(tb, &secrets).into();
    }
    let record = record.to_string();
    let entry = broker::Failure {
        id: &done.id,
        delivery: done.delivery,
        error: error.lines().next().unwrap_or(""),
        record: &record,
        task: done.job.as_ref().map_or("", |j| j.task.as_str()),
        replay_of: done.job.as_ref().and_then(|j| j.replay_of.as_deref()).unwrap_or(""),
    };
    let q = &shared.queues[done.queue];
    let items = [done];
    let ms = (now * 1000).saturating_sub(done.started_at_us) / 1000;
    let recorded = match retry_in {
        Some(delay) => {
            let moved = persist(book, "retry", &items, || book.broker.retry(q, &entry, delay)).await;
            if moved == Some(true) {
                shared.metrics.finished(&q.name, entry.task, "retried", ms);
                let tries = done.job.as_ref().map_or(0, |j| u64::from(j.max_retries) + 1);
                let task = entry.task;
                let retry_in = humantime::format_duration(Duration::from_millis(delay.as_millis() as u64 / 100 * 100));
                tracing::info!(target: "tq::job", job = %done.id, task, queue = %q.name, attempt, delay_ms = delay.as_millis() as u64,
                    "job {} {task} failed (attempt {attempt}/{tries}): {}, retry in {retry_in}", done.id, entry.error);
            }
            moved.map(|m| m.then_some(()))
        }
        None => {
            let reason = failure.reason.unwrap_or(if failure.permanent {
                "permanent failure"
            } else {
                "retries exhausted"
            });
            let record = persist(book, "bury", &items, || book.broker.bury(q, &entry, reason)).await;
            if let Some(Some(record)) = &record {
                shared.metrics.finished(&q.name, entry.task, "dead", ms);
                tracing::warn!(target: "tq::job", job = %done.id, task = entry.task, queue = %q.name, reason, dead_record = %record,
                    "job {} {} dead ({reason}): {}", done.id, entry.task, entry.error);
            }
            record.map(|r| r.map(|_| ()))
        }
    };
    if recorded == Some(None) {
        tracing::info!(
            job = %done.id,
            delivery = done.delivery,
            "failed attempt not recorded: its lease was lost and another delivery owns the job"
        );
    }
}

/// Puts a job that asked to wait back on its queue's schedule, without
/// spending an attempt: for `wait`, or per its backoff counted in deliveries
/// that were no attempt (1 s, 2 s, 4 s ... by default).
async fn snooze(book: &Book<'_>, done: &Done, ask: SnoozeAsk, now: u64) {
    let shared = book.shared;
    let paused = ask.pause_queue.max(ask.pause_key);
    let wait = ask.wait.or(paused).unwrap_or_else(|| {
        let policy = done.job.as_ref().map(RetryPolicy::of);
        let (base, cap) = policy.map_or((Duration::from_secs(1), Duration::from_secs(600)), |p| (p.base, p.cap));
        let not_attempts = done.delivery.saturating_sub(done.prior_attempts).clamp(1, 30) as u32;
        retry_delay(not_attempts, base, cap)
    });
    let job = broker::Snooze {
        id: &done.id,
        delivery: done.delivery,
        task: done.job.as_ref().map_or("", |j| j.task.as_str()),
        replay_of: done.job.as_ref().and_then(|j| j.replay_of.as_deref()).unwrap_or(""),
        pause_queue: ask.pause_queue,
        pause_key: ask.pause_key,
    };
    let q = &shared.queues[done.queue];
    let items = [done];
    let ms = (now * 1000).saturating_sub(done.started_at_us) / 1000;
    if let Some(p) = ask.pause_queue {
        tracing::warn!(queue = %q.name, job = %done.id, "job {} asked to hold back queue {} for {}", done.id, q.name, humantime::format_duration(p));
    }
    match persist(book, "snooze", &items, || {
        book.broker.snooze(q, &job, wait, MOST_SNOOZES)
    })
    .await
    {
        Some(Some(true)) => {
            shared.metrics.finished(&q.name, job.task, "snoozed", ms);
            let again = humantime::format_duration(Duration::from_millis(wait.as_millis() as u64 / 10 * 10));
            tracing::info!(target: "tq::job", job = %done.id, task = job.task, queue = %q.name, wait_ms = wait.as_millis() as u64,
                "job {} {} snoozed (no attempt spent), runs again in {again}", done.id, job.task);
        }
        Some(Some(false)) => {
            shared.metrics.finished(&q.name, job.task, "dead", ms);
            tracing::warn!(target: "tq::job", job = %done.id, task = job.task, queue = %q.name,
                "job {} {} dead: snoozed too often (over {MOST_SNOOZES}) or cancelled", done.id, job.task);
        }
        Some(None) => {
            tracing::info!(job = %done.id, delivery = done.delivery, "snooze not recorded: its lease was lost and another delivery owns the job")
        }
        None => {}
    }
}

/// Runs a recording call for `items`, retrying with backoff while it fails
/// and any of them may still hold its lease (renewals keep moving that
/// deadline while Redis answers them). `None` if it never went through: the
/// lease then hands the job out again (at-least-once).
async fn persist<T, F, Fut>(book: &Book<'_>, what: &str, items: &[&Done], call: F) -> Option<T>
where
    F: Fn() -> Fut,
    Fut: Future<Output = Result<T>>,
{
    let mut wait = Duration::from_millis(50);
    let mut tries = 0u32;
    loop {
        tries += 1;
        let e = match call().await {
            Ok(value) => {
                if tries > 1 {
                    tracing::info!("{what} recorded after {tries} tries");
                }
                return Some(value);
            }
            Err(e) => e,
        };
        book.keep_leases();
        let left = book
            .lease_deadline(items.iter().copied())
            .saturating_duration_since(Instant::now());
        if left.is_zero() {
            tracing::error!("{what} failed and the lease ran out, so the job will be handed out again: {e}");
            return None;
        }
        tracing::warn!("{what} failed (try {tries}), retrying while the lease lasts: {e}");
        tokio::time::sleep(wait.min(left)).await;
        wait = (wait * 2).min(Duration::from_secs(1));
    }
}
