//! Prometheus metrics: the dashboard's queue-level view of Redis
//! (`GET /metrics`), and a worker's own (`tq worker --metrics-listen`).
//! Text format from the official `prometheus-client` crate.

use super::Shared;
use crate::broker::{QueueCounts, WorkerInfo};
use crate::error::Result;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;
use std::sync::atomic::AtomicU64;

/// The content type of the text format prometheus-client writes.
pub(crate) const OPENMETRICS: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";
/// The classic Prometheus text format (what `promtool check metrics` reads).
pub(crate) const TEXT: &str = "text/plain; version=0.0.4; charset=utf-8";

/// `text` (OpenMetrics) as the scraper asked: unchanged for a client that
/// accepts OpenMetrics (Prometheus itself does), else in the classic text
/// format, where a counter's family is named with its `_total` suffix and
/// there is no `# EOF` or `# UNIT`.
pub(crate) fn negotiate(accept: Option<&str>, text: String) -> (&'static str, String) {
    if accept.is_some_and(|a| a.contains("application/openmetrics-text")) {
        return (OPENMETRICS, text);
    }
    let counters: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("# TYPE ")?.strip_suffix(" counter"))
        .collect();
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        if line == "# EOF" || line.starts_with("# UNIT ") {
            continue;
        }
        let renamed = ["# HELP ", "# TYPE "].iter().find_map(|p| {
            let rest = line.strip_prefix(p)?;
            let (name, tail) = rest.split_once(' ')?;
            counters.contains(&name).then(|| format!("{p}{name}_total {tail}"))
        });
        out.push_str(renamed.as_deref().unwrap_or(line));
        out.push('\n');
    }
    (TEXT, out)
}

