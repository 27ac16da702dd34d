//! What a worker runs for a task: the built-in tasks, command handlers
//! (a process per job) and served processes (warm, see [`super::served`]).

use super::served::Pool;
use crate::job::JobMessage;
use rand::Rng;
use std::collections::HashMap;
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::sync::watch;

/// Exit code of a command handler that means "do not retry" (EX_DATAERR).
pub(crate) const EXIT_PERMANENT: i32 = 65;
/// Exit code of a command handler that means "not now: run me again later,
/// this was no attempt" (EX_TEMPFAIL).
pub(crate) const EXIT_SNOOZE: i32 = 75;
/// How much of a handler's stdout and stderr is kept with a failed attempt.
pub(crate) const OUTPUT_TAIL_BYTES: usize = 4096;
/// Largest result kept (a command's stdout, a served process's `result`).
pub(super) const MAX_RESULT_BYTES: usize = 512 * 1024;

/// Names of the tasks every worker runs without a `--handler`.
pub(crate) const BUILTINS: [&str; 5] = ["tq.noop", "tq.echo", "tq.sleep", "tq.fail", "tq.flaky"];

/// How one attempt ended.
#[derive(Debug, Clone)]
pub(crate) enum Outcome {
    /// It succeeded; the result is JSON text (empty for none).
    Success(String),
    /// It failed.
    Failure(Failure),
    /// It was stopped from outside and goes back to its queue without
    /// spending an attempt: the worker shuts down, or its served process
    /// was killed for another job's sake.
    Cancelled,
    /// Its lease was lost (the worker stalled or lost Redis for longer than
    /// the lease): another delivery owns the job, so this copy was stopped
    /// and nothing is recorded for it.
    LeaseLost,
    /// It asked to wait and run again later without spending an attempt
    /// (exit 75, or `snooze_ms`), perhaps holding back its queue or key.
    Snooze(SnoozeAsk),
}

/// What a job that asked to wait asked for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct SnoozeAsk {
    /// Run again after this long; `None`: after the longest pause asked
    /// for, or else per its backoff.
    pub wait: Option<Duration>,
    /// Hold back every job of its queue this long, for every worker (`pause_queue_ms`).
    pub pause_queue: Option<Duration>,
    /// Hold back every job of its fairness key this long (`pause_key_ms`).
    pub pause_key: Option<Duration>,
}

/// Why a running job must stop before it ends on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stop {
    /// It may run on.
    No,
    /// Its lease is gone: another delivery owns the job ([`Outcome::LeaseLost`]).
    LeaseLost,
    /// An operator cancelled it (`tq cancel`): it dies with reason `cancelled`.
    Cancelled,
}

/// The outcome of a job stopped by `why`.
pub(super) fn stopped(why: Stop) -> Outcome {
    match why {
        Stop::Cancelled => Outcome::Failure(Failure::fatal("cancelled", "cancelled by an operator while it ran")),
        _ => Outcome::LeaseLost,
    }
}

/// A failed attempt.
#[derive(Debug, Clone, Default)]
pub(crate) struct Failure {
    /// One-line error.
    pub error: String,
    /// True when retrying cannot help: straight to the DLQ.
    pub permanent: bool,
    /// DLQ reason to use instead of the default, when the job is buried.
    pub reason: Option<&'static str>,
    /// Last bytes of the handler's stdout.
    pub stdout_tail: String,
    /// Last bytes of the handler's stderr.
    pub stderr_tail: String,
    /// The error's type, as a served process named it (e.g. `ValueError`).
    pub error_type: Option<String>,
    /// The traceback a served process sent with the failure.
    pub traceback: Option<String>,
}

impl Failure {
    /// A retryable failure with just an error message.
    pub(crate) fn new(error: impl Into<String>) -> Self {
        Failure {
            error: error.into(),
            ..Failure::default()
        }
    }

    /// A failure that goes straight to the DLQ with `reason`.
    pub(crate) fn fatal(reason: &'static str, error: impl Into<String>) -> Self {
        Failure {
            error: error.into(),
            permanent: true,
            reason: Some(reason),
            ..Failure::default()
        }
    }
}

