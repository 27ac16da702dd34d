//! `tq cron`: periodic jobs.

use super::table::{Fit, Grid};
use super::{Context, format_age, print_json};
use crate::broker::keys::{QueueKeys, validate_queue_name};
use crate::broker::{Broker, CronPut, CronRecord, CronSpec};
use crate::cli::{CronAddArgs, CronArgs, CronCommand};
use crate::client::{Client, parse_args};
use crate::cron::{Fired, Schedule, validate_name};
use crate::error::{Error, Result};
use serde::Serialize;

/// Runs `tq cron ...`.
pub(crate) async fn run(ctx: &Context, args: CronArgs) -> Result<()> {
    let name = match &args.command {
        CronCommand::Add(a) => Some(&a.name),
        CronCommand::Show(n)
        | CronCommand::Remove(n)
        | CronCommand::Pause(n)
        | CronCommand::Resume(n)
        | CronCommand::Run(n) => Some(&n.name),
        CronCommand::List(_) | CronCommand::Tick => None,
    };
    if let Some(name) = name {
        validate_name(name).map_err(Error::InvalidInput)?;
    }
    if let CronCommand::Add(a) = args.command {
        // Checked before connecting: a bad expression is a usage error however Redis is.
        let (spec, schedule) = spec_of(&a)?;
        return add(ctx, spec, schedule).await;
    }
    let broker = ctx.broker().await?;
    match args.command {
        CronCommand::Add(_) => Ok(()),
        CronCommand::List(l) => list(ctx, &broker, l.wide).await,
        CronCommand::Show(n) => show(ctx, &broker, &n.name).await,
        CronCommand::Remove(n) => {
            let (q, _) = find(&broker, &n.name).await?;
            broker.cron_remove(&q, &n.name).await?;
            if ctx.json {
                return print_json(&serde_json::json!({ "name": n.name, "removed": true }));
            }
            out!("schedule {} removed", n.name);
            Ok(())
        }
        CronCommand::Pause(n) => pause_or_resume(ctx, &broker, &n.name, true).await,
        CronCommand::Resume(n) => pause_or_resume(ctx, &broker, &n.name, false).await,
        CronCommand::Run(n) => {
            let id = run_now(&broker, &n.name).await?;
            if ctx.json {
                return print_json(&serde_json::json!({ "name": n.name, "id": id }));
            }
            out!("{id}");
            Ok(())
        }
        CronCommand::Tick => {
            let queues: Vec<QueueKeys> = broker.queues().await?.iter().map(|n| broker.queue(n)).collect();
            let fired = crate::cron::fire_due(&broker, &queues).await?;
            if ctx.json {
                return print_json(&fired);
            }
            if fired.is_empty() {
                out!("nothing due");
            }
            for f in &fired {
                out!("{}", describe_fired(f));
            }
            Ok(())
        }
    }
}

/// One line for a tick fired by `tq cron tick`.
fn describe_fired(f: &Fired) -> String {
    match (&f.job, f.catch_up) {
        (Some(job), false) => format!("{}: {job}", f.name),
        (Some(job), true) => format!(
            "{}: {job} (one job for the ticks missed since {})",
            f.name,
            time(f.tick_ms)
        ),
        (None, _) => format!(
            "{}: skipped the ticks missed since {} (--catch-up none)",
            f.name,
            time(f.tick_ms)
        ),
    }
}

/// The definition `tq cron add` stores, and its schedule (validated).
fn spec_of(a: &CronAddArgs) -> Result<(CronSpec, Schedule)> {
    validate_queue_name(&a.queue).map_err(Error::InvalidInput)?;
    let args = parse_args(&a.args)?;
    let schedule = match (&a.every, &a.cron) {
        (Some(every), None) => Schedule::every(*every),
        (None, Some(expr)) => Schedule::cron(expr, &a.tz),
        _ => Err("give one of --every and --cron".to_string()),
    }
    .map_err(Error::InvalidInput)?;
    let ms = |d: std::time::Duration| d.as_millis() as u64;
    let spec = CronSpec {
        name: a.name.clone(),
        queue: a.queue.clone(),
        task: a.task.clone(),
        args: args.get().to_string(),
        every_ms: a.every.map(ms),
        cron: a.cron.clone(),
        tz: if a.cron.is_some() { a.tz.clone() } else { "UTC".into() },
        catch_up: a.catch_up,
        max_retries: a.retry.max_retries,
        retry_base_ms: ms(a.retry.retry_base),
        retry_cap_ms: ms(a.retry.retry_cap),
        timeout_ms: ms(a.retry.timeout),
        expires_ms: a.expires.map(ms),
        unique_for_ms: a.unique_for.map(ms),
        unique_key: a.unique_key.clone(),
    };
    Ok((spec, schedule))
}

