//! The typed records the broker's reads return (live jobs, dead records,
//! finished results, queue counts, workers), and the decoding of stored
//! formats (hash fields, the counters string, lease members) they share.
//! The reads themselves: `read_queues.rs`, `read_jobs.rs`, `read_dead.rs`.

use crate::error::Result;
use crate::job::ResultRecord;
use serde::{Deserialize, Serialize};
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
    /// Jobs waiting for a time: delayed (`--delay`, `--at`) plus failed jobs
    /// waiting for their next attempt (as SPEC.md defines it).
    pub scheduled: u64,
    /// Of `scheduled`, the failed jobs waiting for their next attempt.
    pub retrying: u64,
    /// Dead jobs.
    pub dead: u64,
    /// Results of succeeded jobs kept now.
    pub results: u64,
    /// Attempts finished (success or failure), all time.
    pub processed: u64,
    /// Attempts failed, all time.
    pub failed: u64,
    /// Paused (`tq queue pause`): no job of it is claimed until it is resumed.
    pub paused: bool,
    /// Age of the oldest pending job, if any (server clock minus its enqueue time).
    pub oldest_pending_age_ms: Option<u64>,
    /// Keys of this queue another tool overwrote with the wrong type, which
    /// a script moved aside (listed in the queue's `quarantine` hash).
    pub quarantined: u64,
    /// Periodic jobs' schedules feeding this queue (`tq cron`), paused ones included.
    pub schedules: u64,
    /// The schedule of this queue due first, and when (ms, server clock).
    pub next_schedule: Option<String>,
    pub next_schedule_ms: Option<u64>,
    /// Flow control (`tq queue limit`, `--key`, a handler's pause): None
    /// when the queue has none of it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flow: Option<FlowState>,
    /// Why the queue could not be read (a key written by another tool), if so.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// A start rate: at most `starts` jobs start in any window of `per`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub starts: u64,
    pub per: std::time::Duration,
}

impl Rate {
    /// Parses `N/DURATION` (`20/1s`, `1000/1m`); `N/s` means `N/1s`.
    pub fn parse(text: &str) -> std::result::Result<Rate, String> {
        let bad = || format!("invalid rate {text:?}: expected N/DURATION, like 20/1s or 1000/1m");
        let (n, per) = text.split_once('/').ok_or_else(bad)?;
        let starts: u64 = n.trim().parse().map_err(|_| bad())?;
        let per = per.trim();
        let per = if per.starts_with(|c: char| c.is_ascii_digit()) {
            per.to_string()
        } else {
            format!("1{per}")
        };
        let per = humantime::parse_duration(&per).map_err(|_| bad())?;
        if starts == 0 || starts > 1_000_000 {
            return Err(format!("invalid rate {text:?}: N must be 1 to 1000000"));
        }
        if per < std::time::Duration::from_millis(1) || per > std::time::Duration::from_secs(24 * 3600) {
            return Err(format!("invalid rate {text:?}: the window must be 1ms to 24h"));
        }
        Ok(Rate { starts, per })
    }

    /// As the claim script reads it: "N/MS".
    pub fn encode(&self) -> String {
        format!("{}/{}", self.starts, self.per.as_millis())
    }

    /// Reads "N/MS".
    pub fn decode(text: &str) -> Option<Rate> {
        let (n, ms) = text.split_once('/')?;
        Some(Rate {
            starts: n.parse().ok()?,
            per: std::time::Duration::from_millis(ms.parse().ok()?),
        })
    }
}

impl std::fmt::Display for Rate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.starts, humantime::format_duration(self.per))
    }
}

impl Serialize for Rate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A queue's flow limits (`tq queue limit`); None: no such limit.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct FlowLimits {
    /// Most jobs of the queue running at once, fleet-wide.
    pub concurrency: Option<u64>,
    /// Most starts in any window.
    pub rate: Option<Rate>,
    /// Most jobs of one fairness key running at once.
    pub key_concurrency: Option<u64>,
    /// Most starts of one fairness key in any window.
    pub key_rate: Option<Rate>,
}

impl FlowLimits {
    /// From the limits hash's fields.
    pub fn from_fields(fields: &HashMap<String, String>) -> FlowLimits {
        let number = |f: &str| fields.get(f).and_then(|v| v.parse().ok());
        let rate = |f: &str| fields.get(f).and_then(|v| Rate::decode(v));
        FlowLimits {
            concurrency: number("concurrency"),
            rate: rate("rate"),
            key_concurrency: number("key_concurrency"),
            key_rate: rate("key_rate"),
        }
    }

