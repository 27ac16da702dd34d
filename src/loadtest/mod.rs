//! `tq load-test`: submit N jobs, let real workers drain them, and prove from
//! the jobs' own records that none was lost, with latency histograms.

pub(crate) mod report;
pub(crate) mod submit;
pub(crate) mod workers;

use crate::broker::{Broker, RedisTarget};
use crate::error::{Error, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use report::{Collected, RedisInfo, Report, RunFacts};
use serde_json::value::RawValue;
use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};
use workers::{WorkerPool, WorkerSpec};

/// How a load test runs.
#[derive(Debug, Clone)]
pub(crate) struct LoadTestConfig {
    /// Jobs to submit.
    pub jobs: usize,
    /// Queues and their weights, highest priority first.
    pub mix: Vec<(String, u32)>,
    /// Task of every job.
    pub task: String,
    /// Args of every job (already padded).
    pub args: Box<RawValue>,
    /// Worker processes to start (ignored with external workers or submit-only).
    pub workers: usize,
    /// `-c` of each started worker.
    pub concurrency: usize,
    /// Commands the workers serve (`tq worker --serve`).
    pub serve: Vec<String>,
    /// Lease of each started worker.
    pub lease: Duration,
    /// Jobs per enqueue call.
    pub batch: usize,
    /// Jobs per second to submit at (open loop); `None` = as fast as possible.
    pub rate: Option<f64>,
    /// Only submit; leave the jobs for workers started later.
    pub submit_only: bool,
    /// Use workers that are already running instead of starting some.
    pub external_workers: bool,
    /// Give up waiting for the drain after this long.
    pub timeout: Duration,
    /// SIGKILL a random worker this often (and start a replacement).
    pub chaos_kill_every: Option<Duration>,
    /// Where to write the HdrHistogram interval log.
    pub hdr_out: Option<PathBuf>,
    /// Show progress bars (only drawn on a terminal).
    pub progress: bool,
    /// The `tq` binary to start workers from.
    pub worker_exe: PathBuf,
    /// True if tq spawned the Redis it runs against.
    pub redis_spawned: bool,
    /// Fairness keys the jobs take in turn (0: none).
    pub keys: usize,
    /// Flow limits set on every queue before the run.
    pub limits: Option<crate::broker::LimitChange>,
    /// `--min-replicas` and `--replica-timeout`: for the submission and the workers.
    pub min_replicas: (u32, Duration),
}

/// What a run ended with.
pub(crate) enum Outcome {
    /// Only submission ran.
    Submitted {
        /// Jobs accepted.
        submitted: u64,
        /// Seconds it took.
        seconds: f64,
        /// The prefix and queues the jobs wait under.
        prefix: String,
    },
    /// The whole run, with its report.
    Drained(Box<Report>),
}

/// Runs a load test against `target`. With its own workers it uses a fresh
/// key prefix under `prefix` and deletes everything under it afterwards.
pub(crate) async fn run(target: &RedisTarget, prefix: &str, config: &LoadTestConfig) -> Result<Outcome> {
    let own_workers = !config.submit_only && !config.external_workers;
    let run_prefix = if own_workers {
        format!("{prefix}-load-{}", &crate::job::new_job_id()[16..])
    } else {
        prefix.to_string()
    };
    let broker = Broker::connect(target, &run_prefix)
        .await?
        .with_min_replicas(config.min_replicas.0, config.min_replicas.1);
    if !config.redis_spawned {
        let cleanup = if own_workers {
            "; its keys are deleted when the run ends"
        } else {
            ""
        };
        eprintln!(
            "tq: load test on the Redis at {} under key prefix {run_prefix}{cleanup}",
            crate::broker::display_url(&target.url)
        );
    }
    let queues: Vec<String> = config.mix.iter().map(|(q, _)| q.clone()).collect();
    for q in &queues {
        crate::broker::keys::validate_queue_name(q).map_err(Error::InvalidInput)?;
        broker.register_queue(q).await?;
        if let Some(limits) = &config.limits {
            broker.set_limits(&broker.queue(q), true, limits).await?;
        }
    }
    // Ctrl-C stops the run: its workers die with it (kill_on_drop), its keys
    // are deleted below, and a private Redis stops when the caller drops it.
    let result = tokio::select! {
        result = run_with(&broker, target, &queues, config, own_workers) => result,
        _ = tokio::signal::ctrl_c() => Err(Error::Interrupted(format!(
            "interrupted: the load test stopped{}",
            if own_workers { " and its workers and keys are gone" } else { "" }
        ))),
    };
    if own_workers && let Err(e) = broker.delete_all_keys().await {
        tracing::warn!("could not delete the run's keys under {run_prefix}: {e}");
    }
    result
}

