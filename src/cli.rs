//! The command line, as clap derive types. Validation of values that clap
//! cannot check happens in the command files.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;
use std::time::Duration;

const EXIT_CODES: &str = "\
Exit codes:
  0   success
  1   the operation ran and failed (e.g. --wait on a job that died)
  2   usage or bad input (bad JSON, unknown flag, bad duration)
  3   not found (no such job or DLQ record)
  69  Redis unreachable";

/// A reliable, fast Redis-backed task queue.
#[derive(Debug, Parser)]
#[command(
    name = "tq",
    version = concat!(env!("CARGO_PKG_VERSION"), " (", env!("TQ_GIT_COMMIT"), ")"),
    about,
    propagate_version = true,
    after_help = EXIT_CODES
)]
pub struct Cli {
    /// Redis URL (redis://, rediss://, with user:password@ if needed; a cluster node; or
    /// redis+sentinel://HOST:PORT[,HOST:PORT...]/MASTER[/DB] to follow the master Sentinels
    /// name); else REDIS_URL, else redis://127.0.0.1:6379/0
    #[arg(
        long,
        global = true,
        env = "TQ_REDIS_URL",
        hide_env_values = true,
        value_name = "URL",
        help_heading = "Global options"
    )]
    pub redis: Option<String>,

    /// Fallback Redis URL, read from REDIS_URL when neither --redis nor TQ_REDIS_URL is set
    #[arg(
        long = "redis-url",
        hide = true,
        global = true,
        env = "REDIS_URL",
        hide_env_values = true,
        value_name = "URL"
    )]
    pub redis_url_fallback: Option<String>,

    /// Prefix of every Redis key tq writes
    #[arg(
        long,
        global = true,
        env = "TQ_PREFIX",
        default_value = "tq",
        value_name = "PREFIX",
        help_heading = "Global options"
    )]
    pub prefix: String,

    /// Print one JSON document on stdout instead of text
    #[arg(long, global = true, help_heading = "Global options")]
    pub json: bool,

    /// Writes that must survive a failover wait until N replicas have them (Redis
    /// WAIT, once per batch): an enqueue or replay confirmed by fewer prints its id and
    /// exits 75; a worker goes on and confirms its outcomes once the replicas answer
    #[arg(
        long,
        global = true,
        env = "TQ_MIN_REPLICAS",
        default_value_t = 0,
        value_name = "N",
        help_heading = "Global options"
    )]
    pub min_replicas: u32,

    /// How long to wait for --min-replicas
    #[arg(long, global = true, value_parser = parse_duration, default_value = "1s", value_name = "DURATION", help_heading = "Global options")]
    pub replica_timeout: Duration,

    /// More log output on stderr (-v debug, -vv trace); RUST_LOG overrides
    #[arg(short, long, global = true, action = clap::ArgAction::Count, help_heading = "Global options")]
    pub verbose: u8,

    /// Only errors on stderr (a worker's one line per finished job is off too)
    #[arg(long, global = true, help_heading = "Global options")]
    pub quiet: bool,

    /// Log lines as text or as JSON objects (for log shippers)
    #[arg(
        long,
        global = true,
        value_enum,
        default_value = "text",
        value_name = "FORMAT",
        help_heading = "Global options"
    )]
    pub log_format: LogFormat,

    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Put one job on a queue and print its id
    #[command(after_help = "Examples:
  tq enqueue send_email --args '{\"to\":\"a@b.c\"}' -q high --wait
  tq enqueue report.build --args-file job.json --delay 10m
  echo '{\"ms\":50}' | tq enqueue tq.sleep --args - --json")]
    Enqueue(EnqueueArgs),

    /// Consume jobs from queues in strict priority order
    #[command(after_help = "Examples:
  tq worker -Q high,default,low -c 8
  tq worker -Q default --handler send_email='python3 send_email.py'
  tq worker -Q default -c 8 --serve 'python3 tasks.py'   # warm processes, see --serve
  tq worker -Q default --serve 'node tasks.js' --max-jobs-per-process 1000 --max-rss-per-process 500MiB
  tq worker -Q ci --burst          # drain and exit 0 (for CI pipelines)")]
    Worker(WorkerArgs),

    /// Show queue depths, totals and live workers
    ///
    /// scheduled = delayed jobs plus jobs waiting for a retry; "of which
    /// retrying" = the latter.
    #[command(after_help = "Examples:
  tq inspect
  tq inspect high default --json
  tq inspect --watch                      # live, redrawn in place; Ctrl-C to stop
  tq inspect --watch --interval 5s --json # one JSON document per interval")]
    Inspect(InspectArgs),

    /// Show one job's state, attempts, last error and result
    #[command(after_help = "Examples:
  tq status 01jd3k5q8m2x7v9c4b6n0t1r2s
  tq status \"$(tq enqueue tq.echo --args '[1]')\" --json")]
    Status(StatusArgs),

    /// Inspect, replay and purge dead jobs (the dead-letter queue)
    #[command(after_help = "Examples:
  tq dlq list --task send_email --since 1h
  tq dlq show 01jd3k5q8m2x7v9c4b6n0t1r2s
  tq dlq replay --all --task send_email --dry-run
  tq dlq purge --all --older-than 7d --yes
  [ \"$(tq dlq list --count)\" -eq 0 ]   # CI gate: no dead jobs")]
    Dlq(DlqArgs),

    /// See the jobs waiting or running on queues, not only their counts
    #[command(after_help = "Examples:
  tq jobs list
  tq jobs list -q emails --state retrying --task send_email
  tq jobs list --state active --json | jq -r '.[].worker'")]
    Jobs(JobsArgs),

    /// Cancel jobs: waiting ones never run, running ones are killed
    ///
    /// A waiting job leaves its queue at once; a running job's handler (its
    /// whole process group) is killed by its worker within a second. Either
    /// ends in the DLQ with reason "cancelled", never retried, and can be replayed.
    #[command(after_help = "Examples:
  tq cancel 01jd3k5q8m2x7v9c4b6n0t1r2s
  tq jobs list --state scheduled --json | jq -r '.[].id' | xargs tq cancel")]
    Cancel(JobIds),

    /// Run jobs waiting on a retry backoff or a delay now (they become pending)
    #[command(after_help = "Examples:
  tq retry-now 01jd3k5q8m2x7v9c4b6n0t1r2s")]
    RetryNow(JobIds),

    /// Pause, resume or empty a queue
    #[command(after_help = "Examples:
  tq queue pause emails         # workers stop claiming from it; running jobs finish
  tq queue resume emails
  tq queue purge emails --yes   # delete its pending jobs (counted)")]
    Queue(QueueArgs),

    /// Periodic jobs: schedules in Redis, each tick fired once by whichever worker gets there
    #[command(after_help = "Examples:
  tq cron add digest --cron \"0 9 * * MON-FRI\" --tz Europe/Paris send_digest
  tq cron add cleanup --every 1h sessions.cleanup -q low
  tq cron list
  tq cron run digest            # fire once now, outside the cadence
  tq cron pause digest")]
    Cron(CronArgs),

    /// The tq server: the HTTP API for producers, the live admin page and /metrics
    #[command(
        visible_alias = "dashboard",
        after_help = "Examples:
  tq serve                                      # http://127.0.0.1:5001/
  tq serve --read-only --listen 127.0.0.1:8080
  tq serve --listen 0.0.0.0:5001 --token-file admin.token --enqueue-token \"$APP_TOKEN\"
  curl -s -X POST http://127.0.0.1:5001/api/v1/queues/default/jobs \\
       -H 'Content-Type: application/json' -d '{\"task\":\"send_email\",\"args\":{\"to\":\"a@b.c\"}}'
  curl -s 'http://127.0.0.1:5001/api/v1/jobs/ID?wait=30s'
  curl -s http://127.0.0.1:5001/api/v1/openapi.json
  curl -s http://127.0.0.1:5001/metrics         # Prometheus text format

