//! Reads of queues as a whole and of the worker registry: depths and
//! totals, live workers, Redis memory; and the load test's clean-up.

use super::Broker;
use super::keys::{QueueKeys, RESULTS_TOTAL};
use super::records::{
    FlowLimits, FlowState, QueueCounts, RedisMemory, Replication, WorkerInfo, hand_off_parts, per_queue,
};
use crate::error::Result;
use crate::job::JobMessage;
use std::collections::HashMap;

impl Broker {
    /// Every queue name that has received a job, sorted.
    pub async fn queues(&self) -> Result<Vec<String>> {
        let mut names: Vec<String> = redis::cmd("SMEMBERS")
            .arg(&self.global.queues)
            .query_async(&mut self.conn())
            .await?;
        names.sort();
        Ok(names)
    }

    /// Reads the depths and totals of `names`; a queue that cannot be read
    /// comes back with zeros and its `error`.
    pub async fn queue_counts(&self, names: &[String]) -> Result<Vec<QueueCounts>> {
        let now = self.server_now_ms().await?;
        let answers = per_queue(names, |name| self.queue_counts_of(name, now)).await;
        Ok(answers
            .into_iter()
            .map(|(name, answer)| {
                answer.unwrap_or_else(|e| QueueCounts {
                    name: name.clone(),
                    pending: 0,
                    active: 0,
                    scheduled: 0,
                    retrying: 0,
                    dead: 0,
                    results: 0,
                    quarantined: 0,
                    processed: 0,
                    failed: 0,
                    paused: false,
                    oldest_pending_age_ms: None,
                    schedules: 0,
                    next_schedule: None,
                    next_schedule_ms: None,
                    flow: None,
                    error: Some(e.to_string()),
                })
            })
            .collect())
    }

    async fn queue_counts_of(&self, name: &str, now: u64) -> Result<QueueCounts> {
        let q = self.queue(name);
        type Row = (
            u64,
            u64,
            u64,
            u64,
            u64,
            (Option<u64>, Option<u64>, Option<String>),
            Option<Vec<u8>>,
            Option<u64>,
            u64,
            Vec<Vec<u8>>,
            u64,
            Vec<(String, f64)>,
        );
        let (
            pending,
            active,
            scheduled,
            retry,
            dead,
            (processed, failed, paused),
            oldest,
            results,
            quarantined,
            ready,
            schedules,
            next_schedule,
        ): Row = redis::pipe()
            .llen(&q.pending)
            .zcard(&q.active)
            .zcard(&q.scheduled)
            .zcard(&q.retry)
            .zcard(&q.dead)
            .hmget(&q.stats, &["processed", "failed", "paused"])
            .lindex(&q.pending, -1)
            .hget(&q.result_counts, RESULTS_TOTAL)
            .hlen(&q.quarantine)
            .lrange(&q.ready, 0, 9)
            .hlen(&q.cron)
            .zrange_withscores(&q.cron_due, 0, 0)
            .query_async(&mut self.conn())
            .await?;
        // A job handed to idle workers that none took yet is leased but
        // waits: it counts as pending, and it is the oldest one.
        let handed: Vec<Vec<u8>> = ready
            .iter()
            .filter_map(|m| hand_off_parts(m).map(|(id, _)| id.to_vec()))
            .collect();
        // Counts an earlier version kept have no sum: add them up.
        let results = match results {
            Some(n) => n,
            None => {
                let counts: Vec<u64> = redis::cmd("HVALS")
                    .arg(&q.result_counts)
                    .query_async(&mut self.conn())
                    .await?;
                counts.iter().sum()
            }
        };
        let pending = pending + handed.len() as u64;
        let active = active.saturating_sub(handed.len() as u64);
        let oldest = handed.into_iter().next().or(oldest);
        let oldest_msg: Option<Vec<u8>> = match &oldest {
            Some(id) if pending > 0 => self.messages(&q, &[id]).await?.pop().flatten(),
            _ => None,
        };
        let enqueued = oldest_msg
            .zip(oldest.as_deref())
            .and_then(|(m, id)| JobMessage::decode(&m, &String::from_utf8_lossy(id), &q.name).ok())
            .map(|m| m.enqueued_at_us / 1000);
        let flow = self.flow_state(&q, now, active).await?;
        let pending = pending + flow.as_ref().map_or(0, |f| f.keyed_pending);
        Ok(QueueCounts {
            name: name.to_string(),
            pending,
            active,
            scheduled: scheduled + retry,
            retrying: retry,
            dead,
            results,
            quarantined,
            processed: processed.unwrap_or(0),
            failed: failed.unwrap_or(0),
            paused: paused.as_deref() == Some("1"),
            oldest_pending_age_ms: enqueued.map(|t| now.saturating_sub(t)),
            schedules,
            next_schedule: next_schedule.first().map(|(name, _)| name.clone()),
            next_schedule_ms: next_schedule.first().map(|(_, at)| *at as u64),
            flow,
            error: None,
        })
    }

