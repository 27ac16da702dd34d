//! `tq serve` (alias `tq dashboard`): the one tq server, from the binary
//! (axum): the producers' API under `/api/v1/` ([`api`]), the live admin
//! page and its JSON API ([`dashboard`]), and Prometheus metrics at `/metrics`.
//!
//! The page is one embedded HTML file whose script builds every view from
//! `/api/` with DOM text nodes, never markup from data: job args, errors and
//! output render as text. Safety: loopback by default, a non-loopback
//! address only with `--auth-token` or `--basic-auth`; every page action is
//! a POST carrying the page's CSRF token from the same origin; `--read-only`
//! refuses every action (403) and the page shows none. API calls carry
//! `Authorization: Bearer TOKEN` (no cookie, so no CSRF); an
//! `--enqueue-token` opens `/api/v1/` only.

mod api;
mod coalesce;
mod dashboard;
pub(crate) mod metrics;

use crate::broker::Broker;
use crate::error::{Error, Result};
use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use base64::Engine as _;
use sha2::{Digest, Sha256};
use std::net::SocketAddr;
use std::sync::Arc;

/// The page: markup, style and script, with no external assets.
const PAGE: &str = include_str!("page.html");

/// Who may use the dashboard.
#[derive(Debug, Clone)]
pub(crate) enum Auth {
    /// Anyone who can reach the address (loopback only).
    None,
    /// `Authorization: Bearer T`, or the cookie `?token=T` sets.
    Token(String),
    /// HTTP basic authentication with this user and password.
    Basic { user: String, password: String },
}

/// How to serve the dashboard.
#[derive(Debug, Clone)]
pub(crate) struct Config {
    pub listen: SocketAddr,
    pub read_only: bool,
    pub auth: Auth,
    /// A token that may only use `/api/v1/` (enqueue, job status).
    pub enqueue_token: Option<String>,
}

impl Config {
    /// Refuses a non-loopback address without authentication.
    pub(crate) fn check(&self) -> std::result::Result<(), String> {
        if !self.listen.ip().is_loopback() && matches!(self.auth, Auth::None) {
            return Err(format!(
                "refusing to serve the dashboard on {} without authentication: add --auth-token TOKEN or --basic-auth USER:PASS, or listen on 127.0.0.1",
                self.listen
            ));
        }
        Ok(())
    }
}

/// What every request handler shares.
pub(crate) struct AppState {
    pub broker: Broker,
    pub read_only: bool,
    /// The token every action must carry (`X-CSRF-Token`), new each start.
    pub csrf: String,
    auth: Auth,
    enqueue_token: Option<String>,
    /// Batches concurrent single enqueues into one script call per queue.
    pub enqueuer: coalesce::Enqueuer,
}

pub(crate) type Shared = Arc<AppState>;

/// The router, for [`serve`] and for tests.
pub(crate) fn router(broker: Broker, config: &Config) -> Router {
    let state = Arc::new(AppState {
        enqueuer: coalesce::Enqueuer::start(broker.clone()),
        broker,
        read_only: config.read_only,
        csrf: format!("{:032x}", rand::random::<u128>()),
        auth: config.auth.clone(),
        enqueue_token: config.enqueue_token.clone(),
    });
    let pages = ["/", "/queues/{queue}", "/jobs/{id}", "/dlq", "/dlq/{id}", "/cron"];
    let mut router = Router::new();
    for path in pages {
        router = router.route(path, get(page));
    }
    router
        .route("/metrics", get(metrics::serve))
        .merge(dashboard::routes())
        .merge(api::routes())
        .layer(middleware::from_fn_with_state(state.clone(), guard))
        .with_state(state)
}

/// Serves until Ctrl-C or SIGTERM.
pub(crate) async fn serve(broker: Broker, config: Config) -> Result<()> {
    config.check().map_err(Error::InvalidInput)?;
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|e| Error::Failed(format!("cannot listen on {}: {e}", config.listen)))?;
    let addr = listener.local_addr()?;
    eprintln!(
        "tq serve on http://{addr}/ (API under /api/v1/){}{}",
        if config.read_only { " (read-only)" } else { "" },
        match config.auth {
            Auth::None => "",
            Auth::Token(_) => " (open http://ADDR/?token=TOKEN once to sign in)",
            Auth::Basic { .. } => " (basic authentication)",
        }
    );
    axum::serve(listener, router(broker, &config))
        .with_graceful_shutdown(shutdown())
        .await
        .map_err(|e| Error::Failed(format!("server failed: {e}")))
}

async fn shutdown() {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = async { match term.as_mut() { Some(t) => { t.recv().await; } None => std::future::pending().await } } => {}
    }
}

