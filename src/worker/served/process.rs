//! One served process: started with the protocol pipes on its fd 3 and fd 4,
//! its stdout and stderr passed on to the worker's log and kept (a tail per
//! job), and its life followed until it exits, breaks the protocol or is
//! killed. Whatever ends it, its process group is killed and every job it
//! still held gets an answer.

use super::protocol::{FD_IN, FD_OUT, FromProcess, MAX_LINE_BYTES};
use crate::worker::handlers::{OUTPUT_TAIL_BYTES, kill_group};
use serde_json::value::RawValue;
use std::collections::{HashMap, VecDeque};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::process::Stdio;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::unix::pipe;
use tokio::process::Child;
use tokio::sync::{mpsc, oneshot, watch};

/// How much of each of a process's output streams is kept to cut job tails from.
const KEPT_OUTPUT: usize = 64 * 1024;
/// How long a process whose fd 3 was closed (recycled, or the worker stops)
/// has to exit on its own before it is killed.
pub(super) const EXIT_WAIT: Duration = Duration::from_secs(5);
/// How long answers written just before a process exited are still read.
const LAST_WORDS: Duration = Duration::from_millis(500);

/// How a job held by a process ended.
#[derive(Debug)]
pub(super) enum Reply {
    /// It succeeded, with this result.
    Done(Option<Box<RawValue>>),
    /// The process said it failed.
    Failed {
        error: String,
        retry: bool,
        error_type: Option<String>,
        traceback: Option<String>,
        snooze_ms: Option<u64>,
        pause_queue_ms: Option<u64>,
        pause_key_ms: Option<u64>,
    },
    /// The process ended (crashed, broke the protocol) while it held the
    /// job: the attempt failed with this error.
    Died(String),
    /// The process was stopped for another job's sake, or because the
    /// worker stops: the job goes back to its queue without spending an attempt.
    HandedBack,
}

/// Why the worker kills a process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kill {
    /// A job it held had to stop and it did not answer the cancel in time.
    Stuck,
    /// It did not say `ready` in time.
    NotReady,
    /// The worker stops and its jobs are handed back.
    Shutdown,
}

/// How a process's life ended.
#[derive(Debug)]
pub(super) enum End {
    /// It exited (or closed fd 4) on its own.
    Exited(String),
    /// It wrote something that is not the protocol.
    Broke(String),
    /// The worker killed it.
    Killed(Kill),
    /// It exited after its fd 3 was closed: recycled or the worker stops.
    Retired,
}

/// What the pool knows of one process, under its lock.
#[derive(Debug, Default)]
pub(super) struct State {
    /// It said `ready`.
    pub ready: bool,
    /// Jobs it takes at once (from `ready`).
    pub concurrency: usize,
    /// The tasks it announced.
    pub tasks: Vec<String>,
    /// The jobs it holds, each with where its answer goes.
    pub jobs: HashMap<String, oneshot::Sender<Reply>>,
    /// Jobs it answered.
    pub served: u64,
    /// It takes no more jobs (recycled, or the worker stops); its fd 3 is
    /// closed once it holds none.
    pub retiring: bool,
    /// Its life is over.
    pub gone: bool,
}

/// A running served process.
pub(super) struct Process {
    /// Its pid (and process group id).
    pub pid: u32,
    /// The command it runs.
    pub command: String,
    /// Index of its command among the worker's `--serve` commands.
    pub program: usize,
    /// Answers after which it is retired (`--max-jobs-per-process`).
    max_jobs: Option<u64>,
    pub state: Mutex<State>,
    /// Lines for its fd 3; `None` once fd 3 is closed.
    to_process: Mutex<Option<mpsc::UnboundedSender<String>>>,
    kill: watch::Sender<Option<Kill>>,
    /// The last output of its stdout (0) and stderr (1).
    output: Mutex<[Stream; 2]>,
    /// Copies of its stdout and stderr read ends, to see whether output is
    /// still in the pipes before a failed job's tail is cut.
    output_fds: [OwnedFd; 2],
}

#[derive(Debug, Default)]
struct Stream {
    kept: VecDeque<u8>,
    written: u64,
}

/// Where each output stream stood when a job was sent.
pub(super) type Mark = [u64; 2];

