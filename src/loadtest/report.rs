//! The load-test report: zero-loss accounting from the jobs' own records,
//! HdrHistogram latencies, and how it is shown to people and scripts.

use crate::job::ResultRecord;
use hdrhistogram::Histogram;
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// Latency percentiles in milliseconds.
#[derive(Debug, Clone, Serialize, Default)]
pub(crate) struct Percentiles {
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
    /// 99th percentile.
    pub p99: f64,
    /// 99.9th percentile.
    pub p999: f64,
    /// Largest.
    pub max: f64,
    /// Mean.
    pub mean: f64,
}

impl Percentiles {
    fn of(h: &Histogram<u64>) -> Self {
        if h.is_empty() {
            return Percentiles::default();
        }
        let ms = |us: u64| (us as f64 / 1000.0 * 1000.0).round() / 1000.0;
        Percentiles {
            p50: ms(h.value_at_quantile(0.5)),
            p90: ms(h.value_at_quantile(0.9)),
            p99: ms(h.value_at_quantile(0.99)),
            p999: ms(h.value_at_quantile(0.999)),
            max: ms(h.max()),
            mean: (h.mean() / 1000.0 * 1000.0).round() / 1000.0,
        }
    }
}

/// Both latencies a job has.
#[derive(Debug, Clone, Serialize, Default)]
pub(crate) struct Latency {
    /// From enqueue (the intended send time when paced) to the start of the attempt that succeeded.
    pub enqueue_to_start: Percentiles,
    /// From enqueue to its finish.
    pub enqueue_to_finish: Percentiles,
}

/// Histograms (µs) of one group of jobs.
#[derive(Debug, Clone)]
pub(crate) struct Histograms {
    /// Enqueue → start.
    pub start: Histogram<u64>,
    /// Enqueue → finish.
    pub finish: Histogram<u64>,
}

impl Histograms {
    fn new() -> Self {
        // 1 µs to 1 hour at 3 significant digits; values outside are clamped.
        let make = || Histogram::new_with_bounds(1, 3_600_000_000, 3).expect("constant bounds are valid");
        Histograms {
            start: make(),
            finish: make(),
        }
    }

    fn record(&mut self, r: &ResultRecord) {
        let start = r.started_us.saturating_sub(r.enqueued_us).max(1);
        let finish = r.finished_us.saturating_sub(r.enqueued_us).max(1);
        self.start.saturating_record(start);
        self.finish.saturating_record(finish);
    }

    fn latency(&self) -> Latency {
        Latency {
            enqueue_to_start: Percentiles::of(&self.start),
            enqueue_to_finish: Percentiles::of(&self.finish),
        }
    }
}

/// One queue's line of the report.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct QueueReport {
    /// Queue name.
    pub name: String,
    /// Jobs submitted to it.
    pub jobs: u64,
    /// Of those, jobs that succeeded.
    pub completed: u64,
    /// Completed jobs per second, from its first enqueue to its last finish.
    pub drain_rate: f64,
    /// Its latencies.
    pub latency_ms: Latency,
}

/// Redis facts.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct RedisInfo {
    /// `redis_version` from INFO.
    pub version: String,
    /// True if tq started a private redis-server for this run.
    pub spawned: bool,
    /// `single` or `cluster`.
    pub mode: String,
}

/// The whole report (the `--json` document).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Report {
    /// Jobs asked for.
    pub jobs: u64,
    /// Jobs the broker accepted.
    pub submitted: u64,
    /// Submitted jobs with a success record.
    pub completed: u64,
    /// Submitted jobs in the dead-letter queue.
    pub dead: u64,
    /// Submitted jobs with neither: lost.
    pub lost: u64,
    /// Submitted jobs fewer replicas confirmed than `--min-replicas` asks
    /// (on the master only when submitted: a failover may lose them).
    pub unconfirmed: u64,
    /// Of the lost jobs, those the replicas had not confirmed.
    pub lost_unconfirmed: u64,
    /// Redis CPU per submitted job (µs, user + system) from the first
    /// submit to the end of the drain: enqueue, claim, ack and whatever
    /// else Redis did meanwhile (workers' heartbeats and ticks, this run's
    /// progress reads), not the read-back of results after it.
    pub redis_cpu_us_per_job: f64,
    /// Completed jobs whose handler was started more than once (delivered again after a worker died).
    pub duplicates: u64,
    /// Extra deliveries over all completed jobs.
    pub redeliveries: u64,
    /// Success records of jobs this run never submitted (must be 0).
    pub unexpected: u64,
    /// Seconds spent submitting.
    pub submit_seconds: f64,
    /// Jobs submitted per second.
    pub submit_rate: f64,
    /// Seconds from the first enqueue to the last finish.
    pub drain_seconds: f64,
    /// Completed jobs per second over `drain_seconds`.
    pub drain_rate: f64,
    /// Worker processes (0 when external).
    pub workers: u64,
    /// Concurrency of each worker.
    pub concurrency: u64,
    /// Workers SIGKILLed by --chaos-kill-every.
    pub chaos_kills: u64,
    /// Latencies over every completed job.
    pub latency_ms: Latency,
    /// Paced runs (`--rate`): how late the submitter sent each job after
    /// its intended time, which its latencies count from (so they include this).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub submit_lag_ms: Option<Percentiles>,
    /// Per queue, in priority order.
    pub queues: Vec<QueueReport>,
    /// The Redis it ran against.
    pub redis: RedisInfo,
    #[serde(skip)]
    histograms: Vec<(String, Histograms)>,
}

