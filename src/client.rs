//! The client side of tq: put jobs on queues, read a job's state, wait for it.

use crate::broker::{Broker, NewJob};
use crate::error::{Error, Result};
use crate::job::{JobMessage, MAX_PAYLOAD_BYTES, ResultRecord, new_job_id, now_us};
use redis::AsyncCommands;
use serde::Serialize;
use serde_json::value::RawValue;
use std::collections::HashMap;
use std::time::Duration;

/// Defaults applied when a job does not set its own.
pub mod defaults {
    use crate::job::stored_defaults as stored;
    use std::time::Duration;
    /// Retries after the first failed attempt.
    pub const MAX_RETRIES: u32 = stored::MAX_RETRIES;
    /// Backoff base.
    pub const RETRY_BASE: Duration = Duration::from_millis(stored::RETRY_BASE_MS);
    /// Longest wait between two attempts.
    pub const RETRY_CAP: Duration = Duration::from_millis(stored::RETRY_CAP_MS);
    /// Longest run of one attempt.
    pub const TIMEOUT: Duration = Duration::from_millis(stored::TIMEOUT_MS);
    /// How long a finished job's result stays readable.
    pub const RESULT_TTL: Duration = Duration::from_secs(24 * 3600);
}

/// Everything needed to enqueue one job.
#[derive(Debug, Clone)]
pub struct EnqueueRequest {
    /// Task name.
    pub task: String,
    /// Arguments as JSON text (validated by [`parse_args`]).
    pub args: Box<RawValue>,
    /// Queue name.
    pub queue: String,
    /// Earliest time to run (ms since the epoch); `None` = now.
    pub run_at_ms: Option<u64>,
    /// Retries after the first failure.
    pub max_retries: u32,
    /// Backoff base.
    pub retry_base: Duration,
    /// Backoff cap.
    pub retry_cap: Duration,
    /// Attempt timeout (zero = none).
    pub timeout: Duration,
    /// JSON pointers of args fields the dead-letter queue must not keep.
    pub redact: Vec<String>,
}

impl EnqueueRequest {
    /// A request with tq's defaults for everything but task, args and queue.
    pub fn new(task: impl Into<String>, args: Box<RawValue>, queue: impl Into<String>) -> Self {
        EnqueueRequest {
            task: task.into(),
            args,
            queue: queue.into(),
            run_at_ms: None,
            max_retries: defaults::MAX_RETRIES,
            retry_base: defaults::RETRY_BASE,
            retry_cap: defaults::RETRY_CAP,
            timeout: defaults::TIMEOUT,
            redact: Vec::new(),
        }
    }

    /// Builds the stored message and the broker entry for this request.
    pub fn to_new_job(&self) -> Result<(JobMessage, NewJob)> {
        let msg = JobMessage {
            id: new_job_id(),
            task: self.task.clone(),
            queue: self.queue.clone(),
            args: self.args.clone(),
            max_retries: self.max_retries,
            retry_base_ms: self.retry_base.as_millis() as u64,
            retry_cap_ms: self.retry_cap.as_millis() as u64,
            timeout_ms: self.timeout.as_millis() as u64,
            enqueued_at_us: now_us(),
            redact: self.redact.clone(),
            replay_of: None,
        };
        let due_ms = self.run_at_ms.filter(|at| *at > msg.enqueued_at_us / 1000).unwrap_or(0);
        let entry = new_job_entry(&msg, due_ms)?;
        Ok((msg, entry))
    }
}

/// The broker entry for `msg`: the encoded message and, when it asks for
/// redaction, the form the dead-letter queue keeps instead.
pub fn new_job_entry(msg: &JobMessage, due_ms: u64) -> Result<NewJob> {
    let encode =
        |m: &JobMessage| serde_json::to_string(m).map_err(|e| Error::InvalidInput(format!("cannot encode job: {e}")));
    let dead_msg = if msg.redact.is_empty() {
        String::new()
    } else {
        let mut dead = msg.clone();
        dead.args = crate::redact::redact_args(&msg.args, &msg.redact).map_err(Error::InvalidInput)?;
        encode(&dead)?
    };
    Ok(NewJob {
        id: msg.id.clone(),
        due_ms,
        msg: encode(msg)?,
        dead_msg,
    })
}

