//! Read-only views of queues and workers, for `tq inspect` and `--burst`.

use crate::broker::Broker;
use crate::error::Result;
use crate::job::{JobMessage, now_ms};
use serde::Serialize;
use std::collections::HashMap;

/// Depths and totals of one queue.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct QueueStats {
    /// Queue name.
    pub name: String,
    /// Jobs waiting to run.
    pub pending: u64,
    /// Jobs leased to a worker.
    pub active: u64,
    /// Delayed jobs plus jobs waiting for a retry.
    pub scheduled: u64,
    /// Of `scheduled`, the jobs waiting for a retry.
    pub retrying: u64,
    /// Dead jobs.
    pub dead: u64,
    /// Attempts finished (success or failure), all time.
    pub processed: u64,
    /// Attempts failed, all time.
    pub failed: u64,
    /// Age of the oldest pending job, if any.
    pub oldest_pending_age_ms: Option<u64>,
}

/// A live worker as it last reported itself.
#[derive(Debug, Clone, Serialize)]
pub struct WorkerInfo {
    /// Worker id.
    pub id: String,
    /// Host name.
    pub host: String,
    /// Process id.
    pub pid: u64,
    /// Queues in priority order.
    pub queues: Vec<String>,
    /// Concurrency (`-c`).
    pub concurrency: u64,
    /// Jobs it is running now.
    pub active: u64,
    /// Jobs it finished since it started.
    pub processed: u64,
    /// When it started (ms since the epoch).
    pub started_at_ms: u64,
    /// Its last heartbeat (ms since the epoch).
    pub heartbeat_at_ms: u64,
}

/// Reads the depths and totals of `names`.
pub async fn queue_stats(broker: &Broker, names: &[String]) -> Result<Vec<QueueStats>> {
    if names.is_empty() {
        return Ok(Vec::new());
    }
    let mut pipe = redis::pipe();
    for name in names {
        let q = broker.queue(name);
        pipe.llen(&q.pending)
            .zcard(&q.active)
            .zcard(&q.scheduled)
            .zcard(&q.retry)
            .zcard(&q.dead)
            .hmget(&q.stats, &["processed", "failed"])
            .lindex(&q.pending, -1);
    }
    type Row = (u64, u64, u64, u64, u64, (Option<u64>, Option<u64>), Option<String>);
    let rows: Vec<Row> = pipe.query_async(&mut broker.conn()).await?;
    let mut oldest = redis::pipe();
    for (name, row) in names.iter().zip(&rows) {
        oldest.hget(broker.queue(name).jobs, row.6.as_deref().unwrap_or(""));
    }
    let oldest_msgs: Vec<Option<String>> = oldest.query_async(&mut broker.conn()).await?;
    let now = now_ms();
    Ok(names
        .iter()
        .zip(rows)
        .zip(oldest_msgs)
        .map(
            |((name, (pending, active, scheduled, retry, dead, (processed, failed), _)), msg)| {
                let enqueued = msg
                    .and_then(|m| serde_json::from_str::<JobMessage>(&m).ok())
                    .map(|m| m.enqueued_at_us / 1000);
                QueueStats {
                    name: name.clone(),
                    pending,
                    active,
                    scheduled: scheduled + retry,
                    retrying: retry,
                    dead,
                    processed: processed.unwrap_or(0),
                    failed: failed.unwrap_or(0),
                    oldest_pending_age_ms: enqueued.filter(|_| pending > 0).map(|t| now.saturating_sub(t)),
                }
            },
        )
        .collect())
}

/// Workers whose heartbeat is recent; forgets the ones that stopped reporting.
pub async fn live_workers(broker: &Broker) -> Result<Vec<WorkerInfo>> {
    let mut conn = broker.conn();
    let cutoff = now_ms().saturating_sub(crate::worker::HEARTBEAT_TTL.as_millis() as u64);
    let _: () = redis::cmd("ZREMRANGEBYSCORE")
        .arg(&broker.global().workers)
        .arg("-inf")
        .arg(cutoff)
        .query_async(&mut conn)
        .await?;
    let ids: Vec<String> = redis::cmd("ZRANGE")
        .arg(&broker.global().workers)
        .arg(0)
        .arg(-1)
        .query_async(&mut conn)
        .await?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut pipe = redis::pipe();
    for id in &ids {
        pipe.hgetall(broker.global().worker(id));
    }
    let hashes: Vec<HashMap<String, String>> = pipe.query_async(&mut conn).await?;
    Ok(ids
        .into_iter()
        .zip(hashes)
        .filter(|(_, h)| !h.is_empty())
        .map(|(id, h)| {
            let num = |k: &str| h.get(k).and_then(|v| v.parse().ok()).unwrap_or(0);
            WorkerInfo {
                host: h.get("host").cloned().unwrap_or_default(),
                pid: num("pid"),
                queues: h
                    .get("queues")
                    .map(|q| q.split(',').map(str::to_string).collect())
                    .unwrap_or_default(),
                concurrency: num("concurrency"),
                active: num("active"),
                processed: num("processed"),
                started_at_ms: num("started_at"),
                heartbeat_at_ms: num("heartbeat_at"),
                id,
            }
        })
        .collect())
}
