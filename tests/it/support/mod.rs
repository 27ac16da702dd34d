//! Test harness: a private `redis-server` per test, started on a free port in
//! a temp dir and killed on drop, plus helpers to run the real `tq` binary.
//! Tests never touch a Redis they did not start.
#![allow(dead_code)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A redis-server owned by one test, plus a scratch directory.
pub struct RedisServer {
    server: Server,
    scratch: tempfile::TempDir,
}

enum Server {
    /// tq's own private-server launcher, the one `tq load-test --spawn-redis` uses.
    Throwaway(tq::spawn::SpawnedRedis),
    /// A server that keeps every write in its AOF (`appendfsync always`) in
    /// the scratch directory, so it can be killed and started again on its port.
    Durable { child: Option<Child>, port: u16 },
}

impl RedisServer {
    /// Starts a server on a free loopback port and waits until it answers PING.
    pub fn start() -> Self {
        RedisServer {
            server: Server::Throwaway(
                tq::spawn::SpawnedRedis::start()
                    .unwrap_or_else(|e| panic!("{e} (the README's set-up command installs redis-server)")),
            ),
            scratch: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// Starts a server that persists every write (AOF, fsync always) and can
    /// be crashed ([`RedisServer::crash`]) and started again ([`RedisServer::restart`]).
    pub fn start_durable() -> Self {
        let mut redis = RedisServer {
            server: Server::Durable {
                child: None,
                port: free_port(),
            },
            scratch: tempfile::tempdir().expect("temp dir"),
        };
        redis.restart();
        redis
    }

    /// SIGKILLs a durable server (what it acknowledged is in its AOF).
    pub fn crash(&mut self) {
        if let Server::Durable { child, .. } = &mut self.server
            && let Some(mut c) = child.take()
        {
            c.kill().unwrap();
            c.wait().unwrap();
        }
    }

    /// Starts a durable server (again) on its port from its AOF; waits for PING.
    pub fn restart(&mut self) {
        let dir = self.scratch.path().to_path_buf();
        let Server::Durable { child, port } = &mut self.server else {
            panic!("only a durable server restarts");
        };
        let spawned = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", ""])
            .args(["--appendonly", "yes", "--appendfsync", "always"])
            .arg("--dir")
            .arg(&dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server");
        *child = Some(spawned);
        wait_for_ping(*port, "redis-server to load its AOF and answer");
    }

    /// The server's port on 127.0.0.1.
    pub fn port(&self) -> u16 {
        match &self.server {
            Server::Throwaway(s) => s.port(),
            Server::Durable { port, .. } => *port,
        }
    }

    /// The server's URL.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/0", self.port())
    }

    /// A synchronous connection for looking at (or tampering with) Redis directly.
    pub fn conn(&self) -> redis::Connection {
        redis::Client::open(self.url()).unwrap().get_connection().unwrap()
    }

    /// A scratch directory that lives as long as the server.
    pub fn dir(&self) -> &Path {
        self.scratch.path()
    }

    /// Runs `tq worker --burst EXTRA...` until the queues are drained; asserts it exits 0.
    pub fn drain(&self, extra: &[&str]) {
        drain_at(&self.url(), extra);
    }

    /// `tq` with a clean environment pointed at this server.
    pub fn tq(&self) -> assert_cmd::Command {
        tq_at(&self.url())
    }

    /// `tq` as a plain process (for workers that tests signal or kill); its
    /// stderr goes to a log file so a chatty worker can never block on a pipe.
    pub fn spawn_tq(&self, args: &[&str]) -> Spawned {
        self.spawn_program(&tq_bin().display().to_string(), args)
    }

    /// Like [`RedisServer::spawn_tq`], for a program that runs tq (e.g. `faketime`).
    pub fn spawn_program(&self, program: &str, args: &[&str]) -> Spawned {
        spawn_at(&self.url(), self.dir(), program, args)
    }

    /// Enqueues one job through the CLI and returns its id.
    pub fn enqueue(&self, args: &[&str]) -> String {
        enqueue_at(&self.url(), args)
    }

    /// Enqueues `n` jobs of `task` with `args` on `queue` through the library,
    /// in one batch, with `max_retries`; returns their ids.
    pub fn enqueue_many(&self, queue: &str, task: &str, args: &str, max_retries: u32, n: usize) -> Vec<String> {
        self.with_broker(async |broker| {
            broker.register_queue(queue).await.unwrap();
            let jobs: Vec<_> = (0..n)
                .map(|_| {
                    let raw = serde_json::value::RawValue::from_string(args.to_string()).unwrap();
                    let mut req = tq::client::EnqueueRequest::new(task, raw, queue);
                    req.max_retries = max_retries;
                    tq::client::new_job_entry(&req.to_new_job().unwrap().0, tq::broker::Due::Now).unwrap()
                })
                .collect();
            assert_eq!(broker.enqueue(&broker.queue(queue), &jobs).await.unwrap(), n as u64);
            jobs.into_iter().map(|j| j.id).collect()
        })
    }

    /// The status of each job of `ids`, read through the library (one
    /// connection for all, where `tq status` would start a process per job).
    pub fn statuses(&self, ids: &[String]) -> Vec<tq::JobStatus> {
        self.with_broker(async |broker| {
            let client = tq::Client::new(broker);
            let mut out = Vec::new();
            for id in ids {
                out.push(
                    client
                        .status(id)
                        .await
                        .unwrap_or_else(|e| panic!("status of {id}: {e}")),
                );
            }
            out
        })
    }

    /// `tq serve EXTRA...` on a free loopback port, once it answers; its base URL.
    pub fn serve(&self, extra: &[&str]) -> (Spawned, String) {
        let listen = format!("127.0.0.1:{}", free_port());
        let mut args = vec!["serve", "--listen", &listen];
        args.extend_from_slice(extra);
        let spawned = self.spawn_tq(&args);
        let base = format!("http://{listen}");
        wait_until(Duration::from_secs(20), "tq serve to answer", || {
            curl(&[&format!("{base}/api/v1/openapi.json")]).0 != 0
        });
        (spawned, base)
    }

    /// Runs `f` with a library broker on this server (prefix `tq`), on a runtime of its own.
    pub fn with_broker<T>(&self, f: impl AsyncFnOnce(tq::broker::Broker) -> T) -> T {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async { f(self.broker().await).await })
    }

    /// A library broker on this server (key prefix `tq`, as the binary's).
    pub async fn broker(&self) -> tq::broker::Broker {
        let target = tq::broker::RedisTarget {
            url: self.url(),
            explicit: true,
        };
        tq::broker::Broker::connect(&target, "tq").await.unwrap()
    }

    /// `tq status ID --json`, parsed.
    pub fn status(&self, id: &str) -> serde_json::Value {
        self.json(&["status", id])
    }

    /// The value of `field` in `INFO section` ("blocked_clients" in
    /// "clients", "cmdstat_xread" in "commandstats": "calls=3,usec=..."),
    /// read on a connection of its own.
    pub fn info_field(&self, section: &str, field: &str) -> Option<String> {
        let info: String = redis::cmd("INFO").arg(section).query(&mut self.conn()).unwrap();
        let prefix = format!("{field}:");
        info.lines()
            .find_map(|l| l.strip_prefix(&prefix))
            .map(|v| v.trim().to_string())
    }

    /// `tq inspect --json`, parsed.
    pub fn inspect(&self) -> serde_json::Value {
        self.json(&["inspect"])
    }

    /// Runs `tq ARGS --json`, asserts success and parses stdout.
    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        json_at(&self.url(), args)
    }

