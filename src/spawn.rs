//! A private, throwaway `redis-server` for `tq load-test --spawn-redis`: on a
//! free loopback port, in its own temp dir, stopped and removed on drop.

use crate::error::{Error, Result};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running private Redis.
pub struct SpawnedRedis {
    child: Child,
    port: u16,
    dir: PathBuf,
}

impl SpawnedRedis {
    /// Starts `redis-server` from PATH on a free port and waits until it
    /// answers PING (trying another port if one was taken in the meantime).
    pub fn start() -> Result<Self> {
        Self::start_with(&[])
    }

    /// Like [`SpawnedRedis::start`], with extra `redis-server` arguments
    /// (`--replicaof HOST PORT` for a replica, say).
    pub fn start_with(extra: &[&str]) -> Result<Self> {
        let mut last = None;
        for _ in 0..5 {
            match Self::start_once(extra) {
                Ok(redis) => return Ok(redis),
                Err(e @ Error::Failed(_)) if e.to_string().starts_with("cannot start") => return Err(e),
                Err(e) => last = Some(e),
            }
        }
        Err(last.unwrap_or_else(|| Error::Failed("redis-server did not start".into())))
    }

    fn start_once(extra: &[&str]) -> Result<Self> {
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let dir = std::env::temp_dir().join(format!("tq-redis-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        let child = Command::new("redis-server")
            .args([
                "--port",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .args(extra)
            .arg("--dir")
            .arg(&dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| {
                let _ = std::fs::remove_dir_all(&dir);
                Error::Failed(format!(
                    "cannot start redis-server ({e}): install it (scripts/setup does) or pass --redis URL"
                ))
            })?;
        let mut redis = SpawnedRedis { child, port, dir };
        let deadline = Instant::now() + Duration::from_secs(10);
        while !redis.answers_ping() {
            if Instant::now() > deadline || matches!(redis.child.try_wait(), Ok(Some(_))) {
                return Err(Error::Failed(format!("redis-server on port {port} did not start")));
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        Ok(redis)
    }

    /// Its private directory (removed with it).
    pub fn dir(&self) -> &std::path::Path {
        &self.dir
    }

    fn answers_ping(&self) -> bool {
        let Ok(mut s) = TcpStream::connect(("127.0.0.1", self.port)) else {
            return false;
        };
        let mut buf = [0u8; 7];
        s.write_all(b"PING\r\n").is_ok() && s.read_exact(&mut buf).is_ok() && &buf == b"+PONG\r\n"
    }

    /// Its port on 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Its process id (to signal it).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Its URL.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/0", self.port)
    }
}

impl Drop for SpawnedRedis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A private, throwaway Redis Cluster of `masters` nodes (no replicas) for
/// `tq load-test --spawn-redis --cluster N`: each node a [`SpawnedRedis`]
/// with cluster mode on, joined by `redis-cli --cluster create`; all stopped
/// and removed on drop.
pub struct SpawnedCluster {
    nodes: Vec<SpawnedRedis>,
}

impl SpawnedCluster {
    /// Starts the nodes, creates the cluster and waits until every node says `cluster_state:ok`.
    pub fn start(masters: usize) -> Result<Self> {
        if masters < 3 {
            return Err(Error::InvalidInput(format!(
                "--cluster {masters}: Redis Cluster needs at least 3 masters"
            )));
        }
        let mut nodes = Vec::new();
        for _ in 0..masters {
            nodes.push(SpawnedRedis::start_with(&[
                "--cluster-enabled",
                "yes",
                "--cluster-config-file",
                "nodes.conf",
            ])?);
        }
        let cluster = SpawnedCluster { nodes };
        let addrs: Vec<String> = cluster.nodes.iter().map(|n| format!("127.0.0.1:{}", n.port)).collect();
        let out = Command::new("redis-cli")
            .args(["--cluster", "create"])
            .args(&addrs)
            .args(["--cluster-replicas", "0", "--cluster-yes"])
            .stdin(Stdio::null())
            .output()
            .map_err(|e| Error::Failed(format!("cannot run redis-cli --cluster create ({e})")))?;
        if !out.status.success() {
            return Err(Error::Failed(format!(
                "redis-cli --cluster create failed: {}",
                String::from_utf8_lossy(&out.stdout).lines().last().unwrap_or("")
            )));
        }
        let deadline = Instant::now() + Duration::from_secs(30);
        for node in &cluster.nodes {
            while !node.cluster_ok() {
                if Instant::now() > deadline {
                    return Err(Error::Failed(
                        "the spawned cluster did not reach cluster_state:ok".into(),
                    ));
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        Ok(cluster)
    }

    /// The URL of its first node (tq finds the others).
    pub fn url(&self) -> String {
        self.nodes.first().map(SpawnedRedis::url).unwrap_or_default()
    }
}

impl SpawnedRedis {
    fn cluster_ok(&self) -> bool {
        redis::Client::open(self.url())
            .and_then(|c| c.get_connection_with_timeout(Duration::from_secs(1)))
            .and_then(|mut c| redis::cmd("CLUSTER").arg("INFO").query::<String>(&mut c))
            .is_ok_and(|info| info.contains("cluster_state:ok"))
    }
}

/// True if something accepts connections at the host and port of `url`.
pub fn something_listens(url: &str) -> bool {
    let Ok(info) = redis::IntoConnectionInfo::into_connection_info(url) else {
        return false;
    };
    let addr = info.addr().to_string();
    let host_port = addr
        .rsplit_once(':')
        .map(|(h, p)| (h.to_string(), p.parse::<u16>().unwrap_or(6379)));
    match host_port {
        Some((host, port)) => {
            use std::net::ToSocketAddrs;
            (host.as_str(), port)
                .to_socket_addrs()
                .ok()
                .and_then(|mut addrs| addrs.next())
                .is_some_and(|a| TcpStream::connect_timeout(&a, Duration::from_millis(300)).is_ok())
        }
        None => false,
    }
}
