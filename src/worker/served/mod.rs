//! Served handler processes (`tq worker --serve COMMAND`): long-lived
//! processes that run job after job over the warm handler protocol of
//! SPEC.md, kept healthy the way Celery's prefork pool and php-fpm keep
//! theirs: recycled after N jobs or past a memory limit, replaced when they
//! crash, restarted with backoff when they cannot even start.
//!
//! A served job has everything a spawned one has: its timeout, `tq cancel`
//! and lease loss first ask the process to stop the job (`cancel`), then
//! kill the process if it does not answer in [`CANCEL_GRACE`]; the other
//! jobs of a killed process go back to their queues without spending an
//! attempt. A process that crashes or breaks the protocol fails only the
//! jobs it held.

mod process;
mod protocol;

use super::handlers::{Attempt, Failure, MAX_RESULT_BYTES, Outcome, Stop, stopped, timed_out};
use process::{End, Kill, Process, Reply};
use protocol::ToProcess;
use serde::Serialize;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{Notify, oneshot, watch};

/// How long a process has to answer a `cancel` before it is killed.
pub(crate) const CANCEL_GRACE: Duration = Duration::from_secs(2);
/// First wait before restarting a command whose process died before `ready`.
const FIRST_BACKOFF: Duration = Duration::from_secs(1);
/// Longest wait between two such restarts.
const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// How the served processes of a worker are run.
#[derive(Debug, Clone)]
pub(crate) struct PoolConfig {
    /// Commands to serve, each started as many times as `-c` needs.
    pub commands: Vec<String>,
    /// The worker's `-c`: jobs run at once, across all processes.
    pub concurrency: usize,
    /// Recycle a process after it answered this many jobs.
    pub max_jobs: Option<u64>,
    /// Recycle a process whose resident memory (with its children) passed this, checked after each job.
    pub max_rss: Option<u64>,
    /// How long a new process has to say `ready`.
    pub ready_timeout: Duration,
    /// Variables removed from every process's environment.
    pub withheld: Vec<&'static str>,
}

/// One served process as `tq inspect` shows it.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct ProcessInfo {
    /// Its pid.
    pub pid: u32,
    /// The `--serve` command it runs.
    pub command: String,
    /// The tasks it announced (empty until it is ready).
    pub tasks: Vec<String>,
    /// `starting`, `ready` or `retiring`.
    pub state: String,
    /// Jobs it runs now.
    pub running: usize,
    /// Jobs it answered.
    pub jobs: u64,
    /// Resident memory with its children, bytes.
    pub rss_bytes: u64,
    /// Processes of this command replaced so far (crashed, recycled, never ready).
    pub restarts: u64,
}

/// The served processes of one worker.
pub(crate) struct Pool {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pool")
            .field("commands", &self.inner.config.commands)
            .finish()
    }
}

struct Inner {
    config: PoolConfig,
    programs: Vec<Program>,
    /// A process became ready or freed a slot: jobs waiting for one look again.
    changed: Notify,
    /// The server clock (estimated without a round trip) for `deadline_ms`.
    clock: crate::broker::Broker,
    stopping: AtomicBool,
}

/// One `--serve` command and its processes.
struct Program {
    command: String,
    state: Mutex<ProgramState>,
    /// Wakes its supervisor: a process ended, retired or became ready.
    wake: Notify,
}

#[derive(Default)]
struct ProgramState {
    /// What its processes announced (None until the first is ready).
    tasks: Option<Vec<String>>,
    /// Jobs one of its processes takes at once.
    per_process: usize,
    processes: Vec<Arc<Process>>,
    restarts: u64,
    /// While its processes die before `ready`: the wait before the next start.
    backoff: Duration,
    retry_at: Option<Instant>,
    /// The outage in progress was logged.
    outage_logged: bool,
}

/// Where a task's jobs go.
enum Route {
    Program(usize),
    /// No ready process serves it, but a command has not said what it serves yet.
    NotYet,
    Nobody,
}

impl Pool {
    /// A pool of `config`'s commands; nothing runs before [`Pool::start`].
    pub(crate) fn new(clock: crate::broker::Broker, config: PoolConfig) -> Pool {
        let programs = config
            .commands
            .iter()
            .map(|command| Program {
                command: command.clone(),
                state: Mutex::new(ProgramState::default()),
                wake: Notify::new(),
            })
            .collect();
        let inner = Arc::new(Inner {
            config,
            programs,
            changed: Notify::new(),
            clock,
            stopping: AtomicBool::new(false),
        });
        Pool { inner }
    }