Safety: it listens on loopback unless told otherwise, and refuses any other
address without --auth-token, --token-file or --basic-auth. API calls send
Authorization: Bearer TOKEN; an --enqueue-token may only enqueue and read job
status. Every page action is a POST with the page's CSRF token from the same
origin; --read-only refuses them all."
    )]
    Serve(ServeArgs),

    /// Fire N jobs, drain them with real workers, report throughput, latency and loss
    #[command(after_help = "Examples:
  tq load-test --jobs 10000
  tq load-test --jobs 100000 --workers 2 -c 512 --json
  tq load-test --rate 5000 --jobs 50000 --hdr-out latency.hlog
  tq load-test --task tq.sleep --args '{\"ms\":20}' --chaos-kill-every 500ms
  tq load-test --spawn-redis          # private throwaway redis-server
  tq load-test --spawn-redis --cluster 3   # ... or a private 3-master Redis Cluster
  tq load-test --serve 'python3 tasks.py' --task add --args '{\"x\":1,\"y\":2}' -c 4   # your own task, warm")]
    LoadTest(LoadTestArgs),

    /// Print the completion script for a shell
    #[command(after_help = "Examples:
  tq completions bash > ~/.local/share/bash-completion/completions/tq
  tq completions zsh > ~/.zfunc/_tq
  tq completions fish > ~/.config/fish/completions/tq.fish")]
    Completions(CompletionsArgs),

    /// Print the man page (or write every page with --out-dir)
    #[command(after_help = "Examples:
  tq man | man -l -
  tq man --out-dir ~/.local/share/man/man1")]
    Man(ManArgs),
}

/// `tq enqueue`.
#[derive(Debug, Args)]
pub struct EnqueueArgs {
    /// Task name (built-ins: tq.noop, tq.echo, tq.sleep, tq.fail, tq.flaky)
    #[arg(required_unless_present = "batch")]
    pub task: Option<String>,

    /// Enqueue many jobs from FILE (or - for stdin), one JSON object per line:
    /// {"task": T, "args": {..}, "queue": Q, "max_retries": N, "delay": "30s",
    /// "expires": "1h"} (only task is required; -q and the other flags are the
    /// defaults). Prints the ids in order; a bad line stops the batch, naming it,
    /// after every line before it was enqueued.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["task", "args", "args_file", "wait"])]
    pub batch: Option<PathBuf>,

    /// Arguments as JSON text, or - to read them from stdin
    #[arg(long, value_name = "JSON", conflicts_with = "args_file")]
    pub args: Option<String>,

    /// Read the JSON arguments from a file
    #[arg(long, value_name = "FILE")]
    pub args_file: Option<PathBuf>,

    /// Queue to put the job on
    #[arg(short = 'q', long, default_value = "default", value_name = "QUEUE")]
    pub queue: String,

    /// Run no earlier than this long from now (e.g. 30s, 5m; at most 10 years)
    #[arg(long, value_parser = parse_delay, value_name = "DURATION", conflicts_with = "at", allow_hyphen_values = true)]
    pub delay: Option<Duration>,

    /// Run no earlier than this time (RFC 3339 with any offset, e.g.
    /// 2026-01-02T03:04:05Z or 2026-01-02T05:04:05+02:00)
    #[arg(long, value_parser = parse_time, value_name = "TIME")]
    pub at: Option<std::time::SystemTime>,

    #[command(flatten)]
    pub retry: RetryOptions,

    /// A job not started by then is not run but goes to the DLQ as `expired`:
    /// a duration from now (1h) or an RFC 3339 time
    #[arg(long, value_parser = parse_expiry, value_name = "DURATION|TIME")]
    pub expires: Option<Expiry>,