async fn add(ctx: &Context, spec: CronSpec, schedule: Schedule) -> Result<()> {
    let broker = ctx.broker().await?;
    // A schedule moved to another queue leaves the old one.
    for queue in broker.queues().await? {
        let q = broker.queue(&queue);
        if queue != spec.queue && broker.cron_get(&q, &spec.name).await?.is_some() {
            broker.cron_remove(&q, &spec.name).await?;
        }
    }
    broker.register_queue(&spec.queue).await?;
    let q = broker.queue(&spec.queue);
    let now = broker.server_now_ms().await?;
    let first = schedule
        .next_after(now)
        .ok_or_else(|| Error::InvalidInput(format!("schedule {:?} never fires after now", spec.name)))?;
    let outcome = broker.cron_put(&q, &spec, first).await?;
    let record = broker.cron_get(&q, &spec.name).await?;
    let next = record.as_ref().and_then(|r| r.next_ms);
    if ctx.json {
        return print_json(&serde_json::json!({
            "name": spec.name,
            "outcome": outcome,
            "next_run_ms": next,
        }));
    }
    let verb = match outcome {
        CronPut::Created => "created",
        CronPut::Changed => "updated",
        CronPut::Unchanged => "unchanged",
    };
    match next {
        Some(next) => out!(
            "schedule {} {verb}: {} on queue {}, next run {} (in {})",
            spec.name,
            schedule.describe(),
            spec.queue,
            time(next),
            format_age(next.saturating_sub(now))
        ),
        None => out!("schedule {} {verb} (paused: tq cron resume {})", spec.name, spec.name),
    }
    Ok(())
}

/// The queue and record of schedule `name` (exit 3 if there is none).
async fn find(broker: &Broker, name: &str) -> Result<(QueueKeys, CronRecord)> {
    for queue in broker.queues().await? {
        let q = broker.queue(&queue);
        if let Some(record) = broker.cron_get(&q, name).await? {
            return Ok((q, record));
        }
    }
    Err(Error::NotFound(format!(
        "no schedule named {name:?} (tq cron list shows them)"
    )))
}

async fn pause_or_resume(ctx: &Context, broker: &Broker, name: &str, pause: bool) -> Result<()> {
    let changed = set_paused(broker, name, pause).await?;
    if ctx.json {
        return print_json(&serde_json::json!({ "name": name, "paused": pause, "changed": changed }));
    }
    let state = if pause { "paused" } else { "running" };
    if changed {
        out!("schedule {name} is {state}");
    } else {
        out!("schedule {name} was already {state}");
    }
    Ok(())
}

/// A schedule as `tq cron list --json` and `show --json` print it.
#[derive(Debug, Serialize)]
pub(crate) struct Listed {
    name: String,
    queue: String,
    task: Option<String>,
    schedule: Option<String>,
    tz: Option<String>,
    catch_up: Option<crate::broker::CatchUp>,
    paused: bool,
    next_run_ms: Option<u64>,
    last_run_ms: Option<u64>,
    last_job: Option<String>,
    /// The last job's state, or "expired or unknown" once its record is gone.
    last_job_state: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    next_runs_ms: Vec<u64>,
}

async fn listed(client: &Client, record: &CronRecord) -> Result<Listed> {
    let (last_run_ms, last_job) = match &record.last {
        Some((at, job)) if !job.is_empty() => (Some(*at), Some(job.clone())),
        Some((at, _)) => (Some(*at), None),
        None => (None, None),
    };
    let last_job_state = match &last_job {
        Some(id) => Some(match client.status(id).await {
            Ok(status) => status.state,
            Err(Error::NotFound(_)) => "expired or unknown".to_string(),
            Err(e) => return Err(e),
        }),
        None => None,
    };
    let spec = record.spec.as_ref().ok();
    Ok(Listed {
        name: record.name.clone(),
        queue: record.queue.clone(),
        task: spec.map(|s| s.task.clone()),
        schedule: spec.and_then(|s| s.schedule().ok()).map(|s| s.describe()),
        tz: spec.map(|s| s.tz.clone()),
        catch_up: spec.map(|s| s.catch_up),
        paused: record.next_ms.is_none(),
        next_run_ms: record.next_ms,
        last_run_ms,
        last_job,
        last_job_state,
        error: record.spec.as_ref().err().cloned(),
        next_runs_ms: Vec::new(),
    })
}

/// Every schedule, by name, as `tq cron list --json` prints them.
pub(crate) async fn schedules(broker: &Broker) -> Result<Vec<Listed>> {
    let client = Client::new(broker.clone());
    let mut all = Vec::new();
    for queue in broker.queues().await? {
        for record in broker.cron_list(&broker.queue(&queue)).await? {
            all.push(listed(&client, &record).await?);
        }
    }
    all.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(all)
}

