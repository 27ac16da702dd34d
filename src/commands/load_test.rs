//! `tq load-test`: flags → [`crate::loadtest`], then the report for people or scripts.

use super::{Context, print_json};
use crate::cli::LoadTestArgs;
use crate::client::parse_args;
use crate::error::{Error, Result};
use crate::loadtest::report::{Latency, Percentiles, Report};
use crate::loadtest::{self, LoadTestConfig, Outcome};
use crate::spawn::{SpawnedCluster, SpawnedRedis, something_listens};

/// The private Redis a run started, kept alive until the run ends.
enum Spawned {
    Single(SpawnedRedis),
    Cluster(SpawnedCluster),
}

impl Spawned {
    fn url(&self) -> String {
        match self {
            Spawned::Single(r) => r.url(),
            Spawned::Cluster(c) => c.url(),
        }
    }
}
use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};
use serde_json::value::RawValue;

/// Runs `tq load-test`.
pub(crate) async fn run(ctx: &Context, args: LoadTestArgs) -> Result<()> {
    let config_args = padded_args(&args.args, args.payload_bytes)?;
    let mix = parse_mix(&args.mix)?;
    let cpus = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    // Served processes are real processes: one per CPU, in one worker, unless told.
    let served = !args.serve.is_empty();
    let concurrency = args.concurrency.unwrap_or(if served { cpus } else { 1024 });
    if args.jobs == 0 || args.batch == 0 || concurrency == 0 {
        return Err(Error::InvalidInput("--jobs, --batch and -c must be at least 1".into()));
    }
    if args.rate.is_some_and(|r| r.is_nan() || r <= 0.0) {
        return Err(Error::InvalidInput(
            "--rate must be a positive number of jobs per second".into(),
        ));
    }
    let spawn = args.spawn_redis || (!ctx.target.explicit && !something_listens(&ctx.target.url));
    let spawned = match (spawn, args.cluster) {
        (true, Some(masters)) => {
            let cluster = SpawnedCluster::start(masters)?;
            eprintln!(
                "tq: started a private {masters}-master Redis Cluster at {} for this run; it stops when the run ends",
                cluster.url()
            );
            Some(Spawned::Cluster(cluster))
        }
        (true, None) => {
            let redis = SpawnedRedis::start()?;
            eprintln!(
                "tq: started a private redis-server at {} for this run; it stops when the run ends",
                redis.url()
            );
            Some(Spawned::Single(redis))
        }
        (false, _) => None,
    };
    let mut target = ctx.target.clone();
    if let Some(redis) = &spawned {
        target.url = redis.url();
        target.explicit = true;
    }
    let workers = args.workers.unwrap_or(if served { 1 } else { cpus });
    let config = LoadTestConfig {
        jobs: args.jobs,
        mix,
        task: args.task.clone(),
        args: config_args,
        workers,
        concurrency,
        serve: args.serve.clone(),
        lease: args.lease,
        batch: args.batch,
        rate: args.rate,
        submit_only: args.submit_only,
        external_workers: args.external_workers,
        timeout: args.timeout,
        chaos_kill_every: args.chaos_kill_every,
        hdr_out: args.hdr_out.clone(),
        progress: !args.no_progress && !ctx.json,
        worker_exe: std::env::current_exe()?,
        redis_spawned: spawned.is_some(),
        keys: args.keys,
        limits: args.limits,
        min_replicas: ctx.min_replicas,
    };
    let outcome = loadtest::run(&target, &ctx.prefix, &config).await;
    drop(spawned);
    match outcome? {
        Outcome::Submitted {
            submitted,
            seconds,
            prefix,
        } => {
            let rate = if seconds > 0.0 {
                (submitted as f64 / seconds).round()
            } else {
                0.0
            };
            if ctx.json {
                print_json(&serde_json::json!({
                    "jobs": args.jobs, "submitted": submitted, "submit_seconds": seconds, "submit_rate": rate,
                    "prefix": prefix, "queues": config.mix.iter().map(|(q, _)| q).collect::<Vec<_>>(),
                }))?;
            } else {
                out!("submitted {submitted} jobs in {seconds:.3}s ({rate:.0} jobs/s) under prefix {prefix}");
            }
            Ok(())
        }
        Outcome::Drained(report) => {
            if ctx.json {
                print_json(&report)?;
            } else {
                print_report(&report, &config);
            }
            if report.is_clean() {
                Ok(())
            } else {
                Err(Error::Failed(format!(
                    "{} submitted jobs were lost and {} jobs ran that were never submitted",
                    report.lost - report.lost_unconfirmed,
                    report.unexpected
                )))
            }
        }
    }
}

