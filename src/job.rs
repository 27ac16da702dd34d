//! The job model: the immutable message stored with every job, and job ids.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::time::{SystemTime, UNIX_EPOCH};

/// Largest accepted args document, in bytes.
pub const MAX_PAYLOAD_BYTES: usize = 512 * 1024;

/// What a job is: written once at enqueue, never changed afterwards.
///
/// Mutable state (state, deliveries, attempts, result, errors) lives in
/// separate fields of the job's Redis hash, so no transition re-encodes this.
///
/// Stored as JSON without the id and the queue (the field and the key that
/// hold it name them; [`JobMessage::decode`] puts them back), with one-letter
/// keys for the fields every job has: every byte passes through the
/// enqueue script's arguments, where Redis hashes it, and stays in memory
/// while the job waits. Messages of earlier versions, with every name in
/// full, still read.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct JobMessage {
    /// The job id (also the last part of its Redis key).
    #[serde(default, skip_serializing)]
    pub id: String,
    /// Name of the task to run, e.g. `tq.noop` or `send_email`.
    #[serde(rename = "t", alias = "task")]
    pub task: String,
    /// Queue the job was put on.
    #[serde(default, skip_serializing)]
    pub queue: String,
    /// Arguments, kept as the exact JSON text the client sent.
    #[serde(rename = "a", alias = "args")]
    pub args: Box<RawValue>,
    /// Retries allowed after the first attempt fails.
    #[serde(
        default = "stored_defaults::max_retries",
        skip_serializing_if = "stored_defaults::is_max_retries"
    )]
    pub max_retries: u32,
    /// Backoff base: retry n waits base·2^(n-1) plus jitter.
    #[serde(
        default = "stored_defaults::retry_base_ms",
        skip_serializing_if = "stored_defaults::is_retry_base_ms"
    )]
    pub retry_base_ms: u64,
    /// Longest backoff between two attempts.
    #[serde(
        default = "stored_defaults::retry_cap_ms",
        skip_serializing_if = "stored_defaults::is_retry_cap_ms"
    )]
    pub retry_cap_ms: u64,
    /// How long one attempt may run before it is killed (0 = no limit).
    #[serde(
        default = "stored_defaults::timeout_ms",
        skip_serializing_if = "stored_defaults::is_timeout_ms"
    )]
    pub timeout_ms: u64,
    /// When the job was enqueued (µs since the epoch; latency is measured from it).
    #[serde(rename = "e", alias = "enqueued_at_us")]
    pub enqueued_at_us: u64,
    /// JSON pointers into `args` that the dead-letter queue must not keep.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub redact: Vec<String>,
    /// The dead record this job replays, if it is a replay.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replay_of: Option<String>,
    /// Its fairness key (`--key`): a tenant, a customer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}

impl JobMessage {
    /// The stored message of job `id` on `queue`.
    pub fn decode(stored: &[u8], id: &str, queue: &str) -> serde_json::Result<JobMessage> {
        let mut msg: JobMessage = serde_json::from_slice(stored)?;
        id.clone_into(&mut msg.id);
        queue.clone_into(&mut msg.queue);
        Ok(msg)
    }
}

/// `t` in milliseconds since the Unix epoch (0 before it).
pub fn ms_since_epoch(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

/// Microseconds since the Unix epoch.
pub fn now_us() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_micros() as u64)
        .unwrap_or(0)
}

/// Option values a stored message leaves out when they are the defaults, so
/// messages stay small (every byte is copied through Redis several times per
/// job). Messages already stored read these back: never change them.
pub mod stored_defaults {
    /// Retries after the first failure.
    pub const MAX_RETRIES: u32 = 3;
    /// Backoff base, ms.
    pub const RETRY_BASE_MS: u64 = 1000;
    /// Backoff cap, ms.
    pub const RETRY_CAP_MS: u64 = 600_000;
    /// Attempt timeout, ms.
    pub const TIMEOUT_MS: u64 = 30 * 60 * 1000;