/// The handler chosen for one task.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Handler<'a> {
    /// One of [`BUILTINS`].
    Builtin(&'a str),
    /// A command run through `sh -c`, args on stdin, and the variables of
    /// [`OWN_ENV`] withheld from its environment.
    Command(&'a str, &'a [&'static str]),
    /// The worker's served processes (`--serve`).
    Served(&'a Pool),
}

/// tq's own settings in the environment. Handlers do not inherit them
/// (`TQ_REDIS_URL` may hold a password) unless the worker is told to keep one.
pub(crate) const OWN_ENV: &[&str] = &[
    "TQ_REDIS_URL",
    "REDIS_URL",
    "TQ_PREFIX",
    "TQ_QUEUES",
    "TQ_CONCURRENCY",
    "TQ_RESULTS_MAX_COUNT",
    "TQ_DEAD_MAX_AGE",
    "TQ_DEAD_MAX_COUNT",
];

/// The task → handler table of one worker.
#[derive(Clone, Default)]
pub(crate) struct Handlers {
    commands: HashMap<String, String>,
    /// Variables of [`OWN_ENV`] removed from every command's environment.
    withheld: Vec<&'static str>,
    /// The served processes, if the worker has `--serve` commands.
    served: Option<Arc<Pool>>,
}

impl Handlers {
    /// A table with the built-ins plus `commands` (task name → command line);
    /// commands get none of [`OWN_ENV`] but those named in `keep_env`.
    pub(crate) fn new(commands: HashMap<String, String>, keep_env: &[String]) -> Self {
        Handlers {
            commands,
            withheld: withheld(keep_env),
            served: None,
        }
    }

    /// The same table with served processes.
    pub(crate) fn with_served(self, pool: Arc<Pool>) -> Self {
        Handlers {
            served: Some(pool),
            ..self
        }
    }

    /// The served processes, if the worker has `--serve` commands.
    pub(crate) fn served(&self) -> Option<&Arc<Pool>> {
        self.served.as_ref()
    }

    /// The variables withheld from handlers' environments.
    pub(crate) fn withheld(&self) -> &[&'static str] {
        &self.withheld
    }

    /// The handler for `task`: a command handler, else a served process
    /// that announced it, else a built-in, else the served processes if one
    /// of them has not said yet what it serves (the job waits for it).
    pub(crate) fn lookup<'a>(&'a self, task: &'a str) -> Option<Handler<'a>> {
        if let Some(cmd) = self.commands.get(task) {
            return Some(Handler::Command(cmd, &self.withheld));
        }
        let served = self.served.as_deref();
        if let Some(pool) = served.filter(|p| p.serves(task)) {
            return Some(Handler::Served(pool));
        }
        if BUILTINS.contains(&task) {
            return Some(Handler::Builtin(task));
        }
        served.filter(|p| p.may_serve(task)).map(Handler::Served)
    }
}

/// The variables of [`OWN_ENV`] not named in `keep_env`.
fn withheld(keep_env: &[String]) -> Vec<&'static str> {
    OWN_ENV
        .iter()
        .copied()
        .filter(|name| !keep_env.iter().any(|k| k == name))
        .collect()
}

/// Runs a built-in that needs no waiting; `None` for one that must be awaited.
pub(crate) fn run_instant(task: &str, msg: &JobMessage) -> Option<Outcome> {
    let args = msg.args.get();
    match task {
        "tq.noop" => Some(Outcome::Success(String::new())),
        "tq.echo" => Some(Outcome::Success(args.to_string())),
        "tq.fail" => {
            let message = arg_str(args, "message").unwrap_or_else(|| "tq.fail always fails".into());
            Some(Outcome::Failure(Failure::new(message)))
        }
        "tq.flaky" => {
            let p = arg_f64(args, "p").unwrap_or(0.3);
            if rand::rng().random_bool(p.clamp(0.0, 1.0)) {
                Some(Outcome::Failure(Failure::new(format!("tq.flaky failed (p={p})"))))
            } else {
                Some(Outcome::Success(String::new()))
            }
        }
        _ => None,
    }
}

/// Context a handler sees about its job.
#[derive(Debug, Clone)]
pub(crate) struct Attempt<'a> {
    /// The job.
    pub msg: &'a JobMessage,
    /// 1-based attempt number.
    pub attempt: u64,
    /// 1-based delivery number.
    pub delivery: u64,
    /// When tq started it, by the Redis server's clock (ms since the epoch):
    /// the time flow limits count (`TQ_STARTED_AT_MS` for a command).
    pub started_ms: u64,
}

/// Runs any handler to completion, honouring the job timeout, `abort` (the
/// worker stops: [`Outcome::Cancelled`]) and `lost` (this delivery's lease is
/// gone: [`Outcome::LeaseLost`]). Either kills a command's process group.
pub(crate) async fn run(
    handler: Handler<'_>,
    job: Attempt<'_>,
    mut abort: watch::Receiver<bool>,
    mut lost: watch::Receiver<Stop>,
) -> Outcome {
    if let Handler::Builtin(task) = handler
        && let Some(outcome) = run_instant(task, job.msg)
    {
        return outcome;
    }
    let timeout = match job.msg.timeout_ms {
        0 => Duration::MAX,
        ms => Duration::from_millis(ms),
    };
    match handler {
        Handler::Builtin(_) => {
            let ms = arg_f64(job.msg.args.get(), "ms").unwrap_or(0.0).max(0.0) as u64;
            let sleep = Duration::from_millis(ms);
            tokio::select! {
                _ = tokio::time::sleep(sleep.min(timeout)) => {
                    if sleep > timeout { Outcome::Failure(timed_out(timeout)) } else { Outcome::Success(String::new()) }
                }
                _ = abort.wait_for(|a| *a) => Outcome::Cancelled,
                Ok(why) = lost.wait_for(|l| *l != Stop::No) => stopped(*why),
            }
        }
        Handler::Command(cmd, withheld) => run_command(cmd, withheld, job, timeout, abort, lost).await,
        Handler::Served(pool) => pool.run(job, timeout, abort, lost).await,
    }
}

pub(super) fn timed_out(timeout: Duration) -> Failure {
    Failure::new(format!("timed out after {}", humantime::format_duration(timeout)))
}

async fn run_command(
    cmd: &str,
    withheld: &[&str],
    job: Attempt<'_>,
    timeout: Duration,
    mut abort: watch::Receiver<bool>,
    mut lost: watch::Receiver<Stop>,
) -> Outcome {
    let mut command = tokio::process::Command::new("sh");
    command
        .arg("-c")
        .arg(cmd)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env("TQ_JOB_ID", &job.msg.id)
        .env("TQ_TASK", &job.msg.task)
        .env("TQ_QUEUE", &job.msg.queue)
        .env("TQ_ATTEMPT", job.attempt.to_string())
        .env("TQ_STARTED_AT_MS", job.started_ms.to_string())
        .env("TQ_KEY", job.msg.key.as_deref().unwrap_or(""))
        .process_group(0)
        .kill_on_drop(true);
    for name in withheld {
        command.env_remove(name);
    }
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(e) => return Outcome::Failure(Failure::new(format!("cannot start handler `{cmd}`: {e}"))),
    };
    let pgid = child.id().map(|id| id as libc::pid_t);
    let args = job.msg.args.get().as_bytes().to_vec();
    if let Some(mut stdin) = child.stdin.take() {
        // A handler that never reads its stdin must not block us.
        tokio::spawn(async move {
            let _ = stdin.write_all(&args).await;
        });
    }
    let stdout = child
        .stdout
        .take()
        .map(|s| tokio::spawn(read_capped(s, MAX_RESULT_BYTES)));
    let stderr = child
        .stderr
        .take()
        .map(|s| tokio::spawn(read_capped(s, OUTPUT_TAIL_BYTES)));
    let ended = tokio::select! {
        status = child.wait() => Ended::Exited(status),
        _ = tokio::time::sleep(timeout) => Ended::TimedOut,
        _ = abort.wait_for(|a| *a) => Ended::Aborted,
        Ok(why) = lost.wait_for(|l| *l != Stop::No) => Ended::Stopped(*why),
    };
    // Whatever happened, nothing the handler started may outlive its attempt.
    kill_group(pgid);
    let _ = child.wait().await;
    let stdout = collect(stdout).await;
    let stderr = collect(stderr).await;
    let fail = |error: String, permanent: bool| {
        Outcome::Failure(Failure {
            error,
            permanent,
            reason: permanent.then_some("permanent failure"),
            stdout_tail: tail(&stdout),
            stderr_tail: tail(&stderr),
            ..Failure::default()
        })
    };
    match ended {
        Ended::Aborted => Outcome::Cancelled,
        Ended::Stopped(why) => stopped(why),
        Ended::TimedOut => fail(timed_out(timeout).error, false),
        Ended::Exited(Err(e)) => fail(format!("lost track of handler: {e}"), false),
        Ended::Exited(Ok(status)) if status.success() => Outcome::Success(result_json(&stdout)),
        Ended::Exited(Ok(status)) if status.code() == Some(EXIT_SNOOZE) => Outcome::Snooze(SnoozeAsk::default()),
        Ended::Exited(Ok(status)) => {
            let first_line = String::from_utf8_lossy(&stderr)
                .lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .map(str::to_string);
            let what = match status.code() {
                Some(code) => format!("handler exited with status {code}"),
                None => "handler was killed by a signal".to_string(),
            };
            let error = match first_line {
                Some(line) => format!("{what}: {}", line.trim()),
                None => what,
            };
            fail(error, status.code() == Some(EXIT_PERMANENT))
        }
    }
}

