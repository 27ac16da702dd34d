//! The producers' API under `/api/v1/` (SPEC.md "HTTP API"): enqueue one
//! job or many, read a job's status (waiting for it if asked), and the
//! OpenAPI 3.1 document derived from these very types. Enqueue goes
//! through [`crate::job_spec::JobSpec`], the parser `tq enqueue --batch`
//! uses, so the API takes the CLI's options with the CLI's checks.

use super::{Shared, api_error};
use crate::client::{Client, JobStatus};
use crate::job_spec::{JobSpec, SpecError};
use axum::Router;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::time::Duration;
use utoipa::OpenApi;

/// Largest request body: a bulk of many jobs (each job's args stay within 512 KiB).
const MAX_BODY: usize = 64 * 1024 * 1024;
/// Jobs per script call in a bulk enqueue (as `tq enqueue --batch`).
const CHUNK: usize = 1000;
/// How long an `Idempotency-Key` holds its job's name.
const IDEMPOTENCY_WINDOW: Duration = Duration::from_secs(24 * 3600);
/// Longest `?wait=` of a status request.
const MAX_WAIT: Duration = Duration::from_secs(600);

/// Every `/api/v1/` route.
pub(super) fn routes() -> Router<Shared> {
    Router::new()
        .route("/api/v1/queues/{queue}/jobs", post(enqueue))
        .route("/api/v1/jobs/{id}", get(status))
        .route("/api/v1/openapi.json", get(openapi))
}

/// One job enqueued (or found already held, with `Idempotency-Key` or `unique_for`).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct Enqueued {
    /// The job's id (for a duplicate: the id of the job that holds the name).
    pub id: String,
    /// Its queue.
    pub queue: String,
    /// True when no job was created: the unique name is held by job `id`.
    pub duplicate: bool,
}

/// Jobs enqueued by one bulk request, in the order given.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct EnqueuedMany {
    /// The jobs' ids.
    pub ids: Vec<String>,
}

/// The body of a 201: one job or many.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(untagged)]
pub(super) enum Created {
    One(Enqueued),
    Many(EnqueuedMany),
}

/// The request body: one job, or an array of jobs (NDJSON with
/// `Content-Type: application/x-ndjson`: one job per line).
// Only describes the body in openapi.json: the handler reads it job by job,
// to name the line of a bad one.
#[allow(dead_code)]
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(untagged)]
pub(super) enum JobsBody {
    One(Box<JobSpec>),
    Many(Vec<JobSpec>),
}

/// Every error: what is wrong, and where.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct ApiError {
    /// One line saying what is wrong.
    pub error: String,
    /// The field to blame, when one is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The job to blame in a bulk request (1-based line or array position).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
}

fn fail(status: StatusCode, error: impl Into<String>, field: Option<&str>, line: Option<usize>) -> Response {
    let body = ApiError {
        error: error.into(),
        field: field.map(str::to_string),
        line,
    };
    (status, axum::Json(body)).into_response()
}

fn spec_error(e: &SpecError, line: Option<usize>) -> Response {
    let status = if e.too_large {
        StatusCode::PAYLOAD_TOO_LARGE
    } else {
        StatusCode::BAD_REQUEST
    };
    let at = line.map(|n| format!("job {n}: ")).unwrap_or_default();
    fail(status, format!("{at}{}", e.message), Some(e.field), line)
}

fn unavailable(message: String, unavailable: bool) -> Response {
    let status = if unavailable {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::INTERNAL_SERVER_ERROR
    };
    super::error(status, &message)
}