    /// Where `q`'s flow control stands (None: it has no limits and no keyed
    /// jobs); `running` is its lease count.
    pub async fn flow_state(&self, q: &QueueKeys, now: u64, running: u64) -> Result<Option<FlowState>> {
        type Row = (HashMap<String, String>, u64, u64, u64, bool);
        let (fields, keyed_pending, in_line, held, keyed): Row = redis::pipe()
            .hgetall(&q.limits)
            .zcard(&q.kq)
            .zcard(&q.kready)
            .zcard(&q.kwait)
            .exists(&q.keyed)
            .query_async(&mut self.conn())
            .await?;
        if fields.is_empty() && !keyed && keyed_pending == 0 {
            return Ok(None);
        }
        let limits = FlowLimits::from_fields(&fields);
        let started_in_window = match limits.rate {
            Some(r) => {
                // The sum the claims keep, less the oldest entries that left
                // the window since the last claim.
                let (sum, head): (Option<u64>, Vec<String>) = redis::pipe()
                    .hget(&q.kstate, "started")
                    .lrange(&q.starts, 0, 99)
                    .query_async(&mut self.conn())
                    .await?;
                let since = now.saturating_sub(r.per.as_millis() as u64);
                let gone: u64 = head
                    .iter()
                    .filter_map(|e| e.split_once(':'))
                    .filter_map(|(t, n)| Some((t.parse::<u64>().ok()?, n.parse::<u64>().ok()?)))
                    .take_while(|(t, _)| *t <= since)
                    .map(|(_, n)| n)
                    .sum();
                Some(sum.unwrap_or(0).saturating_sub(gone))
            }
            None => None,
        };
        let paused_for_ms = fields
            .get("paused_until")
            .and_then(|v| v.parse::<u64>().ok())
            .filter(|until| *until > now)
            .map(|until| until - now);
        let mut state = FlowState {
            limits,
            paused_for_ms,
            running,
            started_in_window,
            keyed_pending,
            keys_in_line: in_line,
            keys_held: held,
            held_by: None,
        };
        state.held_by = state.holding();
        Ok(Some(state))
    }

    /// [`Broker::flow_state`] of `q` as of now, its leases counted.
    pub(super) async fn flow_state_now(&self, q: &QueueKeys) -> Result<Option<FlowState>> {
        let now = self.server_now_ms().await?;
        let running: u64 = redis::cmd("ZCARD").arg(&q.active).query_async(&mut self.conn()).await?;
        self.flow_state(q, now, running).await
    }

    /// Why a pending job of `q` (with fairness key `key`) waits now, if a
    /// flow limit or pause of its queue or key holds it back.
    pub async fn waiting_for(&self, q: &QueueKeys, key: Option<&str>) -> Result<Option<String>> {
        let Some(flow) = self.flow_state_now(q).await? else {
            return Ok(None);
        };
        if flow.held_by.is_some() {
            return Ok(flow.held_by);
        }
        let Some(key) = key else {
            return Ok(None);
        };
        let held: Option<f64> = redis::cmd("ZSCORE")
            .arg(&q.kwait)
            .arg(key)
            .query_async(&mut self.conn())
            .await?;
        Ok(held.map(|_| key_held(key)))
    }

