//! A worker's background duties: wake-ups, promotion of due jobs, recovery of
//! expired leases, renewal of its own leases, and its heartbeat.

use super::{DeliveryKey, HEARTBEAT_EVERY, HEARTBEAT_TTL, Running, Shared};
use crate::broker::{Broker, LeaseFate, LostLease};
use crate::error::Result;
use futures_util::StreamExt;
use redis::aio::PubSub;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// Most jobs promoted or recovered per queue in one pass.
const UPKEEP_BATCH: usize = 1000;
/// Upkeep runs at least this often even when nothing is due.
const UPKEEP_MAX_SLEEP: Duration = Duration::from_secs(1);

/// Opens the wake-up subscription for every queue of this worker.
pub(super) async fn subscribe(shared: &Shared) -> Result<PubSub> {
    shared.broker.subscribe_wakeups(&shared.queues).await
}

/// Turns wake-up messages into notifications; reconnects if the connection drops.
pub(super) async fn listen(shared: Arc<Shared>, mut pubsub: PubSub) {
    loop {
        {
            let mut messages = pubsub.on_message();
            while let Some(msg) = messages.next().await {
                if Broker::is_pending_wakeup(&msg) {
                    shared.claim_wake.notify_one();
                } else {
                    shared.upkeep_wake.notify_one();
                }
            }
        }
        tracing::warn!("wake-up subscription lost; reconnecting");
        pubsub = loop {
            tokio::time::sleep(Duration::from_millis(500)).await;
            match subscribe(&shared).await {
                Ok(p) => break p,
                Err(e) => tracing::warn!("cannot resubscribe: {e}"),
            }
        };
        // Anything published while we were away was missed: look now.
        shared.claim_wake.notify_one();
        shared.upkeep_wake.notify_one();
    }
}

/// Promotes due delayed jobs and retries, and recovers expired leases, sleeping
/// until the next thing is due by the server's clock (or a schedule change wakes it).
pub(super) async fn maintain(shared: Arc<Shared>) {
    loop {
        let started = Instant::now();
        let mut wait = UPKEEP_MAX_SLEEP;
        for (index, q) in shared.queues.iter().enumerate() {
            if !shared.health.usable(index) {
                continue;
            }
            match shared.broker.promote(q, UPKEEP_BATCH).await {
                Ok(Some(due_in)) => wait = wait.min(due_in),
                Ok(None) => {}
                Err(e) => {
                    upkeep_failed(&shared, index, "promote", &e);
                    continue;
                }
            }
            match shared
                .broker
                .recover(q, shared.config.max_deliveries, UPKEEP_BATCH)
                .await
            {
                Ok(r) => {
                    if r.requeued + r.buried > 0 {
                        tracing::warn!(queue = %q.name, requeued = r.requeued, poison = r.buried, "recovered jobs whose lease expired");
                    }
                    if let Some(expiry_in) = r.next_expiry_in {
                        wait = wait.min(expiry_in + Duration::from_millis(1));
                    }
                }
                Err(e) => upkeep_failed(&shared, index, "recover", &e),
            }
        }
        let wait = wait.saturating_sub(started.elapsed());
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = shared.upkeep_wake.notified() => {}
        }
    }
}

/// A lost connection is the claim loop's to report; anything else marks the queue broken.
fn upkeep_failed(shared: &Shared, index: usize, what: &str, e: &crate::Error) {
    if e.is_connection_error() {
        tracing::debug!(queue = %shared.queues[index].name, "{what} failed: {e}");
    } else {
        shared.health.failed(index, &shared.queues[index].name, what, e);
    }
}

/// Renews the leases of this worker's running deliveries every third of the
/// lease. A delivery whose lease turns out to be gone is stopped (its
/// handler's process group killed) and forgotten: another delivery owns the job.
pub(super) async fn renew_leases(shared: Arc<Shared>) {
    let every = shared.config.lease / 3;
    loop {
        tokio::time::sleep(every).await;
        let mut by_queue: HashMap<usize, Vec<(String, u64)>> = HashMap::new();
        for ((id, delivery), running) in shared.inflight().iter() {
            by_queue.entry(running.queue).or_default().push((id.clone(), *delivery));
        }
        for (queue, held) in by_queue {
            let q = &shared.queues[queue];
            let started = Instant::now();
            match shared.broker.renew(q, shared.config.lease, &held).await {
                Ok(lost) => {
                    let mut inflight = shared.inflight();
                    for key in held {
                        if let Some(running) = inflight.get_mut(&key) {
                            running.lease_until = started + shared.config.lease;
                        }
                    }
                    for gone in lost {
                        stop_lost(&mut inflight, &q.name, &gone);
                    }
                }
                Err(e) => tracing::warn!(queue = %q.name, "lease renewal failed: {e}"),
            }
        }
    }
}

/// Stops and forgets a delivery whose lease is gone, saying what became of its job.
fn stop_lost(inflight: &mut HashMap<DeliveryKey, Running>, queue: &str, gone: &LostLease) {
    let Some(running) = inflight.remove(&(gone.id.clone(), gone.delivery)) else {
        return;
    };
    if let Some(stop) = running.stop {
        stop.send_replace(true);
    }
    let fate = match gone.fate {
        LeaseFate::ClaimedAgain(n) => format!("delivery {n} runs it now"),
        LeaseFate::Waiting => "it is back on its queue".to_string(),
        LeaseFate::Finished => "it already finished through another delivery".to_string(),
    };
    tracing::warn!(
        queue,
        job = %gone.id,
        delivery = gone.delivery,
        "lease lost (this worker stalled or lost Redis for longer than the lease) and {fate}: stopped this copy, recording nothing for it"
    );
}

/// Writes this worker's registration so `tq inspect` can list it.
pub(super) async fn heartbeat(shared: &Shared) -> Result<()> {
    let active = shared.inflight().len();
    let fields = [
        ("host", super::host_name()),
        ("pid", std::process::id().to_string()),
        ("queues", shared.config.queues.join(",")),
        ("concurrency", shared.config.concurrency.to_string()),
        ("active", active.to_string()),
        ("processed", shared.processed.load(Ordering::Relaxed).to_string()),
    ];
    shared.broker.heartbeat(&shared.id, HEARTBEAT_TTL, &fields).await?;
    Ok(())
}

/// Records this worker's queues as known and writes its first heartbeat.
pub(super) async fn register(shared: &Shared) -> Result<()> {
    for q in &shared.config.queues {
        shared.broker.register_queue(q).await?;
    }
    heartbeat(shared).await
}

/// Heartbeats until the task is dropped (registering first if that failed
/// at start), and between two heartbeats prunes workers that stopped beating.
pub(super) async fn heartbeats(shared: Arc<Shared>) {
    let mut registered = false;
    let mut tick = tokio::time::interval(HEARTBEAT_EVERY / 2);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tick.tick().await;
    for n in 1u64.. {
        tick.tick().await;
        let result = if n % 2 == 1 {
            shared.broker.prune_workers().await
        } else if registered {
            heartbeat(&shared).await
        } else {
            register(&shared).await
        };
        match result {
            Ok(()) => registered |= n % 2 == 0,
            Err(e) => tracing::warn!("heartbeat failed: {e}"),
        }
    }
}

/// Removes this worker's registration.
pub(super) async fn deregister(shared: &Shared) {
    if let Err(e) = shared.broker.unregister(&shared.id).await {
        tracing::warn!("cannot remove worker registration: {e}");
    }
}
