//! The worker: claims jobs in strict priority order, runs them under a lease,
//! records every outcome, and stops without losing a job.
//!
//! Tasks inside one worker process:
//! - the claim loop (this file) takes as many jobs as there are free slots,
//!   from the first non-empty queue in priority order, then waits for a
//!   wake-up token (one per queue, taken by one idle worker: no herd);
//! - the acker ([`acker`]) batches outcomes into one script call per queue;
//! - upkeep ([`upkeep`]) promotes due retries, recovers expired leases,
//!   renews this worker's leases, heartbeats, and waits for wake-up tokens.

mod acker;
pub mod handlers;
mod health;
mod upkeep;

use crate::broker::keys::{QueueKeys, validate_queue_name};
use crate::broker::{Broker, Delivery, Retention};
use crate::error::{Error, Result};
use crate::job::{JobMessage, now_us};
use acker::Done;
use handlers::{Attempt, Failure, Handler, Handlers, Outcome};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore, mpsc, watch};

/// How long a worker's registration lives without a heartbeat.
pub const HEARTBEAT_TTL: Duration = Duration::from_secs(10);
/// How often a worker writes its heartbeat.
pub const HEARTBEAT_EVERY: Duration = Duration::from_secs(2);
/// A worker whose last heartbeat is older than this is dead: live workers
/// prune it from the registry (every half heartbeat period), so a SIGKILLed
/// worker is gone within two periods.
pub const LIVE_CUTOFF: Duration = Duration::from_millis(2500);
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

/// How a worker runs.
#[derive(Debug, Clone)]
pub struct WorkerConfig {
    /// Queues in strict priority order.
    pub queues: Vec<String>,
    /// Jobs run at once.
    pub concurrency: usize,
    /// Task name → command line.
    pub commands: HashMap<String, String>,
    /// Exit once the queues have nothing pending, active or waiting to retry.
    pub burst: bool,
    /// How long a claim holds a job before another worker may take it back.
    pub lease: Duration,
    /// How long a stopping worker lets running jobs finish before handing them back.
    pub grace: Duration,
    /// Deliveries without an outcome after which a job is buried as poison.
    pub max_deliveries: u32,
    /// How long results are kept.
    pub result_ttl: Duration,
    /// How many results and dead records each queue keeps, and for how long.
    pub retention: Retention,
}

/// Signals a running worker to stop.
#[derive(Clone)]
pub struct StopHandle {
    stop: Arc<watch::Sender<bool>>,
    abort: Arc<watch::Sender<bool>>,
}

impl StopHandle {
    /// Stop claiming; running jobs get the grace period to finish.
    pub fn stop(&self) {
        self.stop.send_replace(true);
    }

    /// Stop now: running jobs are killed and handed back to their queues.
    pub fn abort(&self) {
        self.stop.send_replace(true);
        self.abort.send_replace(true);
    }
}

/// What a finished worker run did.
#[derive(Debug, Clone, Copy)]
pub struct Summary {
    /// Jobs whose outcome this worker recorded.
    pub processed: u64,
}

/// One delivery this worker holds a lease for and has not recorded yet.
struct Running {
    /// Index of its queue in [`Shared::queues`].
    queue: usize,
    /// When its lease runs out by this machine's monotonic clock: the claim
    /// or last renewal started before then, so the server's deadline is later.
    lease_until: Instant,
    /// Stops its handler when the lease turns out to be lost (none for jobs
    /// that do not run on their own task).
    stop: Option<watch::Sender<bool>>,
}

/// A delivery: job id and delivery number. The worker keeps its books per
/// delivery, never per job id, since one job may be delivered to it twice.
type DeliveryKey = (String, u64);

/// State shared by the worker's tasks.
struct Shared {
    broker: Broker,
    id: String,
    config: WorkerConfig,
    queues: Vec<QueueKeys>,
    handlers: Handlers,
    /// Deliveries leased and not yet recorded, whose leases upkeep renews.
    inflight: Mutex<HashMap<DeliveryKey, Running>>,
    /// Queues skipped for now because their scripts keep failing.
    health: health::Health,
    processed: AtomicU64,
    claim_wake: Notify,
    /// Queues whose wake-up token this worker took since it last claimed.
    hints: Mutex<Vec<bool>>,
    stop: watch::Receiver<bool>,
    abort: watch::Receiver<bool>,
}

impl Shared {
    fn inflight(&self) -> std::sync::MutexGuard<'_, HashMap<DeliveryKey, Running>> {
        self.inflight.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Work became pending on queue `index`: claim from it.
    fn hint(&self, index: usize) {
        if let Some(h) = self.hints.lock().unwrap_or_else(|p| p.into_inner()).get_mut(index) {
            *h = true;
        }
        self.claim_wake.notify_one();
    }