async fn run_with(
    broker: &Broker,
    target: &RedisTarget,
    queues: &[String],
    config: &LoadTestConfig,
    own_workers: bool,
) -> Result<Outcome> {
    let pool = if own_workers {
        let spec = WorkerSpec {
            exe: config.worker_exe.clone(),
            url: target.url.clone(),
            prefix: broker.prefix().to_string(),
            queues: queues.to_vec(),
            concurrency: config.concurrency,
            lease: config.lease,
            serve: config.serve.clone(),
            min_replicas: broker.replica_wait(),
        };
        let pool = WorkerPool::start(spec, config.workers)?;
        wait_for_workers(broker, config.workers).await?;
        Some(Arc::new(tokio::sync::Mutex::new(pool)))
    } else {
        None
    };
    let chaos = match (&pool, config.chaos_kill_every) {
        (Some(pool), Some(every)) => Some(workers::chaos(pool.clone(), every)),
        _ => None,
    };

    let bars = indicatif::MultiProgress::with_draw_target(if config.progress {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    });
    let style = ProgressStyle::with_template("{prefix:>8} [{bar:40}] {pos}/{len} {per_sec} eta {eta}")
        .map_err(|e| Error::Failed(e.to_string()))?
        .progress_chars("=> ");
    let submit_bar = bars.add(
        ProgressBar::new(config.jobs as u64)
            .with_style(style.clone())
            .with_prefix("submit"),
    );
    let order = submit::plan(config.jobs, &config.mix.iter().map(|(_, w)| *w).collect::<Vec<_>>());
    // Unknown (0) where INFO is not allowed (a managed Redis, say).
    let cpu_before = broker.cpu_seconds().await.ok();
    let template = submit::JobTemplate {
        task: config.task.clone(),
        args: config.args.clone(),
        keys: config.keys,
    };
    let submitted = submit::submit(
        broker,
        queues,
        &order,
        &template,
        config.batch,
        config.rate,
        &submit_bar,
    )
    .await?;
    submit_bar.finish();
    let total: u64 = submitted.ids.iter().map(|s| s.len() as u64).sum();
    if config.submit_only {
        return Ok(Outcome::Submitted {
            submitted: total,
            seconds: submitted.elapsed.as_secs_f64(),
            prefix: broker.prefix().to_string(),
        });
    }

    let drain_bar = bars.add(ProgressBar::new(total).with_style(style).with_prefix("drain"));
    // Without chaos, workers that all exited will not come back: stop waiting then.
    let watched = pool.as_ref().filter(|_| config.chaos_kill_every.is_none());
    wait_for_drain(broker, queues, total, config.timeout, &drain_bar, watched).await?;
    let cpu_after = broker.cpu_seconds().await.ok();
    drain_bar.finish();
    if let Some(chaos) = chaos {
        chaos.abort();
    }
    let (workers, kills) = match &pool {
        Some(pool) => {
            let mut pool = pool.lock().await;
            pool.stop(Duration::from_secs(10)).await;
            (config.workers as u64, pool.kills)
        }
        None => (0, 0),
    };
    let collected = collect(broker, queues, submitted.ids, submitted.unconfirmed).await?;
    let facts = RunFacts {
        queues: queues.to_vec(),
        jobs: config.jobs as u64,
        submit_seconds: submitted.elapsed.as_secs_f64(),
        submit_lag: submitted.lag,
        workers,
        concurrency: config.concurrency as u64,
        chaos_kills: kills,
        redis_cpu_us: match (cpu_before, cpu_after) {
            (Some(before), Some(after)) => (after - before).max(0.0) * 1e6,
            _ => 0.0,
        },
        redis: RedisInfo {
            version: broker.redis_version().await.unwrap_or_default(),
            spawned: config.redis_spawned,
            mode: if broker.is_cluster() { "cluster" } else { "single" }.into(),
        },
    };
    let report = Report::build(facts, &collected);
    if let Some(path) = &config.hdr_out {
        report
            .write_hdr_log(path)
            .map_err(|e| Error::Failed(format!("cannot write --hdr-out {}: {e}", path.display())))?;
    }
    Ok(Outcome::Drained(Box::new(report)))
}