enum Ended {
    Exited(std::io::Result<std::process::ExitStatus>),
    TimedOut,
    Aborted,
    Stopped(Stop),
}

/// SIGKILLs the process group `pgid` (a handler's, made for it alone).
pub(super) fn kill_group(pgid: Option<libc::pid_t>) {
    if let Some(pgid) = pgid.filter(|p| *p > 0) {
        // SAFETY: killpg only sends a signal; the group is the one we created for this child.
        unsafe {
            libc::killpg(pgid, libc::SIGKILL);
        }
    }
}

/// Reads everything, keeping at most the last `cap` bytes.
async fn read_capped(mut reader: impl AsyncRead + Unpin, cap: usize) -> Vec<u8> {
    let mut kept = Vec::new();
    let mut buf = [0u8; 8192];
    while let Ok(n) = reader.read(&mut buf).await {
        if n == 0 {
            break;
        }
        kept.extend_from_slice(&buf[..n]);
        if kept.len() > cap * 2 {
            kept.drain(..kept.len() - cap);
        }
    }
    if kept.len() > cap {
        kept.drain(..kept.len() - cap);
    }
    kept
}

async fn collect(reader: Option<tokio::task::JoinHandle<Vec<u8>>>) -> Vec<u8> {
    match reader {
        // Pipes close when the group is killed; the bound only guards against a
        // descendant that escaped the group and still holds them open.
        Some(handle) => tokio::time::timeout(Duration::from_secs(2), handle)
            .await
            .ok()
            .and_then(Result::ok)
            .unwrap_or_default(),
        None => Vec::new(),
    }
}

fn tail(bytes: &[u8]) -> String {
    let start = bytes.len().saturating_sub(OUTPUT_TAIL_BYTES);
    String::from_utf8_lossy(&bytes[start..]).into_owned()
}

/// stdout as a JSON result: kept as-is when it parses, else as a JSON string.
fn result_json(stdout: &[u8]) -> String {
    let text = String::from_utf8_lossy(stdout);
    let text = text.trim();
    if text.is_empty() {
        return String::new();
    }
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(_) => text.to_string(),
        Err(_) => serde_json::Value::String(text.to_string()).to_string(),
    }
}

fn arg_value(args: &str, key: &str) -> Option<serde_json::Value> {
    serde_json::from_str::<serde_json::Value>(args).ok()?.get(key).cloned()
}

fn arg_f64(args: &str, key: &str) -> Option<f64> {
    arg_value(args, key)?.as_f64()
}

fn arg_str(args: &str, key: &str) -> Option<String> {
    arg_value(args, key)?.as_str().map(str::to_string)
}
