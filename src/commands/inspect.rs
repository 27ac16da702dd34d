//! `tq inspect`: queue depths, totals and live workers.

use super::table::{Fit, Grid};
use super::{Context, format_age, print_json};
use crate::broker::{Broker, QueueCounts, RedisMemory, Replication, WorkerInfo};
use crate::cli::InspectArgs;
use crate::client::Client;
use crate::error::{Error, Result};
use serde::Serialize;
use std::collections::HashMap;
use std::time::Duration;

/// One reading of every queue and worker.
struct Snapshot {
    queues: Vec<QueueCounts>,
    workers: Vec<WorkerInfo>,
    now: u64,
    memory: RedisMemory,
    replication: Replication,
    /// Replicas `--min-replicas` asks for.
    min_replicas: u32,
}

impl Snapshot {
    async fn read(broker: &Broker, names: &[String]) -> Result<Snapshot> {
        Ok(Snapshot {
            queues: broker.queue_counts(names).await?,
            workers: broker.live_workers().await?,
            now: broker.server_now_ms().await?,
            memory: broker.memory().await?,
            replication: broker.replication().await?,
            min_replicas: broker.min_replicas(),
        })
    }

    fn json(&self, rates: Option<&HashMap<String, Rates>>) -> serde_json::Value {
        let mut redis = serde_json::to_value(&self.replication).unwrap_or_default();
        redis["used_memory"] = self.memory.used_memory.into();
        redis["maxmemory"] = self.memory.maxmemory.into();
        let workers: Vec<serde_json::Value> = self
            .workers
            .iter()
            .map(|w| {
                let mut value = serde_json::to_value(w).unwrap_or_default();
                value["stale"] = is_stale(w, self.now).into();
                value
            })
            .collect();
        let mut doc = serde_json::json!({ "queues": self.queues, "workers": workers, "redis": redis });
        if let Some(rates) = rates {
            doc["time_ms"] = self.now.into();
            doc["rates"] = serde_json::to_value(rates).unwrap_or_default();
        }
        doc
    }
}

/// `tq inspect --json` of every known queue, with the server's `time_ms` it
/// was read at: what the dashboard's overview shows.
pub(crate) async fn overview(broker: &Broker) -> Result<serde_json::Value> {
    let names = broker.queues().await?;
    let snap = Snapshot::read(broker, &names).await?;
    let mut doc = snap.json(None);
    doc["time_ms"] = snap.now.into();
    Ok(doc)
}

/// Per-queue change since the last reading of `--watch`.
#[derive(Debug, Clone, Copy, Serialize)]
struct Rates {
    processed_per_sec: f64,
    failed_per_sec: f64,
    pending_change: i64,
}

/// Runs `tq inspect`.
pub(crate) async fn run(ctx: &Context, args: InspectArgs) -> Result<()> {
    let client = Client::new(ctx.broker().await?);
    let names = if args.queues.is_empty() {
        client.queues().await?
    } else {
        for q in &args.queues {
            crate::broker::keys::validate_queue_name(q).map_err(Error::InvalidInput)?;
        }
        args.queues.clone()
    };
    let broker = client.broker();
    if args.watch {
        return watch(ctx, broker, &args, names).await;
    }
    let snap = Snapshot::read(broker, &names).await?;
    if ctx.json {
        return print_json(&snap.json(None));
    }
    out_text!("{}", render(&snap, broker.prefix(), None, args.wide));
    Ok(())
}

