//! The client side of tq: put jobs on queues, read a job's state, wait for it.

use crate::broker::{Broker, DeadFields, Due, JobRecord, LiveJob, NewJob};
use crate::error::{Error, Result};
use crate::job::{JobMessage, MAX_PAYLOAD_BYTES, new_job_id, now_us};
use serde::Serialize;
use serde_json::value::RawValue;
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

/// What [`Client::enqueue`] did.
#[derive(Debug, Clone)]
pub struct Enqueued {
    /// The job's id: the new job's, or for a unique job whose name another
    /// job holds, that job's.
    pub id: String,
    /// True when no job was created (a unique job's name was held).
    pub duplicate: bool,
    /// The message that was (or would have been) stored.
    pub msg: JobMessage,
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
    /// When it may first run.
    pub due: Due,
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
    /// Unique job: no second job of the same name (`Some(key)`, or None: the
    /// task and args) is created for this long.
    pub unique: Option<(Option<String>, Duration)>,
    /// A job not started by then is not run: it goes to the DLQ as `expired`.
    pub expires: Option<Due>,
    /// Fairness key: jobs of different keys of one queue take turns, and
    /// the queue's key limits apply per key.
    pub key: Option<String>,
}

impl EnqueueRequest {
    /// A request with tq's defaults for everything but task, args and queue.
    pub fn new(task: impl Into<String>, args: Box<RawValue>, queue: impl Into<String>) -> Self {
        EnqueueRequest {
            task: task.into(),
            args,
            queue: queue.into(),
            due: Due::Now,
            max_retries: defaults::MAX_RETRIES,
            retry_base: defaults::RETRY_BASE,
            retry_cap: defaults::RETRY_CAP,
            timeout: defaults::TIMEOUT,
            redact: Vec::new(),
            unique: None,
            expires: None,
            key: None,
        }
    }

    /// Builds the stored message and the broker entry for this request.
    pub fn to_new_job(&self) -> Result<(JobMessage, NewJob)> {
        self.to_new_job_with_id(new_job_id())
    }

    /// Like [`EnqueueRequest::to_new_job`], under a given id (a periodic
    /// job's `cron:NAME:<tick>`).
    pub fn to_new_job_with_id(&self, id: String) -> Result<(JobMessage, NewJob)> {
        let msg = JobMessage {
            id,
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
            key: self.key.clone(),
        };
        let mut entry = new_job_entry(&msg, self.due)?;
        entry.expires = self.expires;
        entry.unique = self.unique.as_ref().map(|(key, window)| {
            let name = match key {
                Some(key) => format!("key:{key}"),
                None => format!("auto:{} {}", self.task, self.args.get()),
            };
            (name, *window)
        });
        Ok((msg, entry))
    }
}

/// The broker entry for `msg`: the encoded message and, when it asks for
/// redaction, the form the dead-letter queue keeps instead.
pub fn new_job_entry(msg: &JobMessage, due: Due) -> Result<NewJob> {
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
        due,
        msg: encode(msg)?,
        dead_msg,
        unique: None,
        expires: None,
        key: msg.key.clone(),
    })
}

/// What `--args` takes, for its errors.
const ARGS_FORM: &str = r#"a JSON object of named args, '{"to":"a@b.c"}', or an array of positional ones, '[1,2]'"#;

/// Validates args text: a JSON object or array (or `null`: none), within
/// the size limit. A bare scalar (`5`, `"x"`, `true`) is refused: a task's
/// args are named or positional, and a scalar is almost always a quoting
/// mistake in a shell.
pub fn parse_args(text: &str) -> Result<Box<RawValue>> {
    let raw = parse_any_args(text)?;
    if !raw.get().starts_with(['{', '[']) && raw.get() != "null" {
        return Err(Error::InvalidInput(format!(
            "invalid --args: {} is not a JSON object or array (it takes {ARGS_FORM})",
            raw.get()
        )));
    }
    Ok(raw)
}

/// Validates args text already accepted once (a stored schedule's): any
/// well-formed JSON within the size limit.
pub fn parse_any_args(text: &str) -> Result<Box<RawValue>> {
    if text.len() > MAX_PAYLOAD_BYTES {
        return Err(Error::InvalidInput(format!(
            "invalid --args: payload is {} bytes, the limit is {} bytes (512 KiB)",
            text.len(),
            MAX_PAYLOAD_BYTES
        )));
    }
    let raw: Box<RawValue> = serde_json::from_str(text.trim())
        .map_err(|e| Error::InvalidInput(format!("invalid --args: {e} (it takes {ARGS_FORM})")))?;
    Ok(raw)
}

