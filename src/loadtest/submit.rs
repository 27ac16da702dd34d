//! Submitting the load: batched enqueues, as fast as possible or paced at a
//! fixed rate (open loop: each job is stamped with its intended send time, so
//! latency includes any lag in sending it — no coordinated omission).

use crate::broker::{Broker, Due, NewJob};
use crate::client::new_job_entry;
use crate::error::Result;
use crate::job::{JobMessage, new_job_id, now_us};
use hdrhistogram::Histogram;
use rand::seq::SliceRandom;
use serde_json::value::RawValue;
use std::collections::HashSet;
use std::time::{Duration, Instant};
use tokio::task::JoinSet;

/// Batches in flight at once while submitting.
const IN_FLIGHT: usize = 8;
/// A paced submitter sends what is due at most this often (jobs due in
/// between go in one batch per queue, as an application's batching would).
const PACE_TICK: Duration = Duration::from_millis(1);

/// What the jobs look like.
pub(crate) struct JobTemplate {
    /// Task name.
    pub task: String,
    /// Args (padding included).
    pub args: Box<RawValue>,
    /// Fairness keys the jobs take in turn (0: none).
    pub keys: usize,
}

/// What was submitted.
pub(crate) struct Submitted {
    /// Ids the broker accepted, per queue index.
    pub ids: Vec<HashSet<String>>,
    /// Of those, ids fewer replicas confirmed than `--min-replicas` asks.
    pub unconfirmed: HashSet<String>,
    /// How long submission took.
    pub elapsed: Duration,
    /// Paced: how late each job was sent after its intended time (µs).
    /// Its latency counts from the intended time, so this lag is in it.
    pub lag: Option<Histogram<u64>>,
}

/// The queue index of each job, in a shuffled order that follows the mix.
pub(crate) fn plan(jobs: usize, weights: &[u32]) -> Vec<usize> {
    let total: u64 = weights.iter().map(|w| u64::from(*w)).sum::<u64>().max(1);
    let mut counts: Vec<usize> = weights
        .iter()
        .map(|w| (jobs as u64 * u64::from(*w) / total) as usize)
        .collect();
    let short = jobs - counts.iter().sum::<usize>();
    if let Some(biggest) = (0..weights.len()).max_by_key(|i| weights[*i]) {
        counts[biggest] += short;
    }
    let mut order: Vec<usize> = counts
        .iter()
        .enumerate()
        .flat_map(|(q, n)| std::iter::repeat_n(q, *n))
        .collect();
    order.shuffle(&mut rand::rng());
    order
}

/// Enqueues the planned jobs in batches of `batch`, paced at `rate` jobs/s if given.
pub(crate) async fn submit(
    broker: &Broker,
    queues: &[String],
    order: &[usize],
    template: &JobTemplate,
    batch: usize,
    rate: Option<f64>,
    progress: &indicatif::ProgressBar,
) -> Result<Submitted> {
    let keys: Vec<_> = queues.iter().map(|q| broker.queue(q)).collect();
    let mut ids: Vec<HashSet<String>> = vec![HashSet::new(); queues.len()];
    let mut unconfirmed = HashSet::new();
    let mut in_flight: JoinSet<Result<BatchDone>> = JoinSet::new();
    let started = Instant::now();
    let start_us = now_us();
    let mut lag = match rate {
        // 1 µs to 1 hour at 3 significant digits, as the report's latencies.
        Some(_) => Some(
            Histogram::<u64>::new_with_bounds(1, 3_600_000_000, 3).map_err(|e| crate::Error::Failed(e.to_string()))?,
        ),
        None => None,
    };
    let mut last_send = started;
    let mut sent = 0;
    while sent < order.len() {
        let due = match rate {
            None => order.len(),
            Some(rate) => ((started.elapsed().as_secs_f64() * rate) as usize + 1).min(order.len()),
        };
        if due <= sent {
            let next = started + Duration::from_secs_f64((sent as f64) / rate.unwrap_or(f64::MAX));
            sleep_until(next.max(last_send + PACE_TICK)).await;
            continue;
        }
        last_send = Instant::now();
        let end = due.min(sent + batch);
        let mut per_queue: Vec<Vec<NewJob>> = vec![Vec::new(); queues.len()];
        for (i, &q) in order.iter().enumerate().take(end).skip(sent) {
            // Paced jobs count their latency from when they were meant to be sent.
            let stamp = match rate {
                Some(rate) => start_us + (i as f64 / rate * 1e6) as u64,
                None => now_us(),
            };
            if let Some(lag) = &mut lag {
                lag.saturating_record(now_us().saturating_sub(stamp).max(1));
            }
            let mut msg = message(template, &queues[q], stamp);
            if template.keys > 0 {
                msg.key = Some(format!("k{}", i % template.keys));
            }
            per_queue[q].push(new_job_entry(&msg, Due::Now)?);
        }
        sent = end;
        for (q, entries) in per_queue.into_iter().enumerate() {
            if entries.is_empty() {
                continue;
            }
            while in_flight.len() >= IN_FLIGHT {
                record(in_flight.join_next().await, &mut ids, &mut unconfirmed, progress)?;
            }
            let broker = broker.clone();
            let key = keys[q].clone();
            in_flight.spawn(async move {
                let (added, confirmed) = enqueue_retrying(&broker, &key, &entries).await?;
                Ok((q, entries.into_iter().map(|e| e.id).collect(), added, confirmed))
            });
        }
    }
    while let Some(done) = in_flight.join_next().await {
        record(Some(done), &mut ids, &mut unconfirmed, progress)?;
    }
    Ok(Submitted {
        ids,
        unconfirmed,
        elapsed: started.elapsed(),
        lag,
    })
}

