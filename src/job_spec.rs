//! A job as producers write it in JSON: the body of
//! `POST /api/v1/queues/{queue}/jobs` and a line of `tq enqueue --batch`.
//! One parser for both, with the checks and limits of `tq enqueue`'s flags,
//! so every way in takes the same options and refuses the same mistakes.

use crate::broker::Due;
use crate::cli::{parse_delay, parse_duration, parse_expiry, parse_time};
use crate::client::EnqueueRequest;
use crate::job::MAX_PAYLOAD_BYTES;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::time::Duration;

/// One job to enqueue. Durations are written like `30s`, `5m`, `1h`.
#[derive(Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct JobSpec {
    /// Task name, e.g. `send_email`.
    pub task: String,
    /// Arguments: any JSON (`{}` when left out), at most 512 KiB.
    #[schema(value_type = Object)]
    pub args: Option<Box<RawValue>>,
    /// Queue. In the API the path names the queue, and a body naming another is refused.
    pub queue: Option<String>,
    /// Run no sooner than this long after it is enqueued (server clock).
    pub delay: Option<String>,
    /// Run no sooner than this RFC 3339 time.
    pub at: Option<String>,
    /// Retries after the first failed attempt (default 3).
    pub max_retries: Option<u32>,
    /// Backoff base: retry n waits base·2^(n-1) plus jitter (default 1s).
    pub retry_base: Option<String>,
    /// Longest wait between two attempts (default 10m).
    pub retry_cap: Option<String>,
    /// Longest run of one attempt (default 30m; 0s = none).
    pub timeout: Option<String>,
    /// Unique job: no second job of the same name is created for this long.
    pub unique_for: Option<String>,
    /// The unique job's name (default: task and args).
    pub unique_key: Option<String>,
    /// Not run if not started by then: a duration or an RFC 3339 time.
    pub expires: Option<String>,
    /// JSON pointers of args fields the dead-letter queue must not keep.
    pub redact: Option<Vec<String>>,
    /// Fairness key (a tenant, a customer): jobs of different keys of one
    /// queue take turns, and the queue's key limits apply per key.
    pub key: Option<String>,
}

/// The fields a job takes.
const FIELDS: [&str; 14] = [
    "task",
    "args",
    "queue",
    "delay",
    "at",
    "max_retries",
    "retry_base",
    "retry_cap",
    "timeout",
    "unique_for",
    "unique_key",
    "expires",
    "redact",
    "key",
];

/// What is wrong with a spec, and which field is to blame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SpecError {
    /// The field (`args`, `delay`, ...), or `body` for the document itself.
    pub field: &'static str,
    /// One line saying what is wrong.
    pub message: String,
    /// True when the field is too large (HTTP 413) rather than wrong.
    pub too_large: bool,
}

impl SpecError {
    fn new(field: &'static str, message: impl Into<String>) -> Self {
        SpecError {
            field,
            message: message.into(),
            too_large: false,
        }
    }
}

impl std::fmt::Display for SpecError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.message)
    }
}

