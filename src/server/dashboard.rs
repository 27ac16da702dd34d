//! The dashboard's JSON API: the shapes of the CLI's `--json` output, read
//! and changed through the same library calls the CLI makes.

use super::{Shared, api_error};
use crate::broker::LiveState;
use crate::client::Client;
use crate::dlq::{Dlq, Filter, Replay};
use crate::error::{Error, Result};
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};
use std::time::Duration;

/// Every `/api/` route.
pub(super) fn routes() -> Router<Shared> {
    Router::new()
        .route("/api/overview", get(overview))
        .route("/api/queues/{queue}/jobs", get(queue_jobs))
        .route("/api/queues/{queue}/limits", post(queue_limits))
        .route("/api/queues/{queue}/{action}", post(queue_action))
        .route("/api/jobs/{id}", get(job))
        .route("/api/jobs/{id}/{action}", post(job_action))
        .route("/api/dlq", get(dead_list))
        .route("/api/dlq/replay-all", post(dead_replay_all))
        .route("/api/dlq/purge", post(dead_purge))
        .route("/api/dlq/{id}", get(dead_show))
        .route("/api/dlq/{id}/replay", post(dead_replay))
        .route("/api/cron", get(cron_list))
        .route("/api/cron/{name}/{action}", post(cron_action))
}

/// A handler's result as a response: its JSON, or the error as JSON.
fn reply(result: Result<Value>) -> Response {
    match result {
        Ok(value) => Json(value).into_response(),
        Err(e) => api_error(&e),
    }
}

fn to_json<T: serde::Serialize>(value: T) -> Result<Value> {
    serde_json::to_value(value).map_err(|e| Error::Failed(format!("cannot encode the answer: {e}")))
}

fn queue_name(queue: &str) -> Result<()> {
    crate::broker::keys::validate_queue_name(queue).map_err(Error::InvalidInput)
}

async fn overview(State(s): State<Shared>) -> Response {
    reply(
        async {
            let mut doc = crate::commands::inspect::overview(&s.broker).await?;
            doc["read_only"] = s.read_only.into();
            Ok(doc)
        }
        .await,
    )
}

#[derive(Deserialize)]
struct JobsQuery {
    state: Option<String>,
    task: Option<String>,
    limit: Option<usize>,
}

async fn queue_jobs(State(s): State<Shared>, Path(queue): Path<String>, Query(q): Query<JobsQuery>) -> Response {
    reply(
        async {
            queue_name(&queue)?;
            let states = match q.state.as_deref() {
                None | Some("") => crate::commands::jobs::ALL_STATES.to_vec(),
                Some("pending") => vec![LiveState::Pending],
                Some("scheduled") => vec![LiveState::Scheduled],
                Some("retrying") => vec![LiveState::Retrying],
                Some("active") => vec![LiveState::Active],
                Some(other) => return Err(Error::InvalidInput(format!("unknown state {other:?}"))),
            };
            let limit = q.limit.unwrap_or(20).min(1000);
            let jobs = crate::commands::jobs::list(&s.broker, &[queue], &states, q.task.as_deref(), limit).await?;
            to_json(jobs)
        }
        .await,
    )
}

async fn queue_action(State(s): State<Shared>, Path((queue, action)): Path<(String, String)>) -> Response {
    reply(
        async {
            queue_name(&queue)?;
            let q = s.broker.queue(&queue);
            match action.as_str() {
                "pause" | "resume" => {
                    let pause = action == "pause";
                    let changed = s.broker.set_paused(&q, pause).await?;
                    Ok(json!({ "queue": queue, "paused": pause, "changed": changed }))
                }
                "purge" => {
                    let purged = s.broker.purge_pending(&q, |_| {}).await?;
                    Ok(json!({ "queue": queue, "purged": purged }))
                }
                _ => Err(Error::NotFound(format!("no action {action:?}"))),
            }
        }
        .await,
    )
}