/// A job's state as `tq status` reports it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
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
    #[schema(value_type = Option<Object>)]
    pub result: Option<serde_json::Value>,
    /// The error of the last failed attempt.
    pub last_error: Option<String>,
    /// Why the job died (dead jobs only).
    pub reason: Option<String>,
    /// The dead record that holds this job's history: its own id for a dead
    /// job, or the record a replay that died again was merged into.
    pub dead_record: Option<String>,
    /// A replay of this dead job that is queued or running now; or, with
    /// state `succeeded`, the replay that succeeded for it (the rest of the
    /// status is then that replay's).
    pub replay_job: Option<String>,
    /// When it was enqueued (ms since the epoch).
    pub enqueued_at_ms: Option<u64>,
    /// When its last attempt started (ms since the epoch).
    pub started_at_ms: Option<u64>,
    /// When it finished: succeeded or died (ms since the epoch).
    pub finished_at_ms: Option<u64>,
    /// Scheduled or retrying: when it runs next (server clock, ms since the epoch).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due_at_ms: Option<u64>,
    /// Active: the worker that runs it (as its last heartbeat says).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub worker: Option<String>,
    /// Its fairness key (`--key`), while the job is live or dead.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Pending: why it waits although workers may be free (a flow limit or
    /// pause of its queue or key holds it back now).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waiting_for: Option<String>,
}

impl JobStatus {
    /// True once the job will not run again on its own.
    pub fn is_final(&self) -> bool {
        matches!(self.state.as_str(), "succeeded" | "dead" | "cancelled")
    }

    /// The status of a job waited for `waited`, or the error that says the
    /// wait ran out before it finished.
    pub fn finished_within(self, waited: Duration) -> Result<Self> {
        if self.is_final() {
            return Ok(self);
        }
        Err(Error::Failed(format!(
            "job {} still {} after waiting {}",
            self.id,
            self.state,
            humantime::format_duration(waited)
        )))
    }

    fn empty(id: &str, queue: &str, state: &str) -> Self {
        JobStatus {
            id: id.to_string(),
            queue: queue.to_string(),
            task: String::new(),
            state: state.to_string(),
            attempts: 0,
            deliveries: 0,
            result: None,
            last_error: None,
            reason: None,
            dead_record: None,
            replay_job: None,
            enqueued_at_ms: None,
            started_at_ms: None,
            finished_at_ms: None,
            due_at_ms: None,
            worker: None,
            key: None,
            waiting_for: None,
        }
    }

    fn from_record(id: &str, record: JobRecord) -> Self {
        match record {
            // Answered by Client::status from the replay's own record.
            JobRecord::Replayed { queue, replay } => JobStatus {
                replay_job: Some(replay),
                ..Self::empty(id, &queue, "succeeded")
            },
            JobRecord::Live(live) => Self::live(id, live),
            JobRecord::Dead { queue, fields } => {
                let mut status = Self::dead(id, &queue, &fields);
                status.dead_record = Some(id.to_string());
                status
            }
            JobRecord::MergedReplay { queue, record, fields } => {
                let mut status = Self::dead(id, &queue, &fields);
                // The record's replay, if any, is a later one than this job.
                status.replay_job = fields.replay_job.filter(|r| r != id);
                status.dead_record = Some(record);
                status
            }
            JobRecord::Succeeded { queue, record: r } => JobStatus {
                task: r.task,
                attempts: r.attempts,
                deliveries: r.deliveries,
                result: r.result.and_then(|raw| serde_json::from_str(raw.get()).ok()),
                enqueued_at_ms: Some(r.enqueued_us / 1000),
                started_at_ms: Some(r.started_us / 1000),
                finished_at_ms: Some(r.finished_us / 1000),
                ..Self::empty(id, &queue, "succeeded")
            },
        }
    }

    fn live(id: &str, live: LiveJob) -> Self {
        let msg = JobMessage::decode(live.msg.as_bytes(), id, &live.queue).ok();
        let state = serde_json::to_value(live.state)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        JobStatus {
            task: msg.as_ref().map(|m| m.task.clone()).unwrap_or_default(),
            attempts: live.attempts,
            deliveries: live.deliveries,
            last_error: live.last_error,
            enqueued_at_ms: msg.as_ref().map(|m| m.enqueued_at_us / 1000),
            due_at_ms: live.due_at_ms,
            key: msg.as_ref().and_then(|m| m.key.clone()),
            ..Self::empty(id, &live.queue, &state)
        }
    }

    fn dead(id: &str, queue: &str, f: &DeadFields) -> Self {
        let msg = f
            .msg
            .as_deref()
            .and_then(|m| JobMessage::decode(m.as_bytes(), id, queue).ok());
        JobStatus {
            task: f.task.clone(),
            attempts: f.attempts,
            // Each finished delivery ended as an attempt, a recovery or a hand-back.
            deliveries: f.attempts + f.recovered + f.released,
            last_error: Some(f.last_error.clone()),
            reason: Some(f.reason.clone()),
            replay_job: f.replay_job.clone(),
            enqueued_at_ms: msg.as_ref().map(|m| m.enqueued_at_us / 1000),
            finished_at_ms: Some(f.failed_at_ms),
            key: msg.as_ref().and_then(|m| m.key.clone()),
            // A cancelled job is kept in the DLQ (replayable) with reason "cancelled".
            ..Self::empty(id, queue, if f.reason == "cancelled" { "cancelled" } else { "dead" })
        }
    }
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
    pub async fn enqueue(&self, request: &EnqueueRequest) -> Result<Enqueued> {
        crate::broker::keys::validate_queue_name(&request.queue).map_err(Error::InvalidInput)?;
        crate::redact::validate_paths(&request.args, &request.redact).map_err(Error::InvalidInput)?;
        let (msg, entry) = request.to_new_job()?;
        self.broker.register_queue(&request.queue).await?;
        let q = self.broker.queue(&request.queue);
        let (_, duplicates) = self
            .broker
            .enqueue_unique(&q, std::slice::from_ref(&entry))
            .await
            .map_err(|mut e| {
                // The job is on the master: the error names it.
                if let Error::Unconfirmed { job, .. } = &mut e {
                    *job = Some(msg.id.clone());
                }
                e
            })?;
        Ok(match duplicates.into_iter().next() {
            Some((_, held_by)) => Enqueued {
                id: held_by,
                duplicate: true,
                msg,
            },
            None => Enqueued {
                id: msg.id.clone(),
                duplicate: false,
                msg,
            },
        })
    }