    /// Starts the processes of every command and supervises them until [`Pool::shutdown`].
    pub(crate) fn start(&self) {
        for index in 0..self.inner.programs.len() {
            tokio::spawn(supervise(self.inner.clone(), index));
        }
    }

    /// True if some command serves `task` or has not said yet what it serves.
    pub(crate) fn may_serve(&self, task: &str) -> bool {
        !matches!(self.inner.route(task), Route::Nobody)
    }

    /// True if a ready process serves `task`.
    pub(crate) fn serves(&self, task: &str) -> bool {
        matches!(self.inner.route(task), Route::Program(_))
    }

    /// Waits until every command has all the processes `-c` needs ready
    /// (or one failed to start), at most `within`.
    pub(crate) async fn wait_ready(&self, within: Duration) {
        let inner = &self.inner;
        let all_ready = || {
            !inner.programs.iter().any(|p| {
                let st = p.lock();
                let ready = st.processes.iter().filter(|p| p.lock().ready).count();
                st.retry_at.is_none() && (st.tasks.is_none() || ready < inner.target(&st))
            })
        };
        inner.wait_until(Instant::now() + within, all_ready).await;
    }

    /// The processes as `tq inspect` shows them.
    pub(crate) fn processes(&self) -> Vec<ProcessInfo> {
        let mut out = Vec::new();
        for p in &self.inner.programs {
            let st = p.lock();
            for proc in &st.processes {
                let s = proc.lock();
                let state = match (s.ready, s.retiring) {
                    (_, true) => "retiring",
                    (true, false) => "ready",
                    (false, false) => "starting",
                };
                out.push(ProcessInfo {
                    pid: proc.pid,
                    command: p.command.clone(),
                    tasks: s.tasks.clone(),
                    state: state.into(),
                    running: s.jobs.len(),
                    jobs: s.served,
                    rss_bytes: 0,
                    restarts: st.restarts,
                });
            }
        }
        for info in &mut out {
            info.rss_bytes = process::tree_rss(info.pid);
        }
        out
    }

    /// Runs one job on a served process (waiting for a free one), honouring
    /// its timeout, `abort` (the worker stops now: handed back) and `stop`
    /// (lease lost, or cancelled by an operator).
    pub(crate) async fn run(
        &self,
        job: Attempt<'_>,
        timeout: Duration,
        mut abort: watch::Receiver<bool>,
        mut stop: watch::Receiver<Stop>,
    ) -> Outcome {
        let inner = &self.inner;
        let started = Instant::now();
        let deadline = started
            .checked_add(timeout)
            .unwrap_or(started + Duration::from_secs(100 * 365 * 86_400));
        let msg = job.msg;
        let (process, answer) = match inner
            .take_when_free(msg, timeout, deadline, &mut abort, &mut stop)
            .await
        {
            Ok(taken) => taken,
            Err(outcome) => return outcome,
        };
        let mark = process.mark();
        let deadline_ms = inner
            .clock
            .estimated_server_ms()
            .saturating_add(deadline.saturating_duration_since(Instant::now()).as_millis() as u64);
        process.send(
            ToProcess::Job {
                id: &msg.id,
                task: &msg.task,
                args: &msg.args,
                queue: &msg.queue,
                attempt: job.attempt,
                delivery: job.delivery,
                deadline_ms,
            }
            .line(),
        );
        tokio::pin!(answer);
        let ended = tokio::select! {
            reply = &mut answer => Ok(reply),
            _ = tokio::time::sleep_until(deadline.into()) => Err(Stopping::TimedOut),
            _ = abort.wait_for(|a| *a) => {
                process.kill(Kill::Shutdown);
                return Outcome::Cancelled;
            }
            Ok(why) = stop.wait_for(|s| *s != Stop::No) => Err(Stopping::Stopped(*why)),
        };
        let reply = match ended {
            Ok(reply) => reply,
            Err(why) => {
                // Ask it to stop the job; a process that cannot is killed.
                process.send(ToProcess::Cancel { id: &msg.id }.line());
                let answered = tokio::time::timeout(CANCEL_GRACE, &mut answer).await;
                if let Ok(Ok(Reply::Done(_) | Reply::Failed { .. })) = &answered {
                    inner.after_job(&process);
                } else if answered.is_err() {
                    tracing::warn!(pid = process.pid, job = %msg.id, "served process did not stop the job within {}: killing it", humantime::format_duration(CANCEL_GRACE));
                    process.kill(Kill::Stuck);
                }
                let outcome = match why {
                    Stopping::Stopped(why) => return stopped(why),
                    Stopping::TimedOut => timed_out(timeout),
                };
                let (stdout_tail, stderr_tail) = process.output_since(mark).await;
                return Outcome::Failure(Failure {
                    stdout_tail,
                    stderr_tail,
                    ..outcome
                });
            }
        };
        if matches!(reply, Ok(Reply::Done(_) | Reply::Failed { .. })) {
            inner.after_job(&process);
        }
        let reply = reply.unwrap_or_else(|_| {
            Reply::Died(format!(
                "served process `{}` (pid {}) ended without answering",
                process.command, process.pid
            ))
        });
        outcome_of(reply, &process, mark).await
    }

