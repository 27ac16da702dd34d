//! The claim loop: takes as many jobs as there are free slots, from the
//! first non-empty queue in priority order (or, woken by a token, from the
//! queue that announced work), starts them, and waits for the next wake-up.

use super::acker::Done;
use super::handlers::{self, Attempt, Failure, Handler, Outcome};
use super::{Running, Shared, pause};
use crate::broker::Delivery;
use crate::error::Result;
use crate::job::{JobMessage, now_us};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc, watch};

/// Largest stored message a worker will run: the args limit plus room for
/// the message's own fields. Anything bigger was not written by tq.
const MAX_MESSAGE_BYTES: usize = crate::job::MAX_PAYLOAD_BYTES + 64 * 1024;
/// Most jobs one claim call may take.
const MAX_CLAIM: usize = 1000;
/// Safety net for a lost wake-up token: an idle worker looks again this often.
const IDLE_RECHECK: Duration = Duration::from_secs(15);
/// A partial claim at least this big means the queues are busy: claim again at once.
const BUSY_BATCH: usize = 32;
/// How often a `--burst` worker re-checks whether other workers' jobs finished.
const BURST_RECHECK: Duration = Duration::from_millis(100);

/// Claims and starts jobs until told to stop (or the burst is over).
pub(super) async fn claim_loop(shared: &Arc<Shared>, slots: &Arc<Semaphore>, done: &mpsc::UnboundedSender<Done>) {
    let mut stop = shared.stop.clone();
    let concurrency = shared.config.concurrency;
    // While the queues have a backlog, claim in large batches: wait for half
    // the slots rather than claiming a few jobs per freed slot. Without a
    // backlog, any free slot claims at once (latency over batching).
    let batch_when_busy = (concurrency / 2).clamp(1, MAX_CLAIM);
    let mut backlog = false;
    while !*stop.borrow() {
        let want = if backlog { batch_when_busy } else { 1 };
        if slots.available_permits() < want {
            tokio::select! {
                permits = slots.acquire_many(want as u32) => drop(permits),
                _ = stop.changed() => {}
            }
            continue;
        }
        // The slots are taken before the claim: a waiting task may start a
        // job handed to it meanwhile, and a claim must never outgrow them.
        // That task waits for what the claim leaves ([`Shared::claiming`]).
        shared.claiming.send_replace(true);
        let mut permits: Vec<OwnedSemaphorePermit> = (0..slots.available_permits().min(MAX_CLAIM))
            .map_while(|_| slots.clone().try_acquire_owned().ok())
            .collect();
        let free = permits.len();
        if free == 0 {
            shared.claiming.send_replace(false);
            continue;
        }
        // Woken by tokens, claim only where work was announced: one claim
        // call per job at low rates. With a backlog, or on the safety-net
        // recheck, walk every queue in priority order.
        let hints = shared.take_hints().filter(|_| !backlog);
        let claimed = match claim(shared, free, hints.as_deref()).await {
            Ok(claimed) => claimed,
            Err(e) => {
                drop(permits);
                shared.claiming.send_replace(false);
                tracing::warn!("claim failed, retrying: {e}");
                pause(&mut stop, Duration::from_millis(500)).await;
                continue;
            }
        };
        let (claimed, malformed) = claimed;
        backlog = claimed.len() == free;
        // Fewer than asked for: the queues looked at were emptied. After a
        // big batch they are busy and refill soon, so look again at once
        // (one call per big batch); after a few jobs, wait for a token
        // (at low rates, one claim call per job).
        let drained = !backlog && malformed == 0 && claimed.len() < BUSY_BATCH;
        for ((queue, delivery, lease_until, started_ms), permit) in claimed.into_iter().zip(permits.drain(..)) {
            start(shared, queue, delivery, lease_until, started_ms, permit, done);
        }
        drop(permits);
        shared.claiming.send_replace(false);
        if drained {
            let own_running = slots.available_permits() < concurrency;
            if shared.config.burst && !own_running && burst_done(shared).await {
                tracing::info!("burst: queues drained");
                return;
            }
            // A burst worker whose own jobs are done may still wait on other
            // workers' leases or on retries; nothing announces those, so it looks again.
            let recheck = if shared.config.burst && !own_running {
                BURST_RECHECK
            } else {
                IDLE_RECHECK
            };
            shared.idle.send_replace(true);
            tokio::select! {
                _ = shared.claim_wake.notified() => {}
                _ = tokio::time::sleep(recheck) => {}
                _ = all_free(shared, slots, concurrency), if shared.config.burst && own_running => {}
                _ = stop.changed() => {}
            }
            shared.idle.send_replace(false);
            continue;
        }
    }
}

/// Returns once none of the worker's `concurrency` slots is taken. It
/// takes no slot while it waits: a job handed to this worker meanwhile
/// must get one at once (a queued `acquire_many` would hold back every
/// later acquire, even of slots that are free).
async fn all_free(shared: &Shared, slots: &Semaphore, concurrency: usize) {
    loop {
        let ended = shared.jobs_ended.notified();
        if slots.available_permits() >= concurrency {
            return;
        }
        ended.await;
    }
}

/// One claimed job: its queue index, the delivery, when its lease runs out
/// (monotonic clock) and when it started (server clock, ms).
type Claim = (usize, Delivery, Instant, u64);

