//! `tq status`: one job's state.

use super::{Context, print_json};
use crate::cli::StatusArgs;
use crate::client::Client;
use crate::error::Result;

/// Runs `tq status`.
pub async fn run(ctx: &Context, args: StatusArgs) -> Result<()> {
    let client = Client::new(ctx.broker().await?);
    let status = client.status(&args.id).await?;
    if ctx.json {
        return print_json(&status);
    }
    println!("id:          {}", status.id);
    println!("queue:       {}", status.queue);
    println!("task:        {}", status.task);
    println!("state:       {}", status.state);
    println!("attempts:    {}", status.attempts);
    println!("deliveries:  {}", status.deliveries);
    if let Some(reason) = &status.reason {
        println!("reason:      {reason}");
    }
    if let Some(record) = status.dead_record.as_ref().filter(|r| **r != status.id) {
        println!("dead record: {record} (this replay died again; its history is there: tq dlq show {record})");
    }
    if let Some(replay) = &status.replay_job {
        println!("replay:      {replay} (queued or running)");
    }
    if let Some(error) = &status.last_error {
        println!("last error:  {error}");
    }
    if let Some(result) = &status.result {
        println!("result:      {result}");
    }
    Ok(())
}
