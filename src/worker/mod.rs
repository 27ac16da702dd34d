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
mod claims;
pub(crate) mod handlers;
mod health;
pub(crate) mod metrics;
pub(crate) mod served;
mod upkeep;
pub(crate) mod weights;

use crate::broker::keys::{QueueKeys, validate_queue_name};
use crate::broker::{Broker, Retention};
use crate::error::{Error, Result};
use handlers::Handlers;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{Notify, Semaphore, mpsc, watch};

/// How long a worker's registration lives without a heartbeat.
pub(crate) const HEARTBEAT_TTL: Duration = Duration::from_secs(10);
/// How often a worker writes its heartbeat.
pub(crate) const HEARTBEAT_EVERY: Duration = Duration::from_secs(2);
/// A worker whose last heartbeat is older than this missed two beats: dead,
/// stopped (SIGSTOP) or cut off from Redis. `tq inspect` marks it stale until
/// live workers forget it, [`HEARTBEAT_TTL`] after its last heartbeat. (Its
/// jobs come back when their leases expire, whatever the registry says.)
pub(crate) const STALE_AFTER: Duration = Duration::from_secs(5);

/// How a worker runs.
#[derive(Debug, Clone)]
pub struct WorkerConfig {
    /// Queues in strict priority order (unless weighted).
    pub queues: Vec<String>,
    /// Weights of `queues` (`-Q high:6,default:3`); empty = strict priority.
    pub weights: Vec<u32>,
    /// Jobs run at once.
    pub concurrency: usize,
    /// Task name → command line.
    pub commands: HashMap<String, String>,
    /// Commands started as long-lived served processes (`--serve`).
    pub serve: Vec<String>,
    /// Recycle a served process after this many jobs.
    pub max_jobs_per_process: Option<u64>,
    /// Recycle a served process past this resident memory, bytes.
    pub max_rss_per_process: Option<u64>,
    /// How long a served process has to say `ready`.
    pub ready_timeout: Duration,
    /// tq's own environment variables handlers still get (see [`handlers::OWN_ENV`]).
    pub keep_env: Vec<String>,
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
    stop: Option<watch::Sender<handlers::Stop>>,
    /// When it started here (for `tq jobs list`: how long it has run).
    started: Instant,
    /// Its outcome is with the acker: a renewal that finds its lease gone
    /// leaves it to the acker, whose recording says whether it counted
    /// (it may be this very outcome that ended the lease).
    recording: bool,
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
    /// Notified after each batch of outcomes is recorded (their slots freed).
    jobs_ended: Notify,
    /// True while the claim loop found every queue empty and waits: only
    /// then do the waiters take jobs handed to idle workers (a claim loop
    /// at work takes them itself, in priority order).
    idle: watch::Sender<bool>,
    /// True while the claim loop holds the free slots for a claim in
    /// progress: a job handed to this worker meanwhile waits for the slots
    /// the claim does not fill.
    claiming: watch::Sender<bool>,
    /// Queues whose wake-up token this worker took since it last claimed.
    hints: Mutex<Vec<bool>>,
    /// Per queue: when a flow limit's wait ends and the queue is hinted.
    wake_at: Mutex<Vec<Option<Instant>>>,
    stop: watch::Receiver<bool>,
    abort: watch::Receiver<bool>,
    metrics: Arc<metrics::WorkerMetrics>,
    /// Weighted queues' round-robin, if `-Q` gave weights.
    weights: Option<weights::Weights>,
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