    /// Forgets workers that stopped reporting (by the server's clock).
    pub async fn prune_workers(&self) -> Result<()> {
        self.live_worker_ids().await.map(drop)
    }

    /// Forgets the queues that hold nothing any more: none of their keys
    /// exists and no live worker listens to them (a name typed wrong once,
    /// or a queue purged to its last record). One pass every 10 s at most
    /// for the whole fleet (the first caller after that does it). Each queue
    /// is looked at again after its removal and put back if a job arrived
    /// meanwhile. One window stays: an enqueue registers its queue, then
    /// writes; if both checks fall between the two, the queue is unlisted
    /// (not in `inspect`, its jobs not found by `status`) until the next
    /// enqueue to it registers it again; its jobs still run. Returns the
    /// queues forgotten.
    pub async fn prune_queues(&self) -> Result<Vec<String>> {
        let mine: Option<String> = redis::cmd("SET")
            .arg(&self.global.queues_pruned)
            .arg(1)
            .arg("NX")
            .arg("PX")
            .arg(10_000)
            .query_async(&mut self.conn())
            .await?;
        if mine.is_none() {
            return Ok(Vec::new());
        }
        let listened: Vec<String> = self.live_workers().await?.into_iter().flat_map(|w| w.queues).collect();
        let mut pruned = Vec::new();
        for name in self.queues().await? {
            if listened.contains(&name) || self.holds_anything(&name).await? {
                continue;
            }
            let _: i64 = redis::cmd("SREM")
                .arg(&self.global.queues)
                .arg(&name)
                .query_async(&mut self.conn())
                .await?;
            if self.holds_anything(&name).await? {
                self.register_queue(&name).await?;
            } else {
                pruned.push(name);
            }
        }
        Ok(pruned)
    }

    /// True if any key of queue `name` exists.
    async fn holds_anything(&self, name: &str) -> Result<bool> {
        let q = self.queue(name);
        let found: u64 = redis::cmd("EXISTS")
            .arg(&q.fixed()[..])
            .query_async(&mut self.conn())
            .await?;
        Ok(found > 0)
    }

    /// The ids of registered workers, oldest first, after forgetting the ones
    /// silent for [`crate::worker::HEARTBEAT_TTL`].
    async fn live_worker_ids(&self) -> Result<Vec<String>> {
        Ok(self
            .scripts
            .workers
            .key(&self.global.workers)
            .arg(&self.clock)
            .arg(crate::worker::HEARTBEAT_TTL.as_millis() as u64)
            .invoke_async(&mut self.conn())
            .await?)
    }

    /// How much memory Redis uses and may use, as `INFO memory` reports it.
    /// On a cluster, the sums over its masters.
    pub async fn memory(&self) -> Result<RedisMemory> {
        let infos = self.info("memory").await?;
        let field = |name: &str| -> u64 {
            infos
                .iter()
                .filter_map(|info| info.lines().find_map(|l| l.strip_prefix(name)))
                .filter_map(|v| v.trim().parse::<u64>().ok())
                .sum()
        };
        Ok(RedisMemory {
            used_memory: field("used_memory:"),
            maxmemory: field("maxmemory:"),
        })
    }

    /// The master's (each master's) replicas and how far behind they are.
    pub async fn replication(&self) -> Result<Replication> {
        let infos = self.info("replication").await?;
        let mut role = String::new();
        let mut replicas = Vec::new();
        let mut fewest = usize::MAX;
        for info in &infos {
            let (node_role, node_replicas) = Replication::parse_node(info);
            if role.is_empty() || node_role != "master" {
                role = node_role;
            }
            fewest = fewest.min(node_replicas.len());
            replicas.extend(node_replicas);
        }
        Ok(Replication {
            mode: self.mode(),
            role,
            master: self.sentinel_master(),
            replicas,
            fewest_replicas: if fewest == usize::MAX { 0 } else { fewest },
        })
    }