/// Enqueue one job or many.
#[utoipa::path(
    post,
    path = "/api/v1/queues/{queue}/jobs",
    params(("queue" = String, Path, description = "Queue to put the jobs on"),
           ("Idempotency-Key" = Option<String>, Header, description = "One job per key for 24 h: a second request with the key gets the first job's id and \"duplicate\": true")),
    request_body(content = JobsBody, description = "A job, an array of jobs, or (Content-Type: application/x-ndjson) one job per line. Every job is validated before any is enqueued."),
    responses(
        (status = 201, description = "Enqueued: {id, queue, duplicate} for one job, {ids} for many", body = Created),
        (status = 200, description = "A duplicate: the unique name or Idempotency-Key is held by job `id`", body = Enqueued),
        (status = 400, description = "Bad input, naming the field (and line)", body = ApiError),
        (status = 401, description = "No or wrong token", body = ApiError),
        (status = 413, description = "Args over 512 KiB, or a body over 64 MiB", body = ApiError),
        (status = 415, description = "Not JSON or NDJSON", body = ApiError),
        (status = 503, description = "Redis unreachable or out of memory (Retry-After)", body = ApiError),
    ),
    security(("bearer" = []))
)]
async fn enqueue(State(s): State<Shared>, Path(queue): Path<String>, headers: HeaderMap, body: Body) -> Response {
    if let Err(e) = crate::broker::keys::validate_queue_name(&queue) {
        return fail(StatusCode::BAD_REQUEST, e, Some("queue"), None);
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let ndjson = content_type.starts_with("application/x-ndjson");
    if !ndjson && !content_type.starts_with("application/json") {
        return fail(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "send Content-Type: application/json (one job or an array) or application/x-ndjson (one job per line)",
            None,
            None,
        );
    }
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY).await else {
        return fail(StatusCode::PAYLOAD_TOO_LARGE, "the body is over 64 MiB", None, None);
    };
    let Ok(text) = std::str::from_utf8(&bytes) else {
        return fail(StatusCode::BAD_REQUEST, "the body is not UTF-8", Some("body"), None);
    };
    let idempotency_key = headers
        .get("idempotency-key")
        .map(|v| v.to_str().map(str::to_string).unwrap_or_default());
    let documents: Vec<(Option<usize>, &str)> = if ndjson {
        text.lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(n, l)| (Some(n + 1), l))
            .collect()
    } else if text.trim_start().starts_with('[') {
        match serde_json::from_str::<Vec<&RawValue>>(text) {
            Ok(items) => items
                .into_iter()
                .enumerate()
                .map(|(n, r)| (Some(n + 1), r.get()))
                .collect(),
            Err(e) => {
                return fail(
                    StatusCode::BAD_REQUEST,
                    format!("not a JSON array of jobs: {e}"),
                    Some("body"),
                    None,
                );
            }
        }
    } else {
        vec![(None, text)]
    };
    let bulk = ndjson || documents.first().is_some_and(|(line, _)| line.is_some());
    if bulk && idempotency_key.is_some() {
        return fail(
            StatusCode::BAD_REQUEST,
            "Idempotency-Key names one job: in a bulk request give each job its unique_key and unique_for",
            Some("Idempotency-Key"),
            None,
        );
    }
    // Every job is checked before any is enqueued.
    let mut entries = Vec::with_capacity(documents.len());
    for (line, doc) in documents {
        let spec = match JobSpec::parse(doc) {
            Ok(spec) => spec,
            Err(e) => return spec_error(&e, line),
        };
        if spec.queue.as_deref().is_some_and(|q| q != queue) {
            let e = SpecError {
                field: "queue",
                message: format!(
                    "the body names queue {:?}, the path {queue:?}",
                    spec.queue.unwrap_or_default()
                ),
                too_large: false,
            };
            return spec_error(&e, line);
        }
        let mut req = match spec.into_request(&queue, None) {
            Ok(req) => req,
            Err(e) => return spec_error(&e, line),
        };
        if let Some(key) = &idempotency_key {
            if key.is_empty() || key.len() > 256 {
                return fail(
                    StatusCode::BAD_REQUEST,
                    "Idempotency-Key must be 1 to 256 characters",
                    Some("Idempotency-Key"),
                    None,
                );
            }
            req.unique = Some((Some(format!("idempotency:{key}")), IDEMPOTENCY_WINDOW));
        }
        match req.to_new_job() {
            Ok((_, entry)) => entries.push(entry),
            Err(e) => return fail(StatusCode::BAD_REQUEST, e.to_string(), Some("body"), line),
        }
    }
    if !bulk {
        let Some(entry) = entries.pop() else {
            return fail(StatusCode::BAD_REQUEST, "no job in the body", Some("body"), None);
        };
        let id = entry.id.clone();
        return match s.enqueuer.enqueue(queue.clone(), entry).await {
            Ok(None) => (
                StatusCode::CREATED,
                axum::Json(Created::One(Enqueued {
                    id,
                    queue,
                    duplicate: false,
                })),
            )
                .into_response(),
            Ok(Some(held_by)) => (
                StatusCode::OK,
                axum::Json(Enqueued {
                    id: held_by,
                    queue,
                    duplicate: true,
                }),
            )
                .into_response(),
            Err(f) => unavailable(f.message, f.unavailable),
        };
    }
    if entries.is_empty() {
        return fail(StatusCode::BAD_REQUEST, "no job in the body", Some("body"), None);
    }
    if let Err(e) = s.broker.register_queue(&queue).await {
        return api_error(&e);
    }
    let q = s.broker.queue(&queue);
    let mut ids = Vec::with_capacity(entries.len());
    for chunk in entries.chunks(CHUNK) {
        // Every id was made for this request (to_new_job above).
        match s.broker.enqueue_new(&q, chunk).await {
            Ok((_, duplicates)) => {
                let held: std::collections::HashMap<String, String> = duplicates.into_iter().collect();
                ids.extend(
                    chunk
                        .iter()
                        .map(|e| held.get(&e.id).cloned().unwrap_or_else(|| e.id.clone())),
                );
            }
            Err(e) => {
                let f = super::coalesce::Failed::from(&e);
                let done = ids.len();
                return unavailable(
                    format!("{} ({done} jobs before it were enqueued)", f.message),
                    f.unavailable,
                );
            }
        }
    }
    (StatusCode::CREATED, axum::Json(Created::Many(EnqueuedMany { ids }))).into_response()
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
struct StatusQuery {
    /// Wait up to this long (e.g. 30s, at most 10m) for the job to finish.
    wait: Option<String>,
}