/// What a run produced, as read back from Redis.
pub(crate) struct Collected {
    /// Per queue: the ids submitted to it.
    pub submitted: Vec<HashSet<String>>,
    /// Submitted ids the replicas did not confirm (`--min-replicas`).
    pub unconfirmed: HashSet<String>,
    /// Per queue: success records by job id.
    pub results: Vec<HashMap<String, ResultRecord>>,
    /// Per queue: ids in the dead set.
    pub dead: Vec<HashSet<String>>,
}

/// Run facts that do not come from the records.
pub(crate) struct RunFacts {
    /// Queue names, in priority order.
    pub queues: Vec<String>,
    /// Jobs asked for.
    pub jobs: u64,
    /// Submission time.
    pub submit_seconds: f64,
    /// Paced: how late each job was sent (µs).
    pub submit_lag: Option<Histogram<u64>>,
    /// Worker processes.
    pub workers: u64,
    /// Concurrency per worker.
    pub concurrency: u64,
    /// Chaos kills.
    pub chaos_kills: u64,
    /// Redis facts.
    pub redis: RedisInfo,
    /// Redis CPU (µs) used from the first submit to the end of the drain,
    /// not counting the run's own read-back of results.
    pub redis_cpu_us: f64,
}

impl Report {
    /// Accounts for every submitted job from the records collected after the drain.
    pub(crate) fn build(facts: RunFacts, c: &Collected) -> Report {
        let mut total = Histograms::new();
        let mut per_queue = Vec::new();
        let (mut submitted, mut completed, mut dead, mut duplicates, mut redeliveries, mut unexpected) =
            (0, 0, 0, 0, 0, 0);
        let (mut first_enqueue, mut last_finish) = (u64::MAX, 0);
        let mut lost_unconfirmed = 0;
        let mut queues = Vec::new();
        for (q, name) in facts.queues.iter().enumerate() {
            let mut h = Histograms::new();
            let (mut q_first, mut q_last, mut q_completed) = (u64::MAX, 0, 0u64);
            for (id, r) in &c.results[q] {
                if !c.submitted[q].contains(id) {
                    unexpected += 1;
                    continue;
                }
                q_completed += 1;
                h.record(r);
                total.record(r);
                if r.deliveries > 1 {
                    duplicates += 1;
                    redeliveries += r.deliveries - 1;
                }
                q_first = q_first.min(r.enqueued_us);
                q_last = q_last.max(r.finished_us);
            }
            let q_dead = c.dead[q].iter().filter(|id| c.submitted[q].contains(*id)).count() as u64;
            lost_unconfirmed += c
                .unconfirmed
                .iter()
                .filter(|id| {
                    c.submitted[q].contains(*id) && !c.results[q].contains_key(*id) && !c.dead[q].contains(*id)
                })
                .count() as u64;
            submitted += c.submitted[q].len() as u64;
            completed += q_completed;
            dead += q_dead;
            first_enqueue = first_enqueue.min(q_first);
            last_finish = last_finish.max(q_last);
            queues.push(QueueReport {
                name: name.clone(),
                jobs: c.submitted[q].len() as u64,
                completed: q_completed,
                drain_rate: rate(q_completed, q_first, q_last),
                latency_ms: h.latency(),
            });
            per_queue.push((name.clone(), h));
        }
        let drain_seconds = if last_finish > first_enqueue {
            (last_finish - first_enqueue) as f64 / 1e6
        } else {
            0.0
        };
        Report {
            jobs: facts.jobs,
            submitted,
            completed,
            dead,
            lost: submitted.saturating_sub(completed + dead),
            unconfirmed: c.unconfirmed.len() as u64,
            lost_unconfirmed,
            duplicates,
            redeliveries,
            unexpected,
            submit_seconds: round3(facts.submit_seconds),
            submit_rate: per_second(submitted, facts.submit_seconds),
            drain_seconds: round3(drain_seconds),
            drain_rate: rate(completed, first_enqueue, last_finish),
            redis_cpu_us_per_job: if submitted > 0 {
                (facts.redis_cpu_us / submitted as f64 * 100.0).round() / 100.0
            } else {
                0.0
            },
            workers: facts.workers,
            concurrency: facts.concurrency,
            chaos_kills: facts.chaos_kills,
            latency_ms: total.latency(),
            submit_lag_ms: facts.submit_lag.as_ref().map(Percentiles::of),
            queues,
            redis: facts.redis,
            histograms: {
                per_queue.insert(0, ("all".to_string(), total));
                per_queue
            },
        }
    }

    /// True when every submitted job is accounted for (but those the
    /// replicas never confirmed, which a failover may lose) and nothing else ran.
    pub(crate) fn is_clean(&self) -> bool {
        self.lost == self.lost_unconfirmed && self.unexpected == 0
    }