/// `tq inspect --watch`: redraws in place every interval (JSON lines with
/// `--json`) until Ctrl-C, which ends it with exit 0.
async fn watch(ctx: &Context, broker: &Broker, args: &InspectArgs, fixed: Vec<String>) -> Result<()> {
    let mut tick = tokio::time::interval(args.interval.max(Duration::from_millis(100)));
    let mut last: Option<Snapshot> = None;
    let ctrl_c = tokio::signal::ctrl_c();
    tokio::pin!(ctrl_c);
    let on_terminal = std::io::IsTerminal::is_terminal(&std::io::stdout());
    loop {
        tokio::select! {
            _ = &mut ctrl_c => return Ok(()),
            _ = tick.tick() => {}
        }
        // Queues created meanwhile show up too, unless the command named its queues.
        let names = if args.queues.is_empty() {
            broker.queues().await?
        } else {
            fixed.clone()
        };
        let snap = Snapshot::read(broker, &names).await?;
        let rates = last.as_ref().map(|prev| rates(prev, &snap));
        if ctx.json {
            print_json(&snap.json(Some(&rates.clone().unwrap_or_default())))?;
        } else if !on_terminal {
            // Piped (to a file, `tee`, a log): one plain frame after another,
            // with its time, and no cursor codes.
            let text = render(&snap, broker.prefix(), rates.as_ref(), args.wide);
            let at = std::time::UNIX_EPOCH + Duration::from_millis(snap.now);
            out!("{}", humantime::format_rfc3339_seconds(at));
            out_text!("{text}");
            out!();
            crate::output::flush();
        } else {
            // Redrawn in place: from the top, each line over the last frame's
            // (cleared to its end), then the rest of the screen below. (No
            // whole-screen clear: terminals scroll that into their history.)
            let mut frame = String::from("\x1b[H");
            let text = render(&snap, broker.prefix(), rates.as_ref(), args.wide);
            let footer = format!("every {} · Ctrl-C to stop", humantime::format_duration(args.interval));
            for line in text.lines().chain(std::iter::once(footer.as_str())) {
                frame.push_str(line);
                frame.push_str("\x1b[K\n");
            }
            frame.push_str("\x1b[J");
            out_text!("{frame}");
            crate::output::flush();
        }
        last = Some(snap);
    }
}

fn rates(prev: &Snapshot, now: &Snapshot) -> HashMap<String, Rates> {
    let secs = (now.now.saturating_sub(prev.now) as f64 / 1000.0).max(0.001);
    now.queues
        .iter()
        .map(|q| {
            let before = prev.queues.iter().find(|p| p.name == q.name);
            let delta = |f: fn(&QueueCounts) -> u64| before.map_or(0, |b| f(q).saturating_sub(f(b)));
            let rate = Rates {
                processed_per_sec: (delta(|c| c.processed) as f64 / secs * 10.0).round() / 10.0,
                failed_per_sec: (delta(|c| c.failed) as f64 / secs * 10.0).round() / 10.0,
                pending_change: q.pending as i64 - before.map_or(q.pending as i64, |b| b.pending as i64),
            };
            (q.name.clone(), rate)
        })
        .collect()
}