/// Takes up to `want` jobs, walking the queues in priority order (or by
/// weight, see [`super::weights`]). The second value counts malformed
/// entries moved to the DLQ instead (they took no slot). A queue whose flow
/// limits held jobs back is looked at again when the claim said they may
/// let more start ([`Shared::wake_after`]); until then lower queues run.
async fn claim(shared: &Arc<Shared>, want: usize, only: Option<&[bool]>) -> Result<(Vec<Claim>, u64)> {
    let mut out = Vec::new();
    let mut malformed = 0;
    // Strict priority: every queue in order, each for all that is left.
    // Weighted: in the round-robin's order, each for its share, then again
    // for what is left when a queue ran short.
    let plan: Vec<(usize, usize)> = match &shared.weights {
        Some(w) => {
            let shares = w.plan(want);
            let rest = shares.iter().map(|(i, _)| (*i, want)).collect::<Vec<_>>();
            shares.into_iter().chain(rest).collect()
        }
        None => (0..shared.queues.len()).map(|i| (i, want)).collect(),
    };
    // Queues that gave fewer jobs than asked: empty for now, not asked again.
    let mut short = vec![false; shared.queues.len()];
    for (index, share) in plan {
        if out.len() == want {
            break;
        }
        let q = &shared.queues[index];
        let left = (want - out.len()).min(share);
        if short[index] || !shared.health.usable(index) || only.is_some_and(|o| !o.get(index).copied().unwrap_or(false))
        {
            continue;
        }
        let lease_until = Instant::now() + shared.config.lease;
        let claimed = match shared.broker.claim(q, shared.config.lease, left).await {
            Ok(claimed) => {
                shared.health.succeeded(index, &q.name);
                claimed
            }
            // Redis itself is gone: every queue is, so the caller pauses.
            Err(e) if e.is_connection_error() => return Err(e),
            Err(e) => {
                shared.health.failed(index, &q.name, "claim", &e);
                continue;
            }
        };
        let (got, bad) = (claimed.jobs, claimed.malformed);
        if let Some(wait) = claimed.limited_for {
            shared.wake_after(index, wait);
        }
        malformed += bad;
        short[index] = got.len() < left;
        if !got.is_empty() {
            shared.metrics.claimed(got.len());
        }
        let started = claimed.server_ms;
        out.extend(got.into_iter().map(|d| (index, d, lease_until, started)));
        if bad > 0 {
            // Malformed entries took the place of jobs this queue may still
            // hold; look at it again before any lower-priority queue.
            break;
        }
    }
    Ok((out, malformed))
}

/// True when no queue has work that this burst must wait for. Each queue is
/// judged in one atomic step, and jobs never move between queues, so a job
/// moving from active or retry to pending is never missed.
async fn burst_done(shared: &Shared) -> bool {
    for q in &shared.queues {
        match shared.broker.idle(q).await {
            Ok(true) => {}
            Ok(false) => return false,
            Err(e) => {
                tracing::warn!("cannot read queue depths: {e}");
                return false;
            }
        }
    }
    true
}

/// Runs one claimed job: instantly for quick built-ins, else on its own task.
pub(super) fn start(
    shared: &Arc<Shared>,
    queue: usize,
    d: Delivery,
    lease_until: Instant,
    started_ms: u64,
    permit: OwnedSemaphorePermit,
    done: &mpsc::UnboundedSender<Done>,
) {
    let started_at_us = now_us();
    let (id, delivery) = (d.id.clone(), d.delivery);
    let finish = move |job: Option<JobMessage>, outcome: Outcome, tracked: bool| Done {
        queue,
        tracked,
        id: d.id,
        delivery: d.delivery,
        prior_attempts: d.attempts,
        lease_until,
        job,
        started_at_us,
        outcome,
        slot: super::acker::Slot::new(permit),
    };
    let decoded = if d.msg.len() > MAX_MESSAGE_BYTES {
        Err(format!(
            "job message is {} bytes, over the {MAX_MESSAGE_BYTES}-byte limit (written by another tool?)",
            d.msg.len()
        ))
    } else {
        JobMessage::decode(&d.msg, &id, &shared.queues[queue].name)
            .map_err(|e| format!("job message is not a valid tq job: {e}"))
    };
    let msg = match decoded {
        Ok(msg) => msg,
        Err(error) => {
            let failure = Failure::fatal("malformed", error);
            let _ = done.send(finish(None, Outcome::Failure(failure), false));
            return;
        }
    };
    let instant = match shared.handlers.lookup(&msg.task) {
        None => Some(Outcome::Failure(Failure::fatal(
            "no handler",
            format!(
                "no handler for task {:?} on worker {} (built-ins: {}; add --handler {}=COMMAND)",
                msg.task,
                shared.id,
                handlers::BUILTINS.join(", "),
                msg.task
            ),
        ))),
        Some(Handler::Builtin(task)) => handlers::run_instant(task, &msg),
        Some(Handler::Command(..) | Handler::Served(_)) => None,
    };
    if let Some(outcome) = instant {
        let _ = done.send(finish(Some(msg), outcome, false));
        return;
    }
    // Only jobs that take time need their lease renewed (and handing back on
    // a stop); instant ones are acked within the same batch.
    let (stop, lost) = watch::channel(handlers::Stop::No);
    let running = Running {
        queue,
        lease_until,
        stop: Some(stop),
        started: Instant::now(),
        recording: false,
    };
    shared.inflight().insert((id, delivery), running);
    let shared = shared.clone();
    let done = done.clone();
    tokio::spawn(async move {
        let attempt = Attempt {
            msg: &msg,
            attempt: d.attempts + 1,
            delivery: d.delivery,
            started_ms,
        };
        let outcome = match shared.handlers.lookup(&msg.task) {
            Some(handler) => handlers::run(handler, attempt, shared.abort.clone(), lost).await,
            None => Outcome::Failure(Failure::fatal("no handler", "handler disappeared")),
        };
        let _ = done.send(finish(Some(msg), outcome, true));
    });
}