    /// Stops every process: fd 3 is closed (a served process exits once
    /// idle) and any still there after [`process::EXIT_WAIT`] is killed.
    /// Returns once all are gone.
    pub(crate) async fn shutdown(&self) {
        let inner = &self.inner;
        inner.stopping.store(true, Ordering::Relaxed);
        let all: Vec<Arc<Process>> = inner.programs.iter().flat_map(|p| p.lock().processes.clone()).collect();
        for p in &all {
            p.lock().retiring = true;
            p.close_input();
        }
        for p in &inner.programs {
            p.wake.notify_one();
        }
        let all_gone = || all.iter().all(|p| p.lock().gone);
        inner.wait_until(Instant::now() + process::EXIT_WAIT, all_gone).await;
        for p in &all {
            p.kill(Kill::Shutdown);
        }
        inner
            .wait_until(Instant::now() + Duration::from_secs(2), all_gone)
            .await;
    }
}

/// The outcome of a job its process answered (or died holding).
async fn outcome_of(reply: Reply, process: &Process, mark: process::Mark) -> Outcome {
    match reply {
        Reply::Done(Some(r)) if r.get().len() > MAX_RESULT_BYTES => Outcome::Failure(Failure::fatal(
            "permanent failure",
            format!(
                "result is {} bytes, over the {MAX_RESULT_BYTES}-byte limit",
                r.get().len()
            ),
        )),
        Reply::Done(Some(r)) if r.get() != "null" => Outcome::Success(r.get().to_string()),
        Reply::Done(_) => Outcome::Success(String::new()),
        Reply::HandedBack => Outcome::Cancelled,
        Reply::Failed {
            snooze_ms,
            pause_queue_ms,
            pause_key_ms,
            ..
        } if snooze_ms.is_some() || pause_queue_ms.is_some() || pause_key_ms.is_some() => {
            Outcome::Snooze(crate::worker::handlers::SnoozeAsk {
                wait: snooze_ms.map(Duration::from_millis),
                pause_queue: pause_queue_ms.map(Duration::from_millis),
                pause_key: pause_key_ms.map(Duration::from_millis),
            })
        }
        Reply::Failed {
            error,
            retry,
            error_type,
            traceback,
            ..
        } => {
            let (stdout_tail, stderr_tail) = process.output_since(mark).await;
            let error = match &error_type {
                Some(t) if !t.is_empty() && !error.starts_with(t.as_str()) => format!("{t}: {error}"),
                _ => error,
            };
            Outcome::Failure(Failure {
                error,
                permanent: !retry,
                reason: (!retry).then_some("permanent failure"),
                stdout_tail,
                stderr_tail,
                error_type,
                traceback,
            })
        }
        Reply::Died(error) => {
            let (stdout_tail, stderr_tail) = process.output_since(mark).await;
            Outcome::Failure(Failure {
                error,
                stdout_tail,
                stderr_tail,
                ..Failure::default()
            })
        }
    }
}

enum Stopping {
    TimedOut,
    Stopped(Stop),
}

type Taken = (Arc<Process>, oneshot::Receiver<Reply>);

impl Program {
    fn lock(&self) -> std::sync::MutexGuard<'_, ProgramState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Inner {
    /// Waits until `done()` holds or `deadline` passes, looking again each
    /// time a process becomes ready, frees a slot or ends.
    async fn wait_until(&self, deadline: Instant, done: impl Fn() -> bool) {
        loop {
            let notified = self.changed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if done() || Instant::now() >= deadline {
                return;
            }
            let _ = tokio::time::timeout_at(deadline.into(), notified).await;
        }
    }