impl Process {
    pub(super) fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Writes `line` on its fd 3 (lost if the process is ending: its jobs
    /// are answered when its life ends).
    pub(super) fn send(&self, line: String) {
        if let Some(tx) = self.to_process.lock().unwrap_or_else(|p| p.into_inner()).as_ref() {
            let _ = tx.send(line);
        }
    }

    /// Closes its fd 3: a served process exits once idle.
    pub(super) fn close_input(&self) {
        self.to_process.lock().unwrap_or_else(|p| p.into_inner()).take();
    }

    /// Kills it (and its process group) for `why`.
    pub(super) fn kill(&self, why: Kill) {
        self.kill.send_if_modified(|k| {
            if k.is_none() {
                *k = Some(why);
                true
            } else {
                false
            }
        });
    }

    /// Where its output streams stand now.
    pub(super) fn mark(&self) -> Mark {
        let streams = self.output.lock().unwrap_or_else(|p| p.into_inner());
        [streams[0].written, streams[1].written]
    }

    /// What it printed on stdout and stderr since `mark` (the last
    /// [`OUTPUT_TAIL_BYTES`] of each), once output already in the pipes was read.
    pub(super) async fn output_since(&self, mark: Mark) -> (String, String) {
        let settle_until = Instant::now() + Duration::from_millis(100);
        while self.output_fds.iter().any(|fd| unread(fd.as_raw_fd()) > 0) && Instant::now() < settle_until {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        let streams = self.output.lock().unwrap_or_else(|p| p.into_inner());
        let cut = |i: usize| {
            let s: &Stream = &streams[i];
            let new = (s.written - mark[i].min(s.written)) as usize;
            let n = new.min(s.kept.len()).min(OUTPUT_TAIL_BYTES);
            let bytes: Vec<u8> = s.kept.iter().skip(s.kept.len() - n).copied().collect();
            String::from_utf8_lossy(&bytes).into_owned()
        };
        (cut(0), cut(1))
    }

    fn record_output(&self, stream: usize, bytes: &[u8]) {
        let mut streams = self.output.lock().unwrap_or_else(|p| p.into_inner());
        let s = &mut streams[stream];
        s.written += bytes.len() as u64;
        s.kept.extend(bytes);
        let over = s.kept.len().saturating_sub(KEPT_OUTPUT);
        s.kept.drain(..over);
    }
}

/// Bytes waiting in the pipe `fd`.
fn unread(fd: RawFd) -> i32 {
    let mut n: libc::c_int = 0;
    // SAFETY: FIONREAD writes one int; fd is a pipe read end we own a copy of.
    let rc = unsafe { libc::ioctl(fd, libc::FIONREAD, &mut n) };
    if rc == 0 { n } else { 0 }
}

/// A started process and what its life task needs.
pub(super) struct Started {
    pub process: std::sync::Arc<Process>,
    child: Child,
    from_process: pipe::Receiver,
    kill: watch::Receiver<Option<Kill>>,
    outputs: [Option<Box<dyn AsyncRead + Unpin + Send>>; 2],
}

/// Starts `command` as a served process: through `sh -c` (with `exec` when
/// it is one plain command, so its pid is the program's own), in its own
/// process group, killed if the worker dies, with `withheld` variables
/// removed from its environment.
pub(super) fn start(
    command: &str,
    program: usize,
    max_jobs: Option<u64>,
    withheld: &[&str],
) -> std::io::Result<Started> {
    let (in_read, in_write) = pipe_pair()?;
    let (out_read, out_write) = pipe_pair()?;
    let mut cmd = tokio::process::Command::new("sh");
    cmd.arg("-c")
        .arg(shell_line(command))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env("TQ_PROTOCOL_IN", FD_IN.to_string())
        .env("TQ_PROTOCOL_OUT", FD_OUT.to_string())
        .process_group(0)
        .kill_on_drop(true);
    for name in withheld {
        cmd.env_remove(name);
    }
    let (child_in, child_out) = (in_read.as_raw_fd(), out_write.as_raw_fd());
    // SAFETY: between fork and exec only async-signal-safe calls (fcntl,
    // dup2, prctl) on descriptors this function owns.
    unsafe {
        cmd.pre_exec(move || {
            // Move both ends above the target numbers first, so placing one
            // can never overwrite the other.
            let a = libc::fcntl(child_in, libc::F_DUPFD_CLOEXEC, 10);
            let b = libc::fcntl(child_out, libc::F_DUPFD_CLOEXEC, 10);
            if a < 0 || b < 0 || libc::dup2(a, FD_IN) < 0 || libc::dup2(b, FD_OUT) < 0 {
                return Err(std::io::Error::last_os_error());
            }
            // A worker that dies (even SIGKILLed) takes its processes along.
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
            Ok(())
        });
    }
    let mut child = cmd.spawn()?;
    // The child's ends are its own now.
    drop(in_read);
    drop(out_write);
    let pid = child.id().unwrap_or(0);
    let stdout = child.stdout.take();
    let stderr = child.stderr.take();
    let output_fds = [
        dup_of(stdout.as_ref().map(|s| s.as_raw_fd()))?,
        dup_of(stderr.as_ref().map(|s| s.as_raw_fd()))?,
    ];
    let to_process = pipe::Sender::from_owned_fd(in_write)?;
    let from_process = pipe::Receiver::from_owned_fd(out_read)?;
    let (lines_tx, lines_rx) = mpsc::unbounded_channel();
    tokio::spawn(write_lines(to_process, lines_rx));
    let (kill_tx, kill) = watch::channel(None);
    let process = std::sync::Arc::new(Process {
        pid,
        command: command.to_string(),
        program,
        max_jobs,
        state: Mutex::new(State::default()),
        to_process: Mutex::new(Some(lines_tx)),
        kill: kill_tx,
        output: Mutex::new(Default::default()),
        output_fds,
    });
    let boxed = |s: Option<Box<dyn AsyncRead + Unpin + Send>>| s;
    Ok(Started {
        process,
        child,
        from_process,
        kill,
        outputs: [
            boxed(stdout.map(|s| Box::new(s) as Box<dyn AsyncRead + Unpin + Send>)),
            boxed(stderr.map(|s| Box::new(s) as Box<dyn AsyncRead + Unpin + Send>)),
        ],
    })
}

/// `exec COMMAND` when the command is one plain command line (words and
/// quotes only), so the process the worker watches is the program itself;
/// anything else (`cd app && python3 serve.py`) runs as written.
fn shell_line(command: &str) -> String {
    let plain =
        !command.chars().any(|c| ";&|<>()$`\\*?[]#~{}!\n".contains(c)) && !command.trim_start().starts_with("exec ");
    if plain {
        format!("exec {command}")
    } else {
        command.to_string()
    }
}

fn pipe_pair() -> std::io::Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0 as libc::c_int; 2];
    // SAFETY: pipe2 fills two descriptors, which we own from here on.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: both were just created and are owned by nobody else.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

fn dup_of(fd: Option<RawFd>) -> std::io::Result<OwnedFd> {
    let fd = fd.ok_or_else(|| std::io::Error::other("output pipe missing"))?;
    // SAFETY: fcntl duplicates a descriptor we hold; the copy is ours.
    let copy = unsafe { libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, 0) };
    if copy < 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: just created, owned by nobody else.
    Ok(unsafe { OwnedFd::from_raw_fd(copy) })
}