    /// Create no second job with the same task and args (or --unique-key) for
    /// this long: another enqueue prints the first job's id ("duplicate": true in JSON)
    #[arg(long, value_parser = parse_duration, value_name = "DURATION")]
    pub unique_for: Option<Duration>,

    /// What makes the job unique under --unique-for [default: its task and args]
    #[arg(long, value_name = "KEY", requires = "unique_for")]
    pub unique_key: Option<String>,

    /// Fairness key (a tenant, a customer): jobs of different keys of one
    /// queue take turns, and `tq queue limit --key-*` limits apply per key
    #[arg(long, value_name = "KEY", value_parser = parse_fairness_key)]
    pub key: Option<String>,

    /// JSON pointer of an args field the dead-letter queue must not keep (repeatable);
    /// it keeps {"omitted":true,"length":N,"sha256":H} instead
    #[arg(long, value_name = "PATH")]
    pub redact: Vec<String>,

    /// Block until the job succeeded (exit 0) or died (exit 1)
    #[arg(long)]
    pub wait: bool,

    /// Give up waiting after this long (exit 1)
    #[arg(long, value_parser = parse_duration, default_value = "30s", value_name = "DURATION", requires = "wait")]
    pub wait_timeout: Duration,
}

/// How a job retries and how long one attempt may run (`tq enqueue`, `tq cron add`).
#[derive(Debug, Clone, Args)]
pub struct RetryOptions {
    /// Retries after the first failed attempt
    #[arg(long, default_value_t = 3, value_name = "N")]
    pub max_retries: u32,

    /// Backoff base: retry n waits base·2^(n-1) plus up to 30 % jitter
    #[arg(long, value_parser = parse_duration, default_value = "1s", value_name = "DURATION")]
    pub retry_base: Duration,

    /// Longest wait between two attempts
    #[arg(long, value_parser = parse_duration, default_value = "10m", value_name = "DURATION")]
    pub retry_cap: Duration,

    /// Kill an attempt (and its whole process group) after this long; 0 = no limit
    #[arg(long, value_parser = parse_duration, default_value = "30m", value_name = "DURATION")]
    pub timeout: Duration,
}

impl RetryOptions {
    /// Sets these options on `req`.
    pub fn apply(&self, req: &mut crate::client::EnqueueRequest) {
        req.max_retries = self.max_retries;
        req.retry_base = self.retry_base;
        req.retry_cap = self.retry_cap;
        req.timeout = self.timeout;
    }
}

/// `tq worker`.
#[derive(Debug, Args)]
pub struct WorkerArgs {
    /// Serve this worker's Prometheus metrics at http://ADDR/metrics (job
    /// durations by queue and task, outcomes, running jobs, batch sizes)
    #[arg(long, value_name = "ADDR")]
    pub metrics_listen: Option<std::net::SocketAddr>,

    /// Queues to serve, highest priority first; or weighted, NAME:WEIGHT for
    /// every queue (high:6,default:3,low:1): while all have work, claims follow
    /// the weights
    #[arg(
        short = 'Q',
        long,
        value_delimiter = ',',
        default_value = "default",
        env = "TQ_QUEUES",
        value_name = "QUEUES"
    )]
    pub queues: Vec<String>,

    /// Jobs run at once [default: number of CPUs]
    #[arg(short = 'c', long, env = "TQ_CONCURRENCY", value_name = "N")]
    pub concurrency: Option<usize>,

    /// Run COMMAND (through sh -c) for task NAME; args arrive as JSON on stdin
    #[arg(long = "handler", value_name = "NAME=COMMAND", value_parser = parse_handler)]
    pub handlers: Vec<(String, String)>,

    /// Start COMMAND (through sh -c) as long-lived handler processes that run
    /// job after job: JSON lines on fd 3 (jobs in) and fd 4 (answers out), so
    /// stdout and stderr stay free for prints. Each process first announces
    /// the tasks it serves and how many jobs it takes at once; the worker
    /// starts as many as -c needs. A job that must stop (timeout, tq cancel,
    /// lease lost) is cancelled, and its process killed if it does not answer
    /// within 2s. See clients/python and clients/node, or SPEC.md
    #[arg(long = "serve", value_name = "COMMAND")]
    pub serve: Vec<String>,

    /// Replace a served process after it answered N jobs (Celery's
    /// worker_max_tasks_per_child)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub max_jobs_per_process: Option<u64>,

    /// Replace a served process whose resident memory (with its children)
    /// passed SIZE, checked after each job (Celery's worker_max_memory_per_child)
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub max_rss_per_process: Option<u64>,

    /// How long a served process has to say it is ready before it is killed
    /// and started again (with backoff, 1s up to 60s)
    #[arg(long, value_parser = parse_duration, default_value = "30s", value_name = "DURATION")]
    pub ready_timeout: Duration,

    /// Pass tq's own environment variable NAME (e.g. TQ_REDIS_URL, which may
    /// hold a password) on to handlers; by default they do not get tq's settings
    #[arg(long = "keep-env", value_name = "NAME")]
    pub keep_env: Vec<String>,

    /// Exit 0 once the queues have nothing pending, active or waiting to retry
    #[arg(long)]
    pub burst: bool,

    /// How long a claimed job is held before another worker may take it back
    #[arg(long, value_parser = parse_duration, default_value = "30s", value_name = "DURATION")]
    pub lease: Duration,

    /// On SIGTERM/SIGINT, how long running jobs may finish before they are handed back
    #[arg(long, value_parser = parse_duration, default_value = "25s", value_name = "DURATION")]
    pub grace: Duration,

    /// Deliveries without an outcome (worker died each time) before a job is buried as poison
    #[arg(long, default_value_t = 5, value_name = "N")]
    pub max_deliveries: u32,

    /// How long results of succeeded jobs stay readable
    #[arg(long, value_parser = parse_duration, default_value = "24h", value_name = "DURATION")]
    pub result_ttl: Duration,

    /// Most results kept per queue; past it the oldest go first (0 = no limit)
    #[arg(long, env = "TQ_RESULTS_MAX_COUNT", default_value_t = 1_000_000, value_name = "N")]
    pub results_max_count: u64,

    /// Dead jobs older than this are deleted from the DLQ (0s = keep forever)
    #[arg(long, env = "TQ_DEAD_MAX_AGE", value_parser = parse_duration, default_value = "30d", value_name = "DURATION")]
    pub dead_max_age: Duration,

    /// Most dead jobs kept per queue; past it the oldest go first (0 = no limit)
    #[arg(long, env = "TQ_DEAD_MAX_COUNT", default_value_t = 100_000, value_name = "N")]
    pub dead_max_count: u64,
}