/// Pauses or resumes schedule `name`: whether it changed.
pub(crate) async fn set_paused(broker: &Broker, name: &str, pause: bool) -> Result<bool> {
    let (q, record) = find(broker, name).await?;
    let now = broker.server_now_ms().await?;
    let next = record
        .spec
        .as_ref()
        .ok()
        .and_then(|s| s.schedule().ok())
        .and_then(|s| s.next_after(now));
    let next = match (pause, next) {
        (true, _) => 0,
        (false, Some(next)) => next,
        (false, None) => {
            return Err(Error::Failed(format!(
                "schedule {name:?} cannot be read, so it cannot resume: add it again"
            )));
        }
    };
    Ok(broker.cron_set_paused(&q, name, pause, next).await?.unwrap_or(false))
}

/// `tq cron run NAME`: the id of the job it enqueued.
pub(crate) async fn run_now(broker: &Broker, name: &str) -> Result<String> {
    let (q, record) = find(broker, name).await?;
    crate::cron::run_now(broker, &q, &record).await
}

async fn list(ctx: &Context, broker: &Broker, wide: bool) -> Result<()> {
    let all = schedules(broker).await?;
    if ctx.json {
        return print_json(&all);
    }
    if all.is_empty() {
        out!("no schedules (tq cron add creates one)");
        return Ok(());
    }
    let now = broker.server_now_ms().await?;
    let mut table = Grid::new(&[
        ("name", Fit::Cut),
        ("schedule", Fit::Cut),
        ("tz", Fit::Hide(2)),
        ("queue", Fit::Hide(3)),
        ("task", Fit::Cut),
        ("next run", Fit::Keep),
        ("last run", Fit::Hide(1)),
        ("last job", Fit::Hide(4)),
        ("state", Fit::Keep),
    ]);
    for l in &all {
        let dash = || "-".to_string();
        table.row(vec![
            l.name.clone(),
            l.schedule.clone().unwrap_or_else(|| "(unreadable)".into()),
            l.tz.clone().unwrap_or_else(dash),
            l.queue.clone(),
            l.task.clone().unwrap_or_else(dash),
            match l.next_run_ms {
                Some(next) if next > now => format!("in {}", format_age(next - now)),
                Some(_) => "due".into(),
                None => "paused".into(),
            },
            l.last_run_ms
                .map_or_else(dash, |at| format!("{} ago", format_age(now.saturating_sub(at)))),
            l.last_job.clone().unwrap_or_else(dash),
            l.last_job_state.clone().unwrap_or_else(dash),
        ]);
    }
    out!("{}", table.render(wide));
    Ok(())
}

async fn show(ctx: &Context, broker: &Broker, name: &str) -> Result<()> {
    let (_, record) = find(broker, name).await?;
    let client = Client::new(broker.clone());
    let mut l = listed(&client, &record).await?;
    if let (Some(next), Ok(schedule)) = (
        record.next_ms,
        record.spec.as_ref().map_err(|e| e.clone()).and_then(|s| s.schedule()),
    ) {
        let mut at = next;
        l.next_runs_ms.push(at);
        for _ in 0..4 {
            match schedule.next_after(at) {
                Some(n) => {
                    l.next_runs_ms.push(n);
                    at = n;
                }
                None => break,
            }
        }
    }
    if ctx.json {
        return print_json(&serde_json::json!({ "schedule": l, "definition": record.spec.ok() }));
    }
    out!("name:       {}", l.name);
    out!("queue:      {}", l.queue);
    out!("task:       {}", l.task.as_deref().unwrap_or("-"));
    if let Ok(spec) = &record.spec {
        out!("args:       {}", spec.args);
        out!(
            "catch-up:   {}",
            if spec.catch_up == crate::broker::CatchUp::One {
                "one"
            } else {
                "none"
            }
        );
    }
    out!("schedule:   {}", l.schedule.as_deref().unwrap_or("(unreadable)"));
    out!("time zone:  {}", l.tz.as_deref().unwrap_or("-"));
    if let Some(e) = &l.error {
        out!("error:      {e}");
    }
    if l.paused {
        out!("state:      paused");
    }
    for (i, at) in l.next_runs_ms.iter().enumerate() {
        out!("{}{}", if i == 0 { "next runs:  " } else { "            " }, time(*at));
    }
    match (l.last_run_ms, &l.last_job) {
        (Some(at), Some(job)) => out!(
            "last run:   {} job {job} ({})",
            time(at),
            l.last_job_state.as_deref().unwrap_or("-")
        ),
        (Some(at), None) => out!("last run:   {} (a gap, skipped)", time(at)),
        _ => out!("last run:   never"),
    }
    Ok(())
}

/// A server-clock time in ms, as RFC 3339 UTC.
fn time(ms: u64) -> String {
    humantime::format_rfc3339_seconds(std::time::UNIX_EPOCH + std::time::Duration::from_millis(ms)).to_string()
}