/// The text of `tq inspect` (with rate columns while watching).
fn render(snap: &Snapshot, prefix: &str, rates: Option<&HashMap<String, Rates>>, wide: bool) -> String {
    use std::fmt::Write;
    let mut text = String::new();
    let (queues, workers, now, memory) = (&snap.queues, &snap.workers, snap.now, &snap.memory);
    let mode = snap.replication.mode;
    let mut columns = vec![
        ("queue", Fit::Cut),
        ("pending", Fit::Keep),
        ("active", Fit::Keep),
        ("scheduled", Fit::Keep),
        ("of which\nretrying", Fit::Keep),
        ("dead", Fit::Keep),
        ("results", Fit::Hide(5)),
        ("processed", Fit::Hide(4)),
        ("failed", Fit::Hide(3)),
        ("oldest\npending", Fit::Hide(2)),
    ];
    if rates.is_some() {
        columns.extend([
            ("done/s", Fit::Keep),
            ("failed/s", Fit::Keep),
            ("pending\nchange", Fit::Hide(1)),
        ]);
    }
    let mut table = Grid::new(&columns);
    for q in queues {
        if q.error.is_some() {
            let mut row = vec![q.name.clone(), "broken".to_string()];
            row.resize(columns.len(), "-".to_string());
            table.row(row);
            continue;
        }
        let mut row = vec![
            if q.paused {
                format!("{} (paused)", q.name)
            } else {
                q.name.clone()
            },
            q.pending.to_string(),
            q.active.to_string(),
            q.scheduled.to_string(),
            q.retrying.to_string(),
            q.dead.to_string(),
            q.results.to_string(),
            q.processed.to_string(),
            q.failed.to_string(),
            q.oldest_pending_age_ms.map(format_age).unwrap_or_else(|| "-".into()),
        ];
        if let Some(rates) = rates {
            match rates.get(&q.name) {
                Some(r) => row.extend([
                    format!("{:.1}", r.processed_per_sec),
                    format!("{:.1}", r.failed_per_sec),
                    format!("{:+}", r.pending_change),
                ]),
                None => row.extend(["-".to_string(), "-".to_string(), "-".to_string()]),
            }
        }
        table.row(row);
    }
    if queues.is_empty() {
        let _ = writeln!(text, "no queues yet (enqueue a job to create one)");
    } else {
        let _ = writeln!(text, "{}", table.render(wide));
    }
    let schedules: u64 = queues.iter().map(|q| q.schedules).sum();
    if schedules > 0 {
        let next = queues
            .iter()
            .filter_map(|q| Some((q.next_schedule_ms?, q.next_schedule.as_deref()?, q.name.as_str())))
            .min();
        match next {
            Some((at, name, queue)) => {
                let _ = writeln!(
                    text,
                    "periodic jobs: {schedules} schedule(s); next: {name} on {queue} {}",
                    if at > now {
                        format!("in {}", format_age(at - now))
                    } else {
                        "due now".into()
                    }
                );
            }
            None => {
                let _ = writeln!(text, "periodic jobs: {schedules} schedule(s), all paused");
            }
        }
    }
    for q in queues {
        if let Some(flow) = &q.flow {
            let _ = writeln!(text, "{}", flow_line(&q.name, flow));
        }
    }
    if memory.maxmemory > 0 {
        let _ = writeln!(
            text,
            "redis ({mode}) memory: {} used of {} ({}%)",
            format_bytes(memory.used_memory),
            format_bytes(memory.maxmemory),
            memory.used_memory * 100 / memory.maxmemory
        );
    } else {
        let _ = writeln!(
            text,
            "redis memory: {} used (no maxmemory set)",
            format_bytes(memory.used_memory)
        );
    }
    let _ = writeln!(text, "{}", replication_line(&snap.replication));
    if let Some(warning) = too_few_replicas(&snap.replication, snap.min_replicas) {
        let _ = writeln!(text, "warning: {warning}");
    }
    for q in queues.iter().filter(|q| q.quarantined > 0) {
        let _ = writeln!(
            text,
            "queue {}: {} key(s) another tool overwrote were moved aside; see HGETALL {}:{{{}}}:quarantine",
            q.name, q.quarantined, prefix, q.name
        );
    }
    for q in queues.iter().filter(|q| q.error.is_some()) {
        let _ = writeln!(
            text,
            "queue {} cannot be read (a key written by another tool? a worker moves it aside): {}",
            q.name,
            q.error.as_deref().unwrap_or("")
        );
    }
    if workers.is_empty() {
        let _ = writeln!(text, "no live workers");
        return text;
    }
    let mut table = Grid::new(&[
        ("worker", Fit::Cut),
        ("queues", Fit::Cut),
        ("active", Fit::Keep),
        ("concurrency", Fit::Hide(1)),
        ("processed", Fit::Hide(2)),
        ("up", Fit::Hide(3)),
        ("last seen", Fit::Keep),
    ]);
    for w in workers {
        let silent = now.saturating_sub(w.heartbeat_at_ms);
        table.row(vec![
            w.id.clone(),
            w.queues.join(","),
            w.active.to_string(),
            w.concurrency.to_string(),
            w.processed.to_string(),
            format_age(now.saturating_sub(w.started_at_ms)),
            if is_stale(w, now) {
                format!("{} ago (stale)", format_age(silent))
            } else {
                format!("{} ago", format_age(silent))
            },
        ]);
    }
    let _ = writeln!(text, "{}", table.render(wide));
    let served: Vec<_> = workers
        .iter()
        .flat_map(|w| w.served.iter().map(move |p| (w, p)))
        .collect();
    if !served.is_empty() {
        let mut table = Grid::new(&[
            ("served processes", Fit::Cut),
            ("pid", Fit::Keep),
            ("tasks", Fit::Cut),
            ("state", Fit::Keep),
            ("running", Fit::Hide(2)),
            ("jobs", Fit::Keep),
            ("rss", Fit::Keep),
            ("restarts", Fit::Hide(1)),
        ]);
        for (w, p) in served {
            table.row(vec![
                format!("{} {}", w.id, p.command),
                p.pid.to_string(),
                p.tasks.join(","),
                p.state.clone(),
                p.running.to_string(),
                p.jobs.to_string(),
                format_bytes(p.rss_bytes),
                p.restarts.to_string(),
            ]);
        }
        let _ = writeln!(text, "{}", table.render(wide));
    }
    if workers.iter().any(|w| is_stale(w, now)) {
        let _ = writeln!(
            text,
            "stale: no heartbeat for over {} s (dead, stopped or cut off from Redis); forgotten {} s after its last one; its jobs come back when their leases expire",
            crate::worker::STALE_AFTER.as_secs(),
            crate::worker::HEARTBEAT_TTL.as_secs()
        );
    }
    text
}