    /// The queues hinted since the last call (cleared), or None if none was.
    fn take_hints(&self) -> Option<Vec<bool>> {
        let mut hints = self.hints.lock().unwrap_or_else(|p| p.into_inner());
        if !hints.iter().any(|h| *h) {
            return None;
        }
        let taken = hints.clone();
        hints.iter_mut().for_each(|h| *h = false);
        Some(taken)
    }
}

/// A worker ready to run.
pub struct Worker {
    shared: Arc<Shared>,
    handle: StopHandle,
}

impl Worker {
    /// Validates `config` and prepares a worker on `broker`.
    pub fn new(broker: Broker, config: WorkerConfig) -> Result<Self> {
        if config.queues.is_empty() {
            return Err(Error::InvalidInput("no queues given: use -Q high,default,low".into()));
        }
        for q in &config.queues {
            validate_queue_name(q).map_err(Error::InvalidInput)?;
        }
        if config.concurrency == 0 {
            return Err(Error::InvalidInput("-c must be at least 1".into()));
        }
        if config.lease < Duration::from_millis(300) {
            return Err(Error::InvalidInput("--lease must be at least 300ms".into()));
        }
        let (stop_tx, stop) = watch::channel(false);
        let (abort_tx, abort) = watch::channel(false);
        let queues: Vec<QueueKeys> = config.queues.iter().map(|q| broker.queue(q)).collect();
        let health = health::Health::new(queues.len());
        let hints = Mutex::new(vec![false; queues.len()]);
        let broker = broker.with_retention(config.retention);
        let shared = Shared {
            health,
            id: format!("{}-{}-{:04x}", host_name(), std::process::id(), rand::random::<u16>()),
            handlers: Handlers::new(config.commands.clone()),
            broker,
            config,
            queues,
            inflight: Mutex::new(HashMap::new()),
            processed: AtomicU64::new(0),
            claim_wake: Notify::new(),
            hints,
            stop,
            abort,
        };
        Ok(Worker {
            shared: Arc::new(shared),
            handle: StopHandle {
                stop: Arc::new(stop_tx),
                abort: Arc::new(abort_tx),
            },
        })
    }

    /// This worker's id (host-pid-random), as `inspect` lists it.
    pub fn id(&self) -> &str {
        &self.shared.id
    }

    /// A handle that stops this worker from another task (e.g. a signal handler).
    pub fn stop_handle(&self) -> StopHandle {
        self.handle.clone()
    }

    /// Runs until stopped (or, with `burst`, until the queues are drained).
    pub async fn run(self) -> Result<Summary> {
        let shared = self.shared;
        // Registering writes to Redis, which a Redis at its memory limit (or
        // a read-only replica) refuses: then the worker drains anyway (which
        // frees memory) and registers on a later heartbeat.
        if let Err(e) = upkeep::register(&shared).await {
            if e.is_connection_error() {
                return Err(e);
            }
            tracing::warn!("cannot register this worker yet, draining anyway: {e}");
        }
        let slots = Arc::new(Semaphore::new(shared.config.concurrency));
        let mut background = vec![
            tokio::spawn(upkeep::maintain(shared.clone())),
            tokio::spawn(upkeep::renew_leases(shared.clone())),
            tokio::spawn(upkeep::heartbeats(shared.clone())),
        ];
        for index in 0..shared.queues.len() {
            background.push(tokio::spawn(upkeep::wait_for_work(
                shared.clone(),
                index,
                slots.clone(),
            )));
        }
        let (done_tx, done_rx) = mpsc::unbounded_channel();
        let acker = tokio::spawn(acker::run(shared.clone(), done_rx));
        tracing::info!(worker = %shared.id, queues = ?shared.config.queues, concurrency = shared.config.concurrency, "worker started");

        claim_loop(&shared, &slots, &done_tx).await;
        drop(done_tx);
        drain(&shared, &slots, &self.handle).await;
        let _ = acker.await;
        self.handle.stop();
        for task in background {
            task.abort();
        }
        upkeep::deregister(&shared).await;
        let processed = shared.processed.load(Ordering::Relaxed);
        tracing::info!(worker = %shared.id, processed, "worker stopped");
        Ok(Summary { processed })
    }
}