async fn write_lines(mut to: pipe::Sender, mut lines: mpsc::UnboundedReceiver<String>) {
    let mut batch = Vec::new();
    while lines.recv_many(&mut batch, 256).await > 0 {
        let bytes: String = batch.drain(..).collect();
        if to.write_all(bytes.as_bytes()).await.is_err() {
            // The process closed fd 3 or died: its life task answers its jobs.
            return;
        }
    }
}

/// Passes a process's output stream on to the log, line by line, and keeps it.
async fn pass_output(process: std::sync::Arc<Process>, stream: usize, reader: Box<dyn AsyncRead + Unpin + Send>) {
    let name = if stream == 0 { "stdout" } else { "stderr" };
    let mut reader = BufReader::new(reader);
    let mut line = Vec::new();
    loop {
        line.clear();
        match (&mut reader)
            .take(OUTPUT_TAIL_BYTES as u64)
            .read_until(b'\n', &mut line)
            .await
        {
            Ok(0) | Err(_) => return,
            Ok(_) => {
                process.record_output(stream, &line);
                let text = String::from_utf8_lossy(&line);
                tracing::info!(target: "tq::served", pid = process.pid, stream = name, "{}", text.trim_end());
            }
        }
    }
}

/// What the life of a process reports to its pool.
pub(super) trait Watcher: Send + Sync + 'static {
    /// The process said `ready`.
    fn ready(&self, process: &Process);
    /// The process answered a job (its slot is free).
    fn answered(&self, process: &Process);
}