    /// `INFO section` of the node, or of every master of a cluster.
    /// CPU seconds Redis has used so far (user + system; on a cluster, the
    /// sum over its masters), as `INFO cpu` reports it.
    pub async fn cpu_seconds(&self) -> Result<f64> {
        Ok(self
            .info("cpu")
            .await?
            .iter()
            .flat_map(|info| info.lines())
            .filter_map(|l| {
                l.strip_prefix("used_cpu_user:")
                    .or_else(|| l.strip_prefix("used_cpu_sys:"))
            })
            .filter_map(|v| v.trim().parse::<f64>().ok())
            .sum())
    }

    async fn info(&self, section: &str) -> Result<Vec<String>> {
        let reply: redis::Value = redis::cmd("INFO").arg(section).query_async(&mut self.conn()).await?;
        Ok(match reply {
            redis::Value::Map(nodes) => nodes
                .into_iter()
                .filter_map(|(_, info)| redis::from_redis_value::<String>(info).ok())
                .collect(),
            one => vec![redis::from_redis_value::<String>(one)?],
        })
    }

    /// Registered workers: those that wrote a heartbeat within
    /// [`crate::worker::HEARTBEAT_TTL`] (server clock), which includes ones
    /// silent past [`crate::worker::STALE_AFTER`]; forgets the rest.
    pub async fn live_workers(&self) -> Result<Vec<WorkerInfo>> {
        let ids = self.live_worker_ids().await?;
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut pipe = redis::pipe();
        for id in &ids {
            pipe.hgetall(self.global.worker(id));
        }
        let hashes: Vec<HashMap<String, String>> = pipe.query_async(&mut self.conn()).await?;
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
                    running: h.get("running").map(|r| parse_running(r)).unwrap_or_default(),
                    served: h
                        .get("served")
                        .and_then(|s| serde_json::from_str(s).ok())
                        .unwrap_or_default(),
                    id,
                }
            })
            .collect())
    }

    /// The server's `redis_version`.
    pub async fn redis_version(&self) -> Result<String> {
        let infos = self.info("server").await?;
        Ok(infos
            .iter()
            .find_map(|info| info.lines().find_map(|l| l.strip_prefix("redis_version:")))
            .unwrap_or("")
            .trim()
            .to_string())
    }

    /// Deletes every key under this broker's prefix (a load test's own
    /// keys), on every master of a cluster.
    pub async fn delete_all_keys(&self) -> Result<()> {
        let nodes = if self.cluster {
            super::connect::each_master(&self.target, &mut self.conn()).await?
        } else {
            vec![self.conn()]
        };
        let pattern = format!("{}:*", self.prefix);
        for mut conn in nodes {
            let mut cursor = 0u64;
            loop {
                let (next, keys): (u64, Vec<String>) = redis::cmd("SCAN")
                    .arg(cursor)
                    .arg("MATCH")
                    .arg(&pattern)
                    .arg("COUNT")
                    .arg(1000)
                    .query_async(&mut conn)
                    .await?;
                // One key per command: keys of different slots cannot share one on a cluster.
                let mut pipe = redis::pipe();
                for key in &keys {
                    pipe.unlink(key).ignore();
                }
                if !keys.is_empty() {
                    let _: () = pipe.query_async(&mut conn).await?;
                }
                if next == 0 {
                    break;
                }
                cursor = next;
            }
        }
        Ok(())
    }
}

/// Parses a heartbeat's "queue/id/delivery/ms,..." list (see the worker's heartbeat).
fn parse_running(text: &str) -> Vec<super::records::RunningJob> {
    text.split(',')
        .filter_map(|entry| {
            let mut parts = entry.rsplitn(3, '/');
            let ran_ms = parts.next()?.parse().ok()?;
            let delivery = parts.next()?.parse().ok()?;
            let (queue, id) = parts.next()?.split_once('/')?;
            Some(super::records::RunningJob {
                queue: queue.to_string(),
                id: id.to_string(),
                delivery,
                ran_ms,
            })
        })
        .collect()
}

/// What `tq jobs list` and `tq status` say of a keyed job whose key waits.
pub(super) fn key_held(key: &str) -> String {
    format!("key {key:?} held back by its key limits or a pause")
}