    pub(super) fn max_retries() -> u32 {
        MAX_RETRIES
    }
    pub(super) fn retry_base_ms() -> u64 {
        RETRY_BASE_MS
    }
    pub(super) fn retry_cap_ms() -> u64 {
        RETRY_CAP_MS
    }
    pub(super) fn timeout_ms() -> u64 {
        TIMEOUT_MS
    }
    pub(super) fn is_max_retries(v: &u32) -> bool {
        *v == MAX_RETRIES
    }
    pub(super) fn is_retry_base_ms(v: &u64) -> bool {
        *v == RETRY_BASE_MS
    }
    pub(super) fn is_retry_cap_ms(v: &u64) -> bool {
        *v == RETRY_CAP_MS
    }
    pub(super) fn is_timeout_ms(v: &u64) -> bool {
        *v == TIMEOUT_MS
    }
}

/// What is kept of a job that succeeded, for `tq status` and load-test checks.
///
/// Stored as JSON with one-letter keys, and attempts and deliveries left
/// out when 1 (the common case): every byte of it passes through the ack
/// script's arguments, where Redis hashes it, and stays in memory for the
/// result TTL. Records an earlier version wrote, with the full names,
/// still read.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ResultRecord {
    /// Task name.
    #[serde(rename = "t", alias = "task")]
    pub task: String,
    /// Attempts made, the successful one included.
    #[serde(rename = "a", alias = "attempts", default = "one", skip_serializing_if = "is_one")]
    pub attempts: u64,
    /// Times the job was handed to a worker.
    #[serde(rename = "d", alias = "deliveries", default = "one", skip_serializing_if = "is_one")]
    pub deliveries: u64,
    /// When it was enqueued (µs since the epoch).
    #[serde(rename = "e", alias = "enqueued_us")]
    pub enqueued_us: u64,
    /// When the successful attempt started (µs).
    #[serde(rename = "s", alias = "started_us")]
    pub started_us: u64,
    /// When it finished (µs).
    #[serde(rename = "f", alias = "finished_us")]
    pub finished_us: u64,
    /// The result, if the handler gave one.
    #[serde(rename = "r", alias = "result", default, skip_serializing_if = "Option::is_none")]
    pub result: Option<Box<RawValue>>,
}

fn one() -> u64 {
    1
}