/// `high=20,default=60,low=20` → queues with weights, in the given order.
fn parse_mix(text: &str) -> Result<Vec<(String, u32)>> {
    let bad = |why: &str| {
        Error::InvalidInput(format!(
            "invalid --mix {text:?}: {why} (example: high=20,default=60,low=20)"
        ))
    };
    let mut mix = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (name, weight) = part.split_once('=').ok_or_else(|| bad("expected QUEUE=WEIGHT"))?;
        let weight: u32 = weight.trim().parse().map_err(|_| bad("weights are whole numbers"))?;
        crate::broker::keys::validate_queue_name(name.trim()).map_err(Error::InvalidInput)?;
        if weight > 0 {
            mix.push((name.trim().to_string(), weight));
        }
    }
    if mix.is_empty() {
        return Err(bad("no queue with a weight above 0"));
    }
    Ok(mix)
}

/// The args of every job, with `pad` bytes of padding added.
fn padded_args(text: &str, pad: usize) -> Result<Box<RawValue>> {
    let raw = parse_args(text)?;
    if pad == 0 {
        return Ok(raw);
    }
    let mut value: serde_json::Value =
        serde_json::from_str(raw.get()).map_err(|e| Error::InvalidInput(e.to_string()))?;
    let Some(object) = value.as_object_mut() else {
        return Err(Error::InvalidInput(
            "--payload-bytes needs --args to be a JSON object".into(),
        ));
    };
    object.insert("pad".into(), serde_json::Value::String("x".repeat(pad)));
    parse_args(&value.to_string())
}

fn print_report(report: &Report, config: &LoadTestConfig) {
    let mix: Vec<String> = config.mix.iter().map(|(q, w)| format!("{q}={w}")).collect();
    out!(
        "tq load-test: {} jobs of {}{} over {} · {} workers × -c {} · Redis {} {}{}",
        report.jobs,
        config.task,
        if config.serve.is_empty() {
            String::new()
        } else {
            format!(" (served by {})", config.serve.join(", "))
        },
        mix.join(","),
        report.workers,
        report.concurrency,
        report.redis.version,
        report.redis.mode,
        if report.redis.spawned { " (spawned)" } else { "" }
    );
    let mut totals = Table::new();
    totals.load_preset(UTF8_FULL_CONDENSED).set_header([
        "submitted",
        "completed",
        "dead",
        "lost",
        "duplicates",
        "redeliveries",
        "submit rate",
        "drain rate",
    ]);
    totals.add_row([
        report.submitted.to_string(),
        report.completed.to_string(),
        report.dead.to_string(),
        report.lost.to_string(),
        report.duplicates.to_string(),
        report.redeliveries.to_string(),
        format!("{:.0}/s ({:.2}s)", report.submit_rate, report.submit_seconds),
        format!("{:.0}/s ({:.2}s)", report.drain_rate, report.drain_seconds),
    ]);
    out!("{totals}");
    if report.redis_cpu_us_per_job > 0.0 {
        out!(
            "Redis CPU: {:.2} µs per job (INFO cpu, first submit to end of drain)",
            report.redis_cpu_us_per_job
        );
    }
    if report.unconfirmed > 0 {
        out!(
            "{} jobs were accepted without the replicas' confirmation (--min-replicas); {} of them were lost",
            report.unconfirmed,
            report.lost_unconfirmed
        );
    }
    let mut latency = Table::new();
    latency
        .load_preset(UTF8_FULL_CONDENSED)
        .set_header(["latency (ms)", "p50", "p90", "p99", "p99.9", "max", "mean"]);
    let row = |label: String, p: &Percentiles| {
        [label]
            .into_iter()
            .chain([p.p50, p.p90, p.p99, p.p999, p.max, p.mean].map(|ms| format!("{ms:.3}")))
            .collect::<Vec<_>>()
    };
    let mut add = |label: String, l: &Latency| {
        for (kind, p) in [
            ("enqueue→start", &l.enqueue_to_start),
            ("enqueue→finish", &l.enqueue_to_finish),
        ] {
            latency.add_row(row(format!("{label}{kind}"), p));
        }
    };
    add(String::new(), &report.latency_ms);
    for q in &report.queues {
        add(format!("{}: ", q.name), &q.latency_ms);
    }
    if let Some(p) = &report.submit_lag_ms {
        // Part of every latency above: they count from the intended send time.
        latency.add_row(row("submit lag (in the above)".to_string(), p));
    }
    out!("{latency}");
    let mut queues = Table::new();
    queues
        .load_preset(UTF8_FULL_CONDENSED)
        .set_header(["queue", "jobs", "completed", "drain rate"]);
    for q in &report.queues {
        queues.add_row([
            q.name.clone(),
            q.jobs.to_string(),
            q.completed.to_string(),
            format!("{:.0}/s", q.drain_rate),
        ]);
    }
    out!("{queues}");
    out_text!("{}", report.text_histogram());
    if report.chaos_kills > 0 {
        out!("chaos: {} workers SIGKILLed during the run", report.chaos_kills);
    }
    if report.is_clean() {
        out!("zero loss: all {} submitted jobs accounted for", report.submitted);
    }
}