/// Waits until `n` workers have registered (they are ready to claim).
async fn wait_for_workers(broker: &Broker, n: usize) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        if broker.live_workers().await?.len() >= n {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(Error::Failed(format!(
                "the {n} worker processes did not start within 15 s"
            )));
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Waits until every submitted job succeeded or died, or nothing is left
/// that could still run (pending, active, scheduled all empty: the rest is
/// lost), or `timeout` passes.
async fn wait_for_drain(
    broker: &Broker,
    queues: &[String],
    total: u64,
    timeout: Duration,
    bar: &ProgressBar,
    workers: Option<&Arc<tokio::sync::Mutex<WorkerPool>>>,
) -> Result<()> {
    let deadline = Instant::now() + timeout;
    let mut idle_checks = 0;
    loop {
        if let Some(pool) = workers
            && pool.lock().await.all_exited()
        {
            tracing::warn!(
                "every worker of the load test exited (see their errors above): stopped waiting for the drain"
            );
            return Ok(());
        }
        // A failover or a slot migration makes Redis unreachable for a
        // moment: look again rather than end the run.
        let stats = match broker.queue_counts(queues).await {
            Ok(stats) => stats,
            Err(e) if Instant::now() < deadline => {
                tracing::warn!("cannot read queue depths, retrying: {e}");
                tokio::time::sleep(Duration::from_millis(200)).await;
                continue;
            }
            Err(e) => return Err(e),
        };
        let finished: u64 = stats
            .iter()
            .map(|s| s.processed.saturating_sub(s.failed) + s.dead)
            .sum();
        bar.set_position(finished.min(total));
        let idle = stats
            .iter()
            .all(|s| s.error.is_none() && s.pending == 0 && s.active == 0 && s.scheduled == 0 && s.retrying == 0);
        // The counters can run ahead of the jobs after a failover (a job
        // counted on the old master runs again on the new one): done when
        // they say so and nothing is left to run.
        if finished >= total && idle {
            return Ok(());
        }
        idle_checks = if idle { idle_checks + 1 } else { 0 };
        if idle_checks >= 3 {
            tracing::warn!("queues are empty but {} jobs are unaccounted for", total - finished);
            return Ok(());
        }
        if Instant::now() > deadline {
            tracing::warn!("--timeout reached with {} of {total} jobs finished", finished);
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Reads back every success record and dead id of the run's queues.
async fn collect(
    broker: &Broker,
    queues: &[String],
    submitted: Vec<HashSet<String>>,
    unconfirmed: HashSet<String>,
) -> Result<Collected> {
    let mut results = Vec::new();
    let mut dead = Vec::new();
    for name in queues {
        results.push(broker.results(name).await?);
        dead.push(broker.dead_ids(name).await?.into_iter().collect());
    }
    Ok(Collected {
        submitted,
        unconfirmed,
        results,
        dead,
    })
}
