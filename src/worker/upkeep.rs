//! A worker's background duties: wake-ups, promotion of due jobs, recovery of
//! expired leases, renewal of its own leases, and its heartbeat.

use super::{HEARTBEAT_TTL, Shared};
use crate::broker::connect;
use crate::error::Result;
use crate::job::now_ms;
use futures_util::StreamExt;
use redis::aio::PubSub;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

/// Most jobs promoted or recovered per queue in one pass.
const UPKEEP_BATCH: usize = 1000;
/// Upkeep runs at least this often even when nothing is due.
const UPKEEP_MAX_SLEEP: Duration = Duration::from_secs(1);
const HEARTBEAT_EVERY: Duration = Duration::from_secs(3);

/// Opens the wake-up subscription for every queue of this worker.
pub(super) async fn subscribe(shared: &Shared) -> Result<PubSub> {
    let mut pubsub = connect::pubsub(shared.broker.target()).await?;
    for q in &shared.queues {
        pubsub.subscribe(&q.wake).await?;
    }
    Ok(pubsub)
}

/// Turns wake-up messages into notifications; reconnects if the connection drops.
pub(super) async fn listen(shared: Arc<Shared>, mut pubsub: PubSub) {
    loop {
        {
            let mut messages = pubsub.on_message();
            while let Some(msg) = messages.next().await {
                if msg.get_payload_bytes() == b"p" {
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
/// until the next thing is due (or a schedule change wakes it).
pub(super) async fn maintain(shared: Arc<Shared>) {
    loop {
        let now = now_ms();
        let mut next = now + UPKEEP_MAX_SLEEP.as_millis() as u64;
        for q in &shared.queues {
            match shared.broker.promote(q, now, UPKEEP_BATCH).await {
                Ok(Some(due)) => next = next.min(due),
                Ok(None) => {}
                Err(e) => tracing::warn!(queue = %q.name, "promote failed: {e}"),
            }
            match shared
                .broker
                .recover(q, now, shared.config.max_deliveries, UPKEEP_BATCH)
                .await
            {
                Ok(r) => {
                    if r.requeued + r.buried > 0 {
                        tracing::warn!(queue = %q.name, requeued = r.requeued, poison = r.buried, "recovered jobs whose lease expired");
                    }
                    if let Some(deadline) = r.next_deadline_ms {
                        next = next.min(deadline + 1);
                    }
                }
                Err(e) => tracing::warn!(queue = %q.name, "recover failed: {e}"),
            }
        }
        let wait = Duration::from_millis(next.saturating_sub(now_ms()));
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = shared.upkeep_wake.notified() => {}
        }
    }
}

/// Renews the leases of this worker's running jobs every third of the lease.
pub(super) async fn renew_leases(shared: Arc<Shared>) {
    let every = shared.config.lease / 3;
    loop {
        tokio::time::sleep(every).await;
        let mut by_queue: HashMap<usize, Vec<(String, u64)>> = HashMap::new();
        for (id, (queue, delivery)) in shared.inflight.lock().unwrap_or_else(|p| p.into_inner()).iter() {
            by_queue.entry(*queue).or_default().push((id.clone(), *delivery));
        }
        let deadline = now_ms() + shared.config.lease.as_millis() as u64;
        for (queue, held) in by_queue {
            let q = &shared.queues[queue];
            match shared.broker.renew(q, deadline, &held).await {
                Ok(lost) if !lost.is_empty() => {
                    tracing::warn!(queue = %q.name, jobs = ?lost, "lease lost: another worker may run these again");
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(queue = %q.name, "lease renewal failed: {e}"),
            }
        }
    }
}

/// Writes this worker's registration so `tq inspect` can list it.
pub(super) async fn heartbeat(shared: &Shared) -> Result<()> {
    let key = shared.broker.global().worker(&shared.id);
    let now = now_ms();
    let active = shared.inflight.lock().unwrap_or_else(|p| p.into_inner()).len();
    let _: () = redis::pipe()
        .hset_multiple(
            &key,
            &[
                ("host", super::host_name()),
                ("pid", std::process::id().to_string()),
                ("queues", shared.config.queues.join(",")),
                ("concurrency", shared.config.concurrency.to_string()),
                ("active", active.to_string()),
                ("processed", shared.processed.load(Ordering::Relaxed).to_string()),
                ("started_at", shared.started_at_ms.to_string()),
                ("heartbeat_at", now.to_string()),
            ],
        )
        .pexpire(&key, HEARTBEAT_TTL.as_millis() as i64)
        .zadd(&shared.broker.global().workers, &shared.id, now)
        .query_async(&mut shared.broker.conn())
        .await?;
    Ok(())
}

/// Heartbeats until the task is dropped.
pub(super) async fn heartbeats(shared: Arc<Shared>) {
    loop {
        tokio::time::sleep(HEARTBEAT_EVERY).await;
        if let Err(e) = heartbeat(&shared).await {
            tracing::warn!("heartbeat failed: {e}");
        }
    }
}

/// Removes this worker's registration.
pub(super) async fn deregister(shared: &Shared) {
    let key = shared.broker.global().worker(&shared.id);
    let result: Result<(), redis::RedisError> = redis::pipe()
        .del(&key)
        .zrem(&shared.broker.global().workers, &shared.id)
        .query_async(&mut shared.broker.conn())
        .await;
    if let Err(e) = result {
        tracing::warn!("cannot remove worker registration: {e}");
    }
}
