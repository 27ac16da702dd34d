//! `tq enqueue`: put one job on a queue, optionally wait for its outcome.

use super::{Context, print_json};
use crate::broker::Due;
use crate::cli::EnqueueArgs;
use crate::client::{Client, EnqueueRequest, parse_args};
use crate::error::{Error, Result};
use std::io::Read;

/// Runs `tq enqueue`.
pub(crate) async fn run(ctx: &Context, args: EnqueueArgs) -> Result<()> {
    if let Some(path) = &args.batch {
        return super::batch::run(ctx, &args, path).await;
    }
    let task = args.task.clone().unwrap_or_default();
    let text = read_args(&args)?;
    let mut request = EnqueueRequest::new(&task, parse_args(&text)?, &args.queue);
    args.retry.apply(&mut request);
    request.redact = args.redact.clone();
    request.unique = args.unique_for.map(|window| (args.unique_key.clone(), window));
    request.expires = args.expires.map(crate::cli::Expiry::due);
    request.key = args.key.clone();
    // A delay counts from the server's clock, not this machine's.
    request.due = match (args.delay, args.at) {
        (Some(delay), _) => Due::In(delay),
        (None, Some(at)) => Due::At(crate::job::ms_since_epoch(at)),
        (None, None) => Due::Now,
    };
    if task.trim().is_empty() {
        return Err(Error::InvalidInput("the task name is empty".into()));
    }
    let client = Client::new(ctx.broker().await?);
    let enqueued = match client.enqueue(&request).await {
        Ok(enqueued) => enqueued,
        Err(e) => {
            // The job is on the master: its id first, so a script has it.
            // (With --json the error document carries it as "id".)
            if let Error::Unconfirmed { job: Some(id), .. } = &e
                && !ctx.json
            {
                out!("{id}");
            }
            return Err(e);
        }
    };
    let msg = &enqueued.msg;
    if !args.wait {
        if ctx.json {
            let run_at_ms = match request.due {
                Due::Now => None,
                Due::At(ms) => Some(ms),
                Due::In(delay) => Some(client.broker().server_now_ms().await? + delay.as_millis() as u64),
            };
            print_json(&serde_json::json!({
                "id": enqueued.id, "queue": msg.queue, "task": msg.task,
                "run_at_ms": run_at_ms, "enqueued_at_ms": msg.enqueued_at_us / 1000,
                "duplicate": enqueued.duplicate,
            }))?;
        } else {
            out!("{}", enqueued.id);
        }
        return Ok(());
    }
    if !ctx.json {
        // The id first, so a script has it even if the wait fails or times out.
        out!("{}", enqueued.id);
    }
    let status = client
        .wait_in(&msg.queue, &enqueued.id, args.wait_timeout)
        .await?
        .finished_within(args.wait_timeout)?;
    if ctx.json {
        print_json(&status)?;
    }
    if status.state == "dead" {
        return Err(Error::Failed(format!(
            "job {} died: {}",
            enqueued.id,
            status.last_error.as_deref().unwrap_or("no error recorded")
        )));
    }
    Ok(())
}

/// The args text from `--args`, `--args -` (stdin) or `--args-file`; `{}` if none.
fn read_args(args: &EnqueueArgs) -> Result<String> {
    match (&args.args, &args.args_file) {
        (Some(dash), None) if dash == "-" => {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|e| Error::InvalidInput(format!("cannot read --args from stdin: {e}")))?;
            Ok(text)
        }
        (Some(text), None) => Ok(text.clone()),
        (None, Some(path)) => std::fs::read_to_string(path)
            .map_err(|e| Error::InvalidInput(format!("cannot read --args-file {}: {e}", path.display()))),
        (None, None) => Ok("{}".to_string()),
        (Some(_), Some(_)) => Err(Error::InvalidInput("give --args or --args-file, not both".into())),
    }
}