/// `text` with each family's series in order of their labels, so two
/// scrapes list them alike (prometheus-client keeps a family's series in a
/// hash map, whose order changes from one encoding to the next). The lines
/// of one series (a histogram's buckets, sum and count) keep their order.
pub(crate) fn in_stable_order(text: &str) -> String {
    fn series(line: &str) -> String {
        let Some((_, rest)) = line.split_once('{') else {
            return String::new();
        };
        let labels = rest.rsplit_once('}').map_or(rest, |(labels, _)| labels);
        labels
            .split(',')
            .filter(|l| !l.starts_with("le="))
            .collect::<Vec<_>>()
            .join(",")
    }
    let mut out = String::with_capacity(text.len());
    let mut samples: Vec<&str> = Vec::new();
    let flush = |samples: &mut Vec<&str>, out: &mut String| {
        samples.sort_by_cached_key(|l| series(l));
        for line in samples.drain(..) {
            out.push_str(line);
            out.push('\n');
        }
    };
    for line in text.lines() {
        if line.starts_with('#') {
            flush(&mut samples, &mut out);
            out.push_str(line);
            out.push('\n');
        } else {
            samples.push(line);
        }
    }
    flush(&mut samples, &mut out);
    out
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct QueueState {
    queue: String,
    state: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct QueueLimit {
    queue: String,
    limit: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct QueueLabel {
    queue: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CommandLabel {
    command: String,
}

/// The queue-level metrics for these counts and workers, as text. Counts
/// are those of `tq inspect --json` (so `scheduled` includes `retrying`).
pub(crate) fn queue_metrics(queues: &[QueueCounts], workers: &[WorkerInfo], used_memory: u64) -> Result<String> {
    let mut registry = Registry::default();
    let jobs = Family::<QueueState, Gauge>::default();
    let age = Family::<QueueLabel, Gauge<f64, AtomicU64>>::default();
    let processed = Family::<QueueLabel, Counter>::default();
    let failed = Family::<QueueLabel, Counter>::default();
    let paused = Family::<QueueLabel, Gauge>::default();
    let schedules = Family::<QueueLabel, Gauge>::default();
    let limits = Family::<QueueLimit, Gauge<f64, AtomicU64>>::default();
    let held = Family::<QueueLabel, Gauge>::default();
    let keys = Family::<QueueState, Gauge>::default();
    for q in queues.iter().filter(|q| q.error.is_none()) {
        let queue = || q.name.clone();
        for (state, n) in [
            ("pending", q.pending),
            ("active", q.active),
            ("scheduled", q.scheduled),
            ("retrying", q.retrying),
            ("dead", q.dead),
        ] {
            jobs.get_or_create(&QueueState {
                queue: queue(),
                state: state.into(),
            })
            .set(n as i64);
        }
        let label = QueueLabel { queue: queue() };
        age.get_or_create(&label)
            .set(q.oldest_pending_age_ms.unwrap_or(0) as f64 / 1000.0);
        processed.get_or_create(&label).inc_by(q.processed);
        failed.get_or_create(&label).inc_by(q.failed);
        paused.get_or_create(&label).set(i64::from(q.paused));
        schedules.get_or_create(&label).set(q.schedules as i64);
        if let Some(flow) = &q.flow {
            let per_second = |r: crate::broker::Rate| r.starts as f64 / r.per.as_secs_f64();
            for (limit, value) in [
                ("concurrency", flow.limits.concurrency.map(|n| n as f64)),
                ("rate_per_second", flow.limits.rate.map(per_second)),
                ("key_concurrency", flow.limits.key_concurrency.map(|n| n as f64)),
                ("key_rate_per_second", flow.limits.key_rate.map(per_second)),
            ] {
                if let Some(value) = value {
                    let label = QueueLimit {
                        queue: queue(),
                        limit: limit.into(),
                    };
                    limits.get_or_create(&label).set(value);
                }
            }
            held.get_or_create(&label).set(i64::from(flow.held_by.is_some()));
            for (state, n) in [("in_line", flow.keys_in_line), ("held", flow.keys_held)] {
                keys.get_or_create(&QueueState {
                    queue: queue(),
                    state: state.into(),
                })
                .set(n as i64);
            }
        }
    }
    registry.register(
        "tq_queue_jobs",
        "Jobs of a queue by state, as tq inspect counts them (scheduled includes retrying)",
        jobs,
    );
    registry.register(
        "tq_queue_oldest_pending_age_seconds",
        "Age of the queue's oldest pending job (0 when none)",
        age,
    );
    registry.register("tq_jobs_processed", "Attempts finished (success or failure)", processed);
    registry.register("tq_jobs_failed", "Attempts that failed", failed);
    registry.register(
        "tq_queue_paused",
        "1 while the queue is paused (tq queue pause)",
        paused,
    );
    registry.register(
        "tq_queue_limit",
        "A queue's flow limits (tq queue limit): concurrency, rate_per_second, key_concurrency, key_rate_per_second",
        limits,
    );
    registry.register(
        "tq_queue_flow_held",
        "1 while a flow limit or a handler's pause holds the queue's waiting jobs back",
        held,
    );
    registry.register(
        "tq_queue_keys",
        "Fairness keys with waiting jobs: in_line (their turn comes) or held (by key limits or a pause)",
        keys,
    );
    registry.register(
        "tq_queue_schedules",
        "Periodic jobs' schedules feeding the queue",
        schedules,
    );
    let live: Gauge = Gauge::default();
    live.set(workers.len() as i64);
    registry.register("tq_workers", "Registered workers (stale ones included)", live);
    let served = Family::<CommandLabel, Gauge>::default();
    let served_rss = Family::<CommandLabel, Gauge>::default();
    for p in workers.iter().flat_map(|w| &w.served) {
        let label = CommandLabel {
            command: p.command.clone(),
        };
        served.get_or_create(&label).inc();
        served_rss.get_or_create(&label).inc_by(p.rss_bytes as i64);
    }
    registry.register(
        "tq_served_processes",
        "Served handler processes (tq worker --serve) of all workers, by command",
        served,
    );
    registry.register(
        "tq_served_rss_bytes",
        "Resident memory of a command's served processes and their children, all workers",
        served_rss,
    );
    let memory: Gauge = Gauge::default();
    memory.set(used_memory as i64);
    registry.register("tq_redis_memory_used_bytes", "Memory Redis uses", memory);
    let mut text = String::new();
    encode(&mut text, &registry).map_err(|e| crate::Error::Failed(format!("cannot encode metrics: {e}")))?;
    Ok(in_stable_order(&text))
}

/// `GET /metrics` of the dashboard.
pub(super) async fn serve(State(s): State<Shared>, headers: axum::http::HeaderMap) -> Response {
    let read = async {
        let names = s.broker.queues().await?;
        let queues = s.broker.queue_counts(&names).await?;
        let workers = s.broker.live_workers().await?;
        let memory = s.broker.memory().await?;
        queue_metrics(&queues, &workers, memory.used_memory)
    };
    match read.await {
        Ok(text) => {
            let (content_type, body) = negotiate(headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()), text);
            ([(header::CONTENT_TYPE, content_type)], body).into_response()
        }
        Err(e) => (StatusCode::SERVICE_UNAVAILABLE, format!("# cannot read Redis: {e}\n")).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn series_come_out_in_label_order_and_a_histogram_keeps_its_bucket_order() {
        let text = "# HELP a A.\n# TYPE a gauge\na{queue=\"low\"} 1\na{queue=\"high\"} 2\n\
            # TYPE d histogram\nd_sum{task=\"z\"} 1\nd_bucket{task=\"z\",le=\"0.5\"} 1\nd_bucket{task=\"z\",le=\"+Inf\"} 1\n\
            d_sum{task=\"b\"} 2\nd_bucket{task=\"b\",le=\"0.5\"} 0\nd_bucket{task=\"b\",le=\"+Inf\"} 2\n# EOF\n";
        assert_eq!(
            in_stable_order(text),
            "# HELP a A.\n# TYPE a gauge\na{queue=\"high\"} 2\na{queue=\"low\"} 1\n\
            # TYPE d histogram\nd_sum{task=\"b\"} 2\nd_bucket{task=\"b\",le=\"0.5\"} 0\nd_bucket{task=\"b\",le=\"+Inf\"} 2\n\
            d_sum{task=\"z\"} 1\nd_bucket{task=\"z\",le=\"0.5\"} 1\nd_bucket{task=\"z\",le=\"+Inf\"} 1\n# EOF\n"
        );
    }
}
