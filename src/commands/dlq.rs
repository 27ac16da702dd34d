//! `tq dlq list|show|replay|purge`: the dead-letter queue for operators and scripts.

use super::table::{Fit, Grid};
use super::{Context, format_age, print_json};
use crate::cli::{DlqArgs, DlqCommand, DlqFilter, DlqListArgs, DlqPurgeArgs, DlqReplayArgs};
use crate::client::parse_args;
use crate::dlq::{DeadJob, Dlq, Filter, Replay, Replayed};
use crate::error::{Error, Result};

/// Runs `tq dlq ...`.
pub(crate) async fn run(ctx: &Context, args: DlqArgs) -> Result<()> {
    let broker = ctx.broker().await?;
    // Ages and --since/--older-than count on the server's clock, as the records do.
    let now = broker.server_now_ms().await?;
    let dlq = Dlq::new(broker);
    match args.command {
        DlqCommand::List(a) => list(ctx, &dlq, a, now).await,
        DlqCommand::Show(a) => show(ctx, dlq.show(&a.id).await?, now),
        DlqCommand::Replay(a) => replay(ctx, &dlq, a, now).await,
        DlqCommand::Purge(a) => purge(ctx, &dlq, a, now).await,
    }
}

/// The records `--queue`, `--task` and `--since` select, as of the server's `now`.
pub(crate) fn filter(f: &DlqFilter, now: u64) -> Result<Filter> {
    for q in &f.queues {
        crate::broker::keys::validate_queue_name(q).map_err(Error::InvalidInput)?;
    }
    Ok(Filter {
        queues: f.queues.clone(),
        task: f.task.clone(),
        since_ms: f.since.map(|d| now.saturating_sub(d.as_millis() as u64)),
        before_ms: None,
    })
}

async fn list(ctx: &Context, dlq: &Dlq, args: DlqListArgs, now: u64) -> Result<()> {
    let filter = filter(&args.filter, now)?;
    if args.count {
        let count = dlq.count(&filter).await?;
        return if ctx.json {
            print_json(&serde_json::json!({ "count": count }))
        } else {
            out!("{count}");
            Ok(())
        };
    }
    let records = dlq.list(&filter, Some(args.limit)).await?;
    if ctx.json {
        return print_json(&records);
    }
    if records.is_empty() {
        out!("no dead jobs");
        return Ok(());
    }
    let mut table = Grid::new(&[
        ("id", Fit::Keep),
        ("queue", Fit::Cut),
        ("task", Fit::Cut),
        ("reason", Fit::Hide(4)),
        ("error", Fit::Cut),
        ("attempts", Fit::Hide(2)),
        ("died", Fit::Hide(1)),
        ("replay", Fit::Hide(3)),
    ]);
    for r in &records {
        table.row(vec![
            r.id.clone(),
            r.queue.clone(),
            if r.task.is_empty() {
                "(malformed)".into()
            } else {
                r.task.clone()
            },
            r.reason.clone(),
            r.error.lines().next().unwrap_or("").to_string(),
            r.attempts.to_string(),
            format!("{} ago", format_age(now.saturating_sub(r.failed_at_ms))),
            r.replay_job.clone().unwrap_or_else(|| "-".into()),
        ]);
    }
    out!("{}", table.render(args.wide));
    Ok(())
}

fn show(ctx: &Context, dead: DeadJob, now: u64) -> Result<()> {
    if ctx.json {
        return print_json(&dead);
    }
    let r = &dead.record;
    out!("id:        {}", r.id);
    out!("queue:     {}", r.queue);
    out!(
        "task:      {}",
        if r.task.is_empty() {
            "(malformed entry)"
        } else {
            &r.task
        }
    );
    out!("reason:    {}", r.reason);
    out!("error:     {}", r.error);
    out!("died:      {} ago", format_age(now.saturating_sub(r.failed_at_ms)));
    out!("attempts:  {}", r.attempts);
    if r.replays > 0 || r.replay_job.is_some() {
        let live = r
            .replay_job
            .as_deref()
            .map(|j| {
                format!(
                    ", live replay {j} ({})",
                    dead.replay_state.as_deref().unwrap_or("finishing")
                )
            })
            .unwrap_or_default();
        out!("replays:   {}{live}", r.replays);
    }
    if let Some(raw) = &dead.raw {
        out!("raw entry: {raw}");
    }
    if let Some(args) = &dead.args {
        out!("args:      {}", args.get());
    }
    if !dead.redacted.is_empty() {
        out!(
            "redacted:  {} (replay needs --args-file with the full args)",
            dead.redacted.join(", ")
        );
    }
    if let Some(options) = &dead.options {
        out!("options:   {options}");
    }
    out!("history:");
    if dead.history.is_empty() {
        out!("  (no attempt finished: {})", r.reason);
    }
    for h in &dead.history {
        let started = h["started_at_ms"].as_u64().unwrap_or(0);
        let finished = h["finished_at_ms"].as_u64().unwrap_or(started);
        out!(
            "  attempt {} of job {} on {} ({} ago, ran {}): {}",
            h["attempt"],
            h["job"].as_str().unwrap_or(&r.id),
            h["worker"].as_str().unwrap_or("?"),
            format_age(now.saturating_sub(started)),
            format_age(finished.saturating_sub(started)),
            h["error"].as_str().unwrap_or(""),
        );
        for stream in ["traceback", "stdout_tail", "stderr_tail"] {
            let text = h[stream].as_str().unwrap_or("").trim_end();
            if !text.is_empty() {
                out!("    {}:", stream.trim_end_matches("_tail"));
                for line in text.lines() {
                    out!("      {line}");
                }
            }
        }
    }
    Ok(())
}