    /// Writes the histograms in HdrHistogram's interval log format, one
    /// tagged interval per histogram (`all`, then each queue, for both latencies).
    pub(crate) fn write_hdr_log(&self, path: &std::path::Path) -> std::io::Result<()> {
        use hdrhistogram::serialization::V2Serializer;
        use hdrhistogram::serialization::interval_log::{IntervalLogWriterBuilder, Tag};
        let mut file = std::io::BufWriter::new(std::fs::File::create(path)?);
        let mut serializer = V2Serializer::new();
        let now = std::time::SystemTime::now();
        let mut log = IntervalLogWriterBuilder::new()
            .add_comment("tq load-test latencies, values in microseconds")
            .with_start_time(now)
            .with_base_time(now)
            .with_max_value_divisor(1000.0)
            .begin_log_with(&mut file, &mut serializer)?;
        let span = std::time::Duration::from_secs_f64(self.drain_seconds.max(0.001));
        for (name, h) in &self.histograms {
            for (kind, hist) in [("enqueue_to_start", &h.start), ("enqueue_to_finish", &h.finish)] {
                let label = format!("{kind}.{name}");
                log.write_histogram(hist, std::time::Duration::ZERO, span, Tag::new(&label))
                    .map_err(|e| std::io::Error::other(e.to_string()))?;
            }
        }
        Ok(())
    }

    /// A small text histogram of enqueue→finish latency, log-spaced buckets.
    pub(crate) fn text_histogram(&self) -> String {
        let Some((_, all)) = self.histograms.first() else {
            return String::new();
        };
        let h = &all.finish;
        if h.is_empty() {
            return String::new();
        }
        let (lo, hi) = (h.min().max(1) as f64, h.max().max(2) as f64);
        let buckets = 10;
        let edges: Vec<u64> = (0..=buckets)
            .map(|i| (lo * (hi / lo).powf(i as f64 / buckets as f64)).round() as u64)
            .collect();
        let counts: Vec<u64> = edges
            .windows(2)
            .enumerate()
            .map(|(i, w)| {
                let upper = if i + 1 == buckets { w[1] } else { w[1].saturating_sub(1) };
                h.count_between(w[0], upper.max(w[0]))
            })
            .collect();
        let most = counts.iter().copied().max().unwrap_or(1).max(1);
        let mut out = String::from("enqueue→finish latency (ms)\n");
        for (w, count) in edges.windows(2).zip(&counts) {
            let bar = "█".repeat(((*count as f64 / most as f64) * 40.0).round() as usize);
            out.push_str(&format!(
                "  {:>9.3} – {:<9.3} {bar} {count}\n",
                w[0] as f64 / 1000.0,
                w[1] as f64 / 1000.0
            ));
        }
        out
    }
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

fn per_second(n: u64, seconds: f64) -> f64 {
    if seconds > 0.0 {
        (n as f64 / seconds).round()
    } else {
        0.0
    }
}

fn rate(n: u64, first_us: u64, last_us: u64) -> f64 {
    if last_us > first_us {
        per_second(n, (last_us - first_us) as f64 / 1e6)
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(enq: u64, start: u64, finish: u64, deliveries: u64) -> ResultRecord {
        ResultRecord {
            task: "tq.noop".into(),
            attempts: 1,
            deliveries,
            enqueued_us: enq,
            started_us: start,
            finished_us: finish,
            result: None,
        }
    }

    fn facts() -> RunFacts {
        RunFacts {
            queues: vec!["default".into()],
            jobs: 4,
            submit_seconds: 0.5,
            submit_lag: None,
            workers: 1,
            concurrency: 1,
            chaos_kills: 0,
            redis_cpu_us: 40.0,
            redis: RedisInfo {
                version: "7".into(),
                spawned: false,
                mode: "single".into(),
            },
        }
    }

    #[test]
    fn missing_jobs_are_lost_and_strangers_are_unexpected() {
        let submitted: HashSet<String> = ["a", "b", "c", "d"].iter().map(|s| s.to_string()).collect();
        let mut results = HashMap::new();
        results.insert("a".to_string(), record(1_000, 2_000, 3_000, 1));
        results.insert("b".to_string(), record(1_000, 5_000, 9_000, 3));
        results.insert("zz".to_string(), record(1_000, 2_000, 3_000, 1));
        let dead: HashSet<String> = ["c".to_string()].into();
        let report = Report::build(
            facts(),
            &Collected {
                submitted: vec![submitted],
                unconfirmed: HashSet::new(),
                results: vec![results],
                dead: vec![dead],
            },
        );
        assert_eq!(
            (report.submitted, report.completed, report.dead, report.lost),
            (4, 2, 1, 1)
        );
        assert_eq!((report.duplicates, report.redeliveries, report.unexpected), (1, 2, 1));
        assert!(!report.is_clean());
        let p = &report.latency_ms.enqueue_to_finish;
        assert!(p.p50 <= p.p90 && p.p90 <= p.p99 && p.p99 <= p.p999 && p.p999 <= p.max);
        assert_eq!(report.drain_seconds, 0.008);
    }
}
