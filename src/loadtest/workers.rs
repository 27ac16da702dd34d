//! The worker processes a load test starts: real `tq worker` processes, and
//! the chaos that SIGKILLs one of them at an interval and starts a replacement.

use crate::error::{Error, Result};
use rand::Rng;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;
use tokio::process::{Child, Command};
use tokio::sync::Mutex;

/// How to start one worker process.
#[derive(Debug, Clone)]
pub(crate) struct WorkerSpec {
    /// The `tq` binary.
    pub exe: PathBuf,
    /// Redis URL (passed in the environment, so no password shows in `ps`).
    pub url: String,
    /// Key prefix.
    pub prefix: String,
    /// Queues, highest priority first.
    pub queues: Vec<String>,
    /// `-c`.
    pub concurrency: usize,
    /// `--lease`.
    pub lease: Duration,
    /// `--serve` commands.
    pub serve: Vec<String>,
    /// `--min-replicas` and `--replica-timeout`.
    pub min_replicas: (u32, Duration),
}

impl WorkerSpec {
    fn spawn(&self) -> Result<Child> {
        Command::new(&self.exe)
            .env_remove("REDIS_URL")
            .env("TQ_REDIS_URL", &self.url)
            .env("TQ_PREFIX", &self.prefix)
            .env("TQ_MIN_REPLICAS", self.min_replicas.0.to_string())
            .args([
                "worker",
                "--quiet",
                "-Q",
                &self.queues.join(","),
                "-c",
                &self.concurrency.to_string(),
            ])
            .arg("--lease")
            .arg(humantime::format_duration(self.lease).to_string())
            .arg("--replica-timeout")
            .arg(humantime::format_duration(self.min_replicas.1).to_string())
            .args(self.serve.iter().flat_map(|c| ["--serve", c.as_str()]))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| Error::Failed(format!("cannot start worker {}: {e}", self.exe.display())))
    }
}

/// The running worker processes.
pub(crate) struct WorkerPool {
    spec: WorkerSpec,
    children: Vec<Child>,
    /// Workers killed by chaos so far.
    pub kills: u64,
}

impl WorkerPool {
    /// Starts `n` workers.
    pub(crate) fn start(spec: WorkerSpec, n: usize) -> Result<Self> {
        let children = (0..n).map(|_| spec.spawn()).collect::<Result<Vec<_>>>()?;
        Ok(WorkerPool {
            spec,
            children,
            kills: 0,
        })
    }

    /// True when every worker process has exited (crashed, or refused to start).
    pub(crate) fn all_exited(&mut self) -> bool {
        !self.children.is_empty() && self.children.iter_mut().all(|c| matches!(c.try_wait(), Ok(Some(_))))
    }

    /// SIGKILLs one worker at random and starts a replacement.
    pub(crate) async fn kill_one(&mut self) -> Result<()> {
        if self.children.is_empty() {
            return Ok(());
        }
        let victim = rand::rng().random_range(0..self.children.len());
        let mut child = self.children.swap_remove(victim);
        child.start_kill()?;
        child.wait().await?;
        self.kills += 1;
        self.children.push(self.spec.spawn()?);
        Ok(())
    }

    /// SIGTERMs every worker and waits for them (killing any still there after `grace`).
    pub(crate) async fn stop(&mut self, grace: Duration) {
        for child in &self.children {
            if let Some(pid) = child.id() {
                // SAFETY: kill only sends a signal to a child we started.
                unsafe {
                    libc::kill(pid as libc::pid_t, libc::SIGTERM);
                }
            }
        }
        for child in &mut self.children {
            if tokio::time::timeout(grace, child.wait()).await.is_err() {
                let _ = child.start_kill();
                let _ = child.wait().await;
            }
        }
        self.children.clear();
    }
}

/// Kills a random worker every `every` until the returned handle is aborted.
pub(crate) fn chaos(pool: Arc<Mutex<WorkerPool>>, every: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.tick().await;
        loop {
            tick.tick().await;
            if let Err(e) = pool.lock().await.kill_one().await {
                tracing::warn!("chaos: {e}");
            }
        }
    })
}