/// `tq dlq`.
#[derive(Debug, Args)]
pub struct DlqArgs {
    #[command(subcommand)]
    pub command: DlqCommand,
}

/// The `tq dlq` subcommands.
#[derive(Debug, Subcommand)]
pub enum DlqCommand {
    /// List dead jobs, newest first
    #[command(after_help = "Examples:
  tq dlq list
  tq dlq list --task send_email --since 1h --json
  [ \"$(tq dlq list --count)\" -eq 0 ]   # CI gate")]
    List(DlqListArgs),
    /// Show one dead job in full: args (or their redaction), options, every attempt
    #[command(after_help = "Examples:
  tq dlq show 01jd3k5q8m2x7v9c4b6n0t1r2s
  tq dlq show 01jd3k5q8m2x7v9c4b6n0t1r2s --json | jq '.history[].stderr_tail'")]
    Show(DlqShowArgs),
    /// Put dead jobs back on their queue as new jobs
    #[command(
        group(clap::ArgGroup::new("which").required(true).args(["ids", "all"])),
        after_help = "Examples:
  tq dlq replay 01jd3k5q8m2x7v9c4b6n0t1r2s
  tq dlq replay --all --task send_email --dry-run
  tq dlq replay 01jd3k5q8m2x7v9c4b6n0t1r2s --args-file full-args.json   # redacted job"
    )]
    Replay(DlqReplayArgs),
    /// Delete dead jobs (refuses without --yes)
    #[command(
        group(clap::ArgGroup::new("which").required(true).args(["ids", "all"])),
        after_help = "Examples:
  tq dlq purge 01jd3k5q8m2x7v9c4b6n0t1r2s --yes
  tq dlq purge --all --older-than 7d --yes
  tq dlq purge --all --task report.build -q low --yes"
    )]
    Purge(DlqPurgeArgs),
}

/// How log lines on stderr look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// Job ids (`tq cancel`, `tq retry-now`).
#[derive(Debug, Args)]
pub struct JobIds {
    /// Job ids
    #[arg(required = true)]
    pub ids: Vec<String>,
}

/// `tq jobs`.
#[derive(Debug, Args)]
pub struct JobsArgs {
    #[command(subcommand)]
    pub command: JobsCommand,
}

/// `tq jobs` subcommands.
#[derive(Debug, Subcommand)]
pub enum JobsCommand {
    /// List jobs by state, in the order they run: id, task, queue, age or due time, attempts, worker
    #[command(after_help = "Examples:
  tq jobs list -q high --state pending --limit 5
  tq jobs list --state scheduled --json")]
    List(JobsListArgs),
}

/// A job state `tq jobs list` can show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum JobState {
    Pending,
    Scheduled,
    Retrying,
    Active,
}

/// `tq jobs list`.
#[derive(Debug, Args)]
pub struct JobsListArgs {
    /// Only jobs of this queue (repeatable, or comma-separated) [default: every queue]
    #[arg(short = 'q', long = "queue", value_delimiter = ',', value_name = "QUEUE")]
    pub queues: Vec<String>,

    /// Only jobs in this state (repeatable, or comma-separated) [default: all four]
    #[arg(long, value_enum, value_delimiter = ',', value_name = "STATE")]
    pub state: Vec<JobState>,

    /// Only jobs of this task
    #[arg(long, value_name = "TASK")]
    pub task: Option<String>,

    /// Most jobs listed per queue and state
    #[arg(long, default_value_t = 20, value_name = "N")]
    pub limit: usize,

    /// Show every column in full (by default tables fit the terminal, or 80
    /// columns when piped: long text is cut with … and minor columns hidden)
    #[arg(long)]
    pub wide: bool,
}

/// `tq queue`.
#[derive(Debug, Args)]
pub struct QueueArgs {
    #[command(subcommand)]
    pub command: QueueCommand,
}

/// `tq queue` subcommands.
#[derive(Debug, Subcommand)]
pub enum QueueCommand {
    /// Stop workers claiming from QUEUE (atomically, checked in every claim); running jobs finish
    #[command(after_help = "Examples:
  tq queue pause emails
  tq inspect emails --json | jq '.queues[0].paused'")]
    Pause(QueueName),

    /// Let workers claim from QUEUE again
    #[command(after_help = "Examples:
  tq queue resume emails")]
    Resume(QueueName),

    /// Set fleet-wide flow limits on QUEUE (or show them, with no flag), enforced in every claim
    #[command(after_help = "Examples:
  tq queue limit emails --rate 50/1s             # at most 50 starts in any second
  tq queue limit reports --concurrency 10        # at most 10 running at once, fleet-wide
  tq queue limit api --key-concurrency 2 --key-rate 5/1s   # per --key (tenant)
  tq queue limit emails                          # show the limits
  tq queue limit emails --clear                  # remove every limit
  tq inspect emails --json | jq '.queues[0].flow'

Limits live in Redis with the queue: they hold for every worker, survive
restarts, and jobs they hold back stay pending (tq jobs list says why).")]
    Limit(QueueLimitArgs),