async fn replay(ctx: &Context, dlq: &Dlq, args: DlqReplayArgs, now: u64) -> Result<()> {
    let full_args = match &args.args_file {
        Some(path) => {
            if args.ids.len() != 1 {
                return Err(Error::InvalidInput("--args-file goes with exactly one ID".into()));
            }
            let text = std::fs::read_to_string(path)
                .map_err(|e| Error::InvalidInput(format!("cannot read --args-file {}: {e}", path.display())))?;
            Some(parse_args(&text)?)
        }
        None => None,
    };
    let ids: Vec<String> = if args.all {
        dlq.replayable(&filter(&args.filter, now)?).await?
    } else {
        args.ids.clone()
    };
    let mut done: Vec<Replayed> = Vec::new();
    let mut failures: Vec<Error> = Vec::new();
    for id in &ids {
        let outcome = if args.dry_run {
            dlq.show(id).await.map(|_| {
                Replay::Queued(Replayed {
                    dead_id: id.clone(),
                    job_id: None,
                })
            })
        } else {
            dlq.replay(id, full_args.as_deref()).await
        };
        let outcome = match outcome {
            Ok(Replay::Queued(replayed)) => Ok(replayed),
            // With --all, another replayer got there first: that is not a failure.
            Ok(Replay::AlreadyReplaying { .. }) if args.all => continue,
            Ok(Replay::AlreadyReplaying { dead_id, job_id }) => Err(Error::Failed(format!(
                "dead job {dead_id} is already being replayed as {job_id}; it is replayed again only if that job dies"
            ))),
            Err(e) => Err(e),
        };
        match outcome {
            Ok(replayed) => done.push(replayed),
            Err(e) => {
                if ids.len() > 1 {
                    eprintln!("tq: error: {e}");
                }
                failures.push(e);
            }
        }
    }
    if ctx.json {
        print_json(&done)?;
    } else if args.dry_run {
        for r in &done {
            out!("would replay {}", r.dead_id);
        }
        eprintln!("dry run: {} dead jobs would be replayed", done.len());
    } else {
        for r in &done {
            out!("{}", r.job_id.as_deref().unwrap_or(""));
        }
    }
    if failures.is_empty() {
        return Ok(());
    }
    if ids.len() == 1 {
        return Err(failures.remove(0));
    }
    let summary = format!("{} of {} replays failed", failures.len(), ids.len());
    if failures.iter().all(|e| matches!(e, Error::NotFound(_))) {
        Err(Error::NotFound(summary))
    } else {
        Err(Error::Failed(summary))
    }
}

async fn purge(ctx: &Context, dlq: &Dlq, args: DlqPurgeArgs, now: u64) -> Result<()> {
    let mut filter = filter(&args.filter, now)?;
    filter.before_ms = args.older_than.map(|d| now.saturating_sub(d.as_millis() as u64));
    let records = if args.all {
        dlq.list(&filter, None).await?
    } else {
        Vec::new()
    };
    if !args.yes {
        let count = if args.all { records.len() } else { args.ids.len() };
        return Err(Error::InvalidInput(format!(
            "refusing to delete {count} dead jobs without --yes (nothing was deleted)"
        )));
    }
    let deleted = if args.all {
        dlq.purge_records(&records).await?
    } else {
        dlq.purge(&args.ids).await?
    };
    if ctx.json {
        print_json(&serde_json::json!({ "deleted": deleted }))
    } else {
        out!("deleted {deleted} dead jobs");
        Ok(())
    }
}
