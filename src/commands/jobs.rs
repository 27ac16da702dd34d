//! `tq jobs list`: the jobs waiting or running on queues.

use super::table::{Fit, Grid};
use super::{Context, format_age, print_json};
use crate::broker::{JobSummary, LiveState};
use crate::cli::{JobState, JobsArgs, JobsCommand};
use crate::error::{Error, Result};
use std::collections::HashMap;

/// Every state a live job can be in, in the order `tq jobs list` shows them.
pub(crate) const ALL_STATES: [LiveState; 4] = [
    LiveState::Active,
    LiveState::Pending,
    LiveState::Retrying,
    LiveState::Scheduled,
];

/// With --task, how many jobs per queue and state are looked at at most.
const TASK_SCAN: usize = 100_000;

/// Runs `tq jobs ...`.
pub(crate) async fn run(ctx: &Context, args: JobsArgs) -> Result<()> {
    let JobsCommand::List(args) = args.command;
    let broker = ctx.broker().await?;
    let queues = if args.queues.is_empty() {
        broker.queues().await?
    } else {
        for q in &args.queues {
            crate::broker::keys::validate_queue_name(q).map_err(Error::InvalidInput)?;
        }
        args.queues.clone()
    };
    let states: Vec<LiveState> = if args.state.is_empty() {
        ALL_STATES.to_vec()
    } else {
        args.state
            .iter()
            .map(|s| match s {
                JobState::Pending => LiveState::Pending,
                JobState::Scheduled => LiveState::Scheduled,
                JobState::Retrying => LiveState::Retrying,
                JobState::Active => LiveState::Active,
            })
            .collect()
    };
    let jobs = list(&broker, &queues, &states, args.task.as_deref(), args.limit).await?;
    let now = broker.server_now_ms().await?;
    if ctx.json {
        return print_json(&jobs);
    }
    if jobs.is_empty() {
        out!("no jobs");
        return Ok(());
    }
    let mut table = Grid::new(&[
        ("id", Fit::Keep),
        ("queue", Fit::Cut),
        ("state", Fit::Keep),
        ("task", Fit::Cut),
        ("attempts", Fit::Hide(1)),
        ("when", Fit::Keep),
        ("key", Fit::Hide(3)),
        ("worker", Fit::Hide(2)),
    ]);
    for j in &jobs {
        let when = match j.state {
            LiveState::Pending => match &j.waiting_for {
                Some(why) => format!("waiting {}: {why}", format_age(now.saturating_sub(j.enqueued_at_ms))),
                None => format!("waiting {}", format_age(now.saturating_sub(j.enqueued_at_ms))),
            },
            LiveState::Scheduled | LiveState::Retrying => match j.due_at_ms {
                Some(due) if due > now => format!("due in {}", format_age(due - now)),
                _ => "due now".to_string(),
            },
            LiveState::Active => j
                .running_ms
                .map_or_else(|| "running".to_string(), |ms| format!("running {}", format_age(ms))),
        };
        let state = serde_json::to_value(j.state)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        table.row(vec![
            j.id.clone(),
            j.queue.clone(),
            state,
            j.task.clone(),
            j.attempts.to_string(),
            when,
            j.key.clone().unwrap_or_else(|| "-".into()),
            j.worker.clone().unwrap_or_else(|| "-".into()),
        ]);
    }
    out!("{}", table.render(args.wide));
    Ok(())
}

/// Up to `limit` jobs per queue and state, in the order they run, with the
/// worker and run time of active ones (from the workers' heartbeats).
pub(crate) async fn list(
    broker: &crate::broker::Broker,
    queues: &[String],
    states: &[LiveState],
    task: Option<&str>,
    limit: usize,
) -> Result<Vec<JobSummary>> {
    let scan = if task.is_some() { TASK_SCAN } else { limit };
    let mut jobs: Vec<JobSummary> = Vec::new();
    for queue in queues {
        for &state in states {
            jobs.extend(broker.list_jobs(queue, state, limit, task, scan).await?);
        }
    }
    let now = broker.server_now_ms().await?;
    if jobs.iter().any(|j| j.state == LiveState::Active) {
        // Who runs them: each live worker lists its jobs in its heartbeat.
        let mut running = HashMap::new();
        for w in broker.live_workers().await? {
            let since = now.saturating_sub(w.heartbeat_at_ms);
            for r in &w.running {
                running.insert((r.queue.clone(), r.id.clone()), (w.id.clone(), r.ran_ms + since));
            }
        }
        for job in jobs.iter_mut().filter(|j| j.state == LiveState::Active) {
            if let Some((worker, ran)) = running.get(&(job.queue.clone(), job.id.clone())) {
                job.worker = Some(worker.clone());
                job.running_ms = Some(*ran);
            }
        }
    }
    Ok(jobs)
}