    /// Delete every pending job of QUEUE (scheduled, retrying, running and dead jobs stay)
    #[command(after_help = "Examples:
  tq queue purge emails --yes
  tq queue purge emails --yes --json   # {\"queue\":\"emails\",\"purged\":N}")]
    Purge(QueuePurgeArgs),
}

/// `tq serve` (alias `tq dashboard`).
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on
    #[arg(long, default_value = "127.0.0.1:5001", value_name = "ADDR")]
    pub listen: std::net::SocketAddr,

    /// Show everything, change nothing: no action buttons, every action and
    /// every API enqueue refused (403)
    #[arg(long)]
    pub read_only: bool,

    /// Require this token: open /?token=TOKEN once (it sets a cookie) or send
    /// Authorization: Bearer TOKEN; it may do everything
    #[arg(long, value_name = "TOKEN", conflicts_with_all = ["basic_auth", "token_file"])]
    pub auth_token: Option<String>,

    /// Like --auth-token, with the token read from FILE (kept out of `ps`)
    #[arg(long, value_name = "FILE", conflicts_with = "basic_auth")]
    pub token_file: Option<std::path::PathBuf>,

    /// A second token that may only enqueue and read job status (/api/v1/):
    /// what an application gets, so its credential cannot replay or purge
    #[arg(long, value_name = "TOKEN", env = "TQ_ENQUEUE_TOKEN", hide_env_values = true)]
    pub enqueue_token: Option<String>,

    /// Require HTTP basic authentication with this user and password
    #[arg(long, value_name = "USER:PASS", value_parser = parse_user_pass)]
    pub basic_auth: Option<(String, String)>,
}

fn parse_user_pass(text: &str) -> Result<(String, String), String> {
    match text.split_once(':') {
        Some((user, pass)) if !user.is_empty() && !pass.is_empty() => Ok((user.to_string(), pass.to_string())),
        // The value is a secret: not echoed back.
        _ => Err("expected USER:PASS (both non-empty)".to_string()),
    }
}

/// `tq cron`.
#[derive(Debug, Args)]
pub struct CronArgs {
    #[command(subcommand)]
    pub command: CronCommand,
}

/// `tq cron` subcommands.
#[derive(Debug, Subcommand)]
pub enum CronCommand {
    /// Create or update a schedule (the same definition twice changes nothing)
    #[command(after_help = "Examples:
  tq cron add digest --cron \"0 9 * * MON-FRI\" --tz Europe/Paris send_digest --args '{\"kind\":\"daily\"}'
  tq cron add cleanup --every 1h sessions.cleanup -q low --expires 50m
  tq cron add heartbeat --every 10s tq.noop --catch-up none

Cron expressions: 5 fields (minute hour day-of-month month day-of-week) or 6
with seconds first; lists, ranges, steps and names (*/15, 9-17, MON-FRI, JAN);
aliases @yearly @monthly @weekly @daily @hourly. They are read in --tz: a
time a daylight-saving change skips fires once when the gap ends (02:30 on
the spring-forward night fires at 03:00); a time it repeats fires once, the
first time. --every fires at multiples of its period since the Unix epoch
(--every 5m at :00, :05, ...).

After a gap (no worker ran, or Redis was unreachable, for more than 5 s past
a tick) a schedule fires one job for the whole gap with --catch-up one (the
default) or none with --catch-up none, then goes on with its cadence.")]
    Add(Box<CronAddArgs>),

    /// List schedules: next run, last run and its job's state
    #[command(after_help = "Examples:
  tq cron list
  tq cron list --json | jq -r '.[] | select(.paused) | .name'")]
    List(CronListArgs),

    /// Show one schedule and its next runs
    #[command(after_help = "Examples:
  tq cron show digest")]
    Show(CronName),

    /// Delete a schedule (jobs it already created stay)
    #[command(after_help = "Examples:
  tq cron remove digest")]
    Remove(CronName),

    /// Stop a schedule firing
    #[command(after_help = "Examples:
  tq cron pause digest")]
    Pause(CronName),

    /// Let a paused schedule fire again, from its next tick (no catch-up for the pause)
    #[command(after_help = "Examples:
  tq cron resume digest")]
    Resume(CronName),

    /// Enqueue a schedule's job now, once, under its own id (its cadence is unchanged)
    #[command(after_help = "Examples:
  tq cron run digest
  tq status \"$(tq cron run digest)\"")]
    Run(CronName),

    /// Fire every due schedule once and exit (workers do this on their own;
    /// for setups that fire from a separate process, e.g. a CI schedule)
    #[command(after_help = "Examples:
  tq cron tick
  tq cron tick --json")]
    Tick,
}

/// A schedule name argument.
#[derive(Debug, Args)]
pub struct CronName {
    /// The schedule's name
    pub name: String,
}

/// `tq cron list`.
#[derive(Debug, Args)]
pub struct CronListArgs {
    /// Show every column in full (by default tables fit the terminal, or 80
    /// columns when piped)
    #[arg(long)]
    pub wide: bool,
}

/// `tq cron add`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("when").required(true).args(["every", "cron"])))]
pub struct CronAddArgs {
    /// The schedule's name (letters, digits, '_', '.', '-'); its jobs' ids are cron:NAME:<tick ms>
    pub name: String,

    /// The task its jobs run
    pub task: String,

    /// Fire every DURATION (at least 1s), at multiples of it since the epoch
    #[arg(long, value_parser = parse_duration, value_name = "DURATION")]
    pub every: Option<Duration>,

    /// Fire at the times of a cron expression (see below)
    #[arg(long, value_name = "EXPR")]
    pub cron: Option<String>,

