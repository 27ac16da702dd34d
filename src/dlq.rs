//! The dead-letter queue: list, show, replay and purge dead records.
//!
//! A dead record (read through [`Broker`], which owns how it is stored) is
//! addressed by the id of the job that died and indexed by when it died, so
//! the newest come first at O(log n) cost.

use crate::broker::{Broker, DeadSummary, Due, ReplayOutcome};
use crate::client::new_job_entry;
use crate::error::{Error, Result};
use crate::job::{JobMessage, new_job_id, now_us};
use crate::redact;
use serde::Serialize;
use serde_json::Value;
use serde_json::value::RawValue;
use std::collections::HashMap;

/// Dead records read per round trip while filtering.
const PAGE: usize = 500;

/// Which dead records an operation applies to.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only these queues (all known queues when empty).
    pub queues: Vec<String>,
    /// Only records of this task.
    pub task: Option<String>,
    /// Only records that died at or after this time (ms since the epoch).
    pub since_ms: Option<u64>,
    /// Only records that died before this time (ms since the epoch).
    pub before_ms: Option<u64>,
}

/// One line of `tq dlq list`.
#[derive(Debug, Clone, Serialize)]
pub struct DeadRecord {
    /// The id of the job that died.
    pub id: String,
    /// Its queue.
    pub queue: String,
    /// Its task (empty for a malformed entry).
    pub task: String,
    /// Why it died.
    pub reason: String,
    /// The last error.
    pub error: String,
    /// Attempts made, over every run (replays included).
    pub attempts: u64,
    /// When it (last) died, ms since the epoch.
    pub failed_at_ms: u64,
    /// Times it was replayed.
    pub replays: u64,
    /// The replay queued or running now, if any.
    pub replay_job: Option<String>,
    /// Its args were redacted at enqueue: it can be replayed only with the
    /// full args (`tq dlq replay ID --args-file F`), not from the dashboard.
    pub args_redacted: bool,
}

impl DeadRecord {
    fn from_summary(s: DeadSummary) -> Self {
        DeadRecord {
            id: s.id,
            queue: s.queue,
            task: s.fields.task,
            reason: s.fields.reason,
            error: s.fields.last_error,
            attempts: s.fields.attempts,
            failed_at_ms: s.fields.failed_at_ms,
            replays: s.fields.replays,
            replay_job: s.fields.replay_job,
            args_redacted: s.fields.redacted,
        }
    }
}

/// Everything `tq dlq show` prints.
#[derive(Debug, Clone, Serialize)]
pub struct DeadJob {
    /// The summary.
    #[serde(flatten)]
    pub record: DeadRecord,
    /// Its args, with redacted fields as `{"omitted":true,"length":N,"sha256":H}`.
    pub args: Option<Box<RawValue>>,
    /// The fields whose values were not kept.
    pub redacted: Vec<String>,
    /// Retry and timeout options it ran with.
    pub options: Option<Value>,
    /// When it was first enqueued (ms since the epoch).
    pub enqueued_at_ms: Option<u64>,
    /// The queue entry as found, when it was not a tq job at all.
    pub raw: Option<String>,
    /// Every failed attempt, oldest first: error, output tails, worker, times.
    pub history: Vec<Value>,
    /// The state of the replay queued or running now (`pending`, `active`,
    /// `retrying`...), if there is one.
    pub replay_state: Option<String>,
    #[serde(skip)]
    message: Option<JobMessage>,
}

/// A replay that was (or, with a dry run, would be) queued.
#[derive(Debug, Clone, Serialize)]
pub struct Replayed {
    /// The dead record.
    pub dead_id: String,
    /// The new job (None in a dry run).
    pub job_id: Option<String>,
}

/// What [`Dlq::replay`] did.
#[derive(Debug, Clone)]
pub enum Replay {
    /// A new job was queued.
    Queued(Replayed),
    /// The record already has a live replay, `job_id`; nothing was queued.
    AlreadyReplaying {
        /// The dead record.
        dead_id: String,
        /// Its live replay.
        job_id: String,
    },
}

/// Operations on dead records.
pub struct Dlq {
    broker: Broker,
}

impl Dlq {
    /// The DLQ behind `broker`.
    pub fn new(broker: Broker) -> Self {
        Dlq { broker }
    }

    async fn queues(&self, filter: &Filter) -> Result<Vec<String>> {
        if !filter.queues.is_empty() {
            return Ok(filter.queues.clone());
        }
        crate::Client::new(self.broker.clone()).queues().await
    }

