//! Reads of tq's Redis state, returned as typed records: live jobs, dead
//! records, finished results, queue counts and workers. The stored formats
//! (hash fields, the counters string, lease members) are decoded here only.

use super::Broker;
use super::keys::QueueKeys;
use crate::error::Result;
use crate::job::{JobMessage, ResultRecord};
use serde::Serialize;
use std::collections::HashMap;

/// Depths and totals of one queue.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct QueueCounts {
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
    /// Results of succeeded jobs kept now.
    pub results: u64,
    /// Attempts finished (success or failure), all time.
    pub processed: u64,
    /// Attempts failed, all time.
    pub failed: u64,
    /// Age of the oldest pending job, if any (server clock minus its enqueue time).
    pub oldest_pending_age_ms: Option<u64>,
    /// Why the queue could not be read (a key written by another tool), if so.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
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
    /// When it started (server clock, ms since the epoch).
    pub started_at_ms: u64,
    /// Its last heartbeat (server clock, ms since the epoch).
    pub heartbeat_at_ms: u64,
}

/// Redis's memory use, so growth is visible in `tq inspect`.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct RedisMemory {
    /// Bytes in use.
    pub used_memory: u64,
    /// The limit (0 = none).
    pub maxmemory: u64,
}

/// Where a live job is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LiveState {
    /// Waiting on its queue.
    Pending,
    /// Delayed until its due time.
    Scheduled,
    /// Waiting for its next attempt.
    Retrying,
    /// Leased to a worker.
    Active,
}

/// A job that has not finished.
#[derive(Debug, Clone)]
pub struct LiveJob {
    /// Its queue.
    pub queue: String,
    /// Where it is.
    pub state: LiveState,
    /// Its stored message (JSON).
    pub msg: String,
    /// Attempts that finished.
    pub attempts: u64,
    /// Deliveries so far, counting one that runs now.
    pub deliveries: u64,
    /// The error of its last failed attempt.
    pub last_error: Option<String>,
}

/// The stored fields of a dead record.
#[derive(Debug, Clone, Default)]
pub struct DeadFields {
    /// Task (empty for a malformed entry).
    pub task: String,
    /// Why it died.
    pub reason: String,
    /// The last error.
    pub last_error: String,
    /// Attempts over every run.
    pub attempts: u64,
    /// Deliveries whose lease expired.
    pub recovered: u64,
    /// Deliveries handed back by stopping workers.
    pub released: u64,
    /// When it (last) died, ms since the epoch (server clock).
    pub failed_at_ms: u64,
    /// Times it was replayed.
    pub replays: u64,
    /// The replay queued or running now.
    pub replay_job: Option<String>,
    /// The stored (possibly redacted) message; `None` in list pages.
    pub msg: Option<String>,
    /// The queue entry as found, for entries that were not tq jobs.
    pub raw: Option<String>,
}

impl DeadFields {
    /// Decodes a stored record whose values may hold any bytes: a message
    /// that is not UTF-8 is kept as `raw`, hex-escaped.
    fn from_hash(h: &HashMap<String, Vec<u8>>) -> Self {
        let text = |k: &str| h.get(k).map(|v| text(v));
        let num = |k: &str| text(k).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
        let msg = h
            .get("msg")
            .map(|m| String::from_utf8(m.clone()).map_err(|_| escape(m)));
        DeadFields {
            task: text("task").unwrap_or_default(),
            reason: text("reason").unwrap_or_default(),
            last_error: text("last_error").unwrap_or_default(),
            attempts: num("attempts"),
            recovered: num("recovered"),
            released: num("released"),
            failed_at_ms: num("failed_at"),
            replays: num("replays"),
            replay_job: text("replay_job"),
            raw: text("raw").or_else(|| msg.clone().and_then(Result::err)),
            msg: msg.and_then(Result::ok),
        }
    }
}

/// One dead record as a list page shows it.
#[derive(Debug, Clone)]
pub struct DeadSummary {
    /// Record id.
    pub id: String,
    /// Its queue.
    pub queue: String,
    /// Its fields (without the message).
    pub fields: DeadFields,
}