    /// The row of `queue` in `tq inspect --json`.
    pub fn queue_stats(&self, queue: &str) -> serde_json::Value {
        let all = self.inspect();
        all["queues"]
            .as_array()
            .unwrap()
            .iter()
            .find(|q| q["name"] == queue)
            .cloned()
            .unwrap_or_else(|| panic!("queue {queue} not in {all}"))
    }
}

/// Path of the `tq` binary under test.
pub fn tq_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_tq"))
}

/// Removes variables that would make a spawned `tq` depend on the caller's environment.
fn hermetic(cmd: &mut assert_cmd::Command) -> &mut assert_cmd::Command {
    for key in callers_settings() {
        cmd.env_remove(&key);
    }
    cmd
}

/// The same for a plain process.
pub fn clear_env(cmd: &mut Command) {
    for key in callers_settings() {
        cmd.env_remove(&key);
    }
}

/// The caller's variables that would change what a spawned `tq` does.
fn callers_settings() -> Vec<String> {
    std::env::vars()
        .map(|(key, _)| key)
        .filter(|key| key.starts_with("TQ_") || matches!(key.as_str(), "REDIS_URL" | "NO_COLOR" | "RUST_LOG"))
        .collect()
}

/// `tq` with a clean environment pointed at the Redis at `url`.
pub fn tq_at(url: &str) -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::new(tq_bin());
    // Clear the caller's settings first, then point at this server.
    hermetic(&mut cmd).env("TQ_REDIS_URL", url);
    cmd
}