    /// Records matching `filter`, newest first, at most `limit` of them.
    pub async fn list(&self, filter: &Filter, limit: Option<usize>) -> Result<Vec<DeadRecord>> {
        let mut all = Vec::new();
        let queues = self.queues(filter).await?;
        let mut broken = Vec::new();
        for queue in &queues {
            match self.list_queue(queue, filter, limit).await {
                Ok(records) => all.extend(records),
                // One queue damaged by another tool must not hide the others.
                Err(e) => {
                    tracing::warn!(queue = %queue, "dead jobs of this queue cannot be read: {e}");
                    broken.push(e);
                }
            }
        }
        if broken.len() == queues.len() && !broken.is_empty() {
            return Err(broken.remove(0));
        }
        all.sort_by(|a, b| b.failed_at_ms.cmp(&a.failed_at_ms).then_with(|| b.id.cmp(&a.id)));
        if let Some(limit) = limit {
            all.truncate(limit);
        }
        Ok(all)
    }

    async fn list_queue(&self, queue: &str, filter: &Filter, limit: Option<usize>) -> Result<Vec<DeadRecord>> {
        let mut found = Vec::new();
        let mut offset = 0;
        loop {
            let want = match (limit, &filter.task) {
                (Some(limit), None) => (limit - found.len()).min(PAGE),
                _ => PAGE,
            };
            if want == 0 {
                break;
            }
            let page = self
                .broker
                .dead_page(queue, filter.since_ms, filter.before_ms, offset, want)
                .await?;
            offset += page.len();
            let got = page.len();
            for summary in page {
                if filter.task.as_ref().is_some_and(|t| *t != summary.fields.task) {
                    continue;
                }
                found.push(DeadRecord::from_summary(summary));
                if limit.is_some_and(|l| found.len() >= l) {
                    return Ok(found);
                }
            }
            if got < want {
                break;
            }
        }
        Ok(found)
    }

    /// Ids of the records matching `filter` that a replay-all replays: not
    /// malformed, and with no replay queued or running already.
    pub async fn replayable(&self, filter: &Filter) -> Result<Vec<String>> {
        Ok(self
            .list(filter, None)
            .await?
            .into_iter()
            .filter(|r| r.replay_job.is_none() && !r.task.is_empty())
            .map(|r| r.id)
            .collect())
    }

    /// How many records match `filter` (without reading them when no task filter is set).
    pub async fn count(&self, filter: &Filter) -> Result<u64> {
        if filter.task.is_some() {
            return Ok(self.list(filter, None).await?.len() as u64);
        }
        let queues = self.queues(filter).await?;
        self.broker.dead_count(&queues, filter.since_ms, filter.before_ms).await
    }

    /// The full record of dead job `id`.
    pub async fn show(&self, id: &str) -> Result<DeadJob> {
        let queues = self.queues(&Filter::default()).await?;
        let Some((summary, history)) = self.broker.dead_record(&queues, id).await? else {
            // A record whose replay succeeded is gone; its id says where it went.
            if let Some(crate::broker::JobRecord::Replayed { replay, .. }) = self.broker.find_job(&queues, id).await? {
                return Err(Error::NotFound(format!(
                    "no dead job with id {id}: it was replayed as {replay}, which succeeded (tq status {replay})"
                )));
            }
            return Err(Error::NotFound(format!("no dead job with id {id}")));
        };
        let message = (summary.fields.msg.as_deref())
            .and_then(|m| JobMessage::decode(m.as_bytes(), &summary.id, &summary.queue).ok());
        let raw = summary
            .fields
            .raw
            .clone()
            .or_else(|| summary.fields.msg.clone().filter(|_| message.is_none()));
        let mut record = DeadRecord::from_summary(summary);
        let redacted = message.as_ref().map(omitted_fields).unwrap_or_default();
        // Records buried before the flag was kept say it only in their message.
        record.args_redacted |= !redacted.is_empty();
        let replay_state = match &record.replay_job {
            Some(job) => match crate::Client::new(self.broker.clone()).status(job).await {
                Ok(status) => Some(status.state),
                Err(Error::NotFound(_)) => None,
                Err(e) => return Err(e),
            },
            None => None,
        };
        Ok(DeadJob {
            record,
            args: message.as_ref().map(|m| m.args.clone()),
            redacted,
            options: message.as_ref().map(|m| {
                serde_json::json!({
                    "max_retries": m.max_retries, "retry_base_ms": m.retry_base_ms,
                    "retry_cap_ms": m.retry_cap_ms, "timeout_ms": m.timeout_ms,
                })
            }),
            enqueued_at_ms: message.as_ref().map(|m| m.enqueued_at_us / 1000),
            // A queue entry that was not a tq job, or a message that did not decode.
            raw,
            history: history.iter().filter_map(|h| serde_json::from_str(h).ok()).collect(),
            replay_state,
            message,
        })
    }