    /// "concurrency 5, rate 20/1s" (or "none").
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(n) = self.concurrency {
            parts.push(format!("concurrency {n}"));
        }
        if let Some(r) = self.rate {
            parts.push(format!("rate {r}"));
        }
        if let Some(n) = self.key_concurrency {
            parts.push(format!("key concurrency {n}"));
        }
        if let Some(r) = self.key_rate {
            parts.push(format!("key rate {r}"));
        }
        if parts.is_empty() {
            "none".into()
        } else {
            parts.join(", ")
        }
    }
}

/// Where a queue's flow control stands now.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct FlowState {
    /// Its limits.
    pub limits: FlowLimits,
    /// A handler's `pause_queue_ms` holds the queue back this much longer.
    pub paused_for_ms: Option<u64>,
    /// Jobs running now (leases), which the concurrency limit counts.
    pub running: u64,
    /// Jobs started within the last rate window (with a rate limit).
    pub started_in_window: Option<u64>,
    /// Jobs with a fairness key waiting to run (part of `pending`).
    pub keyed_pending: u64,
    /// Keys with waiting jobs whose turn comes.
    pub keys_in_line: u64,
    /// Keys with waiting jobs that their key limits or a pause hold back.
    pub keys_held: u64,
    /// Why the queue's waiting jobs wait now (a limit or pause that binds), if one does.
    pub held_by: Option<String>,
}

impl FlowState {
    /// What holds the queue's waiting jobs back now, if anything: a pause,
    /// a full concurrency, a rate window used up.
    pub fn holding(&self) -> Option<String> {
        if let Some(ms) = self.paused_for_ms {
            return Some(format!(
                "queue paused by a handler for {}",
                humantime::format_duration(std::time::Duration::from_millis(ms / 100 * 100))
            ));
        }
        if let Some(n) = self.limits.concurrency
            && self.running >= n
        {
            return Some(format!("concurrency limit: {} of {n} running", self.running));
        }
        if let (Some(r), Some(started)) = (self.limits.rate, self.started_in_window)
            && started >= r.starts
        {
            return Some(format!("rate limit {r}: {started} started in the window"));
        }
        None
    }
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
    /// Jobs it runs (at most 200 listed), as of its last heartbeat.
    pub running: Vec<RunningJob>,
    /// Its served handler processes (`--serve`), as of its last heartbeat.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub served: Vec<crate::worker::served::ProcessInfo>,
}

/// A job a worker runs, as its last heartbeat listed it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct RunningJob {
    pub queue: String,
    pub id: String,
    pub delivery: u64,
    /// How long it had run at that heartbeat, ms.
    pub ran_ms: u64,
}

/// Who keeps copies of tq's data, as `INFO replication` says (for `tq
/// inspect`, and the warning when `--min-replicas` asks for more).
#[derive(Debug, Clone, Serialize)]
pub struct Replication {
    /// `single`, `sentinel` or `cluster`.
    pub mode: &'static str,
    /// What the node tq writes to says it is (`master`; `replica` would
    /// mean tq writes to a replica). On a cluster, each master is asked.
    pub role: String,
    /// The node tq writes to, when the Sentinels named it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub master: Option<String>,
    /// Every replica of the master (of each master, on a cluster).
    pub replicas: Vec<ReplicaInfo>,
    /// The fewest replicas any master has (what a WAIT can count on).
    pub fewest_replicas: usize,
}

/// One replica as its master sees it.
#[derive(Debug, Clone, Serialize)]
pub struct ReplicaInfo {
    /// `host:port`.
    pub addr: String,
    /// `online`, `wait_bgsave`, `send_bulk`...
    pub state: String,
    /// Seconds since it last acknowledged the replication stream.
    pub lag_seconds: u64,
    /// Bytes of the stream it has not acknowledged yet.
    pub behind_bytes: u64,
}

