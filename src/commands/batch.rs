//! `tq enqueue --batch FILE`: many jobs from JSON lines, 1,000 per script call.

use super::{Context, print_json};
use crate::broker::{Broker, Due, NewJob};
use crate::cli::EnqueueArgs;
use crate::client::EnqueueRequest;
use crate::error::{Error, Result};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::collections::HashMap;
use std::io::BufRead;
use std::path::Path;
use std::time::Duration;

/// Jobs per queue sent in one script call.
const CHUNK: usize = 1000;

/// One line of a batch file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Line {
    task: String,
    args: Option<Box<RawValue>>,
    queue: Option<String>,
    max_retries: Option<u32>,
    delay: Option<String>,
    expires: Option<String>,
}

/// Runs `tq enqueue --batch`.
pub async fn run(ctx: &Context, args: &EnqueueArgs, path: &Path) -> Result<()> {
    let reader: Box<dyn BufRead> = if path.as_os_str() == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        let file = std::fs::File::open(path)
            .map_err(|e| Error::InvalidInput(format!("cannot read --batch {}: {e}", path.display())))?;
        Box::new(std::io::BufReader::new(file))
    };
    let broker = ctx.broker().await?;
    let mut pending: HashMap<String, Vec<NewJob>> = HashMap::new();
    let mut known: Vec<String> = Vec::new();
    let mut ids: Vec<String> = Vec::new();
    let mut sent = 0u64;
    let bar = super::progress_bar(ctx, "enqueued");
    let mut failure = None;
    for (n, line) in reader.lines().enumerate() {
        let number = n + 1;
        let parsed = line.map_err(|e| format!("cannot read: {e}")).and_then(|text| {
            if text.trim().is_empty() {
                Ok(None)
            } else {
                request(args, &text).map(Some)
            }
        });
        let entry = match parsed {
            Ok(None) => continue,
            Ok(Some(entry)) => entry,
            Err(e) => {
                failure = Some(format!("line {number}: {e}"));
                break;
            }
        };
        let (queue, job) = entry;
        if !known.contains(&queue) {
            broker.register_queue(&queue).await?;
            known.push(queue.clone());
        }
        ids.push(job.id.clone());
        let jobs = pending.entry(queue.clone()).or_default();
        jobs.push(job);
        if jobs.len() >= CHUNK {
            sent += flush(&broker, &queue, jobs).await?;
            bar.set_position(sent);
        }
    }
    for (queue, jobs) in pending.iter_mut() {
        sent += flush(&broker, queue, jobs).await?;
    }
    bar.finish_and_clear();
    if let Some(failure) = failure {
        // Every line before the bad one is enqueued; none after it.
        if !ctx.json {
            for id in &ids {
                out!("{id}");
            }
        }
        return Err(Error::InvalidInput(format!(
            "--batch {}: {failure} ({} jobs before it were enqueued, none after)",
            path.display(),
            ids.len()
        )));
    }
    if ctx.json {
        return print_json(&ids);
    }
    for id in &ids {
        out!("{id}");
    }
    tracing::debug!(sent, "batch enqueued");
    Ok(())
}

async fn flush(broker: &Broker, queue: &str, jobs: &mut Vec<NewJob>) -> Result<u64> {
    if jobs.is_empty() {
        return Ok(0);
    }
    let added = broker.enqueue(&broker.queue(queue), jobs).await?;
    jobs.clear();
    Ok(added)
}

/// The queue and broker entry of one line, with the command's flags as defaults.
fn request(args: &EnqueueArgs, text: &str) -> std::result::Result<(String, NewJob), String> {
    let line: Line = serde_json::from_str(text).map_err(|e| format!("not a job: {e}"))?;
    if line.task.trim().is_empty() {
        return Err("the task name is empty".into());
    }
    let queue = line.queue.unwrap_or_else(|| args.queue.clone());
    crate::broker::keys::validate_queue_name(&queue)?;
    let job_args = match line.args {
        Some(a) => a,
        None => RawValue::from_string("{}".into()).map_err(|e| e.to_string())?,
    };
    if job_args.get().len() > crate::job::MAX_PAYLOAD_BYTES {
        return Err(format!(
            "args are over the {}-byte limit",
            crate::job::MAX_PAYLOAD_BYTES
        ));
    }
    let mut req = EnqueueRequest::new(&line.task, job_args, &queue);
    args.retry.apply(&mut req);
    req.max_retries = line.max_retries.unwrap_or(args.retry.max_retries);
    let duration = |what: &str, v: &str| -> std::result::Result<Duration, String> {
        humantime::parse_duration(v).map_err(|e| format!("invalid {what} {v:?}: {e}"))
    };
    req.due = match (&line.delay, args.delay) {
        (Some(d), _) => Due::In(duration("delay", d)?),
        (None, Some(d)) => Due::In(d),
        (None, None) => Due::Now,
    };
    req.expires = match &line.expires {
        Some(e) => Some(Due::In(duration("expires", e)?)),
        None => None,
    };
    let (_, entry) = req.to_new_job().map_err(|e| e.to_string())?;
    Ok((queue, entry))
}
