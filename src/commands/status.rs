//! `tq status`: one job's state.

use super::{Context, print_json};
use crate::cli::StatusArgs;
use crate::client::Client;
use crate::error::Result;

/// Runs `tq status`.
pub(crate) async fn run(ctx: &Context, args: StatusArgs) -> Result<()> {
    let client = Client::new(ctx.broker().await?);
    let status = client.status(&args.id).await?;
    if ctx.json {
        return print_json(&status);
    }
    out!("id:          {}", status.id);
    out!("queue:       {}", status.queue);
    out!("task:        {}", status.task);
    out!("state:       {}", status.state);
    out!("attempts:    {}", status.attempts);
    out!("deliveries:  {}", status.deliveries);
    if let Some(key) = &status.key {
        out!("key:         {key}");
    }
    if let Some(why) = &status.waiting_for {
        out!("waiting for: {why}");
    }
    if let Some(reason) = &status.reason {
        out!("reason:      {reason}");
    }
    if let Some(record) = status.dead_record.as_ref().filter(|r| **r != status.id) {
        out!("dead record: {record} (this replay died again; its history is there: tq dlq show {record})");
    }
    if let Some(replay) = &status.replay_job {
        if status.state == "succeeded" {
            out!("replay:      {replay} (this job died, and succeeded when replayed as {replay})");
        } else {
            out!("replay:      {replay} (queued or running)");
        }
    }
    if let Some(error) = &status.last_error {
        out!("last error:  {error}");
    }
    if let Some(result) = &status.result {
        out!("result:      {result}");
    }
    let time = |ms: u64| humantime::format_rfc3339_millis(std::time::UNIX_EPOCH + std::time::Duration::from_millis(ms));
    if let Some(ms) = status.enqueued_at_ms {
        out!("enqueued:    {}", time(ms));
    }
    if let Some(ms) = status.due_at_ms {
        let what = if status.state == "retrying" {
            "next retry:"
        } else {
            "due:        "
        };
        out!("{what}  {}", time(ms));
    }
    if let Some(ms) = status.started_at_ms {
        out!("started:     {}", time(ms));
    }
    if let Some(ms) = status.finished_at_ms {
        out!("finished:    {}", time(ms));
        if let Some(start) = status.started_at_ms {
            out!("ran for:     {}", super::format_age(ms.saturating_sub(start)));
        }
    }
    if let Some(worker) = &status.worker {
        out!("worker:      {worker}");
    }
    Ok(())
}
