//! A worker's background duties: wake-ups, promotion of due jobs, recovery of
//! expired leases, renewal of its own leases, and its heartbeat.

use super::acker::Done;
use super::{DeliveryKey, HEARTBEAT_EVERY, HEARTBEAT_TTL, Running, Shared};
use crate::broker::keys::QueueKeys;
use crate::broker::{LeaseFate, LostLease, MAX_MORE, Tick, Wake};
use crate::error::Result;
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc};

/// Most jobs promoted or recovered per queue in one pass.
const UPKEEP_BATCH: usize = 1000;
/// How often a queue's leader does its due work: due jobs start at most
/// this late, and however many retries wait, this is all the calls they cost.
const TICK: Duration = Duration::from_millis(500);
/// A leader that stopped ticking (it died) is replaced after this long.
const LEAD_FOR: Duration = Duration::from_millis(1500);
/// How often a worker running jobs looks for cancellations.
const CANCEL_CHECK: Duration = Duration::from_millis(500);
/// Most running jobs a heartbeat lists.
const RUNNING_LISTED: usize = 200;
/// How long one wait for a wake-up token blocks (also the connection check).
const WAIT_BLOCK: Duration = Duration::from_secs(1);
/// How long a job handed to this worker waits for a slot before it goes back to its queue.
const SLOT_WAIT: Duration = Duration::from_millis(200);
/// How often a worker looks for new periodic jobs' schedules.
const CRON_CHECK: Duration = Duration::from_secs(1);
/// Pause before reconnecting a lost wake-up connection.
const RECONNECT_PAUSE: Duration = Duration::from_millis(100);
/// Pause after a wait for work failed for another reason than the connection.
const BROKEN_PAUSE: Duration = Duration::from_secs(1);