    /// The IANA time zone --cron is read in
    #[arg(long, default_value = "UTC", value_name = "ZONE", requires = "cron")]
    pub tz: String,

    /// What a gap of missed ticks fires: one job, or none
    #[arg(long, value_enum, default_value = "one", value_name = "HOW")]
    pub catch_up: crate::broker::CatchUp,

    /// Arguments as JSON text
    #[arg(long, default_value = "{}", value_name = "JSON")]
    pub args: String,

    /// Queue its jobs go to
    #[arg(short = 'q', long, default_value = "default", value_name = "QUEUE")]
    pub queue: String,

    #[command(flatten)]
    pub retry: RetryOptions,

    /// A tick's job not started this long after its tick is not run (DLQ reason `expired`)
    #[arg(long, value_parser = parse_duration, value_name = "DURATION")]
    pub expires: Option<Duration>,

    /// Create no job while another with the same task and args (or
    /// --unique-key) was created less than this long ago
    #[arg(long, value_parser = parse_duration, value_name = "DURATION")]
    pub unique_for: Option<Duration>,

    /// What makes its jobs unique under --unique-for [default: task and args]
    #[arg(long, value_name = "KEY", requires = "unique_for")]
    pub unique_key: Option<String>,
}

/// A queue name argument.
#[derive(Debug, Args)]
pub struct QueueName {
    /// The queue
    pub queue: String,
}

/// `tq queue limit`.
#[derive(Debug, Args)]
pub struct QueueLimitArgs {
    /// The queue
    pub queue: String,

    /// At most N jobs of the queue running at once, fleet-wide (0 removes it)
    #[arg(long, value_name = "N")]
    pub concurrency: Option<u64>,

    /// At most N starts in any window of DURATION, fleet-wide (20/1s, 1000/1m; "off" removes it)
    #[arg(long, value_name = "N/DURATION", value_parser = parse_rate_or_off)]
    pub rate: Option<RateFlag>,

    /// At most N jobs of one --key running at once (0 removes it)
    #[arg(long, value_name = "N")]
    pub key_concurrency: Option<u64>,

    /// At most N starts of one --key in any window of DURATION ("off" removes it)
    #[arg(long, value_name = "N/DURATION", value_parser = parse_rate_or_off)]
    pub key_rate: Option<RateFlag>,

    /// Remove every limit (a handler's pause_queue_ms still runs out on its own)
    #[arg(long, conflicts_with_all = ["concurrency", "rate", "key_concurrency", "key_rate"])]
    pub clear: bool,
}

/// `concurrency=N,rate=N/DURATION,key-concurrency=N,key-rate=N/DURATION`
/// (any of them) as a change of limits.
fn parse_limits(text: &str) -> Result<crate::broker::LimitChange, String> {
    let mut change = crate::broker::LimitChange::default();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (name, value) = part
            .split_once('=')
            .ok_or_else(|| format!("invalid limit {part:?}: expected NAME=VALUE"))?;
        let count = || {
            value
                .parse::<u64>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| format!("invalid {name} {value:?}: expected a positive number"))
        };
        match name {
            "concurrency" => change.concurrency = Some(Some(count()?)),
            "key-concurrency" => change.key_concurrency = Some(Some(count()?)),
            "rate" => change.rate = Some(Some(crate::broker::Rate::parse(value)?)),
            "key-rate" => change.key_rate = Some(Some(crate::broker::Rate::parse(value)?)),
            _ => {
                return Err(format!(
                    "unknown limit {name:?} (use concurrency, rate, key-concurrency, key-rate)"
                ));
            }
        }
    }
    Ok(change)
}

/// A rate flag's value: a rate, or `off` (None) to remove it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateFlag(pub Option<crate::broker::Rate>);

fn parse_rate_or_off(text: &str) -> Result<RateFlag, String> {
    if text == "off" {
        return Ok(RateFlag(None));
    }
    crate::broker::Rate::parse(text).map(|r| RateFlag(Some(r)))
}

fn parse_fairness_key(text: &str) -> Result<String, String> {
    crate::broker::keys::validate_fairness_key(text).map(|()| text.to_string())
}

/// `tq queue purge`.
#[derive(Debug, Args)]
pub struct QueuePurgeArgs {
    /// The queue
    pub queue: String,

    /// Really delete (without it, nothing is deleted and tq exits 2)
    #[arg(long)]
    pub yes: bool,
}

/// Filters shared by the `tq dlq` subcommands.
#[derive(Debug, Args)]
pub struct DlqFilter {
    /// Only dead jobs of this queue (repeatable, or comma-separated)
    #[arg(short = 'q', long = "queue", value_delimiter = ',', value_name = "QUEUE")]
    pub queues: Vec<String>,

    /// Only dead jobs of this task
    #[arg(long, value_name = "TASK")]
    pub task: Option<String>,

    /// Only jobs that died within this long (e.g. 1h, 7d)
    #[arg(long, value_parser = parse_duration, value_name = "DURATION")]
    pub since: Option<Duration>,
}

/// `tq dlq list`.
#[derive(Debug, Args)]
pub struct DlqListArgs {
    #[command(flatten)]
    pub filter: DlqFilter,

    /// Show at most this many (newest first)
    #[arg(long, default_value_t = 50, value_name = "N")]
    pub limit: usize,

    /// Print only how many dead jobs match (ignores --limit)
    #[arg(long)]
    pub count: bool,

    /// Show every column in full (by default tables fit the terminal, or 80
    /// columns when piped: long text is cut with … and minor columns hidden)
    #[arg(long)]
    pub wide: bool,
}

/// `tq dlq show`.
#[derive(Debug, Args)]
pub struct DlqShowArgs {
    /// The id of the job that died
    pub id: String,
}

/// `tq dlq replay`.
#[derive(Debug, Args)]
pub struct DlqReplayArgs {
    /// Ids of dead jobs to replay
    pub ids: Vec<String>,