/// Sleeps until `at`, to within tens of microseconds: tokio's timer counts
/// whole milliseconds and rounds up, which sent paced jobs up to 2 ms late
/// (their latency counts from their intended time, so it showed there).
async fn sleep_until(at: Instant) {
    let wait = at.saturating_duration_since(Instant::now());
    if wait.is_zero() {
        return;
    }
    if tokio::task::spawn_blocking(move || std::thread::sleep(wait))
        .await
        .is_err()
    {
        tokio::time::sleep(wait).await;
    }
}

/// Enqueues a batch, sending it again while Redis is briefly away (a
/// failover, a slot moving): the same jobs in the same order, which
/// `enqueue_new` knows for a re-send, so a batch whose reply was lost is
/// not doubled (the ids are made for it, by `message`). The flag is false
/// when fewer replicas confirmed it than `--min-replicas` asks (it is on
/// the master and runs).
async fn enqueue_retrying(
    broker: &Broker,
    key: &crate::broker::keys::QueueKeys,
    entries: &[NewJob],
) -> Result<(u64, bool)> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        match broker.enqueue_new(key, entries).await {
            Ok((added, _)) => return Ok((added, true)),
            // On the master, but fewer replicas than --min-replicas have it
            // (a master with no replica left after a failover, say): it runs.
            Err(e @ crate::Error::Unconfirmed { .. }) => {
                tracing::warn!(queue = %key.name, jobs = entries.len(), "batch enqueued, not confirmed by the replicas: {e}");
                return Ok((entries.len() as u64, false));
            }
            Err(e) if e.is_transient() && Instant::now() < deadline => {
                tracing::warn!(queue = %key.name, "enqueue failed, sending the batch again: {e}");
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(e) => return Err(e),
        }
    }
}

/// One submitted batch: queue index, ids, how many were added, and whether the replicas confirmed them.
type BatchDone = (usize, Vec<String>, u64, bool);

type BatchResult = std::result::Result<Result<BatchDone>, tokio::task::JoinError>;

fn record(
    done: Option<BatchResult>,
    ids: &mut [HashSet<String>],
    unconfirmed: &mut HashSet<String>,
    progress: &indicatif::ProgressBar,
) -> Result<()> {
    let Some(done) = done else { return Ok(()) };
    let (q, batch, added, confirmed) =
        done.map_err(|e| crate::Error::Failed(format!("submission task failed: {e}")))??;
    if added as usize != batch.len() {
        // Ids are random: a clash means the broker refused a job; it was not submitted.
        tracing::warn!(
            queue = q,
            refused = batch.len() as u64 - added,
            "some job ids already existed"
        );
    }
    progress.inc(batch.len() as u64);
    if !confirmed {
        unconfirmed.extend(batch.iter().cloned());
    }
    ids[q].extend(batch);
    Ok(())
}

fn message(template: &JobTemplate, queue: &str, enqueued_at_us: u64) -> JobMessage {
    JobMessage {
        id: new_job_id(),
        task: template.task.clone(),
        queue: queue.to_string(),
        args: template.args.clone(),
        max_retries: crate::client::defaults::MAX_RETRIES,
        retry_base_ms: crate::client::defaults::RETRY_BASE.as_millis() as u64,
        retry_cap_ms: crate::client::defaults::RETRY_CAP.as_millis() as u64,
        timeout_ms: crate::client::defaults::TIMEOUT.as_millis() as u64,
        enqueued_at_us,
        redact: Vec::new(),
        replay_of: None,
        key: None,
    }
}

#[cfg(test)]
mod tests {
    use super::plan;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn plan_follows_the_mix_exactly(jobs in 0usize..20_000, a in 1u32..100, b in 1u32..100, c in 1u32..100) {
            let order = plan(jobs, &[a, b, c]);
            prop_assert_eq!(order.len(), jobs);
            let total = (a + b + c) as usize;
            for (q, w) in [a, b, c].iter().enumerate() {
                let n = order.iter().filter(|x| **x == q).count();
                let exact = jobs * *w as usize / total;
                prop_assert!(n >= exact && n <= exact + 3, "queue {} got {} of {}, expected ~{}", q, n, jobs, exact);
            }
        }
    }

    #[test]
    fn default_mix_splits_ten_thousand_two_six_two() {
        let order = plan(10_000, &[20, 60, 20]);
        let counts: Vec<usize> = (0..3).map(|q| order.iter().filter(|x| **x == q).count()).collect();
        assert_eq!(counts, vec![2000, 6000, 2000]);
    }
}
