//! `tq inspect`: queue depths, totals and live workers.

use super::{Context, format_age, print_json};
use crate::cli::InspectArgs;
use crate::client::Client;
use crate::error::{Error, Result};
use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};

/// Runs `tq inspect`.
pub async fn run(ctx: &Context, args: InspectArgs) -> Result<()> {
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
    let queues = broker.queue_counts(&names).await?;
    let workers = broker.live_workers().await?;
    let now = broker.server_now_ms().await?;
    let memory = broker.memory().await?;
    let mode = if broker.is_cluster() { "cluster" } else { "single" };
    if ctx.json {
        let redis = serde_json::json!({
            "mode": mode,
            "used_memory": memory.used_memory,
            "maxmemory": memory.maxmemory,
        });
        return print_json(&serde_json::json!({ "queues": queues, "workers": workers, "redis": redis }));
    }
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED).set_header([
        "queue",
        "pending",
        "active",
        "scheduled",
        "dead",
        "results",
        "processed",
        "failed",
        "oldest pending",
    ]);
    for q in &queues {
        if q.error.is_some() {
            let mut row = vec![q.name.clone(), "broken".to_string()];
            row.resize(9, "-".to_string());
            table.add_row(row);
            continue;
        }
        table.add_row([
            if q.paused {
                format!("{} (paused)", q.name)
            } else {
                q.name.clone()
            },
            q.pending.to_string(),
            q.active.to_string(),
            q.scheduled.to_string(),
            q.dead.to_string(),
            q.results.to_string(),
            q.processed.to_string(),
            q.failed.to_string(),
            q.oldest_pending_age_ms.map(format_age).unwrap_or_else(|| "-".into()),
        ]);
    }
    if queues.is_empty() {
        out!("no queues yet (enqueue a job to create one)");
    } else {
        out!("{table}");
    }
    if memory.maxmemory > 0 {
        out!(
            "redis ({mode}) memory: {} used of {} ({}%)",
            format_bytes(memory.used_memory),
            format_bytes(memory.maxmemory),
            memory.used_memory * 100 / memory.maxmemory
        );
    } else {
        out!(
            "redis memory: {} used (no maxmemory set)",
            format_bytes(memory.used_memory)
        );
    }
    for q in queues.iter().filter(|q| q.quarantined > 0) {
        out!(
            "queue {}: {} key(s) another tool overwrote were moved aside; see HGETALL {}:{{{}}}:quarantine",
            q.name,
            q.quarantined,
            broker.prefix(),
            q.name
        );
    }
    for q in queues.iter().filter(|q| q.error.is_some()) {
        out!(
            "queue {} cannot be read (a key written by another tool? a worker moves it aside): {}",
            q.name,
            q.error.as_deref().unwrap_or("")
        );
    }
    if workers.is_empty() {
        out!("no live workers");
        return Ok(());
    }
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED).set_header([
        "worker",
        "queues",
        "active",
        "concurrency",
        "processed",
        "up",
        "last seen",
    ]);
    for w in &workers {
        table.add_row([
            w.id.clone(),
            w.queues.join(","),
            w.active.to_string(),
            w.concurrency.to_string(),
            w.processed.to_string(),
            format_age(now.saturating_sub(w.started_at_ms)),
            format!("{} ago", format_age(now.saturating_sub(w.heartbeat_at_ms))),
        ]);
    }
    out!("{table}");
    Ok(())
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