/// `tq worker --burst EXTRA...` against `url` until drained; asserts it exits 0.
pub fn drain_at(url: &str, extra: &[&str]) {
    tq_at(url)
        .args(["worker", "--burst"])
        .args(extra)
        .timeout(Duration::from_secs(60))
        .assert()
        .success();
}

/// `tq enqueue ARGS` against `url`; asserts success and returns the id.
fn enqueue_at(url: &str, args: &[&str]) -> String {
    let out = tq_at(url).arg("enqueue").args(args).output().unwrap();
    assert!(
        out.status.success(),
        "enqueue {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// `tq ARGS --json` against `url`; asserts success and parses stdout.
fn json_at(url: &str, args: &[&str]) -> serde_json::Value {
    let out = tq_at(url).args(args).arg("--json").output().unwrap();
    assert!(
        out.status.success(),
        "tq {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("tq {args:?}: not JSON ({e}): {out:?}"))
}

/// `program ARGS` as a plain process pointed at `url`, in its own process
/// group (so dropping it also ends what it started: faketime runs tq as a
/// child). stderr goes to `<dir>/tq-N.log` so a chatty worker never blocks on
/// a pipe, stdout to `tq-N.out` beside it.
pub fn spawn_at(url: &str, dir: &Path, program: &str, args: &[&str]) -> Spawned {
    static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let log = dir.join(format!("tq-{n}.log"));
    let mut cmd = Command::new(program);
    clear_env(&mut cmd);
    std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
    let child = cmd
        .env("TQ_REDIS_URL", url)
        .args(args)
        .stdout(std::fs::File::create(log.with_extension("out")).unwrap())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .expect("spawn tq");
    Spawned { child, log }
}

/// Waits until the redis-server on `port` answers PING.
fn wait_for_ping(port: u16, what: &str) {
    let url = format!("redis://127.0.0.1:{port}/");
    wait_until(Duration::from_secs(20), what, || {
        redis::Client::open(url.as_str())
            .and_then(|c| c.get_connection())
            .and_then(|mut c| redis::cmd("PING").query::<String>(&mut c))
            .is_ok()
    });
}

/// Lines of a file that test handlers append to (none if it does not exist yet).
pub fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(str::to_string)
        .collect()
}

/// A loopback port nothing listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A free loopback port a cluster node can use: its bus listens 10,000
/// above it, so the port must be at most 55535 (redis-server refuses to
/// start otherwise) and the bus port free too.
pub fn free_cluster_port() -> u16 {
    loop {
        let port = free_port();
        if port <= 55_535 && TcpListener::bind(("127.0.0.1", port + 10_000)).is_ok() {
            return port;
        }
    }
}

/// Polls `check` until it returns true; panics with `what` after `within`.
pub fn wait_until(within: Duration, what: &str, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + within;
    while !check() {
        assert!(
            Instant::now() < deadline,
            "timed out after {within:?} waiting for: {what}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Polls `check` until it returns true (true) or `within` passed (false).
pub fn poll(within: Duration, mut check: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + within;
    while !check() {
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    true
}

/// A `tq` process started by a test; killed if the test ends first.
pub struct Spawned {
    /// The process.
    pub child: Child,
    /// Where its stderr goes.
    pub log: PathBuf,
}

impl Spawned {
    /// What it wrote on stderr so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Sends `sig` (e.g. `libc::SIGTERM`).
    pub fn signal(&self, sig: i32) {
        // SAFETY: kill only sends a signal to our own child.
        unsafe {
            libc::kill(self.child.id() as libc::pid_t, sig);
        }
    }

    /// Waits for it to exit; kills it and panics (showing its log) after `within`.
    pub fn wait_exit(&mut self, within: Duration) -> std::process::ExitStatus {
        let deadline = Instant::now() + within;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                let _ = self.child.wait();
                panic!("tq did not exit within {within:?}; its log:\n{}", self.log());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Spawned {
    fn drop(&mut self) {
        // SAFETY: killpg only sends a signal, to the group this test started.
        unsafe {
            libc::killpg(self.child.id() as libc::pid_t, libc::SIGKILL);
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A local Redis Cluster of `masters` nodes (no replicas), each a
/// `redis-server --cluster-enabled yes` on a free port in its own temp dir,
/// joined with `redis-cli --cluster create`; stopped on drop.
pub struct RedisCluster {
    nodes: Vec<(Child, u16)>,
    scratch: tempfile::TempDir,
}

impl RedisCluster {
    /// Starts the nodes, creates the cluster and waits for `cluster_state:ok` on each.
    pub fn start(masters: usize) -> Self {
        Self::start_with_replicas(masters, 0)
    }

    /// Like [`RedisCluster::start`], with `replicas` replicas per master and
    /// a 1 s node timeout, so a replica takes over soon after its master dies.
    pub fn start_with_replicas(masters: usize, replicas: usize) -> Self {
        let scratch = tempfile::tempdir().expect("temp dir");
        let mut nodes = Vec::new();
        for n in 0..masters * (1 + replicas) {
            let port = free_cluster_port();
            let dir = scratch.path().join(format!("node{n}"));
            std::fs::create_dir_all(&dir).unwrap();
            let child = Command::new("redis-server")
                .args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", ""])
                .args([
                    "--appendonly",
                    "no",
                    "--cluster-enabled",
                    "yes",
                    "--cluster-config-file",
                    "nodes.conf",
                    "--cluster-node-timeout",
                    "1000",
                    // A fresh replica may otherwise count as too stale to take over.
                    "--cluster-replica-validity-factor",
                    "0",
                ])
                .arg("--dir")
                .arg(&dir)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("redis-server");
            nodes.push((child, port));
        }
        let cluster = RedisCluster { nodes, scratch };
        for (_, port) in &cluster.nodes {
            wait_for_ping(*port, "a cluster node to answer");
        }
        let addrs: Vec<String> = cluster.nodes.iter().map(|(_, p)| format!("127.0.0.1:{p}")).collect();
        let out = Command::new("redis-cli")
            .args(["--cluster", "create"])
            .args(&addrs)
            .args(["--cluster-replicas", &replicas.to_string(), "--cluster-yes"])
            .output()
            .expect("redis-cli --cluster create");
        assert!(
            out.status.success(),
            "cluster create: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        for (_, port) in &cluster.nodes {
            let url = format!("redis://127.0.0.1:{port}/");
            wait_until(Duration::from_secs(30), "the cluster to be ok on every node", || {
                let info: String = redis::Client::open(url.as_str())
                    .and_then(|c| c.get_connection())
                    .and_then(|mut c| redis::cmd("CLUSTER").arg("INFO").query(&mut c))
                    .unwrap_or_default();
                info.contains("cluster_state:ok")
            });
        }
        cluster
    }

    /// The URL of one node (tq finds the others).
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.nodes[0].1)
    }

    /// The port of the master that holds `key`'s slot.
    pub fn port_of(&self, key: &str) -> u16 {
        let mut c = redis::Client::open(self.url()).unwrap().get_connection().unwrap();
        let slot: i64 = redis::cmd("CLUSTER").arg("KEYSLOT").arg(key).query(&mut c).unwrap();
        let shards: Vec<Vec<redis::Value>> = redis::cmd("CLUSTER").arg("SLOTS").query(&mut c).unwrap();
        for shard in shards {
            let (start, end): (i64, i64) = (
                redis::from_redis_value(shard[0].clone()).unwrap(),
                redis::from_redis_value(shard[1].clone()).unwrap(),
            );
            if (start..=end).contains(&slot) {
                let node: Vec<redis::Value> = redis::from_redis_value(shard[2].clone()).unwrap();
                return redis::from_redis_value::<i64>(node[1].clone()).unwrap() as u16;
            }
        }
        panic!("no node holds slot {slot}");
    }

    /// Runs `tq worker --burst EXTRA...` against the cluster; asserts it exits 0.
    pub fn drain(&self, extra: &[&str]) {
        drain_at(&self.url(), extra);
    }

    /// `tq` with a clean environment pointed at this cluster.
    pub fn tq(&self) -> assert_cmd::Command {
        tq_at(&self.url())
    }

    /// Enqueues one job through the CLI and returns its id.
    pub fn enqueue(&self, args: &[&str]) -> String {
        enqueue_at(&self.url(), args)
    }

    /// Runs `tq ARGS --json`, asserts success and parses stdout.
    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        json_at(&self.url(), args)
    }

    /// A scratch directory that lives as long as the cluster.
    pub fn dir(&self) -> &Path {
        self.scratch.path()
    }
}

impl Drop for RedisCluster {
    fn drop(&mut self) {
        for (child, _) in &mut self.nodes {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A redis-server that accepts only TLS, with a private CA made by openssl
/// for the test; clients trust it through `SSL_CERT_FILE`.
pub struct TlsRedisServer {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl TlsRedisServer {
    /// Makes a CA and a server certificate for 127.0.0.1, starts the server, waits for PING.
    pub fn start() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let sh = |script: &str| {
            let out = Command::new("sh")
                .current_dir(dir.path())
                .args(["-c", script])
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{script}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        };
        sh(
            "openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj '/CN=tq test CA' \
            && openssl req -newkey rsa:2048 -nodes -keyout srv.key -out srv.csr -subj /CN=127.0.0.1 \
            && printf 'subjectAltName=IP:127.0.0.1\\nbasicConstraints=CA:FALSE\\n' > ext.cnf \
            && openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out srv.pem -days 2 -extfile ext.cnf",
        );
        let port = free_port();
        let child = Command::new("redis-server")
            .current_dir(dir.path())
            .args(["--port", "0", "--tls-port", &port.to_string(), "--bind", "127.0.0.1"])
            .args([
                "--tls-cert-file",
                "srv.pem",
                "--tls-key-file",
                "srv.key",
                "--tls-ca-cert-file",
                "ca.pem",
            ])
            .args(["--tls-auth-clients", "no", "--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server");
        let server = TlsRedisServer { child, port, dir };
        wait_until(Duration::from_secs(10), "TLS redis-server to answer", || {
            Command::new("redis-cli")
                .current_dir(server.dir.path())
                .args(["--tls", "--cacert", "ca.pem", "-p", &port.to_string(), "ping"])
                .output()
                .is_ok_and(|o| o.stdout.starts_with(b"PONG"))
        });
        server
    }

    /// Its `rediss://` URL.
    pub fn url(&self) -> String {
        format!("rediss://127.0.0.1:{}/0", self.port)
    }

    /// `tq` pointed at it, trusting its CA.
    pub fn tq(&self) -> assert_cmd::Command {
        let mut cmd = assert_cmd::Command::new(tq_bin());
        hermetic(&mut cmd)
            .env("TQ_REDIS_URL", self.url())
            .env("SSL_CERT_FILE", self.dir.path().join("ca.pem"));
        cmd
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.crash();
    }
}

impl Drop for TlsRedisServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl RedisCluster {
    /// SIGKILLs the node on `port`.
    pub fn kill_node(&mut self, port: u16) {
        for (child, p) in &mut self.nodes {
            if *p == port {
                let _ = child.kill();
                let _ = child.wait();
            }
        }
        // Gone from the list, so url() names a node that answers.
        self.nodes.retain(|(_, p)| *p != port);
    }

    /// The node id and port of every master.
    pub fn masters(&self) -> Vec<(String, u16)> {
        let mut c = redis::Client::open(self.url()).unwrap().get_connection().unwrap();
        let nodes: String = redis::cmd("CLUSTER").arg("NODES").query(&mut c).unwrap();
        nodes
            .lines()
            .filter(|l| l.contains("master") && !l.contains("fail"))
            .map(|l| {
                let fields: Vec<&str> = l.split(' ').collect();
                let port = fields[1].split(['@', ':']).nth(1).unwrap().parse().unwrap();
                (fields[0].to_string(), port)
            })
            .collect()
    }

    /// Moves hash slot `slot` to the master on `to_port`, key by key, while
    /// clients keep running (the steps `redis-cli --cluster reshard` takes).
    pub fn move_slot(&self, slot: i64, to_port: u16) {
        let masters = self.masters();
        let conn = |port: u16| {
            redis::Client::open(format!("redis://127.0.0.1:{port}/"))
                .unwrap()
                .get_connection()
                .unwrap()
        };
        let mut any = conn(masters[0].1);
        let from_port = {
            let shards: Vec<Vec<redis::Value>> = redis::cmd("CLUSTER").arg("SLOTS").query(&mut any).unwrap();
            shards
                .iter()
                .find_map(|s| {
                    let start: i64 = redis::from_redis_value(s[0].clone()).unwrap();
                    let end: i64 = redis::from_redis_value(s[1].clone()).unwrap();
                    let node: Vec<redis::Value> = redis::from_redis_value(s[2].clone()).unwrap();
                    (start..=end)
                        .contains(&slot)
                        .then(|| redis::from_redis_value::<u16>(node[1].clone()).unwrap())
                })
                .unwrap()
        };
        let id_of = |port: u16| masters.iter().find(|(_, p)| *p == port).unwrap().0.clone();
        let (from_id, to_id) = (id_of(from_port), id_of(to_port));
        let (mut from, mut to) = (conn(from_port), conn(to_port));
        let _: () = redis::cmd("CLUSTER")
            .arg("SETSLOT")
            .arg(slot)
            .arg("IMPORTING")
            .arg(&from_id)
            .query(&mut to)
            .unwrap();
        let _: () = redis::cmd("CLUSTER")
            .arg("SETSLOT")
            .arg(slot)
            .arg("MIGRATING")
            .arg(&to_id)
            .query(&mut from)
            .unwrap();
        loop {
            let keys: Vec<String> = redis::cmd("CLUSTER")
                .arg("GETKEYSINSLOT")
                .arg(slot)
                .arg(10)
                .query(&mut from)
                .unwrap();
            if keys.is_empty() {
                break;
            }
            let _: redis::Value = redis::cmd("MIGRATE")
                .arg("127.0.0.1")
                .arg(to_port)
                .arg("")
                .arg(0)
                .arg(10_000)
                .arg("KEYS")
                .arg(&keys)
                .query(&mut from)
                .unwrap();
        }
        for (_, port) in &masters {
            let _: () = redis::cmd("CLUSTER")
                .arg("SETSLOT")
                .arg(slot)
                .arg("NODE")
                .arg(&to_id)
                .query(&mut conn(*port))
                .unwrap();
        }
    }

    /// The hash slot of `key`.
    pub fn slot_of(&self, key: &str) -> i64 {
        let mut c = redis::Client::open(self.url()).unwrap().get_connection().unwrap();
        redis::cmd("CLUSTER").arg("KEYSLOT").arg(key).query(&mut c).unwrap()
    }

    /// `tq` as a plain process pointed at this cluster (see `spawn_at`).
    pub fn spawn_tq(&self, args: &[&str]) -> Spawned {
        spawn_at(&self.url(), self.dir(), &tq_bin().display().to_string(), args)
    }
}

/// `curl -s ARGS`: (HTTP status, body); status 0 when nothing answered.
pub fn curl(args: &[&str]) -> (u16, String) {
    let out = Command::new("curl")
        .args(["-s", "-o", "-", "-w", "\n%{http_code}"])
        .args(args)
        .output()
        .expect("curl runs");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let (body, code) = text.rsplit_once('\n').unwrap_or(("", "0"));
    (code.trim().parse().unwrap_or(0), body.to_string())
}

/// True while process `pid` exists and is not a zombie.
pub fn pid_alive(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        // The state follows the command name in parentheses.
        Ok(stat) => stat
            .rsplit(')')
            .next()
            .is_some_and(|rest| !rest.trim_start().starts_with('Z')),
        Err(_) => false,
    }
}

/// A master, one replica and three Sentinels watching them (quorum 2,
/// master down after 1 s), all on free loopback ports and stopped on drop.
pub struct RedisSentinels {
    /// The data nodes: (process, port); the first started as the master.
    nodes: Vec<(Child, u16)>,
    sentinels: Vec<(Child, u16)>,
    scratch: tempfile::TempDir,
}

/// The master's name in the Sentinels' configuration.
pub const SENTINEL_MASTER: &str = "tqmaster";

impl RedisSentinels {
    /// Starts them and waits until every Sentinel knows the replica and the other Sentinels.
    pub fn start() -> Self {
        let scratch = tempfile::tempdir().expect("temp dir");
        let mut nodes: Vec<(Child, u16)> = Vec::new();
        for n in 0..2 {
            let port = free_port();
            let dir = scratch.path().join(format!("node{n}"));
            std::fs::create_dir_all(&dir).unwrap();
            let mut cmd = Command::new("redis-server");
            cmd.args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", ""])
                .args(["--appendonly", "no"])
                .arg("--dir")
                .arg(&dir);
            if let Some((_, master)) = nodes.first() {
                cmd.args(["--replicaof", "127.0.0.1", &master.to_string()]);
            }
            let child = cmd
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("redis-server");
            nodes.push((child, port));
            wait_for_ping(port, "a data node to answer");
        }
        let master = nodes[0].1;
        wait_until(Duration::from_secs(30), "the replica to finish its first sync", || {
            redis::Client::open(format!("redis://127.0.0.1:{master}/"))
                .and_then(|c| c.get_connection())
                .and_then(|mut c| redis::cmd("INFO").arg("replication").query::<String>(&mut c))
                .is_ok_and(|info| info.contains("state=online"))
        });
        let mut sentinels = Vec::new();
        for n in 0..3 {
            let port = free_port();
            let conf = scratch.path().join(format!("sentinel{n}.conf"));
            std::fs::write(
                &conf,
                format!(
                    "port {port}\nbind 127.0.0.1\ndir {dir}\n\
                     sentinel monitor {SENTINEL_MASTER} 127.0.0.1 {master} 2\n\
                     sentinel down-after-milliseconds {SENTINEL_MASTER} 1000\n\
                     sentinel failover-timeout {SENTINEL_MASTER} 4000\n\
                     sentinel parallel-syncs {SENTINEL_MASTER} 1\n",
                    dir = scratch.path().display()
                ),
            )
            .unwrap();
            let child = Command::new("redis-server")
                .arg(&conf)
                .arg("--sentinel")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("redis-server --sentinel");
            sentinels.push((child, port));
            wait_for_ping(port, "a Sentinel to answer");
        }
        let set = RedisSentinels {
            nodes,
            sentinels,
            scratch,
        };
        for (_, port) in &set.sentinels {
            wait_until(
                Duration::from_secs(30),
                "each Sentinel to know the replica and the others",
                || {
                    let info = sentinel_info(*port);
                    info.contains("slaves=1") && info.contains("sentinels=3")
                },
            );
        }
        set
    }

    /// `redis+sentinel://` naming all three Sentinels.
    pub fn url(&self) -> String {
        let hosts: Vec<String> = self.sentinels.iter().map(|(_, p)| format!("127.0.0.1:{p}")).collect();
        format!("redis+sentinel://{}/{SENTINEL_MASTER}", hosts.join(","))
    }

    /// The port of the node the Sentinels call the master now.
    pub fn master_port(&self) -> u16 {
        let mut c = redis::Client::open(format!("redis://127.0.0.1:{}/", self.sentinels[0].1))
            .unwrap()
            .get_connection()
            .unwrap();
        let (_, port): (String, u16) = redis::cmd("SENTINEL")
            .arg("GET-MASTER-ADDR-BY-NAME")
            .arg(SENTINEL_MASTER)
            .query(&mut c)
            .unwrap();
        port
    }

    /// A connection to the current master.
    pub fn master(&self) -> redis::Connection {
        redis::Client::open(format!("redis://127.0.0.1:{}/0", self.master_port()))
            .unwrap()
            .get_connection()
            .unwrap()
    }

    /// SIGKILLs the current master and waits until the Sentinels promoted
    /// the replica and it accepts writes. Returns the new master's port.
    pub fn kill_master(&mut self) -> u16 {
        let old = self.master_port();
        for (child, port) in &mut self.nodes {
            if *port == old {
                child.kill().unwrap();
                child.wait().unwrap();
            }
        }
        wait_until(Duration::from_secs(60), "the Sentinels to promote the replica", || {
            self.sentinels.iter().all(|(_, p)| {
                let info = sentinel_info(*p);
                !info.contains(&format!(":{old},")) && info.contains("status=ok")
            })
        });
        let new = self.master_port();
        wait_until(Duration::from_secs(20), "the new master to say it is one", || {
            redis::Client::open(format!("redis://127.0.0.1:{new}/"))
                .and_then(|c| c.get_connection())
                .and_then(|mut c| redis::cmd("ROLE").query::<Vec<redis::Value>>(&mut c))
                .is_ok_and(|r| matches!(r.first(), Some(redis::Value::BulkString(b)) if b == b"master"))
        });
        new
    }

    /// A scratch directory that lives as long as the servers.
    pub fn dir(&self) -> &Path {
        self.scratch.path()
    }

    /// `tq` with a clean environment pointed at the Sentinels.
    pub fn tq(&self) -> assert_cmd::Command {
        tq_at(&self.url())
    }

    /// Runs `tq ARGS` in the background against the Sentinels.
    pub fn spawn_tq(&self, args: &[&str]) -> Spawned {
        spawn_at(&self.url(), self.dir(), &tq_bin().display().to_string(), args)
    }

    /// Enqueues one job through the CLI and returns its id.
    pub fn enqueue(&self, args: &[&str]) -> String {
        enqueue_at(&self.url(), args)
    }

    /// `tq ARGS --json`, parsed.
    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        json_at(&self.url(), args)
    }
}

/// `INFO sentinel` of the Sentinel on `port` (empty if it does not answer).
fn sentinel_info(port: u16) -> String {
    redis::Client::open(format!("redis://127.0.0.1:{port}/"))
        .and_then(|c| c.get_connection())
        .and_then(|mut c| redis::cmd("INFO").arg("sentinel").query(&mut c))
        .unwrap_or_default()
}

impl Drop for RedisSentinels {
    fn drop(&mut self) {
        for (child, _) in self.sentinels.iter_mut().chain(self.nodes.iter_mut()) {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