    /// Gives job `msg` to a free process of the program that serves its
    /// task, waiting for one until `deadline`; `Err` is the job's outcome
    /// when it cannot run (no process serves it, timed out waiting, the
    /// worker aborts, or the job must stop).
    async fn take_when_free(
        &self,
        msg: &crate::job::JobMessage,
        timeout: Duration,
        deadline: Instant,
        abort: &mut watch::Receiver<bool>,
        stop: &mut watch::Receiver<Stop>,
    ) -> Result<Taken, Outcome> {
        loop {
            let notified = self.changed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            let waiting_for = match self.route(&msg.task) {
                Route::Program(index) => match self.take(index, &msg.id) {
                    Some(taken) => return Ok(taken),
                    None => Some(index),
                },
                Route::NotYet => None,
                Route::Nobody => {
                    return Err(Outcome::Failure(Failure::fatal(
                        "no handler",
                        format!("no served process announced task {:?}", msg.task),
                    )));
                }
            };
            tokio::select! {
                _ = notified => {}
                _ = tokio::time::sleep_until(deadline.into()) => {
                    let what = match waiting_for {
                        Some(index) => format!("a free process of `{}`", self.programs[index].command),
                        None => "a served process to announce this task".to_string(),
                    };
                    return Err(Outcome::Failure(Failure::new(format!("{} waiting for {what}", timed_out(timeout).error))));
                }
                _ = abort.wait_for(|a| *a) => return Err(Outcome::Cancelled),
                Ok(why) = stop.wait_for(|s| *s != Stop::No) => return Err(stopped(*why)),
            }
        }
    }

    /// How many live processes a program needs: enough for `-c` jobs at
    /// once, or one until the first said how many jobs it takes.
    fn target(&self, st: &ProgramState) -> usize {
        match st.tasks {
            Some(_) => self.config.concurrency.div_ceil(st.per_process.max(1)),
            None => 1,
        }
    }

    fn route(&self, task: &str) -> Route {
        let mut not_yet = false;
        for (index, p) in self.programs.iter().enumerate() {
            match &p.lock().tasks {
                Some(tasks) if tasks.iter().any(|t| t == task) => return Route::Program(index),
                Some(_) => {}
                None => not_yet = true,
            }
        }
        if not_yet { Route::NotYet } else { Route::Nobody }
    }

    /// Gives job `id` to the least busy ready process of program `index` that has room.
    fn take(&self, index: usize, id: &str) -> Option<Taken> {
        let st = self.programs[index].lock();
        let mut best: Option<(&Arc<Process>, usize)> = None;
        for p in &st.processes {
            let s = p.lock();
            // One job id at a time per process: answers name only the id.
            if !s.ready || s.retiring || s.gone || s.jobs.len() >= s.concurrency || s.jobs.contains_key(id) {
                continue;
            }
            if best.is_none_or(|(_, n)| s.jobs.len() < n) {
                best = Some((p, s.jobs.len()));
            }
        }
        let (p, _) = best?;
        let (tx, rx) = oneshot::channel();
        p.lock().jobs.insert(id.to_string(), tx);
        Some((p.clone(), rx))
    }

    /// A job of `process` was answered: recycle it if it grew past `--max-rss-per-process`.
    fn after_job(&self, process: &Arc<Process>) {
        let Some(max) = self.config.max_rss else { return };
        let rss = process::tree_rss(process.pid);
        if rss <= max {
            return;
        }
        let idle = {
            let mut s = process.lock();
            if s.retiring || s.gone {
                return;
            }
            s.retiring = true;
            s.jobs.is_empty()
        };
        tracing::info!(pid = process.pid, command = %process.command, "served process uses {} MiB, over --max-rss-per-process: replacing it", rss / (1024 * 1024));
        if idle {
            process.close_input();
        }
        self.programs[process.program].wake.notify_one();
    }
}

