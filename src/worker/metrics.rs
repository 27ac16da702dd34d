//! A worker's own Prometheus metrics (`tq worker --metrics-listen ADDR`):
//! how long jobs ran, how they ended, how many run now, and the batch
//! sizes of its claims and acks. Counted in memory; Redis is not read.

use crate::error::{Error, Result};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use std::collections::HashMap;
use std::sync::Mutex;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct JobLabels {
    queue: String,
    task: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabels {
    queue: String,
    outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CommandLabels {
    command: String,
}

type Durations = Family<JobLabels, Histogram, fn() -> Histogram>;

fn duration_histogram() -> Histogram {
    // 1 ms to about 9 hours, doubling.
    Histogram::new(exponential_buckets(0.001, 2.0, 25))
}

/// The metrics of one worker process.
pub struct WorkerMetrics {
    registry: Registry,
    durations: Durations,
    outcomes: Family<OutcomeLabels, Counter>,
    running: Gauge,
    claim_batch: Histogram,
    ack_batch: Histogram,
    served_processes: Family<CommandLabels, Gauge>,
    served_rss: Family<CommandLabels, Gauge>,
    served_restarts: Family<CommandLabels, Counter>,
    /// Restarts of each served command already counted.
    restarts_seen: Mutex<HashMap<String, u64>>,
    /// The families' members by queue, then task or outcome, looked up by
    /// `&str`: no allocation per finished job once a pair was seen.
    handles: Mutex<HashMap<String, Handles>>,
}

#[derive(Default)]
struct Handles {
    durations: HashMap<String, Histogram>,
    outcomes: HashMap<&'static str, Counter>,
}

impl Default for WorkerMetrics {
    fn default() -> Self {
        let mut registry = Registry::default();
        let durations: Durations = Family::new_with_constructor(duration_histogram);
        let outcomes = Family::<OutcomeLabels, Counter>::default();
        let running = Gauge::default();
        let claim_batch = Histogram::new(exponential_buckets(1.0, 2.0, 12));
        let ack_batch = Histogram::new(exponential_buckets(1.0, 2.0, 12));
        registry.register(
            "tq_job_duration_seconds",
            "How long a job's attempt ran on this worker, by queue and task",
            durations.clone(),
        );
        registry.register(
            "tq_worker_jobs",
            "Attempts this worker finished, by outcome: succeeded, retried (failed, will retry) or dead",
            outcomes.clone(),
        );
        registry.register("tq_worker_running_jobs", "Jobs this worker runs now", running.clone());
        registry.register(
            "tq_worker_claim_batch_size",
            "Jobs one claim call took",
            claim_batch.clone(),
        );
        registry.register(
            "tq_worker_ack_batch_size",
            "Jobs one ack call recorded",
            ack_batch.clone(),
        );
        let served_processes = Family::<CommandLabels, Gauge>::default();
        let served_rss = Family::<CommandLabels, Gauge>::default();
        let served_restarts = Family::<CommandLabels, Counter>::default();
        registry.register(
            "tq_served_processes",
            "Served handler processes (--serve) alive now, by command",
            served_processes.clone(),
        );
        registry.register(
            "tq_served_rss_bytes",
            "Resident memory of a command's served processes and their children, bytes",
            served_rss.clone(),
        );
        registry.register(
            "tq_served_process_restarts",
            "Served processes replaced (crashed, recycled, never ready), by command",
            served_restarts.clone(),
        );
        WorkerMetrics {
            registry,
            served_processes,
            served_rss,
            served_restarts,
            restarts_seen: Mutex::new(HashMap::new()),
            durations,
            outcomes,
            running,
            claim_batch,
            ack_batch,
            handles: Mutex::new(HashMap::new()),
        }
    }
}

impl WorkerMetrics {
    /// A job's attempt ended with `outcome` after `ms`.
    pub fn finished(&self, queue: &str, task: &str, outcome: &'static str, ms: u64) {
        let mut handles = self.handles.lock().unwrap_or_else(|e| e.into_inner());
        if !handles.contains_key(queue) {
            handles.insert(queue.to_string(), Handles::default());
        }
        let Some(of_queue) = handles.get_mut(queue) else {
            return;
        };
        if !of_queue.durations.contains_key(task) {
            let labels = JobLabels {
                queue: queue.to_string(),
                task: task.to_string(),
            };
            let histogram = self.durations.get_or_create(&labels).clone();
            of_queue.durations.insert(task.to_string(), histogram);
        }
        if let Some(h) = of_queue.durations.get(task) {
            h.observe(ms as f64 / 1000.0);
        }
        of_queue
            .outcomes
            .entry(outcome)
            .or_insert_with(|| {
                let labels = OutcomeLabels {
                    queue: queue.to_string(),
                    outcome: outcome.to_string(),
                };
                self.outcomes.get_or_create(&labels).clone()
            })
            .inc();
    }

    /// A claim took `n` jobs.
    pub fn claimed(&self, n: usize) {
        self.claim_batch.observe(n as f64);
    }

    /// An ack recorded `n` jobs.
    pub fn acked(&self, n: usize) {
        self.ack_batch.observe(n as f64);
    }

    /// Jobs running now.
    pub fn set_running(&self, n: usize) {
        self.running.set(n as i64);
    }

    /// The served processes as of now (each heartbeat).
    pub fn set_served(&self, processes: &[super::served::ProcessInfo]) {
        let mut by_command: HashMap<&str, (i64, i64, u64)> = HashMap::new();
        for p in processes {
            let entry = by_command.entry(p.command.as_str()).or_default();
            entry.0 += 1;
            entry.1 += p.rss_bytes as i64;
            entry.2 = entry.2.max(p.restarts);
        }
        let mut seen = self.restarts_seen.lock().unwrap_or_else(|e| e.into_inner());
        for (command, (count, rss, restarts)) in by_command {
            let labels = CommandLabels {
                command: command.to_string(),
            };
            self.served_processes.get_or_create(&labels).set(count);
            self.served_rss.get_or_create(&labels).set(rss);
            let before = seen.entry(command.to_string()).or_default();
            if restarts > *before {
                self.served_restarts.get_or_create(&labels).inc_by(restarts - *before);
                *before = restarts;
            }
        }
    }

    /// The metrics in OpenMetrics text.
    pub fn encode(&self) -> Result<String> {
        let mut text = String::new();
        encode(&mut text, &self.registry).map_err(|e| Error::Failed(format!("cannot encode metrics: {e}")))?;
        Ok(crate::server::metrics::in_stable_order(&text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_finished_attempt_is_counted_once_under_its_labels() {
        let m = WorkerMetrics::default();
        m.finished("a", "send", "succeeded", 12);
        m.finished("a", "send", "succeeded", 3000);
        m.finished("a", "send", "dead", 5);
        m.finished("b", "send", "retried", 1);
        m.claimed(7);
        let text = m.encode().unwrap();
        assert!(
            text.contains(r#"tq_job_duration_seconds_count{queue="a",task="send"} 3"#),
            "{text}"
        );
        assert!(
            text.contains(r#"tq_job_duration_seconds_count{queue="b",task="send"} 1"#),
            "{text}"
        );
        assert!(
            text.contains(r#"tq_worker_jobs_total{queue="a",outcome="succeeded"} 2"#),
            "{text}"
        );
        assert!(
            text.contains(r#"tq_worker_jobs_total{queue="a",outcome="dead"} 1"#),
            "{text}"
        );
        assert!(text.contains("tq_worker_claim_batch_size_sum 7.0"), "{text}");
    }
}
