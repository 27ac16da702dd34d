//! Typed wrappers over the scripts that keep queues moving and workers
//! known, rather than move one job: due work (promote, recover, the leader's
//! tick), the burst check, the worker registry, queue registration.

use super::keys::{QueueKeys, RESULTS_TOTAL};
use super::records::lease_parts;
use super::transitions::declare;
use super::{Broker, MAX_PER_CALL, RESULT_TRIM_STEP, TRIM_STEP};
use crate::error::{Error, Result};
use std::time::Duration;

/// What recovery found to do before its script runs: expired lease members,
/// the oldest dead records (candidates to trim), and the jobs whose keys
/// recovering may touch.
struct Expired {
    members: Vec<Vec<u8>>,
    oldest: Vec<Vec<u8>>,
    /// The oldest result bucket parts (candidates to trim past the count limit).
    buckets: Vec<Vec<u8>>,
    touched: Vec<String>,
}

impl Expired {
    /// Appends them to a recover or tick call: the two counted lists the
    /// script reads, and the keys it must declare.
    fn pass_to(&self, inv: &mut redis::ScriptInvocation<'_>, q: &QueueKeys) {
        inv.arg(self.members.len())
            .arg(&self.members)
            .arg(self.oldest.len())
            .arg(&self.oldest)
            .arg(self.buckets.len())
            .arg(&self.buckets);
        for bucket in &self.buckets {
            inv.key(bucket);
        }
        let keys: Vec<&str> = self
            .touched
            .iter()
            .map(String::as_str)
            .chain(self.oldest.iter().filter_map(|id| std::str::from_utf8(id).ok()))
            .collect();
        declare(inv, q, &keys);
    }
}

/// What one [`Broker::recover`] call did.
#[derive(Debug, Clone, Copy, Default)]
pub struct Recovered {
    /// Jobs put back on pending.
    pub requeued: u64,
    /// Jobs buried as poison (or malformed).
    pub buried: u64,
    /// Time until the earliest remaining lease expires, if any lease is held.
    pub next_expiry_in: Option<Duration>,
}

/// What one [`Broker::tick`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tick {
    /// This worker leads the queue's due work and did it.
    Led {
        /// Due jobs moved to pending.
        promoted: u64,
        /// Expired leases returned to pending.
        recovered: u64,
        /// Jobs buried as poison (or malformed).
        buried: u64,
    },
    /// Another worker leads it for at least this long still.
    Follower {
        /// How long its lead lasts without another tick.
        leader_for: Duration,
    },
}

impl Broker {
    /// Returns expired leases of `q` to pending (or buries poison jobs).
    pub async fn recover(&self, q: &QueueKeys, max_deliveries: u32, max: usize) -> Result<Recovered> {
        let found = self.expired_leases(q, max).await?;
        let mut inv = self.scripts.recover.key(&q.active);
        inv.key(&q.pending)
            .key(&q.dead)
            .key(&q.stats)
            .key(&q.ready)
            .arg(&self.clock)
            .arg(&q.base)
            .arg(max_deliveries)
            .arg(max.clamp(1, MAX_PER_CALL))
            .arg("")
            .arg(self.retention.dead_max_age.as_millis() as u64)
            .arg(self.retention.dead_max_count);
        found.pass_to(&mut inv, q);
        let (requeued, buried, wait): (u64, u64, i64) = inv.invoke_async(&mut self.conn()).await?;
        Ok(Recovered {
            requeued,
            buried,
            next_expiry_in: u64::try_from(wait).ok().map(Duration::from_millis),
        })
    }

    /// Lease members of `q` whose deadline passed (by the server's clock), at
    /// most `max`; the oldest dead records (candidates to trim); and the jobs
    /// whose keys recovering may touch: their own and, for replays, the dead
    /// record each replays. The script checks each again; reading first lets
    /// it declare those keys.
    async fn expired_leases(&self, q: &QueueKeys, max: usize) -> Result<Expired> {
        let now = self.server_now_ms().await?;
        type Lists = (Vec<Vec<u8>>, Vec<Vec<u8>>, u64, Option<u64>);
        let (members, oldest, parts, results): Lists = redis::pipe()
            .cmd("ZRANGEBYSCORE")
            .arg(&q.active)
            .arg("-inf")
            .arg(format!("({now}"))
            .arg("LIMIT")
            .arg(0)
            .arg(max.clamp(1, MAX_PER_CALL))
            .zrange(&q.dead, 0, TRIM_STEP - 1)
            .zcard(&q.results)
            .hget(&q.result_counts, RESULTS_TOTAL)
            .query_async(&mut self.conn())
            .await?;
        // Result parts to trim are read only past the limit (or where the
        // sum is not kept yet): a part can hold a single result.
        let limit = self.retention.results_max_count;
        let buckets: Vec<Vec<u8>> = if limit > 0 && parts > 0 && results.is_none_or(|n| n > limit) {
            redis::cmd("ZRANGE")
                .arg(&q.results)
                .arg(0)
                .arg(RESULT_TRIM_STEP - 1)
                .query_async(&mut self.conn())
                .await?
        } else {
            Vec::new()
        };
        let ids: Vec<String> = members
            .iter()
            .filter_map(|m| Some(lease_parts(std::str::from_utf8(m).ok()?).0.to_string()))
            .collect();
        let mut touched = self.replay_origins(q, &ids).await?;
        touched.extend(ids);
        Ok(Expired {
            members,
            oldest,
            buckets,
            touched,
        })
    }