    /// Replay every dead job that matches the filters
    #[arg(long, conflicts_with = "ids")]
    pub all: bool,

    #[command(flatten)]
    pub filter: DlqFilter,

    /// List what would be replayed; change nothing
    #[arg(long)]
    pub dry_run: bool,

    /// The full args of a job whose fields were redacted (checked against the stored sha256)
    #[arg(long, value_name = "FILE", conflicts_with = "all")]
    pub args_file: Option<PathBuf>,
}

/// `tq dlq purge`.
#[derive(Debug, Args)]
pub struct DlqPurgeArgs {
    /// Ids of dead jobs to delete
    pub ids: Vec<String>,

    /// Delete every dead job that matches the filters
    #[arg(long, conflicts_with = "ids")]
    pub all: bool,

    #[command(flatten)]
    pub filter: DlqFilter,

    /// Only jobs that died longer ago than this (e.g. 7d)
    #[arg(long, value_parser = parse_duration, value_name = "DURATION")]
    pub older_than: Option<Duration>,

    /// Really delete (without it, nothing is deleted and tq exits 2)
    #[arg(long)]
    pub yes: bool,
}

/// `tq load-test`.
#[derive(Debug, Args)]
pub struct LoadTestArgs {
    /// Jobs to submit
    #[arg(long, default_value_t = 10_000, value_name = "N")]
    pub jobs: usize,

    /// Queues and weights, highest priority first
    #[arg(long, default_value = "high=20,default=60,low=20", value_name = "QUEUE=WEIGHT,...")]
    pub mix: String,

    /// Task of every job (any built-in; others need --serve, or --external-workers with a handler)
    #[arg(long, default_value = "tq.noop", value_name = "TASK")]
    pub task: String,

    /// Args of every job
    #[arg(long, default_value = "{}", value_name = "JSON")]
    pub args: String,

    /// Pad every job's args with this many bytes (field "pad")
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub payload_bytes: usize,

    /// Jobs each worker runs at once (large: claims and acks are batched up
    /// to this) [default: 1024; with --serve, the number of CPUs]
    #[arg(short = 'c', long, value_name = "N")]
    pub concurrency: Option<usize>,

    /// Worker processes to start [default: number of CPUs; with --serve, 1]
    #[arg(long, value_name = "N")]
    pub workers: Option<usize>,

    /// Run the jobs on served processes of COMMAND (see `tq worker --serve`),
    /// e.g. your own task in Python or Node, started warm by each worker
    #[arg(long = "serve", value_name = "COMMAND", conflicts_with = "external_workers")]
    pub serve: Vec<String>,

    /// Lease of the started workers (how soon a killed worker's jobs come back)
    #[arg(long, value_parser = parse_duration, default_value = "2s", value_name = "DURATION")]
    pub lease: Duration,

    /// Jobs per enqueue call (1 = one round trip per job)
    #[arg(long, default_value_t = 1000, value_name = "N")]
    pub batch: usize,

    /// Submit at this many jobs per second (open loop) instead of as fast as
    /// possible: latencies count from each job's intended send time, and the
    /// report says how late jobs went out (submit lag)
    #[arg(long, value_name = "JOBS_PER_SEC")]
    pub rate: Option<f64>,

    /// Give the jobs N fairness keys, in turn (job i gets key k<i mod N>)
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub keys: usize,

    /// Flow limits of every queue of the run, as tq queue limit sets them:
    /// concurrency=N,rate=N/DURATION,key-concurrency=N,key-rate=N/DURATION
    #[arg(long, value_name = "LIMITS", value_parser = parse_limits)]
    pub limits: Option<crate::broker::LimitChange>,

    /// Only submit (to the --prefix and --mix queues), e.g. for `tq worker --burst` to drain
    #[arg(long, conflicts_with_all = ["external_workers", "chaos_kill_every"])]
    pub submit_only: bool,

    /// Use workers already running (on --prefix and the --mix queues) instead of starting some
    #[arg(long)]
    pub external_workers: bool,

    /// Stop waiting for the drain after this long (what is missing then counts as lost)
    #[arg(long, value_parser = parse_duration, default_value = "10m", value_name = "DURATION")]
    pub timeout: Duration,

    /// SIGKILL a random worker this often and start a replacement
    #[arg(long, value_parser = parse_duration, value_name = "DURATION", conflicts_with = "external_workers")]
    pub chaos_kill_every: Option<Duration>,

    /// Write the latency histograms to FILE in HdrHistogram interval log format
    #[arg(long, value_name = "FILE")]
    pub hdr_out: Option<PathBuf>,

    /// Start a private throwaway redis-server for the run (also done when no URL
    /// was given and nothing listens at the default one)
    #[arg(long)]
    pub spawn_redis: bool,

    /// With --spawn-redis: start a Redis Cluster of N masters instead of one server
    #[arg(long, value_name = "N", requires = "spawn_redis")]
    pub cluster: Option<usize>,

    /// No progress bars
    #[arg(long)]
    pub no_progress: bool,
}

/// `tq completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `tq man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write tq.1 and one page per subcommand into this directory instead of printing tq.1
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
}

/// `tq inspect`.
#[derive(Debug, Args)]
pub struct InspectArgs {
    /// Queues to show [default: every known queue]
    pub queues: Vec<String>,

    /// Redraw every --interval with rates (jobs/s processed and failed) until
    /// Ctrl-C; with --json, one JSON document per interval (JSON lines)
    #[arg(long)]
    pub watch: bool,

    /// How often --watch reads Redis
    #[arg(long, value_parser = parse_duration, default_value = "1s", value_name = "DURATION", requires = "watch")]
    pub interval: Duration,

    /// Show every column in full (by default tables fit the terminal, or 80
    /// columns when piped: long text is cut with … and minor columns hidden)
    #[arg(long)]
    pub wide: bool,
}

