//! One file per subcommand; each turns validated flags into library calls and
//! prints the outcome for people or, with `--json`, for scripts.

pub(crate) mod batch;
pub(crate) mod cancel;
pub(crate) mod cron;
pub(crate) mod dlq;
pub(crate) mod enqueue;
pub(crate) mod generated;
pub(crate) mod inspect;
pub(crate) mod jobs;
pub(crate) mod load_test;
pub(crate) mod queue;
pub(crate) mod serve;
pub(crate) mod status;
pub(crate) mod table;
pub(crate) mod worker;

use crate::broker::{Broker, RedisTarget};
use crate::cli::Cli;
use crate::error::Result;
use serde::Serialize;

/// What every command needs from the global flags.
#[derive(Debug, Clone)]
pub(crate) struct Context {
    /// Where Redis is.
    pub target: RedisTarget,
    /// Key prefix.
    pub prefix: String,
    /// Print JSON instead of text.
    pub json: bool,
    /// Replicas every enqueue waits for (`--min-replicas`), and for how long.
    pub min_replicas: (u32, std::time::Duration),
}

impl Context {
    /// Resolves the global flags: `--redis`, then `TQ_REDIS_URL`, then `REDIS_URL`, then the default.
    pub(crate) fn from_cli(cli: &Cli) -> Self {
        let given = cli.redis.clone().or_else(|| cli.redis_url_fallback.clone());
        Context {
            target: RedisTarget {
                explicit: given.is_some(),
                url: given.unwrap_or_else(|| "redis://127.0.0.1:6379/0".to_string()),
            },
            prefix: cli.prefix.clone(),
            json: cli.json,
            min_replicas: (cli.min_replicas, cli.replica_timeout),
        }
    }

    /// Connects to Redis (exit 69 with the URL, password hidden, if it cannot).
    pub(crate) async fn broker(&self) -> Result<Broker> {
        let (n, timeout) = self.min_replicas;
        let broker = Broker::connect(&self.target, &self.prefix)
            .await?
            .with_min_replicas(n, timeout);
        if n > 0 {
            match broker.replication().await {
                Ok(r) => {
                    if let Some(warning) = inspect::too_few_replicas(&r, n) {
                        tracing::warn!("{warning}");
                    }
                }
                Err(e) => tracing::warn!("cannot read which replicas Redis has: {e}"),
            }
        }
        Ok(broker)
    }
}

/// Prints `value` as one JSON document on stdout.
pub(crate) fn print_json<T: Serialize>(value: &T) -> Result<()> {
    let text =
        serde_json::to_string(value).map_err(|e| crate::error::Error::Failed(format!("cannot encode output: {e}")))?;
    out!("{text}");
    Ok(())
}

/// Formats a millisecond age like `3s`, `2m 5s`, `1h 2m`.
pub(crate) fn format_age(ms: u64) -> String {
    let secs = ms / 1000;
    match secs {
        0 => format!("{ms}ms"),
        1..=59 => format!("{secs}s"),
        60..=3599 => format!("{}m {}s", secs / 60, secs % 60),
        _ => format!("{}h {}m", secs / 3600, secs % 3600 / 60),
    }
}

/// A spinner with a running count on stderr for long work, hidden when
/// stderr is not a terminal or the output is JSON.
pub(crate) fn progress_bar(ctx: &Context, what: &str) -> indicatif::ProgressBar {
    if ctx.json || !std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new_spinner().with_message(what.to_string());
    if let Ok(style) = indicatif::ProgressStyle::with_template("{spinner} {msg} {pos} jobs ({per_sec})") {
        bar.set_style(style);
    }
    bar.enable_steady_tick(std::time::Duration::from_millis(100));
    bar
}