    /// Moves due delayed jobs and retries of `q` to pending; returns how long
    /// until the next one is due, if any waits.
    pub async fn promote(&self, q: &QueueKeys, max: usize) -> Result<Option<Duration>> {
        let mut inv = self.scripts.promote.key(&q.scheduled);
        inv.key(&q.retry)
            .key(&q.pending)
            .key(&q.ready)
            .arg(&self.clock)
            .arg(max.clamp(1, MAX_PER_CALL))
            .arg("")
            .arg(&q.base);
        declare(&mut inv, q, &[]);
        let wait: i64 = inv.invoke_async(&mut self.conn()).await?;
        Ok(u64::try_from(wait).ok().map(Duration::from_millis))
    }

    /// Does `q`'s due work (promote, recover, trim) if no other worker leads
    /// it, taking the lead for `lead_for` (zero: a leaving worker's last
    /// tick, which gives the lead up so the next worker leads at once).
    pub async fn tick(
        &self,
        q: &QueueKeys,
        worker: &str,
        lead_for: Duration,
        max_deliveries: u32,
        max: usize,
    ) -> Result<Tick> {
        let found = self.expired_leases(q, max).await?;
        let mut inv = self.scripts.tick.key(&q.leader);
        inv.key(&q.scheduled)
            .key(&q.retry)
            .key(&q.pending)
            .key(&q.active)
            .key(&q.dead)
            .key(&q.stats)
            .key(&q.ready)
            .arg(&self.clock)
            .arg(&q.base)
            .arg(worker)
            .arg(lead_for.as_millis() as u64)
            .arg(max_deliveries)
            .arg(max.clamp(1, MAX_PER_CALL))
            .arg(self.retention.dead_max_age.as_millis() as u64)
            .arg(self.retention.dead_max_count);
        found.pass_to(&mut inv, q);
        inv.arg(self.retention.results_max_count);
        let reply: Vec<i64> = inv.invoke_async(&mut self.conn()).await?;
        let n = |i: usize| reply.get(i).and_then(|v| u64::try_from(*v).ok()).unwrap_or(0);
        // Entries a claim set aside whose worker did not record them (it died).
        if n(0) == 1 && n(4) > 0 {
            self.bury_malformed(q).await?;
        }
        if n(0) == 1 && n(5) > 0 {
            self.bury_expired(q).await?;
        }
        Ok(match reply.first() {
            Some(1) => Tick::Led {
                promoted: n(1),
                recovered: n(2),
                buried: n(3),
            },
            _ => Tick::Follower {
                leader_for: Duration::from_millis(n(1)),
            },
        })
    }

    /// True when `q` has nothing pending, nothing leased and no retry waiting,
    /// read in one atomic step (delayed jobs do not count).
    pub async fn idle(&self, q: &QueueKeys) -> Result<bool> {
        let mut inv = self.scripts.idle.key(&q.pending);
        inv.key(&q.active).key(&q.retry).arg(&self.clock).arg(&q.base);
        declare(&mut inv, q, &[]);
        let idle: i64 = inv.invoke_async(&mut self.conn()).await?;
        Ok(idle == 1)
    }

    /// Registers (or refreshes) worker `id` with `fields` for `ttl`; returns the server's now.
    pub async fn heartbeat(&self, id: &str, ttl: Duration, fields: &[(&str, String)]) -> Result<u64> {
        let mut inv = self.scripts.heartbeat.key(&self.global.workers);
        inv.key(self.global.worker(id))
            .arg(&self.clock)
            .arg(id)
            .arg(ttl.as_millis() as u64);
        for (field, value) in fields {
            inv.arg(*field).arg(value);
        }
        let now: u64 = inv.invoke_async(&mut self.conn()).await?;
        self.note_server_time(now, crate::job::now_ms());
        Ok(now)
    }

    /// Removes worker `id`'s registration.
    pub async fn unregister(&self, id: &str) -> Result<()> {
        let _: i64 = self
            .scripts
            .unregister
            .key(&self.global.workers)
            .key(self.global.worker(id))
            .arg(&self.clock)
            .arg(id)
            .invoke_async(&mut self.conn())
            .await?;
        Ok(())
    }

    /// Records `queue` in the set of known queues (so `inspect` and `status` find it).
    /// At the memory limit Redis refuses even a SADD that adds nothing, so
    /// a queue already known is not an error then.
    pub async fn register_queue(&self, queue: &str) -> Result<()> {
        let added: redis::RedisResult<i64> = redis::cmd("SADD")
            .arg(&self.global.queues)
            .arg(queue)
            .query_async(&mut self.conn())
            .await;
        match added {
            Ok(_) => Ok(()),
            Err(e) if crate::error::is_out_of_memory(&e) => {
                let known: bool = redis::cmd("SISMEMBER")
                    .arg(&self.global.queues)
                    .arg(queue)
                    .query_async(&mut self.conn())
                    .await?;
                if known {
                    Ok(())
                } else {
                    Err(self.out_of_memory("enqueue").await)
                }
            }
            Err(e) => Err(e.into()),
        }
    }
    /// The one-line error for a write Redis refused at its memory limit,
    /// with the limit and the use as Redis reports them.
    pub(super) async fn out_of_memory(&self, what: &str) -> Error {
        let info: redis::RedisResult<String> = redis::cmd("INFO").arg("memory").query_async(&mut self.conn()).await;
        let field = |name: &str| {
            info.as_ref()
                .ok()
                .and_then(|i| i.lines().find_map(|l| l.strip_prefix(name)))
                .map(|v| v.trim().to_string())
                .unwrap_or_else(|| "?".into())
        };
        Error::OutOfMemory(format!(
            "Redis is out of memory (maxmemory {}, used {}, policy {}): {what} refused; free memory (e.g. tq dlq purge, a shorter --result-ttl) or raise maxmemory",
            field("maxmemory_human:"),
            field("used_memory_human:"),
            field("maxmemory_policy:"),
        ))
    }
}