/// `tq status`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// The job id `tq enqueue` printed
    pub id: String,
}

/// Parses `30s`, `5m`, `250ms`, `1h 30m` (humantime).
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    humantime::parse_duration(text.trim())
        .map_err(|e| format!("invalid duration {text:?}: {e} (examples: 250ms, 30s, 5m, 1h)"))
}

/// `--expires`: a duration from now or a point in time.
#[derive(Debug, Clone, Copy)]
pub enum Expiry {
    In(Duration),
    At(std::time::SystemTime),
}

impl Expiry {
    /// The same as the broker's due time (a point in time in ms since the epoch).
    pub fn due(self) -> crate::broker::Due {
        match self {
            Expiry::In(d) => crate::broker::Due::In(d),
            Expiry::At(t) => crate::broker::Due::At(crate::job::ms_since_epoch(t)),
        }
    }
}

pub(crate) fn parse_expiry(text: &str) -> Result<Expiry, String> {
    if let Ok(d) = humantime::parse_duration(text.trim()) {
        return Ok(Expiry::In(d));
    }
    humantime::parse_rfc3339_weak(text.trim()).map(Expiry::At).map_err(|_| {
        format!("invalid --expires {text:?}: give a duration (30s, 1h) or an RFC 3339 time (2026-01-02T03:04:05Z)")
    })
}

/// Longest `--delay` (or `--at` ahead): anything longer is a typo.
const MAX_DELAY: Duration = Duration::from_secs(10 * 365 * 24 * 3600);

pub(crate) fn parse_delay(text: &str) -> Result<Duration, String> {
    if text.trim().starts_with('-') {
        return Err(format!(
            "invalid delay {text:?}: a delay cannot be negative (to run now, leave --delay out)"
        ));
    }
    let delay = parse_duration(text)?;
    if delay > MAX_DELAY {
        return Err(format!("invalid delay {text:?}: more than 10 years"));
    }
    Ok(delay)
}

/// An RFC 3339 time: `Z`, no zone (UTC), or any `+HH:MM`/`-HH:MM` offset.
pub(crate) fn parse_time(text: &str) -> Result<std::time::SystemTime, String> {
    let text = text.trim();
    let invalid =
        |why: &str| format!("invalid time {text:?}: {why} (examples: 2026-01-02T03:04:05Z, 2026-01-02T05:04:05+02:00)");
    // A trailing numeric offset: parse the local part as UTC, then shift.
    let (local, offset_secs) = match text
        .len()
        .checked_sub(6)
        .and_then(|at| text.get(at..).map(|tail| (at, tail)))
    {
        Some((at, tail))
            if (tail.starts_with('+') || tail.starts_with('-'))
                && tail.as_bytes().get(3) == Some(&b':')
                && text.contains('T') =>
        {
            let hours: i64 = tail[1..3].parse().map_err(|_| invalid("bad offset"))?;
            let minutes: i64 = tail[4..6].parse().map_err(|_| invalid("bad offset"))?;
            if hours > 23 || minutes > 59 {
                return Err(invalid("bad offset"));
            }
            let sign = if tail.starts_with('-') { -1 } else { 1 };
            (&text[..at], sign * (hours * 3600 + minutes * 60))
        }
        _ => (text, 0),
    };
    let utc = humantime::parse_rfc3339_weak(local).map_err(|e| invalid(&e.to_string()))?;
    let shifted = if offset_secs >= 0 {
        utc.checked_sub(Duration::from_secs(offset_secs as u64))
    } else {
        utc.checked_add(Duration::from_secs((-offset_secs) as u64))
    };
    let at = shifted.ok_or_else(|| invalid("out of range"))?;
    if at
        .duration_since(std::time::SystemTime::now())
        .is_ok_and(|ahead| ahead > MAX_DELAY)
    {
        return Err(invalid("more than 10 years ahead"));
    }
    Ok(at)
}

/// A memory size: `500MiB`, `1.5GB`, `200M`, or bytes.
fn parse_size(text: &str) -> Result<u64, String> {
    let size: bytesize::ByteSize = text
        .trim()
        .parse()
        .map_err(|_| format!("invalid size {text:?}: expected e.g. 500MiB, 1GB or a number of bytes"))?;
    match size.as_u64() {
        0 => Err("a size must be more than 0".into()),
        n => Ok(n),
    }
}

fn parse_handler(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, cmd)) if !name.trim().is_empty() && !cmd.trim().is_empty() => {
            Ok((name.trim().to_string(), cmd.to_string()))
        }
        _ => Err(format!(
            "invalid --handler {text:?}: expected NAME=COMMAND, e.g. send_email='python3 send.py'"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;
    use proptest::prelude::*;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    proptest! {
        #[test]
        fn durations_in_ms_round_trip(ms in 0u64..10_000_000) {
            prop_assert_eq!(parse_duration(&format!("{ms}ms")), Ok(Duration::from_millis(ms)));
        }
    }

    #[test]
    fn enqueue_flag_defaults_match_the_stored_defaults() {
        let cli = Cli::try_parse_from(["tq", "enqueue", "t"]).unwrap();
        let Command::Enqueue(args) = cli.command else {
            panic!("not enqueue")
        };
        use crate::client::defaults;
        assert_eq!(args.retry.max_retries, defaults::MAX_RETRIES);
        assert_eq!(args.retry.retry_base, defaults::RETRY_BASE);
        assert_eq!(args.retry.retry_cap, defaults::RETRY_CAP);
        assert_eq!(args.retry.timeout, defaults::TIMEOUT);
    }

    #[test]
    fn bad_durations_name_the_value() {
        let err = parse_duration("5 parsecs").unwrap_err();
        assert!(err.contains("5 parsecs"), "{err}");
    }
}