    /// Hints queue `index` after `wait` (a flow limit's window reopens then),
    /// unless a hint for it is due sooner already.
    fn wake_after(self: &Arc<Self>, index: usize, wait: Duration) {
        let due = Instant::now() + wait;
        {
            let mut at = self.wake_at.lock().unwrap_or_else(|p| p.into_inner());
            match at.get_mut(index) {
                Some(Some(t)) if *t <= due && *t > Instant::now() => return,
                Some(slot) => *slot = Some(due),
                None => return,
            }
        }
        let shared = self.clone();
        tokio::spawn(async move {
            tokio::time::sleep_until(due.into()).await;
            if let Some(slot) = shared.wake_at.lock().unwrap_or_else(|p| p.into_inner()).get_mut(index)
                && *slot == Some(due)
            {
                *slot = None;
            }
            shared.hint(index);
        });
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
        if !config.weights.is_empty() && config.weights.len() != config.queues.len() {
            return Err(Error::InvalidInput("one weight per queue".into()));
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
        let wake_at = Mutex::new(vec![None; queues.len()]);
        let broker = broker.with_retention(config.retention);
        let mut handlers = Handlers::new(config.commands.clone(), &config.keep_env);
        let pool = (!config.serve.is_empty()).then(|| {
            Arc::new(served::Pool::new(
                broker.clone(),
                served::PoolConfig {
                    commands: config.serve.clone(),
                    concurrency: config.concurrency,
                    max_jobs: config.max_jobs_per_process,
                    max_rss: config.max_rss_per_process,
                    ready_timeout: config.ready_timeout,
                    withheld: handlers.withheld().to_vec(),
                },
            ))
        });
        if let Some(pool) = pool {
            handlers = handlers.with_served(pool);
        }
        let shared = Shared {
            health,
            id: format!("{}-{}-{:04x}", host_name(), std::process::id(), rand::random::<u16>()),
            handlers,
            weights: (!config.weights.is_empty()).then(|| weights::Weights::new(&config.weights)),
            broker,
            config,
            queues,
            inflight: Mutex::new(HashMap::new()),
            processed: AtomicU64::new(0),
            claim_wake: Notify::new(),
            jobs_ended: Notify::new(),
            idle: watch::Sender::new(false),
            claiming: watch::Sender::new(false),
            hints,
            wake_at,
            stop,
            abort,
            metrics: Arc::new(metrics::WorkerMetrics::default()),
        };
        Ok(Worker {
            shared: Arc::new(shared),
            handle: StopHandle {
                stop: Arc::new(stop_tx),
                abort: Arc::new(abort_tx),
            },
        })
    }

    /// This worker's metrics, to serve (`--metrics-listen`).
    pub fn metrics(&self) -> Arc<metrics::WorkerMetrics> {
        self.shared.metrics.clone()
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
        if let Some(pool) = shared.handlers.served() {
            pool.start();
            // Deadlines sent to the processes are on the server clock.
            if let Err(e) = shared.broker.sync_clock().await {
                tracing::debug!("cannot read the server clock: {e}");
            }
            // Register and claim once the processes said what they serve (a job
            // for a task not announced yet would wait for them anyway).
            pool.wait_ready(shared.config.ready_timeout).await;
        }
        // Registering writes to Redis, which a Redis at its memory limit (or
        // a read-only replica) refuses: then the worker drains anyway (which
        // frees memory) and registers on a later heartbeat.
        if let Err(e) = upkeep::register(&shared).await {
            if e.is_connection_error() {
                return Err(e);
            }
            tracing::warn!("cannot register this worker yet, draining anyway: {e}");
        }
        // Outcomes and periodic jobs wait for replicas (--min-replicas) on a
        // connection of their own: a WAIT holds up its connection.
        let durable = if shared.broker.min_replicas() > 0 {
            shared.broker.with_own_connection().await?
        } else {
            shared.broker.clone()
        };
        let slots = Arc::new(Semaphore::new(shared.config.concurrency));
        let mut background = vec![
            tokio::spawn(upkeep::maintain(shared.clone())),
            tokio::spawn(upkeep::renew_leases(shared.clone())),
            tokio::spawn(upkeep::heartbeats(shared.clone())),
            tokio::spawn(upkeep::watch_cancels(shared.clone())),
        ];
        // A --burst worker drains and leaves; periodic jobs are for workers that stay.
        if !shared.config.burst {
            background.push(tokio::spawn(upkeep::fire_schedules(shared.clone(), durable.clone())));
        }
        let (done_tx, done_rx) = mpsc::unbounded_channel();
        let acker = tokio::spawn(acker::run(shared.clone(), durable, done_rx));
        let waiters: Vec<_> = (0..shared.queues.len())
            .map(|index| {
                tokio::spawn(upkeep::wait_for_work(
                    shared.clone(),
                    index,
                    slots.clone(),
                    done_tx.clone(),
                ))
            })
            .collect();
        tracing::info!(worker = %shared.id, queues = ?shared.config.queues, concurrency = shared.config.concurrency, "worker started");

        claims::claim_loop(&shared, &slots, &done_tx).await;
        // Waiters end their wait in progress (at most a second), so no job
        // handed to this worker in that instant is left under a lease.
        self.handle.stop();
        for waiter in waiters {
            let _ = waiter.await;
        }
        drop(done_tx);
        drain(&shared, &slots, &self.handle).await;
        let _ = acker.await;
        if let Some(pool) = shared.handlers.served() {
            pool.shutdown().await;
        }
        self.handle.stop();
        for task in background {
            task.abort();
        }
        upkeep::last_tick(&shared).await;
        upkeep::deregister(&shared).await;
        let processed = shared.processed.load(Ordering::Relaxed);
        tracing::info!(worker = %shared.id, processed, "worker stopped");
        Ok(Summary { processed })
    }
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