/// The page shell: the script reads the CSRF token and the read-only flag
/// from these attributes (hex and a fixed word: nothing to escape).
async fn page(State(state): State<Shared>) -> Response {
    let body = PAGE
        .replace("{{csrf}}", &state.csrf)
        .replace("{{read_only}}", if state.read_only { "true" } else { "false" });
    let mut response = Html(body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'",
        ),
    );
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Authentication for every request; for page actions (POST), the
/// read-only switch, the CSRF token and the same-origin check.
async fn guard(State(state): State<Shared>, request: Request, next: Next) -> Response {
    if request.uri().path().starts_with("/api/v1/") {
        return api_guard(&state, request, next).await;
    }
    if let Some(given) = bearer(request.headers())
        && state.enqueue_token.as_deref().is_some_and(|t| same(&given, t))
        && !matches!(&state.auth, Auth::Token(admin) if same(&given, admin))
    {
        return error(
            StatusCode::FORBIDDEN,
            "the enqueue token may only enqueue and read job status (/api/v1/)",
        );
    }
    let mut set_cookie = None;
    match &state.auth {
        Auth::None => {}
        Auth::Token(token) => {
            let given = bearer(request.headers())
                .or_else(|| cookie(request.headers(), "tq_token"))
                .or_else(|| query_token(request.uri().query()));
            if !given.as_deref().is_some_and(|g| same(g, token)) {
                return error(
                    StatusCode::UNAUTHORIZED,
                    "authentication required: open the dashboard at /?token=TOKEN or send Authorization: Bearer TOKEN",
                );
            }
            if query_token(request.uri().query()).is_some() {
                set_cookie = Some(format!("tq_token={token}; HttpOnly; SameSite=Strict; Path=/"));
            }
        }
        Auth::Basic { user, password } => {
            if !basic_ok(request.headers(), user, password) {
                let mut response = error(StatusCode::UNAUTHORIZED, "authentication required");
                response
                    .headers_mut()
                    .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Basic realm=\"tq\""));
                return response;
            }
        }
    }
    if request.method() == Method::POST {
        if state.read_only {
            return error(StatusCode::FORBIDDEN, "this dashboard is read-only (--read-only)");
        }
        let token = request.headers().get("x-csrf-token").and_then(|v| v.to_str().ok());
        if !token.is_some_and(|t| same(t, &state.csrf)) {
            return error(StatusCode::FORBIDDEN, "missing or wrong CSRF token: reload the page");
        }
        if !same_origin(request.headers()) {
            return error(StatusCode::FORBIDDEN, "cross-origin request refused");
        }
    } else if request.method() != Method::GET && request.method() != Method::HEAD {
        return error(StatusCode::METHOD_NOT_ALLOWED, "only GET and POST");
    }
    let mut response = next.run(request).await;
    if let Some(cookie) = set_cookie.and_then(|c| HeaderValue::from_str(&c).ok()) {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    response
}

/// The producers' API: a Bearer token (the admin's or the enqueue token),
/// or basic authentication where that is the server's; none needed only when
/// no token at all is configured (loopback). No cookie counts, so a page on
/// another site cannot call it with the operator's session.
async fn api_guard(state: &AppState, request: Request, next: Next) -> Response {
    let given = bearer(request.headers());
    let token_ok = |t: &str| given.as_deref().is_some_and(|g| same(g, t));
    let allowed = match &state.auth {
        Auth::Token(admin) => token_ok(admin) || state.enqueue_token.as_deref().is_some_and(token_ok),
        Auth::Basic { user, password } => {
            basic_ok(request.headers(), user, password) || state.enqueue_token.as_deref().is_some_and(token_ok)
        }
        Auth::None => state.enqueue_token.as_deref().is_none_or(token_ok),
    };
    if !allowed {
        return error(
            StatusCode::UNAUTHORIZED,
            "authentication required: send Authorization: Bearer TOKEN",
        );
    }
    if request.method() == Method::POST {
        if state.read_only {
            return error(StatusCode::FORBIDDEN, "this server is read-only (--read-only)");
        }
        if !same_origin(request.headers()) {
            return error(StatusCode::FORBIDDEN, "cross-origin request refused");
        }
    } else if request.method() != Method::GET && request.method() != Method::HEAD {
        return error(StatusCode::METHOD_NOT_ALLOWED, "only GET and POST");
    }
    next.run(request).await
}

/// True when the request carries HTTP basic authentication for `user` and `password`.
fn basic_ok(headers: &HeaderMap, user: &str, password: &str) -> bool {
    let expected = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .is_some_and(|given| same(given.trim(), &expected))
}

/// Compares secrets by their digests (no early exit on the first difference).
fn same(given: &str, expected: &str) -> bool {
    Sha256::digest(given.as_bytes()) == Sha256::digest(expected.as_bytes())
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    Some(value.strip_prefix("Bearer ")?.trim().to_string())
}

fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|kv| {
            let (k, v) = kv.trim().split_once('=')?;
            (k == name).then(|| v.to_string())
        })
}

fn query_token(query: Option<&str>) -> Option<String> {
    query?.split('&').find_map(|kv| {
        let (k, v) = kv.split_once('=')?;
        (k == "token").then(|| v.to_string())
    })
}

/// An `Origin` (if the browser sent one) must be this server's own.
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("");
    origin == format!("http://{host}") || origin == format!("https://{host}")
}

/// `{"error": message}` with `status`.
/// A 503 says when to try again (`Retry-After: 1`): Redis is away or full for now.
pub(crate) fn error(status: StatusCode, message: &str) -> Response {
    let mut response = (status, axum::Json(serde_json::json!({ "error": message }))).into_response();
    if status == StatusCode::SERVICE_UNAVAILABLE {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    }
    response
}

/// tq's error as an API response: 404 for what does not exist, 400 for bad
/// input, 503 with `Retry-After` when Redis cannot be reached or is out of
/// memory, else 500.
pub(crate) fn api_error(e: &Error) -> Response {
    let status = match e {
        Error::NotFound(_) => StatusCode::NOT_FOUND,
        Error::InvalidInput(_) => StatusCode::BAD_REQUEST,
        e if e.is_unavailable() => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    error(status, &e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_public_address_needs_authentication() {
        let config = |listen: &str, auth| Config {
            listen: listen.parse().unwrap(),
            read_only: false,
            auth,
            enqueue_token: None,
        };
        assert!(config("127.0.0.1:5001", Auth::None).check().is_ok());
        assert!(config("[::1]:5001", Auth::None).check().is_ok());
        let e = config("0.0.0.0:5001", Auth::None).check().unwrap_err();
        assert!(e.contains("--auth-token"), "{e}");
        assert!(config("0.0.0.0:5001", Auth::Token("t".into())).check().is_ok());
    }
}