/// Follows a started process until it ends: reads its answers, kills it on a
/// protocol error, after `ready_timeout` without `ready`, or when asked to,
/// and answers every job it still holds. Returns how it ended.
pub(super) async fn live(started: Started, ready_timeout: Duration, watcher: &dyn Watcher) -> End {
    let Started {
        process,
        mut child,
        from_process,
        mut kill,
        outputs,
    } = started;
    let mut passes = Vec::new();
    for (stream, reader) in outputs.into_iter().enumerate() {
        if let Some(reader) = reader {
            passes.push(tokio::spawn(pass_output(process.clone(), stream, reader)));
        }
    }
    let mut answers = BufReader::new(from_process);
    let ready_by = tokio::time::sleep(ready_timeout);
    tokio::pin!(ready_by);
    let mut line = Vec::new();
    let mut exit_status = None;
    let end = loop {
        let ready = process.lock().ready;
        line.clear();
        tokio::select! {
            read = read_line(&mut answers, &mut line) => match read {
                Ok(true) => {
                    if let Err(what) = handle(&process, &line, watcher) {
                        break End::Broke(what);
                    }
                }
                Ok(false) => break End::Exited(String::new()),
                Err(what) => break End::Broke(what),
            },
            status = child.wait() => {
                exit_status = Some(status);
                break End::Exited(String::new());
            }
            _ = &mut ready_by, if !ready => break End::Killed(Kill::NotReady),
            Ok(why) = kill.wait_for(Option::is_some) => break End::Killed(why.unwrap_or(Kill::Shutdown)),
        }
    };
    let retired = process.lock().retiring && process.to_process.lock().unwrap_or_else(|p| p.into_inner()).is_none();
    let end = match end {
        End::Exited(_) => {
            read_last_words(&mut answers, &process, watcher).await;
            if exit_status.is_none() {
                // fd 4 closed: give it a moment to exit by itself.
                exit_status = tokio::time::timeout(LAST_WORDS, child.wait()).await.ok();
            }
            let held = !process.lock().jobs.is_empty();
            match &exit_status {
                Some(Ok(status)) if retired && !held => {
                    tracing::debug!(pid = process.pid, "served process exited ({})", describe(status));
                    End::Retired
                }
                Some(Ok(status)) => End::Exited(describe(status)),
                Some(Err(e)) => End::Exited(format!("was lost track of ({e})")),
                None => End::Exited("closed fd 4 but did not exit".into()),
            }
        }
        other => other,
    };
    kill_group(Some(process.pid as libc::pid_t));
    let _ = child.wait().await;
    for pass in passes {
        // The pipes close with the group; a descendant that escaped it may hold them.
        if tokio::time::timeout(Duration::from_secs(1), pass).await.is_err() {
            tracing::debug!(
                pid = process.pid,
                "output of a served process still open after it ended"
            );
        }
    }
    let jobs: Vec<_> = {
        let mut state = process.lock();
        state.gone = true;
        state.jobs.drain().collect()
    };
    let reply = |end: &End| match end {
        End::Exited(how) => Reply::Died(format!(
            "served process `{}` (pid {}) {how}",
            process.command, process.pid
        )),
        End::Broke(what) => Reply::Died(format!(
            "served process `{}` (pid {}) broke the protocol: {what}",
            process.command, process.pid
        )),
        End::Killed(_) | End::Retired => Reply::HandedBack,
    };
    for (_, answer) in jobs {
        let _ = answer.send(reply(&end));
    }
    end
}

/// Handles the answers a process wrote just before it exited: they still
/// count (read for [`LAST_WORDS`] at most, until fd 4 ends or a bad line).
async fn read_last_words(answers: &mut BufReader<pipe::Receiver>, process: &Process, watcher: &dyn Watcher) {
    let deadline = tokio::time::sleep(LAST_WORDS);
    tokio::pin!(deadline);
    let mut line = Vec::new();
    loop {
        line.clear();
        tokio::select! {
            read = read_line(answers, &mut line) => match read {
                Ok(true) => {
                    if handle(process, &line, watcher).is_err() {
                        return;
                    }
                }
                _ => return,
            },
            _ = &mut deadline => return,
        }
    }
}

/// Reads one line of at most [`MAX_LINE_BYTES`]; false at end of input.
async fn read_line(reader: &mut BufReader<pipe::Receiver>, line: &mut Vec<u8>) -> Result<bool, String> {
    let n = reader
        .take(MAX_LINE_BYTES as u64)
        .read_until(b'\n', line)
        .await
        .map_err(|e| format!("cannot read fd 4: {e}"))?;
    if n == 0 {
        return Ok(false);
    }
    if line.last() != Some(&b'\n') && n >= MAX_LINE_BYTES {
        return Err(format!("a line on fd 4 is longer than {MAX_LINE_BYTES} bytes"));
    }
    Ok(true)
}