/// Claims and starts jobs until told to stop (or the burst is over).
async fn claim_loop(shared: &Arc<Shared>, slots: &Arc<Semaphore>, done: &mpsc::UnboundedSender<Done>) {
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
        let free = slots.available_permits().min(MAX_CLAIM);
        // Woken by tokens, claim only where work was announced: one claim
        // call per job at low rates. With a backlog, or on the safety-net
        // recheck, walk every queue in priority order.
        let hints = shared.take_hints().filter(|_| !backlog);
        let claimed = match claim(shared, free, hints.as_deref()).await {
            Ok(claimed) => claimed,
            Err(e) => {
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
        for (queue, delivery, lease_until) in claimed {
            match slots.clone().try_acquire_owned() {
                Ok(permit) => start(shared, queue, delivery, lease_until, permit, done),
                Err(_) => tracing::error!(
                    "claimed more jobs than free slots; the lease will return {}",
                    delivery.id
                ),
            }
        }
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
            tokio::select! {
                _ = shared.claim_wake.notified() => {}
                _ = tokio::time::sleep(recheck) => {}
                all = slots.acquire_many(concurrency as u32), if shared.config.burst && own_running => drop(all),
                _ = stop.changed() => {}
            }
            continue;
        }
    }
}

/// Takes up to `want` jobs, walking the queues in priority order: each with
/// its queue index and when its lease runs out (monotonic clock). The second
/// value counts malformed entries moved to the DLQ instead (they took no slot).
async fn claim(shared: &Shared, want: usize, only: Option<&[bool]>) -> Result<(Vec<(usize, Delivery, Instant)>, u64)> {
    let mut out = Vec::new();
    let mut malformed = 0;
    for (index, q) in shared.queues.iter().enumerate() {
        let left = want - out.len();
        if left == 0 {
            break;
        }
        if !shared.health.usable(index) || only.is_some_and(|o| !o.get(index).copied().unwrap_or(false)) {
            continue;
        }
        let lease_until = Instant::now() + shared.config.lease;
        let (got, bad) = match shared.broker.claim(q, shared.config.lease, left).await {
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
        malformed += bad;
        out.extend(got.into_iter().map(|d| (index, d, lease_until)));
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
fn start(
    shared: &Arc<Shared>,
    queue: usize,
    d: Delivery,
    lease_until: Instant,
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
        _permit: permit,
    };
    let decoded = if d.msg.len() > MAX_MESSAGE_BYTES {
        Err(format!(
            "job message is {} bytes, over the {MAX_MESSAGE_BYTES}-byte limit (written by another tool?)",
            d.msg.len()
        ))
    } else {
        serde_json::from_slice::<JobMessage>(&d.msg).map_err(|e| format!("job message is not a valid tq job: {e}"))
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
        Some(Handler::Command(_)) => None,
    };
    if let Some(outcome) = instant {
        let _ = done.send(finish(Some(msg), outcome, false));
        return;
    }
    // Only jobs that take time need their lease renewed (and handing back on
    // a stop); instant ones are acked within the same batch.
    let (stop, lost) = watch::channel(false);
    let running = Running {
        queue,
        lease_until,
        stop: Some(stop),
    };
    shared.inflight().insert((id, delivery), running);
    let shared = shared.clone();
    let done = done.clone();
    tokio::spawn(async move {
        let attempt = Attempt {
            msg: &msg,
            attempt: d.attempts + 1,
        };
        let outcome = match shared.handlers.lookup(&msg.task) {
            Some(handler) => handlers::run(handler, attempt, shared.abort.clone(), lost).await,
            None => Outcome::Failure(Failure::fatal("no handler", "handler disappeared")),
        };
        let _ = done.send(finish(Some(msg), outcome, true));
    });
}

/// Waits for running jobs to finish; after the grace period (or an abort), kills them.
async fn drain(shared: &Shared, slots: &Arc<Semaphore>, handle: &StopHandle) {
    let all = shared.config.concurrency as u32;
    let mut abort = shared.abort.clone();
    let running = shared.config.concurrency - slots.available_permits();
    if running > 0 {
        tracing::info!(running, grace = %humantime::format_duration(shared.config.grace), "waiting for running jobs");
    }
    tokio::select! {
        _ = slots.acquire_many(all) => return,
        _ = tokio::time::sleep(shared.config.grace) => {
            tracing::warn!("grace period over: handing running jobs back to their queues");
        }
        _ = abort.wait_for(|a| *a) => {}
    }
    handle.abort();
    let _ = slots.acquire_many(all).await;
}

async fn pause(stop: &mut watch::Receiver<bool>, how_long: Duration) {
    tokio::select! {
        _ = tokio::time::sleep(how_long) => {}
        _ = stop.changed() => {}
    }
}

fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".into())
}