impl JobSpec {
    /// Parses one JSON document (a body or a batch line).
    pub(crate) fn parse(text: &str) -> Result<JobSpec, SpecError> {
        let mut de = serde_json::Deserializer::from_str(text);
        serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let path = e.path().to_string();
            let field = FIELDS
                .iter()
                .find(|f| path == **f || path.starts_with(&format!("{f}.")))
                .copied();
            let message = e.into_inner().to_string();
            let unknown = message
                .strip_prefix("unknown field `")
                .and_then(|rest| rest.split('`').next())
                .map(|f| format!("unknown field {f:?} (a job takes: {})", FIELDS.join(", ")));
            match (field, unknown) {
                (_, Some(unknown)) => SpecError::new("body", unknown),
                (Some(field), None) => SpecError::new(field, format!("invalid {field}: {message}")),
                (None, None) => SpecError::new("body", format!("not a job: {message}")),
            }
        })
    }

    /// The request this spec makes, on top of `defaults` (tq's, or the
    /// flags of `tq enqueue --batch`): what the spec sets wins. The queue is
    /// the spec's, else `default_queue`.
    pub(crate) fn into_request(
        self,
        default_queue: &str,
        defaults: Option<&EnqueueRequest>,
    ) -> Result<EnqueueRequest, SpecError> {
        if self.task.trim().is_empty() {
            return Err(SpecError::new("task", "the task name is empty"));
        }
        let queue = self.queue.unwrap_or_else(|| default_queue.to_string());
        crate::broker::keys::validate_queue_name(&queue).map_err(|e| SpecError::new("queue", e))?;
        let args = match self.args {
            Some(a) => a,
            None => RawValue::from_string("{}".into()).map_err(|e| SpecError::new("args", e.to_string()))?,
        };
        if args.get().len() > MAX_PAYLOAD_BYTES {
            return Err(SpecError {
                too_large: true,
                ..SpecError::new(
                    "args",
                    format!(
                        "args are {} bytes, over the {MAX_PAYLOAD_BYTES}-byte (512 KiB) limit",
                        args.get().len()
                    ),
                )
            });
        }
        let mut req = match defaults {
            Some(d) => EnqueueRequest {
                task: self.task,
                args,
                queue,
                ..d.clone()
            },
            None => EnqueueRequest::new(self.task, args, queue),
        };
        let duration = |field: &'static str, v: &Option<String>| -> Result<Option<Duration>, SpecError> {
            v.as_deref()
                .map(|v| parse_duration(v).map_err(|e| SpecError::new(field, e)))
                .transpose()
        };
        if let Some(n) = self.max_retries {
            req.max_retries = n;
        }
        if let Some(d) = duration("retry_base", &self.retry_base)? {
            req.retry_base = d;
        }
        if let Some(d) = duration("retry_cap", &self.retry_cap)? {
            req.retry_cap = d;
        }
        if let Some(d) = duration("timeout", &self.timeout)? {
            req.timeout = d;
        }
        req.due = match (&self.delay, &self.at) {
            (Some(_), Some(_)) => return Err(SpecError::new("at", "give delay or at, not both")),
            (Some(d), None) => Due::In(parse_delay(d).map_err(|e| SpecError::new("delay", e))?),
            (None, Some(t)) => Due::At(crate::job::ms_since_epoch(
                parse_time(t).map_err(|e| SpecError::new("at", e))?,
            )),
            (None, None) => req.due,
        };
        if let Some(e) = &self.expires {
            req.expires = Some(parse_expiry(e).map_err(|e| SpecError::new("expires", e))?.due());
        }
        match (duration("unique_for", &self.unique_for)?, self.unique_key) {
            (Some(window), key) => req.unique = Some((key, window)),
            (None, Some(_)) => return Err(SpecError::new("unique_key", "unique_key needs unique_for")),
            (None, None) => {}
        }
        if let Some(key) = self.key {
            crate::broker::keys::validate_fairness_key(&key).map_err(|e| SpecError::new("key", e))?;
            req.key = Some(key);
        }
        if let Some(paths) = self.redact {
            req.redact = paths;
        }
        crate::redact::validate_paths(&req.args, &req.redact).map_err(|e| SpecError::new("redact", e))?;
        Ok(req)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(text: &str) -> Result<EnqueueRequest, SpecError> {
        JobSpec::parse(text)?.into_request("default", None)
    }

    #[test]
    fn every_option_reaches_the_request() {
        let req = request(
            r#"{"task":"t","args":{"a":1},"delay":"30s","max_retries":5,"timeout":"2m","retry_base":"2s",
                "retry_cap":"1h","unique_for":"1h","unique_key":"k","expires":"10m","redact":["/a"]}"#,
        )
        .unwrap();
        assert_eq!(req.queue, "default");
        assert!(matches!(req.due, Due::In(d) if d == Duration::from_secs(30)));
        assert_eq!(req.max_retries, 5);
        assert_eq!(req.timeout, Duration::from_secs(120));
        assert_eq!(req.retry_base, Duration::from_secs(2));
        assert_eq!(req.retry_cap, Duration::from_secs(3600));
        assert_eq!(req.unique, Some((Some("k".into()), Duration::from_secs(3600))));
        assert!(matches!(req.expires, Some(Due::In(d)) if d == Duration::from_secs(600)));
        assert_eq!(req.redact, vec!["/a".to_string()]);
    }

    #[test]
    fn a_mistake_names_its_field() {
        let field = |text: &str| request(text).unwrap_err().field;
        assert_eq!(field(r#"{"task":""}"#), "task");
        assert_eq!(field(r#"{"task":"t","delay":"soon"}"#), "delay");
        assert_eq!(field(r#"{"task":"t","delay":"1s","at":"2030-01-01T00:00:00Z"}"#), "at");
        assert_eq!(field(r#"{"task":"t","at":"yesterday"}"#), "at");
        assert_eq!(field(r#"{"task":"t","unique_key":"k"}"#), "unique_key");
        assert_eq!(field(r#"{"task":"t","args":{"a":1},"redact":["/b"]}"#), "redact");
        assert_eq!(field(r#"{"task":"t","queue":"a b"}"#), "queue");
        assert_eq!(field(r#"{"task":"t","colour":"red"}"#), "body");
        assert_eq!(field(r#"{"task":"t","max_retries":"three"}"#), "max_retries");
        assert_eq!(field(r#"{"task":"t","redact":"/a"}"#), "redact");
        assert_eq!(field(r#"{"task":7}"#), "task");
        assert_eq!(field(r#"{"args":{}}"#), "body");
        let big = format!(r#"{{"task":"t","args":"{}"}}"#, "x".repeat(MAX_PAYLOAD_BYTES));
        let e = request(&big).unwrap_err();
        assert!(e.too_large && e.field == "args", "{e:?}");
    }

    #[test]
    fn defaults_come_from_the_caller_and_the_spec_wins() {
        let mut defaults = EnqueueRequest::new("x", RawValue::from_string("{}".into()).unwrap(), "q");
        defaults.max_retries = 9;
        defaults.timeout = Duration::from_secs(7);
        let req = JobSpec::parse(r#"{"task":"t","timeout":"1s"}"#)
            .unwrap()
            .into_request("q", Some(&defaults))
            .unwrap();
        assert_eq!((req.max_retries, req.timeout), (9, Duration::from_secs(1)));
    }
}