/// Validates args text: well-formed JSON and within the size limit.
pub fn parse_args(text: &str) -> Result<Box<RawValue>> {
    if text.len() > MAX_PAYLOAD_BYTES {
        return Err(Error::InvalidInput(format!(
            "invalid --args: payload is {} bytes, the limit is {} bytes (512 KiB)",
            text.len(),
            MAX_PAYLOAD_BYTES
        )));
    }
    let raw: Box<RawValue> =
        serde_json::from_str(text.trim()).map_err(|e| Error::InvalidInput(format!("invalid --args: {e}")))?;
    Ok(raw)
}

/// A job's state as `tq status` reports it.
#[derive(Debug, Clone, Serialize)]
pub struct JobStatus {
    /// Job id.
    pub id: String,
    /// Queue.
    pub queue: String,
    /// Task name (empty for a malformed entry).
    pub task: String,
    /// `pending`, `scheduled`, `active`, `retrying`, `succeeded` or `dead`.
    pub state: String,
    /// Attempts that finished.
    pub attempts: u64,
    /// Times the job was handed to a worker (including a delivery running now).
    pub deliveries: u64,
    /// The result of the successful attempt (JSON), if any.
    pub result: Option<serde_json::Value>,
    /// The error of the last failed attempt.
    pub last_error: Option<String>,
    /// Why the job died (dead jobs only).
    pub reason: Option<String>,
    /// When it was enqueued (ms since the epoch).
    pub enqueued_at_ms: Option<u64>,
    /// When its last attempt started (ms since the epoch).
    pub started_at_ms: Option<u64>,
    /// When it finished: succeeded or died (ms since the epoch).
    pub finished_at_ms: Option<u64>,
}

impl JobStatus {
    /// True once the job will not run again on its own.
    pub fn is_final(&self) -> bool {
        matches!(self.state.as_str(), "succeeded" | "dead")
    }

    fn from_result(id: &str, queue: &str, r: ResultRecord) -> Self {
        JobStatus {
            id: id.to_string(),
            queue: queue.to_string(),
            task: r.task,
            state: "succeeded".into(),
            attempts: r.attempts,
            deliveries: r.deliveries,
            result: r.result.and_then(|raw| serde_json::from_str(raw.get()).ok()),
            last_error: None,
            reason: None,
            enqueued_at_ms: Some(r.enqueued_us / 1000),
            started_at_ms: Some(r.started_us / 1000),
            finished_at_ms: Some(r.finished_us / 1000),
        }
    }

    fn live(id: &str, queue: &str, msg: &str, attempts: u64, deliveries: u64, last_error: Option<String>) -> Self {
        let msg: Option<JobMessage> = serde_json::from_str(msg).ok();
        JobStatus {
            id: id.to_string(),
            queue: queue.to_string(),
            task: msg.as_ref().map(|m| m.task.clone()).unwrap_or_default(),
            state: "pending".into(),
            attempts,
            deliveries,
            result: None,
            last_error,
            reason: None,
            enqueued_at_ms: msg.as_ref().map(|m| m.enqueued_at_us / 1000),
            started_at_ms: None,
            finished_at_ms: None,
        }
    }

    fn from_dead_record(id: &str, queue: &str, h: HashMap<String, String>) -> Self {
        let msg: Option<JobMessage> = h.get("msg").and_then(|m| serde_json::from_str(m).ok());
        let num = |k: &str| h.get(k).and_then(|v| v.parse::<u64>().ok());
        JobStatus {
            id: id.to_string(),
            queue: queue.to_string(),
            task: h.get("task").cloned().unwrap_or_default(),
            state: h.get("state").cloned().unwrap_or_else(|| "dead".into()),
            attempts: num("attempts").unwrap_or(0),
            // Each finished delivery ended as an attempt, a recovery or a hand-back.
            deliveries: ["attempts", "recovered", "released"]
                .iter()
                .filter_map(|k| num(k))
                .sum(),
            result: None,
            last_error: h.get("last_error").cloned(),
            reason: h.get("reason").cloned(),
            enqueued_at_ms: msg.as_ref().map(|m| m.enqueued_at_us / 1000),
            started_at_ms: None,
            finished_at_ms: num("failed_at"),
        }
    }
}

/// Parses a job's "attempts,recovered,released" counters (absent = all 0).
pub fn parse_counts(text: Option<&str>) -> (u64, u64, u64) {
    let mut parts = text.unwrap_or("").split(',').map(|n| n.parse::<u64>().unwrap_or(0));
    (
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
    )
}

/// Enqueues jobs and reads their state.
#[derive(Clone)]
pub struct Client {
    broker: Broker,
}

impl Client {
    /// A client over an open broker connection.
    pub fn new(broker: Broker) -> Self {
        Client { broker }
    }