impl Replication {
    /// Reads one node's `INFO replication` text.
    pub(crate) fn parse_node(info: &str) -> (String, Vec<ReplicaInfo>) {
        let field = |name: &str| {
            info.lines()
                .find_map(|l| l.trim().strip_prefix(name))
                .map(str::to_string)
        };
        let role = match field("role:").as_deref() {
            Some("slave") => "replica".to_string(),
            Some(r) => r.to_string(),
            None => "unknown".to_string(),
        };
        let offset: u64 = field("master_repl_offset:").and_then(|v| v.parse().ok()).unwrap_or(0);
        let mut replicas = Vec::new();
        for line in info.lines().map(str::trim) {
            let Some((name, fields)) = line.split_once(':') else {
                continue;
            };
            if name.strip_prefix("slave").is_none_or(|n| n.parse::<u32>().is_err()) {
                continue;
            }
            let get = |key: &str| {
                fields
                    .split(',')
                    .find_map(|kv| kv.strip_prefix(key).and_then(|v| v.strip_prefix('=')))
                    .unwrap_or("")
            };
            let at: u64 = get("offset").parse().unwrap_or(0);
            replicas.push(ReplicaInfo {
                addr: format!("{}:{}", get("ip"), get("port")),
                state: get("state").to_string(),
                lag_seconds: get("lag").parse().unwrap_or(0),
                behind_bytes: offset.saturating_sub(at),
            });
        }
        (role, replicas)
    }
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

/// One waiting or running job as `tq jobs list` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct JobSummary {
    pub id: String,
    pub queue: String,
    pub state: LiveState,
    /// Its task ('' if the message does not decode).
    pub task: String,
    /// Attempts that finished (failed) before.
    pub attempts: u64,
    /// When it was enqueued (ms since the epoch, as the message says).
    pub enqueued_at_ms: u64,
    /// Scheduled or retrying: when it becomes pending (server clock).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due_at_ms: Option<u64>,
    /// Active: when its lease runs out unless renewed (server clock).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lease_until_ms: Option<u64>,
    /// Active: the worker that runs it, and for how long it has run (as of that worker's last heartbeat).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub worker: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub running_ms: Option<u64>,
    /// Retrying: the error of its last attempt.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    /// Its fairness key (pending keyed jobs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Pending: why it waits although workers may be free (a flow limit or pause holds it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waiting_for: Option<String>,
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
    /// Scheduled or retrying: when it becomes pending (server clock, ms).
    pub due_at_ms: Option<u64>,
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
    /// Its args were redacted at enqueue: only a replay given the full args
    /// (the CLI's `--args-file`) can run it again.
    pub redacted: bool,
    /// The stored (possibly redacted) message; `None` in list pages.
    pub msg: Option<String>,
    /// The queue entry as found, for entries that were not tq jobs.
    pub raw: Option<String>,
}