/// Acts on one line from fd 4; `Err` names a protocol error.
fn handle(process: &Process, line: &[u8], watcher: &dyn Watcher) -> Result<(), String> {
    let text = String::from_utf8_lossy(line);
    let text = text.trim();
    if text.is_empty() {
        return Ok(());
    }
    let message = FromProcess::parse(text).map_err(|e| {
        let shown: String = text.chars().take(80).collect();
        format!("{shown:?} on fd 4 is not a protocol message ({e})")
    })?;
    let (id, reply) = match message {
        FromProcess::Ready { tasks, concurrency } => {
            {
                let mut state = process.lock();
                if state.ready {
                    return Ok(());
                }
                state.ready = true;
                state.tasks = tasks;
                state.concurrency = concurrency.clamp(1, 10_000);
            }
            watcher.ready(process);
            return Ok(());
        }
        FromProcess::Done { id, result } => (id, Reply::Done(result)),
        FromProcess::Failed {
            id,
            error,
            retry,
            error_type,
            traceback,
            snooze_ms,
            pause_queue_ms,
            pause_key_ms,
        } => (
            id,
            Reply::Failed {
                error: error.unwrap_or_else(|| "failed (no error given)".into()),
                retry,
                error_type,
                traceback,
                snooze_ms,
                pause_queue_ms,
                pause_key_ms,
            },
        ),
        FromProcess::Unknown => return Ok(()),
    };
    let answer = {
        let mut state = process.lock();
        if !state.ready {
            return Err(format!("answered for job {id} before it said ready"));
        }
        let answer = state
            .jobs
            .remove(&id)
            .ok_or_else(|| format!("answered for job {id:?}, which it does not hold"))?;
        state.served += 1;
        // Decided with the answer, so no job slips in past the limit.
        if process.max_jobs.is_some_and(|max| state.served >= max) && !state.retiring {
            state.retiring = true;
            tracing::info!(pid = process.pid, command = %process.command, "served process answered {} jobs: replacing it", state.served);
        }
        answer
    };
    let _ = answer.send(reply);
    watcher.answered(process);
    Ok(())
}

/// "exited with status 3", "was killed by signal 9 (SIGKILL)".
fn describe(status: &std::process::ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => format!("exited with status {code}"),
        (None, Some(signal)) => format!("was killed by signal {signal} ({})", signal_name(signal)),
        _ => "ended".into(),
    }
}

fn signal_name(signal: i32) -> &'static str {
    match signal {
        libc::SIGKILL => "SIGKILL",
        libc::SIGTERM => "SIGTERM",
        libc::SIGSEGV => "SIGSEGV",
        libc::SIGABRT => "SIGABRT",
        libc::SIGINT => "SIGINT",
        libc::SIGBUS => "SIGBUS",
        libc::SIGPIPE => "SIGPIPE",
        libc::SIGHUP => "SIGHUP",
        _ => "signal",
    }
}

/// Resident memory of `pid` and its descendants, in bytes (0 once it is gone).
pub(super) fn tree_rss(pid: u32) -> u64 {
    // SAFETY: sysconf only reads a system constant.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) }.max(4096) as u64;
    let mut total = 0;
    let mut todo = vec![pid];
    let mut seen = 0;
    while let Some(p) = todo.pop() {
        seen += 1;
        if seen > 1000 {
            break;
        }
        if let Ok(statm) = std::fs::read_to_string(format!("/proc/{p}/statm")) {
            total += statm
                .split_whitespace()
                .nth(1)
                .and_then(|r| r.parse::<u64>().ok())
                .unwrap_or(0)
                * page;
        }
        if let Ok(children) = std::fs::read_to_string(format!("/proc/{p}/task/{p}/children")) {
            todo.extend(children.split_whitespace().filter_map(|c| c.parse::<u32>().ok()));
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_command_is_execed_and_a_compound_one_runs_as_written() {
        assert_eq!(shell_line("python3 app.py --x 'a b'"), "exec python3 app.py --x 'a b'");
        assert_eq!(shell_line("cd app && python3 serve.py"), "cd app && python3 serve.py");
        assert_eq!(shell_line("exec node w.js"), "exec node w.js");
        assert_eq!(shell_line("FOO=$HOME node w.js"), "FOO=$HOME node w.js");
    }

    #[test]
    fn own_memory_is_counted() {
        assert!(tree_rss(std::process::id()) > 0);
        assert_eq!(tree_rss(u32::MAX), 0);
    }
}