/// A change of limits from the dashboard: a field left out stays as it is;
/// 0 or "" removes that limit; `clear` removes them all first.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LimitsBody {
    #[serde(default)]
    clear: bool,
    concurrency: Option<u64>,
    rate: Option<String>,
    key_concurrency: Option<u64>,
    key_rate: Option<String>,
}

async fn queue_limits(State(s): State<Shared>, Path(queue): Path<String>, Json(body): Json<LimitsBody>) -> Response {
    reply(
        async {
            queue_name(&queue)?;
            let count = |n: Option<u64>| n.map(|n| (n > 0).then_some(n));
            let rate = |field: &str, r: Option<String>| -> Result<Option<Option<crate::broker::Rate>>> {
                match r.as_deref().map(str::trim) {
                    None => Ok(None),
                    Some("") => Ok(Some(None)),
                    Some(text) => crate::broker::Rate::parse(text)
                        .map(|r| Some(Some(r)))
                        .map_err(|e| Error::InvalidInput(format!("{field}: {e}"))),
                }
            };
            let change = crate::broker::LimitChange {
                concurrency: count(body.concurrency),
                rate: rate("rate", body.rate)?,
                key_concurrency: count(body.key_concurrency),
                key_rate: rate("key_rate", body.key_rate)?,
            };
            let limits = s
                .broker
                .set_limits(&s.broker.queue(&queue), body.clear, &change)
                .await?;
            Ok(json!({ "queue": queue, "limits": limits }))
        }
        .await,
    )
}

/// How long a job page's request may wait for its job to finish.
const PAGE_WAIT_MAX: Duration = Duration::from_secs(5);

#[derive(Debug, Deserialize)]
struct JobQuery {
    /// Wait up to this many ms for the job to finish (its page, while it
    /// runs, shows the end within milliseconds instead of at the next poll).
    wait_ms: Option<u64>,
}

async fn job(State(s): State<Shared>, Path(id): Path<String>, Query(q): Query<JobQuery>) -> Response {
    let wait = Duration::from_millis(q.wait_ms.unwrap_or(0)).min(PAGE_WAIT_MAX);
    reply(
        async {
            let status = Client::new(s.broker.clone()).wait_for(&id, wait).await?;
            let mut doc = to_json(&status)?;
            // A dead job's page shows its every attempt, from its dead record.
            if let Some(record) = &status.dead_record
                && let Ok(dead) = Dlq::new(s.broker.clone()).show(record).await
            {
                doc["dead"] = to_json(dead)?;
            }
            Ok(doc)
        }
        .await,
    )
}

async fn job_action(State(s): State<Shared>, Path((id, action)): Path<(String, String)>) -> Response {
    use crate::commands::cancel::{Action, act};
    reply(
        async {
            let action = match action.as_str() {
                "cancel" => Action::Cancel,
                "retry-now" => Action::RetryNow,
                _ => return Err(Error::NotFound(format!("no action {action:?}"))),
            };
            let result = act(&s.broker, &s.broker.queues().await?, &id, action).await?;
            if result == "unknown" || result == "finished" {
                return Err(Error::NotFound(format!("no waiting or running job {id}")));
            }
            Ok(json!({ "id": id, "result": result }))
        }
        .await,
    )
}

#[derive(Deserialize, Default)]
struct DeadQuery {
    queue: Option<String>,
    task: Option<String>,
    /// A duration: only jobs that died within it (1h, 7d).
    since: Option<String>,
    limit: Option<usize>,
    #[serde(default)]
    dry_run: bool,
}

impl DeadQuery {
    /// The records it selects, as `tq dlq list -q Q --task T --since D` would.
    async fn filter(&self, s: &Shared) -> Result<Filter> {
        let since = match self.since.as_deref().filter(|t| !t.is_empty()) {
            Some(text) => Some(crate::cli::parse_duration(text).map_err(Error::InvalidInput)?),
            None => None,
        };
        let options = crate::cli::DlqFilter {
            queues: self.queue.iter().filter(|q| !q.is_empty()).cloned().collect(),
            task: self.task.clone().filter(|t| !t.is_empty()),
            since,
        };
        crate::commands::dlq::filter(&options, s.broker.server_now_ms().await?)
    }
}