/// A job's status (the document of `tq status --json`).
#[utoipa::path(
    get,
    path = "/api/v1/jobs/{id}",
    params(("id" = String, Path, description = "Job id"), StatusQuery),
    responses(
        (status = 200, description = "The job's state; with ?wait=, once it finished or the wait ended", body = JobStatus),
        (status = 400, description = "Bad wait", body = ApiError),
        (status = 401, description = "No or wrong token", body = ApiError),
        (status = 404, description = "No such job (or its result expired)", body = ApiError),
        (status = 503, description = "Redis unreachable (Retry-After)", body = ApiError),
    ),
    security(("bearer" = []))
)]
async fn status(State(s): State<Shared>, Path(id): Path<String>, Query(q): Query<StatusQuery>) -> Response {
    let wait = match q.wait.as_deref().map(crate::cli::parse_duration) {
        None => Duration::ZERO,
        Some(Ok(d)) if d <= MAX_WAIT => d,
        Some(Ok(_)) => return fail(StatusCode::BAD_REQUEST, "wait is at most 10m", Some("wait"), None),
        Some(Err(e)) => return fail(StatusCode::BAD_REQUEST, e, Some("wait"), None),
    };
    match Client::new(s.broker.clone()).wait_for(&id, wait).await {
        Ok(status) => axum::Json(status).into_response(),
        Err(e) => api_error(&e),
    }
}

/// This document.
#[utoipa::path(get, path = "/api/v1/openapi.json", responses((status = 200, description = "The OpenAPI 3.1 description of /api/v1/")))]
async fn openapi() -> Response {
    match ApiDoc::openapi().to_json() {
        Ok(text) => ([(header::CONTENT_TYPE, "application/json")], text).into_response(),
        Err(e) => fail(StatusCode::INTERNAL_SERVER_ERROR, e.to_string(), None, None),
    }
}

/// The OpenAPI document of the routes above, from their own types.
#[derive(OpenApi)]
#[openapi(
    info(title = "tq", description = "Enqueue jobs and read their status: tq's API for producers in any language."),
    paths(enqueue, status, openapi),
    components(schemas(JobSpec, JobsBody, Enqueued, EnqueuedMany, Created, ApiError, JobStatus)),
    modifiers(&BearerAuth)
)]
pub(super) struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}
