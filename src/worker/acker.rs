//! Records outcomes in Redis: successes batched into one `ack` call per queue,
//! failures into `retry` or `bury`, cancelled jobs handed back with `release`.

use super::Shared;
use super::handlers::{Failure, Outcome};
use crate::backoff::retry_delay;
use crate::broker;
use crate::error::Result;
use crate::job::{JobMessage, ResultRecord, now_ms, now_us};
use crate::redact;
use serde_json::value::RawValue;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, mpsc};

/// Most outcomes recorded in one round.
const MAX_BATCH: usize = 2000;

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
    /// The decoded message; `None` when it could not be decoded (no retry possible).
    pub job: Option<JobMessage>,
    pub started_at_us: u64,
    pub outcome: Outcome,
    pub _permit: OwnedSemaphorePermit,
}

/// Receives outcomes until every sender is gone, recording them in batches.
pub(super) async fn run(shared: Arc<Shared>, mut rx: mpsc::UnboundedReceiver<Done>) {
    let mut batch = Vec::new();
    while rx.recv_many(&mut batch, MAX_BATCH).await > 0 {
        record(&shared, &batch).await;
        let mut inflight = shared.inflight.lock().unwrap_or_else(|p| p.into_inner());
        for done in batch.iter().filter(|d| d.tracked) {
            inflight.remove(&done.id);
        }
        drop(inflight);
        shared.processed.fetch_add(batch.len() as u64, Ordering::Relaxed);
        batch.clear();
    }
}

async fn record(shared: &Shared, batch: &[Done]) {
    let now = now_ms();
    let finished_us = now_us();
    let (bucket_start, expire_at) = result_bucket(now, shared.config.result_ttl);
    let mut acks: Vec<Vec<broker::Ack>> = vec![Vec::new(); shared.queues.len()];
    let mut releases: Vec<Vec<(String, u64)>> = vec![Vec::new(); shared.queues.len()];
    let mut failures = Vec::new();
    for done in batch {
        match &done.outcome {
            Outcome::Success(result) => acks[done.queue].push(broker::Ack {
                id: done.id.clone(),
                delivery: done.delivery,
                attempt: done.prior_attempts + 1,
                record: result_record(done, result, finished_us),
                replay_of: done.job.as_ref().and_then(|j| j.replay_of.clone()).unwrap_or_default(),
                redacted: done.job.as_ref().is_some_and(|j| !j.redact.is_empty()),
            }),
            Outcome::Cancelled => releases[done.queue].push((done.id.clone(), done.delivery)),
            Outcome::Failure(failure) => failures.push(fail(shared, done, failure, now)),
        }
    }
    // Each failure is its own script call; sent together they share round trips.
    futures_util::future::join_all(failures).await;
    for (q, items) in shared.queues.iter().zip(&acks) {
        if !items.is_empty() {
            let bucket = q.results_bucket(bucket_start);
            persist("ack", || shared.broker.ack(q, now, &bucket, expire_at, items)).await;
        }
    }
    for (q, items) in shared.queues.iter().zip(&releases) {
        if !items.is_empty() {
            persist("release", || shared.broker.release(q, items)).await;
            tracing::info!(queue = %q.name, jobs = items.len(), "handed running jobs back");
        }
    }
}

/// The results bucket a job finishing at `now_ms` goes into: its start (s) and
/// its expiry (ms), so every result stays readable for at least `ttl`.
/// Buckets span a 24th of the TTL (1 s to 1 h): about 25 keys per queue.
fn result_bucket(now_ms: u64, ttl: Duration) -> (u64, u64) {
    let span = (ttl.as_secs() / 24).clamp(1, 3600);
    let start = now_ms / 1000 / span * span;
    (start, (start + span) * 1000 + ttl.as_millis() as u64)
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
async fn fail(shared: &Shared, done: &Done, failure: &Failure, now: u64) {
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
    })
    .to_string();
    let entry = broker::Failure {
        id: &done.id,
        delivery: done.delivery,
        error: error.lines().next().unwrap_or(""),
        record: &record,
        task: done.job.as_ref().map_or("", |j| j.task.as_str()),
    };
    let q = &shared.queues[done.queue];
    match retry_in {
        Some(delay) => {
            let due = now + delay.as_millis() as u64;
            tracing::debug!(job = %done.id, attempt, delay_ms = delay.as_millis() as u64, "retrying: {}", failure.error);
            persist("retry", || shared.broker.retry(q, &entry, due)).await;
        }
        None => {
            let reason = failure.reason.unwrap_or(if failure.permanent {
                "permanent failure"
            } else {
                "retries exhausted"
            });
            tracing::warn!(job = %done.id, queue = %q.name, reason, "job is dead: {}", failure.error);
            persist("bury", || shared.broker.bury(q, &entry, now, reason)).await;
        }
    }
}

/// Runs a recording call, retrying while Redis is unreachable. If it still
/// fails, the lease expires and the job is delivered again: at-least-once.
async fn persist<T, F, Fut>(what: &str, call: F)
where
    F: Fn() -> Fut,
    Fut: Future<Output = Result<T>>,
{
    let mut wait = Duration::from_millis(100);
    for attempt in 1..=6 {
        match call().await {
            Ok(_) => return,
            Err(e) if attempt == 6 => {
                tracing::error!("{what} failed, the lease will hand the job out again: {e}");
            }
            Err(e) => {
                tracing::warn!("{what} failed (try {attempt}), retrying: {e}");
                tokio::time::sleep(wait).await;
                wait *= 2;
            }
        }
    }
}
