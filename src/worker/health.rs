//! Which of a worker's queues are broken: their scripts fail for a reason
//! other than a lost connection (data another tool wrote that no script can
//! heal). A broken queue is skipped with growing backoff while the others
//! run, and reported once per interval instead of once per attempt.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// First pause after a queue fails.
const FIRST_BACKOFF: Duration = Duration::from_secs(1);
/// Longest pause between two tries of a broken queue.
const MAX_BACKOFF: Duration = Duration::from_secs(60);
/// A broken queue is reported at most this often.
const REPORT_EVERY: Duration = Duration::from_secs(30);

#[derive(Debug, Default, Clone)]
struct QueueHealth {
    retry_at: Option<Instant>,
    backoff: Duration,
    reported_at: Option<Instant>,
}

/// The health of each queue of one worker, by queue index.
#[derive(Debug)]
pub(super) struct Health {
    queues: Mutex<Vec<QueueHealth>>,
}

impl Health {
    pub(super) fn new(queues: usize) -> Self {
        Health {
            queues: Mutex::new(vec![QueueHealth::default(); queues]),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<QueueHealth>> {
        self.queues.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// False while queue `index` waits out its backoff.
    pub(super) fn usable(&self, index: usize) -> bool {
        self.lock()
            .get(index)
            .and_then(|h| h.retry_at)
            .is_none_or(|at| Instant::now() >= at)
    }

    /// Queue `index` (`name`) failed doing `what`: skip it for a while.
    pub(super) fn failed(&self, index: usize, name: &str, what: &str, error: &crate::Error) {
        let mut all = self.lock();
        let Some(h) = all.get_mut(index) else { return };
        h.backoff = (h.backoff * 2).clamp(FIRST_BACKOFF, MAX_BACKOFF);
        let now = Instant::now();
        h.retry_at = Some(now + h.backoff);
        if h.reported_at.is_none_or(|at| now.duration_since(at) >= REPORT_EVERY) {
            h.reported_at = Some(now);
            tracing::error!(
                queue = name,
                retry_in = %humantime::format_duration(h.backoff),
                "queue is broken, skipping it while the other queues run ({what} failed): {error}"
            );
        }
    }

    /// Queue `index` worked: forget any backoff.
    pub(super) fn succeeded(&self, index: usize, name: &str) {
        let mut all = self.lock();
        if let Some(h) = all.get_mut(index)
            && h.retry_at.is_some()
        {
            tracing::info!(queue = name, "queue works again");
            *h = QueueHealth::default();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_queue_is_skipped_until_its_backoff_is_over_then_forgiven() {
        let health = Health::new(2);
        let error = crate::Error::Failed("boom".into());
        health.failed(0, "a", "claim", &error);
        assert!(!health.usable(0));
        assert!(health.usable(1), "other queues stay usable");
        health.succeeded(0, "a");
        assert!(health.usable(0));
    }

    #[test]
    fn backoff_doubles_up_to_a_minute() {
        let health = Health::new(1);
        let error = crate::Error::Failed("boom".into());
        for _ in 0..10 {
            health.failed(0, "a", "claim", &error);
        }
        assert_eq!(health.lock()[0].backoff, MAX_BACKOFF);
    }
}