fn is_one(v: &u64) -> bool {
    *v == 1
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

const CROCKFORD: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";

/// A new job id: 48 bits of milliseconds and 80 random bits, in 26 lowercase
/// Crockford base-32 characters (a ULID), so ids sort by creation time.
pub fn new_job_id() -> String {
    let value: u128 = ((now_ms() as u128) << 80) | (rand::random::<u128>() >> 48);
    (0..26)
        .rev()
        .map(|i| CROCKFORD[((value >> (i * 5)) & 31) as usize] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn ids_are_unique_and_sort_by_time() {
        let a = new_job_id();
        std::thread::sleep(std::time::Duration::from_millis(2));
        let b = new_job_id();
        assert_eq!(a.len(), 26);
        assert!(a < b, "{a} !< {b}");
    }

    #[test]
    fn messages_are_stored_without_id_and_queue_and_earlier_ones_still_read() {
        let msg = JobMessage {
            id: "01m94ajn5yw8cmz9frzwrv7z0t".into(),
            task: "tq.noop".into(),
            queue: "default".into(),
            args: RawValue::from_string("{}".into()).unwrap(),
            max_retries: stored_defaults::MAX_RETRIES,
            retry_base_ms: stored_defaults::RETRY_BASE_MS,
            retry_cap_ms: stored_defaults::RETRY_CAP_MS,
            timeout_ms: stored_defaults::TIMEOUT_MS,
            enqueued_at_us: 1_796_515_386_558_273,
            redact: Vec::new(),
            replay_of: None,
            key: None,
        };
        let text = serde_json::to_string(&msg).unwrap();
        assert_eq!(text, r#"{"t":"tq.noop","a":{},"e":1796515386558273}"#);
        let back = JobMessage::decode(text.as_bytes(), &msg.id, &msg.queue).unwrap();
        assert_eq!(
            (back.id.as_str(), back.queue.as_str(), back.task.as_str()),
            (&*msg.id, "default", "tq.noop")
        );
        // What an earlier version stored: its own id and queue are overruled
        // by where the message is.
        let old = br#"{"id":"x","task":"send","queue":"q","args":{"n":1},"enqueued_at_us":5,"max_retries":2}"#;
        let back = JobMessage::decode(old, "01m94ajn5yw8cmz9frzwrv7z0t", "emails").unwrap();
        assert_eq!(
            (back.id.as_str(), back.queue.as_str()),
            ("01m94ajn5yw8cmz9frzwrv7z0t", "emails")
        );
        assert_eq!(
            (back.task.as_str(), back.args.get(), back.enqueued_at_us),
            ("send", r#"{"n":1}"#, 5)
        );
        assert_eq!(back.max_retries, 2);
    }

    #[test]
    fn result_records_are_short_and_earlier_ones_still_read() {
        let record = ResultRecord {
            task: "tq.noop".into(),
            attempts: 1,
            deliveries: 1,
            enqueued_us: 1_796_515_386_558_273,
            started_us: 1_796_515_386_590_585,
            finished_us: 1_796_515_386_590_662,
            result: None,
        };
        let text = serde_json::to_string(&record).unwrap();
        assert_eq!(
            text,
            r#"{"t":"tq.noop","e":1796515386558273,"s":1796515386590585,"f":1796515386590662}"#
        );
        let back: ResultRecord = serde_json::from_str(&text).unwrap();
        assert_eq!(
            (back.attempts, back.deliveries, back.finished_us),
            (1, 1, 1_796_515_386_590_662)
        );
        let retried = ResultRecord {
            attempts: 3,
            deliveries: 4,
            result: Some(RawValue::from_string(r#"{"ok":true}"#.into()).unwrap()),
            ..record
        };
        let back: ResultRecord = serde_json::from_str(&serde_json::to_string(&retried).unwrap()).unwrap();
        assert_eq!((back.attempts, back.deliveries), (3, 4));
        assert_eq!(
            back.result.map(|r| r.get().to_string()).as_deref(),
            Some(r#"{"ok":true}"#)
        );
        // What an earlier version stored.
        let old: ResultRecord = serde_json::from_str(
            r#"{"task":"tq.noop","attempts":2,"deliveries":2,"enqueued_us":5,"started_us":6,"finished_us":7,"result":[1]}"#,
        )
        .unwrap();
        assert_eq!(
            (old.task.as_str(), old.attempts, old.enqueued_us, old.finished_us),
            ("tq.noop", 2, 5, 7)
        );
        assert_eq!(old.result.map(|r| r.get().to_string()).as_deref(), Some("[1]"));
    }

    proptest! {
        #[test]
        fn message_round_trips(task in "[a-z._]{1,20}", n in any::<i64>(), retries in 0u32..100) {
            let msg = JobMessage {
                id: new_job_id(),
                task,
                queue: "default".into(),
                args: RawValue::from_string(format!("{{\"n\":{n}}}")).unwrap(),
                max_retries: retries,
                retry_base_ms: 1000,
                retry_cap_ms: 600_000,
                timeout_ms: 0,
                enqueued_at_us: now_us(),
                redact: Vec::new(),
                replay_of: None,
                key: None,
            };
            let text = serde_json::to_string(&msg).unwrap();
            let back = JobMessage::decode(text.as_bytes(), &msg.id, "default").unwrap();
            prop_assert_eq!(&back.id, &msg.id);
            prop_assert_eq!(back.queue.as_str(), "default");
            prop_assert_eq!(back.args.get(), msg.args.get());
            prop_assert_eq!(back.task, msg.task);
            prop_assert_eq!(back.max_retries, retries);
        }
    }
}