    /// Queues a fresh job from dead record `id`. `full_args` must be given
    /// (and match the stored digests) when the record's args were redacted.
    /// A record that already has a live replay is not replayed again: that
    /// comes back as [`Replay::AlreadyReplaying`], not as an error.
    pub async fn replay(&self, id: &str, full_args: Option<&RawValue>) -> Result<Replay> {
        let dead = self.show(id).await?;
        let new = replay_message(&dead, full_args)?;
        let entry = new_job_entry(&new, Due::Now)?;
        let q = self.broker.queue(&dead.record.queue);
        match self.broker.replay(&q, id, &entry).await? {
            ReplayOutcome::Queued => Ok(Replay::Queued(Replayed {
                dead_id: id.to_string(),
                job_id: Some(new.id),
            })),
            ReplayOutcome::Missing => Err(Error::NotFound(format!("no dead job with id {id}"))),
            ReplayOutcome::AlreadyReplaying(job) => Ok(Replay::AlreadyReplaying {
                dead_id: id.to_string(),
                job_id: job,
            }),
            ReplayOutcome::IdTaken => Err(Error::Failed(format!("new job id {} is taken; try again", new.id))),
        }
    }

    /// Deletes the dead records `ids`; returns how many were deleted. Ids that
    /// are not dead records are reported as not found.
    pub async fn purge(&self, ids: &[String]) -> Result<u64> {
        let queues = self.queues(&Filter::default()).await?;
        let located = self.broker.locate_dead(&queues, ids).await?;
        let mut found = Vec::new();
        let mut missing = Vec::new();
        for (id, queue) in ids.iter().zip(located) {
            match queue {
                Some(queue) => found.push((queue, id.clone())),
                None => missing.push(id.as_str()),
            }
        }
        let removed = self.purge_located(found).await?;
        if !missing.is_empty() {
            return Err(Error::NotFound(format!(
                "no dead job with id {} ({removed} other records deleted)",
                missing.join(", ")
            )));
        }
        Ok(removed)
    }

    /// Deletes records as [`Dlq::list`] returned them (their queue already known).
    pub async fn purge_records(&self, records: &[DeadRecord]) -> Result<u64> {
        self.purge_located(records.iter().map(|r| (r.queue.clone(), r.id.clone())).collect())
            .await
    }

    async fn purge_located(&self, located: Vec<(String, String)>) -> Result<u64> {
        let mut by_queue: HashMap<String, Vec<String>> = HashMap::new();
        for (queue, id) in located {
            by_queue.entry(queue).or_default().push(id);
        }
        let mut removed = 0;
        for (queue, ids) in by_queue {
            removed += self.broker.purge(&self.broker.queue(&queue), &ids).await?;
        }
        Ok(removed)
    }
}

/// The redacted fields of a stored (dead) message.
fn omitted_fields(msg: &JobMessage) -> Vec<String> {
    let Ok(args) = serde_json::from_str::<Value>(msg.args.get()) else {
        return Vec::new();
    };
    msg.redact
        .iter()
        .filter(|p| args.pointer(p).is_some_and(redact::is_descriptor))
        .cloned()
        .collect()
}

/// The message of a replay of `dead`: same task, queue and options, fresh id
/// and attempts, linked back to the record.
fn replay_message(dead: &DeadJob, full_args: Option<&RawValue>) -> Result<JobMessage> {
    let id = &dead.record.id;
    let Some(old) = &dead.message else {
        return Err(Error::Failed(format!(
            "dead job {id} is a malformed queue entry, not a tq job: there is nothing to replay (see `tq dlq show {id}`)"
        )));
    };
    let args = match (dead.redacted.is_empty(), full_args) {
        (true, None) => old.args.clone(),
        (true, Some(_)) => {
            return Err(Error::InvalidInput(format!(
                "dead job {id} has no redacted fields; --args-file is only for replaying redacted jobs"
            )));
        }
        (false, None) => {
            return Err(Error::Failed(format!(
                "cannot replay {id}: its args were redacted at enqueue ({}); pass the full args with --args-file",
                dead.redacted.join(", ")
            )));
        }
        (false, Some(supplied)) => {
            let stored: Value = serde_json::from_str(old.args.get()).unwrap_or(Value::Null);
            let given: Value = serde_json::from_str(supplied.get())
                .map_err(|e| Error::InvalidInput(format!("invalid --args-file: {e}")))?;
            let wrong = redact::mismatches(&stored, &given, &dead.redacted);
            if !wrong.is_empty() {
                return Err(Error::Failed(format!(
                    "cannot replay {id}: --args-file does not match the stored sha256 of {}",
                    wrong.join(", ")
                )));
            }
            supplied.to_owned()
        }
    };
    Ok(JobMessage {
        id: new_job_id(),
        args,
        enqueued_at_us: now_us(),
        replay_of: Some(id.clone()),
        ..old.clone()
    })
}