impl DeadFields {
    /// Decodes a stored record whose values may hold any bytes: a message
    /// that is not UTF-8 is kept as `raw`, hex-escaped.
    pub(super) fn from_hash(h: &HashMap<String, Vec<u8>>) -> Self {
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
            redacted: text("redacted").as_deref() == Some("1"),
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
    /// It died, and its replay (`replay`) succeeded: the dead record went,
    /// a pointer to the replay stays while the replay's result is kept.
    Replayed {
        /// Its queue.
        queue: String,
        /// The replay's id.
        replay: String,
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
pub(super) fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap_or_else(|_| escape(bytes))
}

pub(super) fn escape(bytes: &[u8]) -> String {
    bytes.escape_ascii().to_string()
}

/// Runs `read` for every queue at once (each its own round trip), so one
/// broken queue fails only its own answer.
pub(super) async fn per_queue<'a, T, F, Fut>(queues: &'a [String], read: F) -> Vec<(&'a String, Result<T>)>
where
    F: Fn(&'a String) -> Fut,
    Fut: std::future::Future<Output = Result<T>>,
{
    let answers = futures_util::future::join_all(queues.iter().map(&read)).await;
    queues.iter().zip(answers).collect()
}

/// Logs a queue that could not be read and says whether any could not.
pub(super) fn warn_broken<T>(answers: &[(&String, Result<T>)]) {
    for (queue, answer) in answers {
        if let Err(e) = answer {
            tracing::warn!(queue = %queue, "queue skipped, it cannot be read: {e}");
        }
    }
}

/// Splits a stored "attempts,recovered,released" counter (absent = all 0).
pub(super) fn parse_counts(text: Option<&str>) -> (u64, u64, u64) {
    let mut parts = text.unwrap_or("").split(',').map(|n| n.parse::<u64>().unwrap_or(0));
    (
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
    )
}

/// The lease member a delivery holds in the active set: the bare id for
/// the first delivery of an id with no ':', else "<id>:<delivery>"
/// (`lease_of` in lua/lib.lua).
pub(super) fn lease_member(id: &str, delivery: u64) -> String {
    if delivery == 1 && !id.contains(':') {
        id.to_string()
    } else {
        format!("{id}:{delivery}")
    }
}

/// The job id and delivery of a lease member in either form
/// (`lease_parts` in lua/lib.lua): "<id>:<digits>", else a bare id.
pub(super) fn lease_parts(member: &str) -> (&str, u64) {
    if let Some((id, n)) = member.rsplit_once(':')
        && n.bytes().all(|b| b.is_ascii_digit())
        && let Ok(delivery) = n.parse()
    {
        return (id, delivery);
    }
    (member, 1)
}

/// The job id and delivery of a ready-list entry that hands a job,
/// "<id>:<delivery>" (`hand_off_parts` in lua/lib.lua); None for a bare
/// wake-up token, or for anything else another tool left there.
pub(super) fn hand_off_parts(entry: &[u8]) -> Option<(&[u8], u64)> {
    let at = entry.iter().rposition(|&b| b == b':')?;
    let (id, digits) = (&entry[..at], &entry[at + 1..]);
    if id.is_empty() || digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some((id, std::str::from_utf8(digits).ok()?.parse().ok()?))
}

/// The entry a handed job has in the ready list: "<id>:<delivery>" in every
/// form (`hand_off_of` in lua/lib.lua), and the lease member an earlier
/// version gave every delivery.
pub(super) fn hand_off_entry(id: &str, delivery: u64) -> String {
    format!("{id}:{delivery}")
}

/// ZSET score bounds for "died in [since, before)".
pub(super) fn score_range(since_ms: Option<u64>, before_ms: Option<u64>) -> (String, String) {
    (
        since_ms.map_or("-inf".to_string(), |s| s.to_string()),
        before_ms.map_or("+inf".to_string(), |b| format!("({b}")),
    )
}

/// What happens to ticks a gap swallowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum CatchUp {
    /// One job for the whole gap, then on with the cadence.
    One,
    /// No job for the gap.
    None,
}

/// A periodic job's schedule as `tq cron add` defined it. Stored as JSON,
/// compared byte for byte: adding the same definition twice changes nothing.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CronSpec {
    pub name: String,
    pub queue: String,
    pub task: String,
    /// Arguments, as JSON text.
    pub args: String,
    /// `--every`, ms.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub every_ms: Option<u64>,
    /// `--cron`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cron: Option<String>,
    pub tz: String,
    pub catch_up: CatchUp,
    pub max_retries: u32,
    pub retry_base_ms: u64,
    pub retry_cap_ms: u64,
    pub timeout_ms: u64,
    /// Each job expires this long after its tick unless it started.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_ms: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unique_for_ms: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unique_key: Option<String>,
}

/// A periodic job's schedule as stored, with its state.
#[derive(Debug, Clone)]
pub struct CronRecord {
    /// Its name.
    pub name: String,
    /// The queue it feeds (where it is stored).
    pub queue: String,
    /// The definition, or why it could not be read (bytes another tool wrote).
    pub spec: std::result::Result<CronSpec, String>,
    /// The stored definition as it is, which a firing must still find.
    pub raw: String,
    /// Its next fire time (ms, server clock); None while paused.
    pub next_ms: Option<u64>,
    /// Its last firing: the tick (or the time of a run-now) and the job id
    /// ('' for a gap skipped under `--catch-up none`).
    pub last: Option<(u64, String)>,
}

/// What a firing did ([`crate::broker::Broker::cron_fire`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CronFire {
    /// The tick fired: the job it created (or the unique job standing for
    /// it), or None for a skipped gap.
    Fired { job: Option<String> },
    /// Another worker fired this tick first, or the schedule changed.
    Moved,
}

/// What `tq cron add` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CronPut {
    Created,
    Changed,
    Unchanged,
}

#[cfg(test)]
mod tests {
    use super::hand_off_parts;

    /// Only "<id>:<digits>" hands a job, as lua/lib.lua writes and reads it;
    /// a wake-up token and whatever else another tool pushed do not.
    #[test]
    fn a_ready_entry_hands_a_job_only_as_id_colon_digits() {
        assert_eq!(hand_off_parts(b"01jq:3"), Some((&b"01jq"[..], 3)));
        assert_eq!(hand_off_parts(b"order:7:12"), Some((&b"order:7"[..], 12)));
        for other in [&b"1"[..], b":5", b"x:", b"x:+5", b"x:5a", b"x:99999999999999999999999"] {
            assert_eq!(hand_off_parts(other), None, "{}", other.escape_ascii());
        }
    }
}
