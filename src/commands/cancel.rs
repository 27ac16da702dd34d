//! `tq cancel` and `tq retry-now`: act on single jobs by id.

use super::{Context, print_json};
use crate::broker::{Broker, JobRecord};
use crate::cli::JobIds;
use crate::error::{Error, Result};

/// What to do with each job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Action {
    Cancel,
    RetryNow,
}

/// Does `action` to job `id` (looked for on `queues`). Returns what became
/// of it: `cancelled`, `cancelling`, `pending`, `not_waiting`, `finished`
/// (it had ended already) or `unknown` (no such job).
pub(crate) async fn act(broker: &Broker, queues: &[String], id: &str, action: Action) -> Result<String> {
    Ok(match broker.find_job(queues, id).await? {
        Some(JobRecord::Live(job)) => {
            let q = broker.queue(&job.queue);
            let ids = [id.to_string()];
            let words = match action {
                Action::Cancel => broker.cancel(&q, &ids).await?,
                Action::RetryNow => broker.retry_now(&q, &ids).await?,
            };
            words.into_iter().next().unwrap_or_else(|| "unknown".into())
        }
        Some(_) => "finished".to_string(),
        None => "unknown".to_string(),
    })
}

/// Runs `tq cancel` or `tq retry-now`: prints what became of each job; exit
/// 3 if some id names no live job.
pub(crate) async fn run(ctx: &Context, args: JobIds, action: Action) -> Result<()> {
    let broker = ctx.broker().await?;
    let queues = broker.queues().await?;
    let mut results = Vec::new();
    for id in &args.ids {
        results.push((id.clone(), act(&broker, &queues, id, action).await?));
    }
    if ctx.json {
        let list: Vec<_> = results
            .iter()
            .map(|(id, state)| serde_json::json!({ "id": id, "result": state }))
            .collect();
        print_json(&list)?;
    } else {
        for (id, word) in &results {
            let text = match word.as_str() {
                "cancelled" => "cancelled (it will not run; kept in the DLQ)",
                "cancelling" => "running: its worker stops it and it ends cancelled",
                "pending" => "pending: it runs next",
                "not_waiting" => "not waiting on a delay or a retry: nothing to do",
                "finished" => "already finished: nothing to do",
                _ => "no such job",
            };
            out!("{id}: {text}");
        }
    }
    let unknown: Vec<&str> = results
        .iter()
        .filter(|(_, w)| w == "unknown")
        .map(|(id, _)| id.as_str())
        .collect();
    if !unknown.is_empty() {
        return Err(Error::NotFound(format!("no job with id {}", unknown.join(", "))));
    }
    Ok(())
}