    /// The broker this client talks through.
    pub fn broker(&self) -> &Broker {
        &self.broker
    }

    /// Puts one job on its queue; returns the stored message.
    pub async fn enqueue(&self, request: &EnqueueRequest) -> Result<JobMessage> {
        crate::broker::keys::validate_queue_name(&request.queue).map_err(Error::InvalidInput)?;
        crate::redact::validate_paths(&request.args, &request.redact).map_err(Error::InvalidInput)?;
        let (msg, entry) = request.to_new_job()?;
        self.broker.register_queue(&request.queue).await?;
        let q = self.broker.queue(&request.queue);
        self.broker.enqueue(&q, std::slice::from_ref(&entry)).await?;
        Ok(msg)
    }

    /// Every queue name that has received a job, sorted.
    pub async fn queues(&self) -> Result<Vec<String>> {
        let mut names: Vec<String> = self.broker.conn().smembers(&self.broker.global().queues).await?;
        names.sort();
        Ok(names)
    }

    /// The state of job `id`, looked up in every known queue.
    pub async fn status(&self, id: &str) -> Result<JobStatus> {
        let queues = self.queues().await?;
        if queues.is_empty() {
            return Err(Error::NotFound(format!("no job with id {id}")));
        }
        let mut pipe = redis::pipe();
        for q in &queues {
            let k = self.broker.queue(q);
            pipe.hget(&k.jobs, id)
                .hget(&k.counts, id)
                .hget(&k.errors, id)
                .zscore(&k.retry, id)
                .zscore(&k.scheduled, id)
                .hgetall(k.job(id));
        }
        // Per queue: message, counters, last error, retry and delay times, dead record.
        type Row = (
            Option<String>,
            Option<String>,
            Option<String>,
            Option<f64>,
            Option<f64>,
            HashMap<String, String>,
        );
        let rows: Vec<Row> = pipe.query_async(&mut self.broker.conn()).await?;
        for (queue, (msg, counts, error, retry, scheduled, dead)) in queues.iter().zip(rows) {
            if let Some(msg) = msg {
                let (attempts, recovered, released) = parse_counts(counts.as_deref());
                let mut status = JobStatus::live(id, queue, &msg, attempts, recovered + released + attempts, error);
                status.state = match (retry, scheduled) {
                    (Some(_), _) => "retrying".into(),
                    (None, Some(_)) => "scheduled".into(),
                    (None, None) => {
                        // A job is active exactly while its next delivery holds a lease.
                        let next = format!("{id}:{}", status.deliveries + 1);
                        let leased: Option<f64> =
                            self.broker.conn().zscore(self.broker.queue(queue).active, next).await?;
                        if leased.is_some() {
                            status.deliveries += 1;
                            "active".into()
                        } else {
                            "pending".into()
                        }
                    }
                };
                return Ok(status);
            }
            if !dead.is_empty() {
                return Ok(JobStatus::from_dead_record(id, queue, dead));
            }
        }
        self.finished_status(id, &queues).await
    }

    /// The status of a job that succeeded, from its result record.
    async fn finished_status(&self, id: &str, queues: &[String]) -> Result<JobStatus> {
        let now = crate::job::now_ms();
        let mut pipe = redis::pipe();
        for q in queues {
            pipe.zrangebyscore(self.broker.queue(q).results, now, "+inf");
        }
        let buckets: Vec<Vec<String>> = pipe.query_async(&mut self.broker.conn()).await?;
        let mut pipe = redis::pipe();
        let mut owners = Vec::new();
        for (q, keys) in queues.iter().zip(&buckets) {
            for key in keys {
                pipe.hget(key, id);
                owners.push(q);
            }
        }
        if owners.is_empty() {
            return Err(Error::NotFound(format!("no job with id {id}")));
        }
        let records: Vec<Option<String>> = pipe.query_async(&mut self.broker.conn()).await?;
        owners
            .into_iter()
            .zip(records)
            .find_map(|(q, r)| {
                let record: ResultRecord = serde_json::from_str(r.as_deref()?).ok()?;
                Some(JobStatus::from_result(id, q, record))
            })
            .ok_or_else(|| Error::NotFound(format!("no job with id {id}")))
    }

    /// Waits until job `id` succeeded or died, or `timeout` passed.
    pub async fn wait(&self, id: &str, timeout: Duration) -> Result<JobStatus> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let status = self.status(id).await?;
            if status.is_final() {
                return Ok(status);
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(Error::Failed(format!(
                    "job {id} still {} after waiting {}",
                    status.state,
                    humantime::format_duration(timeout)
                )));
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}
