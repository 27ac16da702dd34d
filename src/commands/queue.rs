//! `tq queue`: pause, resume, limit or empty one queue.

use super::{Context, print_json};
use crate::broker::LimitChange;
use crate::cli::{QueueArgs, QueueCommand, QueueLimitArgs};
use crate::error::{Error, Result};

/// Runs `tq queue ...`.
pub(crate) async fn run(ctx: &Context, args: QueueArgs) -> Result<()> {
    let queue = match &args.command {
        QueueCommand::Pause(q) | QueueCommand::Resume(q) => &q.queue,
        QueueCommand::Purge(p) => &p.queue,
        QueueCommand::Limit(l) => &l.queue,
    };
    crate::broker::keys::validate_queue_name(queue).map_err(Error::InvalidInput)?;
    let broker = ctx.broker().await?;
    let q = broker.queue(queue);
    warn_if_unknown(&broker, queue).await?;
    match &args.command {
        QueueCommand::Pause(_) | QueueCommand::Resume(_) => {
            let pause = matches!(args.command, QueueCommand::Pause(_));
            let changed = broker.set_paused(&q, pause).await?;
            if ctx.json {
                return print_json(&serde_json::json!({ "queue": queue, "paused": pause, "changed": changed }));
            }
            let state = if pause { "paused" } else { "running" };
            if changed {
                out!("queue {queue} is {state}");
            } else {
                out!("queue {queue} was already {state}");
            }
        }
        QueueCommand::Limit(l) => limit(ctx, &broker, &q, l).await?,
        QueueCommand::Purge(p) => {
            if !p.yes {
                let waiting = broker.queue_counts(std::slice::from_ref(queue)).await?;
                let pending = waiting.first().map_or(0, |c| c.pending);
                return Err(Error::InvalidInput(format!(
                    "refusing to delete {pending} pending jobs of queue {queue} without --yes (nothing was deleted)"
                )));
            }
            let bar = super::progress_bar(ctx, "purging");
            let purged = broker.purge_pending(&q, |n| bar.set_position(n)).await?;
            bar.finish_and_clear();
            if ctx.json {
                return print_json(&serde_json::json!({ "queue": queue, "purged": purged }));
            }
            out!("purged {purged} pending jobs of queue {queue}");
        }
    }
    Ok(())
}

/// Warns when no job ever went to `queue` (a typo'd name, most likely):
/// the command still acts, so a queue can be paused or limited before its
/// first job.
async fn warn_if_unknown(broker: &crate::broker::Broker, queue: &str) -> Result<()> {
    let known = broker.queues().await?;
    if known.iter().any(|k| k == queue) {
        return Ok(());
    }
    let list = match known.len() {
        0 => "none yet".to_string(),
        1..=10 => known.join(", "),
        n => format!("{} and {} more", known[..10].join(", "), n - 10),
    };
    crate::output::warn(format_args!(
        "queue {queue} has never had a job (queues with jobs: {list}); acting on it anyway"
    ));
    Ok(())
}

/// `tq queue limit`: sets the limits given (0 / off removes one), or
/// clears them all, in one step; with no flag, only shows them.
async fn limit(
    ctx: &Context,
    broker: &crate::broker::Broker,
    q: &crate::broker::keys::QueueKeys,
    args: &QueueLimitArgs,
) -> Result<()> {
    let count = |n: Option<u64>| n.map(|n| (n > 0).then_some(n));
    let change = LimitChange {
        concurrency: count(args.concurrency),
        rate: args.rate.map(|r| r.0),
        key_concurrency: count(args.key_concurrency),
        key_rate: args.key_rate.map(|r| r.0),
    };
    let limits = if args.clear || change != LimitChange::default() {
        broker.set_limits(q, args.clear, &change).await?
    } else {
        broker
            .flow_state(q, broker.server_now_ms().await?, 0)
            .await?
            .map(|f| f.limits)
            .unwrap_or_default()
    };
    if ctx.json {
        return print_json(&serde_json::json!({ "queue": q.name, "limits": limits }));
    }
    out!("queue {}: limits {}", q.name, limits.describe());
    Ok(())
}
