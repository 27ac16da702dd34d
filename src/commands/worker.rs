//! `tq worker`: run a worker until SIGTERM/SIGINT (or, with --burst, until drained).

use super::Context;
use crate::broker::Retention;
use crate::cli::WorkerArgs;
use crate::error::{Error, Result};
use crate::worker::metrics::WorkerMetrics;
use crate::worker::{StopHandle, Worker, WorkerConfig};
use tokio::signal::unix::{SignalKind, signal};

/// Runs `tq worker`.
pub(crate) async fn run(ctx: &Context, args: WorkerArgs) -> Result<()> {
    let entries: Vec<String> = args
        .queues
        .iter()
        .map(|q| q.trim().to_string())
        .filter(|q| !q.is_empty())
        .collect();
    let (queues, weights) = crate::worker::weights::parse_queues(&entries).map_err(Error::InvalidInput)?;
    let config = WorkerConfig {
        queues,
        weights,
        concurrency: args
            .concurrency
            .unwrap_or_else(|| std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)),
        commands: args.handlers.into_iter().collect(),
        serve: args.serve,
        max_jobs_per_process: args.max_jobs_per_process,
        max_rss_per_process: args.max_rss_per_process,
        ready_timeout: args.ready_timeout,
        keep_env: args.keep_env,
        burst: args.burst,
        lease: args.lease,
        grace: args.grace,
        max_deliveries: args.max_deliveries.max(1),
        result_ttl: args.result_ttl,
        retention: Retention {
            dead_max_age: args.dead_max_age,
            dead_max_count: args.dead_max_count,
            results_max_count: args.results_max_count,
        },
    };
    let worker = Worker::new(ctx.broker().await?, config)?;
    if let Some(addr) = args.metrics_listen {
        serve_metrics(addr, worker.metrics()).await?;
    }
    watch_signals(worker.stop_handle())?;
    let summary = worker.run().await?;
    if ctx.json {
        super::print_json(&serde_json::json!({ "processed": summary.processed }))?;
    }
    Ok(())
}

/// Serves `GET /metrics` on `addr` for as long as the worker runs.
async fn serve_metrics(addr: std::net::SocketAddr, metrics: std::sync::Arc<WorkerMetrics>) -> Result<()> {
    use axum::http::{HeaderMap, StatusCode, header};
    use axum::response::IntoResponse;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| Error::Failed(format!("cannot listen on --metrics-listen {addr}: {e}")))?;
    let app = axum::Router::new().route(
        "/metrics",
        axum::routing::get(move |headers: HeaderMap| {
            let metrics = metrics.clone();
            async move {
                match metrics.encode() {
                    Ok(text) => {
                        let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok());
                        let (content_type, body) = crate::server::metrics::negotiate(accept, text);
                        ([(header::CONTENT_TYPE, content_type)], body).into_response()
                    }
                    Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
                }
            }
        }),
    );
    tracing::info!("metrics on http://{}/metrics", listener.local_addr()?);
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::warn!("metrics server stopped: {e}");
        }
    });
    Ok(())
}

/// First SIGTERM/SIGINT: graceful stop. Second: hand running jobs back now.
fn watch_signals(handle: StopHandle) -> Result<()> {
    let mut term = signal(SignalKind::terminate())?;
    let mut int = signal(SignalKind::interrupt())?;
    tokio::spawn(async move {
        for round in 0.. {
            tokio::select! {
                _ = term.recv() => {}
                _ = int.recv() => {}
            }
            if round == 0 {
                tracing::info!("stopping: finishing running jobs (signal again to hand them back now)");
                handle.stop();
            } else {
                handle.abort();
            }
        }
    });
    Ok(())
}