/// Waits, on a connection of its own, for queue `index` to need an idle
/// worker, only while this worker has a free slot (a full worker leaves the
/// work to idle ones). Usually what wakes it is a job already leased to it,
/// which it starts at once: one enqueue and one ack are all a job costs at
/// low rates. The block ends every [`WAIT_BLOCK`], which also checks the
/// connection: a dead one (killed, or silently gone) is replaced within a
/// few seconds. Once the worker stops, it finishes the wait in progress
/// (a job handed meanwhile goes back to its queue) and returns.
pub(super) async fn wait_for_work(
    shared: Arc<Shared>,
    index: usize,
    slots: Arc<Semaphore>,
    done: mpsc::UnboundedSender<Done>,
) {
    let q = &shared.queues[index];
    let mut stop = shared.stop.clone();
    let mut idle = shared.idle.subscribe();
    let mut waiter = None;
    let mut reported: Option<Instant> = None;
    while !*stop.borrow() {
        if !*idle.borrow_and_update() {
            tokio::select! {
                _ = idle.wait_for(|idle| *idle) => {}
                _ = stop.changed() => {}
            }
            continue;
        }
        if slots.available_permits() == 0 {
            // Wait for a slot to free (a job handed meanwhile waits in the
            // ready list for exactly this), not for a polling interval.
            tokio::select! {
                permit = slots.acquire() => drop(permit),
                _ = stop.changed() => {}
            }
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
            Ok(Wake::Handed { id, delivery }) => take_handed(&shared, index, &slots, &done, id, delivery).await,
            Ok(Wake::Claim) if slots.available_permits() == 0 || *stop.borrow() => {
                if let Err(e) = shared.broker.pass_wakeup(q).await {
                    tracing::debug!(queue = %q.name, "cannot pass the wake-up on: {e}");
                }
            }
            Ok(Wake::Claim) => shared.hint(index),
            Ok(Wake::Nothing) => {}
            Err(e) => {
                report_waiter(&mut reported, &q.name, &e);
                // A lost connection is replaced at once; anything else (the
                // ready key damaged by another tool, until a script moves it
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

/// Starts a job handed to this waiting worker, with the jobs of its queue
/// the same call leased to the worker's free slots, or hands them back to
/// their queue when the worker has no free slot after all or is stopping.
async fn take_handed(
    shared: &Arc<Shared>,
    index: usize,
    slots: &Arc<Semaphore>,
    done: &mpsc::UnboundedSender<Done>,
    id: Vec<u8>,
    delivery: u64,
) {
    let q = &shared.queues[index];
    let taken = Instant::now();
    // Free slots, taken now and not waited for: the first for the handed
    // job, the others for more jobs of its queue (a claim in progress holds
    // every free slot: then none, and the handed job waits for one below).
    let mut permits: Vec<OwnedSemaphorePermit> = (0..=MAX_MORE)
        .map_while(|_| slots.clone().try_acquire_owned().ok())
        .collect();
    let more = permits.len().saturating_sub(1);
    let handed = match shared
        .broker
        .take_handed(q, id.clone(), delivery, shared.config.lease, more)
        .await
    {
        Ok(Some(handed)) => handed,
        Ok(None) => return,
        Err(e) => {
            // A key damaged by another tool, say: handing it back moves such
            // keys aside; failing that, it returns when its lease runs out.
            tracing::warn!(queue = %q.name, "cannot read a job handed to this worker, handing it back: {e}");
            if let Ok(id) = String::from_utf8(id)
                && let Err(e) = shared.broker.release(q, &[(id, delivery)]).await
            {
                tracing::warn!(queue = %q.name, "cannot hand it back (it returns when its lease runs out): {e}");
            }
            return;
        }
    };
    let permit = match permits.pop() {
        Some(permit) => Some(permit),
        None => slot_for_handed(shared, slots).await,
    };
    // Only now: the hint starts a claim, which holds the free slots.
    if handed.more_pending || handed.malformed > 0 {
        shared.hint(index);
    }
    let permit = match permit {
        Some(permit) if !*shared.stop.borrow() => permit,
        _ => {
            let held: Vec<(String, u64)> = std::iter::once(&handed.delivery)
                .chain(&handed.more)
                .map(|d| (d.id.clone(), d.delivery))
                .collect();
            if let Err(e) = shared.broker.release(q, &held).await {
                tracing::warn!(queue = %q.name, jobs = held.len(), "cannot hand jobs back (they return when their leases run out): {e}");
            }
            return;
        }
    };
    let lease_until = taken + shared.config.lease;
    let started_ms = shared.broker.estimated_server_ms();
    super::claims::start(shared, index, handed.delivery, lease_until, started_ms, permit, done);
    // As many slots as the call leased jobs were held for them.
    for (d, permit) in handed.more.into_iter().zip(permits) {
        super::claims::start(shared, index, d, lease_until, started_ms, permit, done);
    }
}

/// A slot for a job handed to this worker: one free within [`SLOT_WAIT`],
/// or one a claim in progress leaves when it ends (the claim loop holds the
/// free slots while its claim runs, however long a loaded Redis takes).
/// None when every slot stays taken by running jobs: the job goes back.
async fn slot_for_handed(shared: &Shared, slots: &Arc<Semaphore>) -> Option<OwnedSemaphorePermit> {
    let mut claiming = shared.claiming.subscribe();
    let deadline = tokio::time::Instant::now() + SLOT_WAIT;
    loop {
        let claim_running = *claiming.borrow_and_update();
        tokio::select! {
            biased;
            permit = slots.clone().acquire_owned() => return permit.ok(),
            Ok(()) = claiming.changed() => {}
            _ = tokio::time::sleep_until(deadline), if !claim_running => return None,
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
            match tick_queue(&shared, q, LEAD_FOR).await {
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

/// A leaving worker ticks each queue it leads once more and gives up the
/// lead: what its last outcomes put over the retention limits (results,
/// dead records) is trimmed now, and the next worker (the next `--burst`
/// run) leads at once instead of waiting the lead out. A queue another
/// worker leads is left to that worker.
pub(super) async fn last_tick(shared: &Shared) {
    for (index, q) in shared.queues.iter().enumerate() {
        if !shared.health.usable(index) {
            continue;
        }
        if let Err(e) = tick_queue(shared, q, Duration::ZERO).await {
            tracing::debug!(queue = %q.name, "last upkeep tick failed: {e}");
        }
    }
}

/// One upkeep tick of queue `q` by this worker, taking the lead for `lead_for`.
async fn tick_queue(shared: &Shared, q: &QueueKeys, lead_for: Duration) -> Result<Tick> {
    let max_deliveries = shared.config.max_deliveries;
    shared
        .broker
        .tick(q, &shared.id, lead_for, max_deliveries, UPKEEP_BATCH)
        .await
}

/// Fires the periodic jobs of this worker's queues as their ticks come due
/// (`tq cron`). Every worker does, at the tick (plus a few ms of jitter so
/// racing workers rarely collide); the firing script lets one of them fire
/// each tick. Between ticks it costs one read per queue every [`CRON_CHECK`].
pub(super) async fn fire_schedules(shared: Arc<Shared>, durable: crate::broker::Broker) {
    loop {
        let wait = match next_schedule_in(&shared).await {
            Ok(wait) => wait,
            Err(e) => {
                tracing::debug!("reading periodic jobs failed: {e}");
                CRON_CHECK
            }
        };
        let jitter = Duration::from_millis(rand::random::<u64>() % 20);
        tokio::time::sleep(wait + jitter).await;
        if wait >= CRON_CHECK {
            continue;
        }
        match crate::cron::fire_due(&durable, &shared.queues).await {
            Ok(fired) if fired.is_empty() => {
                // Another worker fired it, or a schedule due cannot be fired
                // (unreadable): no ticking in a loop. Ticks are >= 1 s apart.
                tokio::time::sleep(CRON_CHECK).await;
            }
            Ok(fired) => {
                let confirmed = match durable.min_replicas() {
                    0 => Ok(()),
                    _ => durable.confirm_writes(&shared.queues.iter().collect::<Vec<_>>()).await,
                };
                if let Err(e) = confirmed {
                    tracing::warn!("periodic jobs enqueued but not confirmed by the replicas: {e}");
                }
                for f in fired {
                    match &f.job {
                        Some(job) if f.catch_up => {
                            tracing::info!(schedule = %f.name, queue = %f.queue, job = %job, "periodic job enqueued (one for the ticks missed)")
                        }
                        Some(job) => {
                            tracing::debug!(schedule = %f.name, queue = %f.queue, job = %job, "periodic job enqueued")
                        }
                        None => {
                            tracing::info!(schedule = %f.name, queue = %f.queue, "missed ticks skipped (--catch-up none)")
                        }
                    }
                }
            }
            Err(e) => tracing::warn!("firing periodic jobs failed: {e}"),
        }
    }
}

/// How long until the earliest schedule of this worker's queues is due (at most [`CRON_CHECK`]).
async fn next_schedule_in(shared: &Shared) -> Result<Duration> {
    let now = shared.broker.server_now_ms().await?;
    let mut wait = CRON_CHECK;
    for q in &shared.queues {
        if let Some(at) = shared.broker.cron_earliest(q).await? {
            wait = wait.min(Duration::from_millis(at.saturating_sub(now)));
        }
    }
    Ok(wait)
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

/// Kills the handlers of running jobs an operator cancelled (`tq cancel`),
/// checking every [`CANCEL_CHECK`] while this worker runs jobs (two reads per
/// queue, one when nothing is cancelled). The job then dies with reason `cancelled`.
pub(super) async fn watch_cancels(shared: Arc<Shared>) {
    loop {
        tokio::time::sleep(CANCEL_CHECK).await;
        let mut by_queue: HashMap<usize, Vec<DeliveryKey>> = HashMap::new();
        for (key, running) in shared.inflight().iter().filter(|(_, r)| r.stop.is_some()) {
            by_queue.entry(running.queue).or_default().push(key.clone());
        }
        for (queue, held) in by_queue {
            let q = &shared.queues[queue];
            let ids: Vec<&str> = held.iter().map(|(id, _)| id.as_str()).collect();
            match shared.broker.cancel_requested(q, &ids).await {
                Ok(marks) => {
                    let inflight = shared.inflight();
                    for (key, _) in held.iter().zip(marks).filter(|(_, m)| *m) {
                        // Said once: a served job may take a while to stop.
                        if let Some(stop) = inflight.get(key).and_then(|r| r.stop.as_ref())
                            && stop.send_if_modified(|s| {
                                let first = *s == super::handlers::Stop::No;
                                if first {
                                    *s = super::handlers::Stop::Cancelled;
                                }
                                first
                            })
                        {
                            tracing::info!(queue = %q.name, job = %key.0, "cancelled by an operator: stopping its handler");
                        }
                    }
                }
                Err(e) => tracing::debug!(queue = %q.name, "cannot read cancellations: {e}"),
            }
        }
    }
}

/// Stops and forgets a delivery whose lease is gone, saying what became of its job.
fn stop_lost(inflight: &mut HashMap<DeliveryKey, Running>, queue: &str, gone: &LostLease) {
    let Entry::Occupied(entry) = inflight.entry((gone.id.clone(), gone.delivery)) else {
        return;
    };
    // An outcome being recorded may itself have ended the lease: the
    // acker's recording tells.
    if entry.get().recording {
        return;
    }
    let running = entry.remove();
    if let Some(stop) = running.stop {
        stop.send_replace(super::handlers::Stop::LeaseLost);
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
    // The jobs it runs, for `tq jobs list`: "queue/id/delivery/ms run so far",
    // at most RUNNING_LISTED of them.
    let (active, running) = {
        let inflight = shared.inflight();
        let listed: Vec<String> = inflight
            .iter()
            .take(RUNNING_LISTED)
            .map(|((id, delivery), r)| {
                let queue = &shared.queues[r.queue].name;
                format!("{queue}/{id}/{delivery}/{}", r.started.elapsed().as_millis())
            })
            .collect();
        (inflight.len(), listed.join(","))
    };
    shared.metrics.set_running(active);
    let mut fields = vec![
        ("running", running),
        ("host", super::host_name()),
        ("pid", std::process::id().to_string()),
        ("queues", shared.config.queues.join(",")),
        ("concurrency", shared.config.concurrency.to_string()),
        ("active", active.to_string()),
        ("processed", shared.processed.load(Ordering::Relaxed).to_string()),
    ];
    if let Some(pool) = shared.handlers.served() {
        let processes = pool.processes();
        shared.metrics.set_served(&processes);
        fields.push(("served", serde_json::to_string(&processes).unwrap_or_default()));
    }
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
        let result = if n % 10 == 1 {
            // Every 10 s (for the whole fleet: see prune_queues).
            match shared.broker.prune_queues().await {
                Ok(pruned) if !pruned.is_empty() => {
                    tracing::info!(queues = %pruned.join(","), "forgot queues that hold nothing");
                    Ok(())
                }
                other => other.map(drop),
            }
        } else if n % 2 == 1 {
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
