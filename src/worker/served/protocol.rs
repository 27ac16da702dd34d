//! The warm handler protocol of SPEC.md: JSON lines, worker → process on the
//! process's fd 3 and process → worker on its fd 4. Messages of a type this
//! version does not know are ignored; unknown fields too.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

/// The descriptor a process reads jobs from.
pub(super) const FD_IN: i32 = 3;
/// The descriptor a process writes its answers to.
pub(super) const FD_OUT: i32 = 4;
/// Longest line a process may write on fd 4 (a result is at most 512 KiB).
pub(super) const MAX_LINE_BYTES: usize = 1024 * 1024;

/// A message from a served process.
#[derive(Debug)]
pub(super) enum FromProcess {
    /// First message: the tasks it serves and how many jobs it takes at once.
    Ready { tasks: Vec<String>, concurrency: usize },
    /// A job succeeded.
    Done { id: String, result: Option<Box<RawValue>> },
    /// A job failed.
    Failed {
        id: String,
        error: Option<String>,
        retry: bool,
        error_type: Option<String>,
        traceback: Option<String>,
        /// Wait this long and run again, without spending an attempt.
        snooze_ms: Option<u64>,
        /// Hold back the job's whole queue this long (for every worker).
        pause_queue_ms: Option<u64>,
        /// Hold back the job's fairness key this long.
        pause_key_ms: Option<u64>,
    },
    /// A message of a later version: ignored.
    Unknown,
}

/// Every field any message may carry: read flat (a raw `result` cannot go
/// through serde's buffering of internally tagged enums), then checked.
#[derive(Deserialize)]
struct Wire {
    #[serde(rename = "type")]
    kind: String,
    id: Option<String>,
    tasks: Option<Vec<String>>,
    concurrency: Option<usize>,
    result: Option<Box<RawValue>>,
    error: Option<String>,
    retry: Option<bool>,
    error_type: Option<String>,
    traceback: Option<String>,
    snooze_ms: Option<u64>,
    pause_queue_ms: Option<u64>,
    pause_key_ms: Option<u64>,
}

impl FromProcess {
    /// Parses one line; `Err` says why it is not a protocol message.
    pub(super) fn parse(line: &str) -> Result<FromProcess, String> {
        let wire: Wire = serde_json::from_str(line).map_err(|e| e.to_string())?;
        let id = |what: &str| wire.id.clone().ok_or_else(|| format!("a {what} message without an id"));
        Ok(match wire.kind.as_str() {
            "ready" => FromProcess::Ready {
                tasks: wire.tasks.ok_or("a ready message without tasks")?,
                concurrency: wire.concurrency.unwrap_or(1),
            },
            "done" => FromProcess::Done {
                id: id("done")?,
                result: wire.result,
            },
            "failed" => FromProcess::Failed {
                id: id("failed")?,
                error: wire.error,
                retry: wire.retry.unwrap_or(true),
                error_type: wire.error_type,
                traceback: wire.traceback,
                snooze_ms: wire.snooze_ms,
                pause_queue_ms: wire.pause_queue_ms,
                pause_key_ms: wire.pause_key_ms,
            },
            _ => FromProcess::Unknown,
        })
    }
}

/// A message to a served process.
#[derive(Debug, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub(super) enum ToProcess<'a> {
    /// Run this job.
    Job {
        id: &'a str,
        task: &'a str,
        args: &'a RawValue,
        queue: &'a str,
        attempt: u64,
        delivery: u64,
        /// Server-clock ms at which the job's timeout stops it.
        deadline_ms: u64,
    },
    /// Stop this job if you can, then answer `failed`.
    Cancel { id: &'a str },
}

impl ToProcess<'_> {
    /// The message as one line, newline included.
    pub(super) fn line(&self) -> String {
        let mut line = serde_json::to_string(self).unwrap_or_default();
        line.push('\n');
        line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ready_defaults_to_one_job_at_a_time_and_unknown_types_are_ignored() {
        let ready = FromProcess::parse(r#"{"type":"ready","protocol":1,"tasks":["a"]}"#).unwrap();
        assert!(matches!(ready, FromProcess::Ready { concurrency: 1, .. }));
        let later = FromProcess::parse(r#"{"type":"progress","id":"x","pct":50}"#).unwrap();
        assert!(matches!(later, FromProcess::Unknown));
        let failed = FromProcess::parse(r#"{"type":"failed","id":"x","extra":1}"#).unwrap();
        assert!(matches!(failed, FromProcess::Failed { retry: true, .. }));
        let done = FromProcess::parse(r#"{"type":"done","id":"x","result":{"a":[1, 2]}}"#).unwrap();
        assert!(matches!(done, FromProcess::Done { result: Some(r), .. } if r.get() == r#"{"a":[1, 2]}"#));
    }

    #[test]
    fn a_done_without_an_id_or_a_line_that_is_not_an_object_is_an_error() {
        assert!(FromProcess::parse(r#"{"type":"done"}"#).is_err());
        assert!(FromProcess::parse("[1,2]").is_err());
        assert!(FromProcess::parse("hello").is_err());
    }

    #[test]
    fn a_job_is_one_json_line() {
        let args = RawValue::from_string(r#"{"to":"a@b"}"#.into()).unwrap();
        let line = ToProcess::Job {
            id: "j1",
            task: "send",
            args: &args,
            queue: "default",
            attempt: 1,
            delivery: 1,
            deadline_ms: 5,
        }
        .line();
        assert_eq!(
            line,
            "{\"type\":\"job\",\"id\":\"j1\",\"task\":\"send\",\"args\":{\"to\":\"a@b\"},\"queue\":\"default\",\"attempt\":1,\"delivery\":1,\"deadline_ms\":5}\n"
        );
    }
}
