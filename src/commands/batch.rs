//! `tq enqueue --batch FILE`: many jobs from JSON lines, 1,000 per script call.

use super::{Context, print_json};
use crate::broker::{Broker, Due, NewJob};
use crate::cli::EnqueueArgs;
use crate::client::EnqueueRequest;
use crate::error::{Error, Result};
use crate::job_spec::JobSpec;
use serde_json::value::RawValue;
use std::collections::HashMap;
use std::io::BufRead;
use std::path::Path;

/// Jobs per queue sent in one script call.
const CHUNK: usize = 1000;

/// Runs `tq enqueue --batch`.
pub(crate) async fn run(ctx: &Context, args: &EnqueueArgs, path: &Path) -> Result<()> {
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
    // Every id was made for this batch (`request`, to_new_job).
    let (added, _) = broker.enqueue_new(&broker.queue(queue), jobs).await?;
    jobs.clear();
    Ok(added)
}

/// The queue and broker entry of one line, with the command's flags as defaults.
fn request(args: &EnqueueArgs, text: &str) -> std::result::Result<(String, NewJob), String> {
    let mut defaults = EnqueueRequest::new(
        "",
        RawValue::from_string("{}".into()).map_err(|e| e.to_string())?,
        &args.queue,
    );
    args.retry.apply(&mut defaults);
    defaults.key = args.key.clone();
    if let Some(d) = args.delay {
        defaults.due = Due::In(d);
    }
    let req = JobSpec::parse(text)
        .and_then(|spec| spec.into_request(&args.queue, Some(&defaults)))
        .map_err(|e| match e.field {
            "body" => e.message,
            field => format!("{field}: {}", e.message),
        })?;
    let (_, entry) = req.to_new_job().map_err(|e| e.to_string())?;
    Ok((req.queue, entry))
}