/// A worker that missed two heartbeats in a row.
fn is_stale(worker: &WorkerInfo, now: u64) -> bool {
    now.saturating_sub(worker.heartbeat_at_ms) > crate::worker::STALE_AFTER.as_millis() as u64
}

/// Bytes in the largest unit that keeps them at or above 1.
fn format_bytes(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// One line on a queue's flow control: its limits, what runs against them,
/// its keys, and what holds its waiting jobs back now.
fn flow_line(queue: &str, flow: &crate::broker::FlowState) -> String {
    use std::fmt::Write as _;
    let mut line = format!("flow {queue}: limits {}", flow.limits.describe());
    if flow.limits.concurrency.is_some() || flow.running > 0 {
        let _ = write!(line, "; {} running", flow.running);
    }
    if let Some(n) = flow.started_in_window {
        let _ = write!(line, ", {n} started in the rate window");
    }
    if flow.keyed_pending > 0 || flow.keys_in_line + flow.keys_held > 0 {
        let _ = write!(
            line,
            "; {} keyed jobs waiting, {} keys in turn, {} held back",
            flow.keyed_pending, flow.keys_in_line, flow.keys_held
        );
    }
    if let Some(why) = &flow.held_by {
        let _ = write!(line, "; waiting jobs held by {why}");
    }
    line
}

/// `redis (sentinel, master 127.0.0.1:6380): 1 replica: 127.0.0.1:6381 online, lag 0s, 0 B behind`.
fn replication_line(r: &Replication) -> String {
    let mut head = format!("redis ({}", r.mode);
    if let Some(master) = &r.master {
        head.push_str(&format!(", master {master}"));
    }
    if r.role != "master" {
        head.push_str(&format!(", writing to a {}", r.role));
    }
    head.push(')');
    if r.replicas.is_empty() {
        return format!("{head}: no replicas");
    }
    let each: Vec<String> = r
        .replicas
        .iter()
        .map(|x| {
            format!(
                "{} {}, lag {}s, {} behind",
                x.addr,
                x.state,
                x.lag_seconds,
                format_bytes(x.behind_bytes)
            )
        })
        .collect();
    let n = r.replicas.len();
    format!(
        "{head}: {n} replica{}: {}",
        if n == 1 { "" } else { "s" },
        each.join("; ")
    )
}

/// The warning when `--min-replicas` asks for more replicas than a master has.
pub(crate) fn too_few_replicas(r: &Replication, wanted: u32) -> Option<String> {
    (wanted as usize > r.fewest_replicas).then(|| {
        format!(
            "--min-replicas {wanted} asks for more replicas than Redis has ({}{}): every write that waits for them will time out",
            r.fewest_replicas,
            if r.mode == "cluster" { " on some master" } else { "" }
        )
    })
}