    /// Every queue name that has received a job, sorted.
    pub async fn queues(&self) -> Result<Vec<String>> {
        self.broker.queues().await
    }

    /// The state of job `id`, looked up in every known queue.
    pub async fn status(&self, id: &str) -> Result<JobStatus> {
        let queues = self.queues().await?;
        let mut status = match self.broker.find_job(&queues, id).await? {
            Some(JobRecord::Replayed { queue, replay }) => {
                // Died, then succeeded as its replay: the replay's record,
                // under this id, pointing to the replay.
                let record = self.broker.find_job(std::slice::from_ref(&queue), &replay).await?;
                let mut status = match record {
                    Some(record) => JobStatus::from_record(&replay, record),
                    None => JobStatus::from_record(
                        id,
                        JobRecord::Replayed {
                            queue,
                            replay: replay.clone(),
                        },
                    ),
                };
                status.id = id.to_string();
                status.replay_job = Some(replay);
                status
            }
            Some(record) => JobStatus::from_record(id, record),
            None => {
                return Err(Error::NotFound(format!(
                    "no job with id {id}: it never existed, or it succeeded and its result expired (results are kept for the worker's --result-ttl, 24h by default)"
                )));
            }
        };
        if status.state == "pending" {
            let q = self.broker.queue(&status.queue);
            status.waiting_for = self.broker.waiting_for(&q, status.key.as_deref()).await?;
        }
        if status.state == "active" {
            // Who runs it, and since when: its worker's last heartbeat says.
            let now = self.broker.server_now_ms().await?;
            for w in self.broker.live_workers().await? {
                if let Some(r) = w.running.iter().find(|r| r.id == id) {
                    status.worker = Some(w.id.clone());
                    status.started_at_ms = Some(w.heartbeat_at_ms.saturating_sub(r.ran_ms).min(now));
                }
            }
        }
        Ok(status)
    }

    /// Waits until job `id` succeeded or died, or `timeout` passed.
    pub async fn wait(&self, id: &str, timeout: Duration) -> Result<JobStatus> {
        self.wait_for(id, timeout).await?.finished_within(timeout)
    }

    /// Job `id`'s status once it succeeded or died, or as it is when
    /// `timeout` passed. Blocks on its queue's finished stream (see
    /// lua/watch.lua) rather than polling: a handful of commands per wait,
    /// and the answer within milliseconds of the job's end.
    pub async fn wait_for(&self, id: &str, timeout: Duration) -> Result<JobStatus> {
        let status = self.status(id).await?;
        if status.is_final() || timeout.is_zero() {
            return Ok(status);
        }
        self.wait_in(&status.queue, id, timeout).await
    }

    /// [`Client::wait_for`] a job known to be on `queue` (just enqueued there).
    pub async fn wait_in(&self, queue: &str, id: &str, timeout: Duration) -> Result<JobStatus> {
        let deadline = tokio::time::Instant::now() + timeout;
        let q = self.broker.queue(queue);
        let mut after = self.broker.watch(&q, id, timeout).await?;
        let mut waiter = None;
        // Checked once after the watch began (it may have ended before),
        // then when the stream names it, and now and then all the same: a
        // job purged or deleted by hand ends without a word on the stream.
        let mut check = true;
        loop {
            // Ended (dead, merged, succeeded or gone: the whole status says which).
            if check && !matches!(self.broker.find_job_in(queue, id).await?, Some(JobRecord::Live(_))) {
                break;
            }
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            if left.is_zero() {
                break;
            }
            let waiter = match &mut waiter {
                Some(w) => w,
                None => waiter.insert(self.broker.job_waiter().await?),
            };
            let (next, ended) = self
                .broker
                .next_finished(waiter, &q, &after, left.min(WAIT_RECHECK))
                .await?;
            after = next;
            check = ended.iter().any(|e| e == id) || (ended.is_empty() && left > WAIT_RECHECK);
        }
        // Its last read answered: the next wait may use it.
        if let Some(waiter) = waiter {
            self.broker.give_back(waiter);
        }
        self.status(id).await
    }
}

/// How often a wait looks at its job even though no end was announced
/// (each read on its connection blocks this long at most).
const WAIT_RECHECK: Duration = crate::broker::JOB_WAIT_BLOCK;