impl process::Watcher for Inner {
    fn ready(&self, process: &Process) {
        let (tasks, concurrency) = {
            let s = process.lock();
            (s.tasks.clone(), s.concurrency)
        };
        if let Some(p) = self.programs.get(process.program) {
            let mut st = p.lock();
            if st.outage_logged {
                tracing::info!(command = %p.command, pid = process.pid, "served process is ready again");
            } else {
                tracing::info!(command = %p.command, pid = process.pid, tasks = ?tasks, concurrency, "served process ready");
            }
            st.tasks = Some(tasks.clone());
            st.per_process = concurrency;
            st.backoff = Duration::ZERO;
            st.retry_at = None;
            st.outage_logged = false;
            p.wake.notify_one();
        }
        self.changed.notify_waiters();
    }

    fn answered(&self, process: &Process) {
        let (retiring, idle) = {
            let s = process.lock();
            (s.retiring, s.jobs.is_empty())
        };
        if retiring {
            if idle {
                process.close_input();
            }
            // Its replacement starts now.
            self.programs[process.program].wake.notify_one();
        }
        self.changed.notify_waiters();
    }
}

/// Keeps program `index` at as many live processes as `-c` needs: starts
/// them, replaces those that end or retire, and backs off while they die
/// before saying `ready`.
async fn supervise(inner: Arc<Inner>, index: usize) {
    let program = &inner.programs[index];
    loop {
        let notified = program.wake.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        if inner.stopping.load(Ordering::Relaxed) {
            return;
        }
        let (missing, retry_at) = {
            let st = program.lock();
            let live = st.processes.iter().filter(|p| !p.lock().retiring).count();
            (inner.target(&st).saturating_sub(live), st.retry_at)
        };
        if let Some(at) = retry_at.filter(|at| *at > Instant::now()) {
            let _ = tokio::time::timeout_at(at.into(), notified).await;
            continue;
        }
        if missing == 0 {
            notified.await;
            continue;
        }
        for _ in 0..missing {
            if !spawn_one(&inner, index) {
                break;
            }
        }
    }
}

/// Starts one process of program `index` and the task that follows its
/// life. False if it could not be started (the backoff is set).
fn spawn_one(inner: &Arc<Inner>, index: usize) -> bool {
    let program = &inner.programs[index];
    let started = match process::start(&program.command, index, inner.config.max_jobs, &inner.config.withheld) {
        Ok(started) => started,
        Err(e) => {
            died_before_ready(inner, index, &format!("cannot be started: {e}"));
            return false;
        }
    };
    let process = started.process.clone();
    program.lock().processes.push(process.clone());
    let inner = inner.clone();
    tokio::spawn(async move {
        let end = process::live(started, inner.config.ready_timeout, inner.as_ref()).await;
        let was_ready = process.lock().ready;
        let program = &inner.programs[index];
        {
            let mut st = program.lock();
            st.processes.retain(|p| !Arc::ptr_eq(p, &process));
            if !inner.stopping.load(Ordering::Relaxed) {
                st.restarts += 1;
            }
        }
        let stopping = inner.stopping.load(Ordering::Relaxed);
        match &end {
            _ if stopping => {}
            End::Retired => {}
            End::Killed(Kill::NotReady) => died_before_ready(
                &inner,
                index,
                &format!(
                    "did not say ready within {}",
                    humantime::format_duration(inner.config.ready_timeout)
                ),
            ),
            End::Exited(how) | End::Broke(how) if !was_ready => died_before_ready(&inner, index, how),
            End::Exited(how) => {
                tracing::warn!(pid = process.pid, command = %program.command, "served process {how}: replacing it")
            }
            End::Broke(what) => {
                tracing::warn!(pid = process.pid, command = %program.command, "served process broke the protocol ({what}): replacing it")
            }
            End::Killed(_) => {}
        }
        program.wake.notify_one();
        inner.changed.notify_waiters();
    });
    true
}

/// A process of program `index` ended before it was ready: wait longer before the next.
fn died_before_ready(inner: &Inner, index: usize, how: &str) {
    let program = &inner.programs[index];
    let mut st = program.lock();
    st.backoff = (st.backoff * 2).clamp(FIRST_BACKOFF, MAX_BACKOFF);
    st.retry_at = Some(Instant::now() + st.backoff);
    if !st.outage_logged {
        st.outage_logged = true;
        tracing::error!(
            command = %program.command,
            "served process {how} before it was ready; restarting it in {}, then waiting up to {} between tries (logged once until it is ready)",
            humantime::format_duration(st.backoff),
            humantime::format_duration(MAX_BACKOFF)
        );
    }
    drop(st);
    // Jobs waiting for a command to announce its tasks look again.
    inner.changed.notify_waiters();
}
