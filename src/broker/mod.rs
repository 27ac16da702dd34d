//! The broker owns tq's Redis schema: key names ([`keys`]), encodings, every
//! state change (one Lua script each, in `lua/`, wrapped in [`transitions`])
//! and every read ([`records`]), which come back as typed records. Nothing
//! outside this module builds a key or parses a stored field.
//!
//! One clock: every script takes "now" from the Redis server's `TIME`; only
//! durations travel from clients. Tests may pin the clock with
//! [`Broker::with_fixed_clock`].

pub mod connect;
pub mod keys;
pub mod records;
mod scripts;
pub mod transitions;

use crate::error::Result;
use keys::{GlobalKeys, QueueKeys};
use redis::aio::ConnectionManager;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

pub use connect::{RedisTarget, display_url};
pub use records::{DeadFields, DeadSummary, JobRecord, LiveJob, LiveState, QueueCounts, RedisMemory, WorkerInfo};
pub use transitions::{Ack, Delivery, Due, Failure, LeaseFate, LostLease, NewJob, Recovered, ReplayOutcome};

/// Most items one script call takes (jobs to enqueue, ack, renew, release,
/// purge; jobs to claim, recover or promote). Larger lists are sent in
/// chunks, so no call comes near Lua's limit on unpacked values (~8000).
pub const MAX_PER_CALL: usize = 1000;

/// How much of what finished a queue keeps. Zero means no limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// Dead records older than this are trimmed.
    pub dead_max_age: Duration,
    /// At most this many dead records per queue (the oldest go first).
    pub dead_max_count: u64,
    /// At most about this many results per queue (whole oldest buckets go).
    pub results_max_count: u64,
}

impl Default for Retention {
    fn default() -> Self {
        Retention {
            dead_max_age: Duration::from_secs(30 * 24 * 3600),
            dead_max_count: 100_000,
            results_max_count: 1_000_000,
        }
    }
}

/// A connection to Redis plus tq's key layout and scripts.
#[derive(Clone)]
pub struct Broker {
    conn: ConnectionManager,
    scripts: Arc<scripts::Scripts>,
    prefix: String,
    global: GlobalKeys,
    target: RedisTarget,
    /// The clock argument every script gets: "0" = the server's TIME, else a fixed ms.
    clock: String,
    /// Server clock minus this machine's clock, ms, as last seen (names result buckets).
    offset_ms: Arc<AtomicI64>,
    /// Limits the scripts that bury and ack enforce.
    retention: Retention,
}

impl Broker {
    /// Connects to the Redis at `target` and checks it answers.
    pub async fn connect(target: &RedisTarget, prefix: &str) -> Result<Self> {
        let conn = connect::manager(target).await?;
        let broker = Broker {
            conn,
            scripts: Arc::new(scripts::Scripts::new()),
            prefix: prefix.to_string(),
            global: GlobalKeys::new(prefix),
            target: target.clone(),
            clock: "0".into(),
            offset_ms: Arc::new(AtomicI64::new(0)),
            retention: Retention::default(),
        };
        broker.sync_clock().await?;
        Ok(broker)
    }

    /// The same broker with every script's "now" pinned to `now_ms` (for tests
    /// of the scripts; production always uses the server's clock).
    pub fn with_fixed_clock(&self, now_ms: u64) -> Broker {
        Broker {
            clock: now_ms.to_string(),
            offset_ms: Arc::new(AtomicI64::new(now_ms as i64 - crate::job::now_ms() as i64)),
            ..self.clone()
        }
    }

    /// The same broker enforcing `retention` when it buries and acks.
    pub fn with_retention(&self, retention: Retention) -> Broker {
        Broker {
            retention,
            ..self.clone()
        }
    }

    /// The key prefix (`--prefix`).
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// Where this broker connects (used for blocking and pub/sub connections).
    pub fn target(&self) -> &RedisTarget {
        &self.target
    }

    /// Key names of queue `name`.
    pub fn queue(&self, name: &str) -> QueueKeys {
        QueueKeys::new(&self.prefix, name)
    }

    /// A pub/sub connection subscribed to the wake-up channels of `queues`.
    /// Their messages: `p` = work became pending, anything else = a schedule
    /// changed (see [`Broker::is_pending_wakeup`]).
    pub async fn subscribe_wakeups(&self, queues: &[QueueKeys]) -> Result<redis::aio::PubSub> {
        let mut pubsub = connect::pubsub(&self.target).await?;
        for q in queues {
            pubsub.subscribe(&q.wake).await?;
        }
        Ok(pubsub)
    }

    /// True if a wake-up message says work became pending (else a schedule changed).
    pub fn is_pending_wakeup(msg: &redis::Msg) -> bool {
        msg.get_payload_bytes() == b"p"
    }

    /// The server's clock, ms since the epoch (or the fixed test clock).
    pub async fn server_now_ms(&self) -> Result<u64> {
        if self.clock != "0" {
            return Ok(self.clock.parse().unwrap_or(0));
        }
        let (secs, micros): (u64, u64) = redis::cmd("TIME").query_async(&mut self.conn.clone()).await?;
        Ok(secs * 1000 + micros / 1000)
    }

    /// Re-reads the server's clock and remembers how far this machine's is off.
    pub async fn sync_clock(&self) -> Result<u64> {
        let before = crate::job::now_ms();
        let now = self.server_now_ms().await?;
        let after = crate::job::now_ms();
        self.note_server_time(now, (before + after) / 2);
        Ok(now)
    }

    fn note_server_time(&self, server_ms: u64, local_ms: u64) {
        self.offset_ms
            .store(server_ms as i64 - local_ms as i64, Ordering::Relaxed);
    }

    /// This machine's clock corrected by the last seen offset: an estimate of
    /// the server's now that costs no round trip (only for naming buckets).
    fn estimated_server_ms(&self) -> u64 {
        (crate::job::now_ms() as i64 + self.offset_ms.load(Ordering::Relaxed)).max(0) as u64
    }

    fn conn(&self) -> ConnectionManager {
        self.conn.clone()
    }
}