async fn dead_list(State(s): State<Shared>, Query(q): Query<DeadQuery>) -> Response {
    reply(
        async {
            let filter = q.filter(&s).await?;
            let dlq = Dlq::new(s.broker.clone());
            let records = dlq.list(&filter, Some(q.limit.unwrap_or(50).min(1000))).await?;
            Ok(json!({ "count": dlq.count(&filter).await?, "records": records }))
        }
        .await,
    )
}

async fn dead_show(State(s): State<Shared>, Path(id): Path<String>) -> Response {
    reply(async { to_json(Dlq::new(s.broker.clone()).show(&id).await?) }.await)
}

async fn dead_replay(State(s): State<Shared>, Path(id): Path<String>) -> Response {
    reply(
        async {
            match Dlq::new(s.broker.clone()).replay(&id, None).await? {
                Replay::Queued(r) => to_json(r),
                Replay::AlreadyReplaying { dead_id, job_id } => Err(Error::Failed(format!(
                    "dead job {dead_id} is already being replayed as {job_id}"
                ))),
            }
        }
        .await,
    )
}

/// Replays every dead job matching the filter; with `dry_run`, only counts them.
async fn dead_replay_all(State(s): State<Shared>, Json(q): Json<DeadQuery>) -> Response {
    reply(
        async {
            let dlq = Dlq::new(s.broker.clone());
            let ids = dlq.replayable(&q.filter(&s).await?).await?;
            if q.dry_run {
                return Ok(json!({ "matched": ids.len(), "replayed": 0 }));
            }
            let mut replayed = Vec::new();
            let mut failed = Vec::new();
            for id in &ids {
                match dlq.replay(id, None).await {
                    Ok(Replay::Queued(r)) => replayed.push(r),
                    Ok(Replay::AlreadyReplaying { .. }) => {}
                    Err(e) => failed.push(json!({ "id": id, "error": e.to_string() })),
                }
            }
            Ok(json!({ "matched": ids.len(), "replayed": replayed.len(), "jobs": replayed, "failed": failed }))
        }
        .await,
    )
}

/// Deletes every dead job matching the filter; with `dry_run`, only counts them.
async fn dead_purge(State(s): State<Shared>, Json(q): Json<DeadQuery>) -> Response {
    reply(
        async {
            let dlq = Dlq::new(s.broker.clone());
            let records = dlq.list(&q.filter(&s).await?, None).await?;
            if q.dry_run {
                return Ok(json!({ "matched": records.len(), "deleted": 0 }));
            }
            let deleted = dlq.purge_records(&records).await?;
            Ok(json!({ "matched": records.len(), "deleted": deleted }))
        }
        .await,
    )
}

async fn cron_list(State(s): State<Shared>) -> Response {
    reply(async { to_json(crate::commands::cron::schedules(&s.broker).await?) }.await)
}

async fn cron_action(State(s): State<Shared>, Path((name, action)): Path<(String, String)>) -> Response {
    reply(
        async {
            crate::cron::validate_name(&name).map_err(Error::InvalidInput)?;
            match action.as_str() {
                "pause" | "resume" => {
                    let pause = action == "pause";
                    let changed = crate::commands::cron::set_paused(&s.broker, &name, pause).await?;
                    Ok(json!({ "name": name, "paused": pause, "changed": changed }))
                }
                "run" => {
                    let id = crate::commands::cron::run_now(&s.broker, &name).await?;
                    Ok(json!({ "name": name, "id": id }))
                }
                _ => Err(Error::NotFound(format!("no action {action:?}"))),
            }
        }
        .await,
    )
}