/// Whatever is known of a job id.
#[derive(Debug, Clone)]
pub enum JobRecord {
    /// It has not finished.
    Live(LiveJob),
    /// It is a dead record.
    Dead {
        /// Its queue.
        queue: String,
        /// Its fields.
        fields: DeadFields,
    },
    /// It was a replay that died again; its history went into `record`.
    MergedReplay {
        /// Its queue.
        queue: String,
        /// The dead record it belongs to.
        record: String,
        /// That record's fields.
        fields: DeadFields,
    },
    /// It succeeded.
    Succeeded {
        /// Its queue.
        queue: String,
        /// Its result record.
        record: ResultRecord,
    },
}

/// Stored bytes as text: as they are when UTF-8, else escaped (`\xNN`).
fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap_or_else(|_| escape(bytes))
}

fn escape(bytes: &[u8]) -> String {
    bytes.escape_ascii().to_string()
}

/// Runs `read` for every queue at once (each its own round trip), so one
/// broken queue fails only its own answer.
async fn per_queue<'a, T, F, Fut>(queues: &'a [String], read: F) -> Vec<(&'a String, Result<T>)>
where
    F: Fn(&'a String) -> Fut,
    Fut: std::future::Future<Output = Result<T>>,
{
    let answers = futures_util::future::join_all(queues.iter().map(&read)).await;
    queues.iter().zip(answers).collect()
}

/// Logs a queue that could not be read and says whether any could not.
fn warn_broken<T>(answers: &[(&String, Result<T>)]) {
    for (queue, answer) in answers {
        if let Err(e) = answer {
            tracing::warn!(queue = %queue, "queue skipped, it cannot be read: {e}");
        }
    }
}

/// Splits a stored "attempts,recovered,released" counter (absent = all 0).
fn parse_counts(text: Option<&str>) -> (u64, u64, u64) {
    let mut parts = text.unwrap_or("").split(',').map(|n| n.parse::<u64>().unwrap_or(0));
    (
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
    )
}

/// The lease member a delivery holds in the active set.
fn lease_member(id: &str, delivery: u64) -> String {
    format!("{id}:{delivery}")
}

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
                    processed: 0,
                    failed: 0,
                    oldest_pending_age_ms: None,
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
            (Option<u64>, Option<u64>),
            Option<Vec<u8>>,
            Vec<u64>,
        );
        let (pending, active, scheduled, retry, dead, (processed, failed), oldest, results): Row = redis::pipe()
            .llen(&q.pending)
            .zcard(&q.active)
            .zcard(&q.scheduled)
            .zcard(&q.retry)
            .zcard(&q.dead)
            .hmget(&q.stats, &["processed", "failed"])
            .lindex(&q.pending, -1)
            .hvals(&q.result_counts)
            .query_async(&mut self.conn())
            .await?;
        let oldest_msg: Option<Vec<u8>> = match oldest {
            Some(id) if pending > 0 => {
                redis::cmd("HGET")
                    .arg(&q.jobs)
                    .arg(id)
                    .query_async(&mut self.conn())
                    .await?
            }
            _ => None,
        };
        let enqueued = oldest_msg
            .and_then(|m| serde_json::from_slice::<JobMessage>(&m).ok())
            .map(|m| m.enqueued_at_us / 1000);
        Ok(QueueCounts {
            name: name.to_string(),
            pending,
            active,
            scheduled: scheduled + retry,
            retrying: retry,
            dead,
            results: results.iter().sum(),
            processed: processed.unwrap_or(0),
            failed: failed.unwrap_or(0),
            oldest_pending_age_ms: enqueued.map(|t| now.saturating_sub(t)),
            error: None,
        })
    }

    /// Forgets workers that stopped reporting (by the server's clock).
    pub async fn prune_workers(&self) -> Result<()> {
        let _: Vec<String> = self
            .scripts
            .workers
            .key(&self.global.workers)
            .arg(&self.clock)
            .arg(crate::worker::LIVE_CUTOFF.as_millis() as u64)
            .invoke_async(&mut self.conn())
            .await?;
        Ok(())
    }

    /// How much memory Redis uses and may use, as `INFO memory` reports it.
    pub async fn memory(&self) -> Result<RedisMemory> {
        let info: String = redis::cmd("INFO").arg("memory").query_async(&mut self.conn()).await?;
        let field = |name: &str| {
            info.lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.trim().parse::<u64>().ok())
                .unwrap_or(0)
        };
        Ok(RedisMemory {
            used_memory: field("used_memory:"),
            maxmemory: field("maxmemory:"),
        })
    }

    /// Workers whose heartbeat is recent (by the server's clock); forgets the
    /// ones that stopped reporting.
    pub async fn live_workers(&self) -> Result<Vec<WorkerInfo>> {
        let ids: Vec<String> = self
            .scripts
            .workers
            .key(&self.global.workers)
            .arg(&self.clock)
            .arg(crate::worker::LIVE_CUTOFF.as_millis() as u64)
            .invoke_async(&mut self.conn())
            .await?;
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
                    id,
                }
            })
            .collect())
    }

    /// Everything known of job `id` in `queues`: live, dead, merged into a
    /// dead record, or succeeded (while its result is kept). Queues that
    /// cannot be read are skipped (and logged).
    pub async fn find_job(&self, queues: &[String], id: &str) -> Result<Option<JobRecord>> {
        let answers = per_queue(queues, |queue| self.find_job_in(queue, id)).await;
        warn_broken(&answers);
        if let Some(found) = answers.into_iter().find_map(|(_, a)| a.ok().flatten()) {
            return Ok(Some(found));
        }
        self.find_result(queues, id).await
    }

    async fn find_job_in(&self, queue: &str, id: &str) -> Result<Option<JobRecord>> {
        let k = self.queue(queue);
        // The message, counters, last error, retry and delay times, dead
        // record, and the record a dead replay was merged into.
        type Row = (
            Option<Vec<u8>>,
            Option<Vec<u8>>,
            Option<Vec<u8>>,
            Option<f64>,
            Option<f64>,
            HashMap<String, Vec<u8>>,
            Option<String>,
        );
        let (msg, counts, error, retry, scheduled, dead, merged): Row = redis::pipe()
            .hget(&k.jobs, id)
            .hget(&k.counts, id)
            .hget(&k.errors, id)
            .zscore(&k.retry, id)
            .zscore(&k.scheduled, id)
            .hgetall(k.job(id))
            .hget(&k.merged, id)
            .query_async(&mut self.conn())
            .await?;
        if let Some(msg) = msg {
            let counts = counts.map(|c| text(&c));
            let (attempts, recovered, released) = parse_counts(counts.as_deref());
            let finished = attempts + recovered + released;
            let (state, deliveries) = match (retry, scheduled) {
                (Some(_), _) => (LiveState::Retrying, finished),
                (None, Some(_)) => (LiveState::Scheduled, finished),
                (None, None) => {
                    // Active exactly while its next delivery holds a lease.
                    let leased: Option<f64> = redis::cmd("ZSCORE")
                        .arg(&k.active)
                        .arg(lease_member(id, finished + 1))
                        .query_async(&mut self.conn())
                        .await?;
                    match leased {
                        Some(_) => (LiveState::Active, finished + 1),
                        None => (LiveState::Pending, finished),
                    }
                }
            };
            return Ok(Some(JobRecord::Live(LiveJob {
                queue: queue.to_string(),
                state,
                msg: text(&msg),
                attempts,
                deliveries,
                last_error: error.map(|e| text(&e)),
            })));
        }
        if !dead.is_empty() {
            return Ok(Some(JobRecord::Dead {
                queue: queue.to_string(),
                fields: DeadFields::from_hash(&dead),
            }));
        }
        if let Some(record) = merged {
            let hash: HashMap<String, Vec<u8>> = redis::cmd("HGETALL")
                .arg(k.job(&record))
                .query_async(&mut self.conn())
                .await?;
            return Ok(Some(JobRecord::MergedReplay {
                queue: queue.to_string(),
                record,
                fields: DeadFields::from_hash(&hash),
            }));
        }
        Ok(None)
    }

    /// The result record of a job that succeeded, if it is still kept.
    async fn find_result(&self, queues: &[String], id: &str) -> Result<Option<JobRecord>> {
        let answers = per_queue(queues, |q| async move {
            let buckets: Vec<String> = redis::cmd("ZRANGE")
                .arg(self.queue(q).results)
                .arg(0)
                .arg(-1)
                .query_async(&mut self.conn())
                .await?;
            Ok(buckets)
        })
        .await;
        let buckets: Vec<Vec<String>> = answers.into_iter().map(|(_, a)| a.unwrap_or_default()).collect();
        let mut pipe = redis::pipe();
        let mut owners = Vec::new();
        for (q, keys) in queues.iter().zip(&buckets) {
            for key in keys {
                pipe.hget(key, id);
                owners.push(q);
            }
        }
        if owners.is_empty() {
            return Ok(None);
        }
        // A bucket key of the wrong type answers with an error: no result there.
        let records: Vec<Option<Vec<u8>>> = match pipe.query_async(&mut self.conn()).await {
            Ok(records) => records,
            Err(e) => {
                tracing::warn!("results cannot be read: {e}");
                return Ok(None);
            }
        };
        Ok(owners.into_iter().zip(records).find_map(|(q, r)| {
            let record: ResultRecord = serde_json::from_slice(r.as_deref()?).ok()?;
            Some(JobRecord::Succeeded {
                queue: q.clone(),
                record,
            })
        }))
    }

    /// Up to `count` dead records of `queue` that died in `[since, before)`,
    /// newest first, skipping the first `offset`.
    pub async fn dead_page(
        &self,
        queue: &str,
        since_ms: Option<u64>,
        before_ms: Option<u64>,
        offset: usize,
        count: usize,
    ) -> Result<Vec<DeadSummary>> {
        let q = self.queue(queue);
        let (min, max) = score_range(since_ms, before_ms);
        let page: Vec<(Vec<u8>, f64)> = redis::cmd("ZREVRANGEBYSCORE")
            .arg(&q.dead)
            .arg(&max)
            .arg(&min)
            .arg("WITHSCORES")
            .arg("LIMIT")
            .arg(offset)
            .arg(count)
            .query_async(&mut self.conn())
            .await?;
        if page.is_empty() {
            return Ok(Vec::new());
        }
        const FIELDS: [&str; 6] = ["task", "reason", "last_error", "attempts", "replays", "replay_job"];
        let mut pipe = redis::pipe();
        for (id, _) in &page {
            pipe.hmget(q.job(&text(id)), &FIELDS);
        }
        let rows: Vec<Vec<Option<Vec<u8>>>> = pipe.query_async(&mut self.conn()).await?;
        Ok(page
            .into_iter()
            .zip(rows)
            .map(|((id, failed_at), row)| {
                let id = text(&id);
                let hash: HashMap<String, Vec<u8>> = FIELDS
                    .iter()
                    .zip(row)
                    .filter_map(|(k, v)| Some((k.to_string(), v?)))
                    .collect();
                let mut fields = DeadFields::from_hash(&hash);
                fields.failed_at_ms = failed_at as u64;
                DeadSummary {
                    id,
                    queue: queue.to_string(),
                    fields,
                }
            })
            .collect())
    }

    /// How many dead records of `queues` died in `[since, before)`.
    pub async fn dead_count(&self, queues: &[String], since_ms: Option<u64>, before_ms: Option<u64>) -> Result<u64> {
        if queues.is_empty() {
            return Ok(0);
        }
        let (min, max) = score_range(since_ms, before_ms);
        let answers = per_queue(queues, |queue| {
            let (min, max) = (&min, &max);
            async move {
                let n: u64 = redis::cmd("ZCOUNT")
                    .arg(self.queue(queue).dead)
                    .arg(min)
                    .arg(max)
                    .query_async(&mut self.conn())
                    .await?;
                Ok(n)
            }
        })
        .await;
        warn_broken(&answers);
        Ok(answers.into_iter().filter_map(|(_, a)| a.ok()).sum())
    }

    /// Dead record `id` in full, with the queue it is in and its attempt
    /// history (JSON records, oldest first).
    pub async fn dead_record(&self, queues: &[String], id: &str) -> Result<Option<(DeadSummary, Vec<String>)>> {
        let answers = per_queue(queues, |queue| async move {
            let q = self.queue(queue);
            type Found = (Option<f64>, HashMap<String, Vec<u8>>, Vec<Vec<u8>>);
            let found: Found = redis::pipe()
                .zscore(&q.dead, id)
                .hgetall(q.job(id))
                .lrange(q.failures(id), 0, -1)
                .query_async(&mut self.conn())
                .await?;
            Ok(found)
        })
        .await;
        warn_broken(&answers);
        Ok(answers.into_iter().find_map(|(queue, answer)| {
            let (score, hash, history) = answer.ok()?;
            let mut fields = DeadFields::from_hash(&hash);
            fields.failed_at_ms = score? as u64;
            Some((
                DeadSummary {
                    id: id.to_string(),
                    queue: queue.clone(),
                    fields,
                },
                history.iter().map(|h| text(h)).collect(),
            ))
        }))
    }

    /// The attempt records (JSON) kept for job `id` of `queue`, oldest first.
    pub async fn attempt_history(&self, queue: &str, id: &str) -> Result<Vec<String>> {
        Ok(redis::cmd("LRANGE")
            .arg(self.queue(queue).failures(id))
            .arg(0)
            .arg(-1)
            .query_async(&mut self.conn())
            .await?)
    }

    /// For each of `ids`, the queue (of `queues`) whose dead set holds it.
    pub async fn locate_dead(&self, queues: &[String], ids: &[String]) -> Result<Vec<Option<String>>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let answers = per_queue(queues, |queue| async move {
            let mut pipe = redis::pipe();
            for id in ids {
                pipe.zscore(self.queue(queue).dead, id);
            }
            let scores: Vec<Option<f64>> = pipe.query_async(&mut self.conn()).await?;
            Ok(scores)
        })
        .await;
        warn_broken(&answers);
        Ok((0..ids.len())
            .map(|i| {
                answers.iter().find_map(|(queue, answer)| {
                    let scores = answer.as_ref().ok()?;
                    scores.get(i)?.map(|_| (*queue).clone())
                })
            })
            .collect())
    }

    /// Every kept result record of `queue`, by job id.
    pub async fn results(&self, queue: &str) -> Result<HashMap<String, ResultRecord>> {
        let q: QueueKeys = self.queue(queue);
        let mut conn = self.conn();
        let buckets: Vec<String> = redis::cmd("ZRANGE")
            .arg(&q.results)
            .arg(0)
            .arg(-1)
            .query_async(&mut conn)
            .await?;
        let mut records = HashMap::new();
        for bucket in buckets {
            let mut cursor = 0u64;
            loop {
                let (next, page): (u64, Vec<(String, Vec<u8>)>) = redis::cmd("HSCAN")
                    .arg(&bucket)
                    .arg(cursor)
                    .arg("COUNT")
                    .arg(5000)
                    .query_async(&mut conn)
                    .await?;
                for (id, text) in page {
                    if let Ok(record) = serde_json::from_slice::<ResultRecord>(&text) {
                        records.insert(id, record);
                    }
                }
                if next == 0 {
                    break;
                }
                cursor = next;
            }
        }
        Ok(records)
    }

    /// The ids of every dead record of `queue`.
    pub async fn dead_ids(&self, queue: &str) -> Result<Vec<String>> {
        Ok(redis::cmd("ZRANGE")
            .arg(self.queue(queue).dead)
            .arg(0)
            .arg(-1)
            .query_async(&mut self.conn())
            .await?)
    }

    /// The server's `redis_version`.
    pub async fn redis_version(&self) -> Result<String> {
        let info: String = redis::cmd("INFO").arg("server").query_async(&mut self.conn()).await?;
        Ok(info
            .lines()
            .find_map(|l| l.strip_prefix("redis_version:"))
            .unwrap_or("")
            .trim()
            .to_string())
    }

    /// Deletes every key under this broker's prefix (a load test's own keys).
    pub async fn delete_all_keys(&self) -> Result<()> {
        let mut conn = self.conn();
        {
            let pattern = format!("{}:*", self.prefix);
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
                if !keys.is_empty() {
                    let _: () = redis::cmd("UNLINK").arg(&keys).query_async(&mut conn).await?;
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

/// ZSET score bounds for "died in [since, before)".
fn score_range(since_ms: Option<u64>, before_ms: Option<u64>) -> (String, String) {
    (
        since_ms.map_or("-inf".to_string(), |s| s.to_string()),
        before_ms.map_or("+inf".to_string(), |b| format!("({b}")),
    )
}
