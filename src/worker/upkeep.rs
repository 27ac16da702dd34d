//! A worker's background duties: wake-ups, promotion of due jobs, recovery of
//! expired leases, renewal of its own leases, and its heartbeat.

use super::{DeliveryKey, HEARTBEAT_EVERY, HEARTBEAT_TTL, Running, Shared};
use crate::broker::{LeaseFate, LostLease, Tick};
use crate::error::Result;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;

/// Most jobs promoted or recovered per queue in one pass.
const UPKEEP_BATCH: usize = 1000;
/// How often a queue's leader does its due work: due jobs start at most
/// this late, and however many retries wait, this is all the calls they cost.
const TICK: Duration = Duration::from_millis(500);
/// A leader that stopped ticking (it died) is replaced after this long.
const LEAD_FOR: Duration = Duration::from_millis(1500);
/// How long one wait for a wake-up token blocks (also the connection check).
const WAIT_BLOCK: Duration = Duration::from_secs(1);
/// A full worker looks again this often whether it has a free slot to wait for work with.
const FULL_RECHECK: Duration = Duration::from_millis(20);
/// Pause before reconnecting a lost wake-up connection.
const RECONNECT_PAUSE: Duration = Duration::from_millis(100);
/// Pause after a wait for work failed for another reason than the connection.
const BROKEN_PAUSE: Duration = Duration::from_secs(1);

/// Waits for wake-up tokens of queue `index` on a connection of its own
/// and hands them to the claim loop, only while this worker has a free slot
/// (a full worker leaves tokens to idle ones). The block ends every
/// [`WAIT_BLOCK`], which also checks the connection: a dead one (killed,
/// or silently gone) is replaced within a few seconds.
pub(super) async fn wait_for_work(shared: Arc<Shared>, index: usize, slots: Arc<Semaphore>) {
    let q = &shared.queues[index];
    let mut waiter = None;
    let mut reported: Option<Instant> = None;
    loop {
        if slots.available_permits() == 0 {
            tokio::time::sleep(FULL_RECHECK).await;
            continue;
        }
        let w = match &mut waiter {
            Some(w) => w,
            None => match shared.broker.waiter(WAIT_BLOCK).await {
                Ok(w) => {
                    if reported.take().is_some() {
                        tracing::info!(queue = %q.name, "wake-up connection back");
                        // Work may have been announced while it was down.
                        shared.hint(index);
                    }
                    waiter.insert(w)
                }
                Err(e) => {
                    report_waiter(&mut reported, &q.name, &e);
                    tokio::time::sleep(RECONNECT_PAUSE).await;
                    continue;
                }
            },
        };
        match shared.broker.wait_for_work(w, q).await {
            Ok(true) if slots.available_permits() == 0 => {
                if let Err(e) = shared.broker.pass_wakeup(q).await {
                    tracing::debug!(queue = %q.name, "cannot pass the wake-up on: {e}");
                }
            }
            Ok(true) => shared.hint(index),
            Ok(false) => {}
            Err(e) => {
                report_waiter(&mut reported, &q.name, &e);
                // A lost connection is replaced at once; anything else (the
                // token key damaged by another tool, until a script moves it
                // aside) is waited out.
                let pause = if e.is_connection_error() {
                    RECONNECT_PAUSE
                } else {
                    BROKEN_PAUSE
                };
                waiter = None;
                tokio::time::sleep(pause).await;
            }
        }
    }
}

/// Logs a lost wake-up connection once per outage.
fn report_waiter(reported: &mut Option<Instant>, queue: &str, e: &crate::Error) {
    if reported.is_none() {
        tracing::warn!(queue, "wake-up connection lost, reconnecting: {e}");
        *reported = Some(Instant::now());
    }
}

/// Does each queue's due work (promote due jobs, recover expired leases,
/// trim the DLQ) every [`TICK`] if this worker leads the queue; one worker
/// leads each queue (the first to tick once the last leader's lead ran out),
/// the others only read how long the lead lasts, so N workers cost what one does.
pub(super) async fn maintain(shared: Arc<Shared>) {
    let mut follow_until: Vec<Option<Instant>> = vec![None; shared.queues.len()];
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        for (index, q) in shared.queues.iter().enumerate() {
            if !shared.health.usable(index) || follow_until[index].is_some_and(|t| Instant::now() < t) {
                continue;
            }
            if follow_until[index].is_some() {
                // A follower reads the lead (no script) and ticks only once it lapsed.
                match shared.broker.leader_ttl(q).await {
                    Ok(Some(left)) => {
                        follow_until[index] = Some(Instant::now() + left);
                        continue;
                    }
                    Ok(None) => {}
                    Err(e) => {
                        upkeep_failed(&shared, index, "reading the leader", &e);
                        continue;
                    }
                }
            }
            let ticked = shared
                .broker
                .tick(q, &shared.id, LEAD_FOR, shared.config.max_deliveries, UPKEEP_BATCH)
                .await;
            match ticked {
                Ok(Tick::Led {
                    promoted,
                    recovered,
                    buried,
                }) => {
                    follow_until[index] = None;
                    if recovered + buried > 0 {
                        tracing::warn!(queue = %q.name, requeued = recovered, poison = buried, "recovered jobs whose lease expired");
                    }
                    if promoted > 0 {
                        tracing::debug!(queue = %q.name, promoted, "due jobs moved to pending");
                    }
                }
                Ok(Tick::Follower { leader_for }) => follow_until[index] = Some(Instant::now() + leader_for),
                Err(e) => upkeep_failed(&shared, index, "tick", &e),
            }
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
