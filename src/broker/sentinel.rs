//! `redis+sentinel://` URLs: the Sentinels say which node is the master,
//! and every connection follows a failover without a restart.
//!
//! One [`Follow`] per broker asks the Sentinels for the master (the redis
//! crate's `Sentinel`, which also checks that the node it names says it is
//! a master) at connect, every [`RECHECK`] and at once when a command met a
//! dead connection or a `READONLY` replica. Each [`SentinelConn`] holds a
//! multiplexed connection to the master it last saw and opens a new one
//! when the master changed or its connection broke. A command that failed
//! in a failover fails (its caller retries, as through any outage); the
//! next one goes to the new master, where the scripts are loaded again on
//! their first `NOSCRIPT`.

use super::connect::{CONNECT_DEADLINE, CONNECT_TIMEOUT, RedisTarget};
use crate::error::{Error, Result, is_connection_error};
use redis::aio::{ConnectionLike, MultiplexedConnection};
use redis::sentinel::{Sentinel, SentinelNodeConnectionInfo};
use redis::{AsyncConnectionConfig, ConnectionInfo, IntoConnectionInfo, RedisFuture, TlsMode};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;
use tokio::sync::{Notify, watch};

/// How often the Sentinels are asked for the master when nothing failed.
const RECHECK: Duration = Duration::from_secs(2);
/// Shortest time between two lookups a failing command asks for.
const POKE_PAUSE: Duration = Duration::from_millis(100);
/// Sentinels' default port.
const SENTINEL_PORT: u16 = 26379;

/// What a `redis+sentinel://` URL names.
#[derive(Debug)]
struct Spec {
    /// The Sentinels' addresses, as `redis://` or `rediss://` URLs.
    sentinels: Vec<String>,
    /// The master's name in the Sentinels' configuration.
    master: String,
    /// Credentials, database and TLS for the Redis nodes themselves.
    node: SentinelNodeConnectionInfo,
    db: i64,
}

/// True when `url` is a Sentinel URL.
pub(super) fn is_sentinel_url(url: &str) -> bool {
    url.starts_with("redis+sentinel://") || url.starts_with("rediss+sentinel://")
}

/// Parses `redis+sentinel://[user:password@]HOST[:PORT][,HOST[:PORT]...]/MASTER[/DB]`
/// (`rediss+sentinel://` for TLS to the Sentinels and the nodes).
fn parse(url: &str) -> std::result::Result<Spec, String> {
    let (tls, rest) = if let Some(rest) = url.strip_prefix("rediss+sentinel://") {
        (true, rest)
    } else if let Some(rest) = url.strip_prefix("redis+sentinel://") {
        (false, rest)
    } else {
        return Err("a Sentinel URL starts with redis+sentinel:// or rediss+sentinel://".into());
    };
    let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
    let (userinfo, hosts) = match authority.rfind('@') {
        Some(at) => (Some(&authority[..at]), &authority[at + 1..]),
        None => (None, authority),
    };
    let mut path = path.split('/').filter(|p| !p.is_empty());
    let master = path
        .next()
        .ok_or("name the master after the Sentinels: redis+sentinel://HOST:PORT/MASTER")?
        .to_string();
    let db = match path.next() {
        Some(db) => db
            .parse::<i64>()
            .map_err(|_| format!("database {db:?} is not a number"))?,
        None => 0,
    };
    if path.next().is_some() {
        return Err("expected /MASTER or /MASTER/DB after the Sentinels".into());
    }
    let scheme = if tls { "rediss" } else { "redis" };
    let mut sentinels = Vec::new();
    for host in hosts.split(',').map(str::trim).filter(|h| !h.is_empty()) {
        let host = if host.rsplit_once(':').is_some_and(|(_, p)| p.parse::<u16>().is_ok()) {
            host.to_string()
        } else {
            format!("{host}:{SENTINEL_PORT}")
        };
        sentinels.push(format!("{scheme}://{host}"));
    }
    if sentinels.is_empty() {
        return Err("name at least one Sentinel: redis+sentinel://HOST:PORT/MASTER".into());
    }
    // The redis crate reads (and percent-decodes) the credentials and the
    // database from an ordinary URL of the same parts.
    let creds = match userinfo {
        Some(u) => format!("{u}@"),
        None => String::new(),
    };
    let node_url = format!("redis://{creds}localhost/{db}");
    let info = node_url.as_str().into_connection_info().map_err(|e| e.to_string())?;
    let nodelay = redis::io::tcp::TcpSettings::default().set_nodelay(true);
    let mut node = SentinelNodeConnectionInfo::default()
        .set_redis_connection_info(info.redis_settings().clone())
        .set_tcp_settings(nodelay);
    if tls {
        node = node.set_tls_mode(TlsMode::Secure);
    }
    Ok(Spec {
        sentinels,
        master,
        node,
        db,
    })
}

/// The current master as the Sentinels name it, shared by a broker's connections.
pub struct Follow {
    target: RedisTarget,
    spec: Spec,
    sentinel: tokio::sync::Mutex<Sentinel>,
    /// (number of masters seen so far, the current one's address)
    master: watch::Sender<(u64, Option<ConnectionInfo>)>,
    poke: Arc<Notify>,
}

impl Follow {
    /// Asks the Sentinels for the master and starts following it.
    pub async fn start(target: &RedisTarget) -> Result<Arc<Follow>> {
        let spec = parse(&target.url)
            .map_err(|e| Error::InvalidInput(format!("invalid --redis URL {}: {e}", target.display())))?;
        super::connect::install_tls_provider();
        let sentinel = Sentinel::build(spec.sentinels.clone())
            .map_err(|e| Error::InvalidInput(format!("invalid --redis URL {}: {e}", target.display())))?;
        let follow = Arc::new(Follow {
            target: target.clone(),
            spec,
            sentinel: tokio::sync::Mutex::new(sentinel),
            master: watch::Sender::new((0, None)),
            poke: Arc::new(Notify::new()),
        });
        match tokio::time::timeout(CONNECT_DEADLINE, follow.refresh()).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => return Err(follow.no_master(&e.to_string())),
            Err(_) => {
                return Err(follow.no_master(&format!(
                    "no answer within {}",
                    humantime::format_duration(CONNECT_DEADLINE)
                )));
            }
        }
        tokio::spawn(watch_master(Arc::downgrade(&follow), follow.poke.clone()));
        Ok(follow)
    }

    fn no_master(&self, reason: &str) -> Error {
        Error::Unreachable {
            url: self.target.display(),
            reason: format!("no Sentinel named a reachable master {:?}: {reason}", self.spec.master),
            hint: " (`redis-cli -p 26379 sentinel get-master-addr-by-name NAME` asks one)".into(),
        }
    }

    /// The master's address as last seen, e.g. `10.0.0.5:6379`.
    pub fn master_addr(&self) -> String {
        self.master
            .borrow()
            .1
            .as_ref()
            .map(|i| i.addr().to_string())
            .unwrap_or_default()
    }

    /// Asks the Sentinels again; a new address is a new master.
    async fn refresh(&self) -> redis::RedisResult<()> {
        let client = {
            let mut sentinel = self.sentinel.lock().await;
            sentinel
                .async_master_for(&self.spec.master, Some(&self.spec.node))
                .await?
        };
        let info = client.get_connection_info().clone();
        let addr = info.addr().to_string();
        self.master.send_if_modified(|(seen, current)| {
            if current.as_ref().is_some_and(|c| c.addr().to_string() == addr) {
                return false;
            }
            if current.is_some() {
                tracing::warn!(master = %self.spec.master, "Redis failed over: the master is now {addr}");
            }
            *seen += 1;
            *current = Some(info);
            true
        });
        Ok(())
    }
}

/// Looks the master up every [`RECHECK`], or soon after a command failed in
/// a way a failover explains, until the broker is gone.
async fn watch_master(follow: Weak<Follow>, poke: Arc<Notify>) {
    loop {
        let _ = tokio::time::timeout(RECHECK, poke.notified()).await;
        let Some(f) = follow.upgrade() else { return };
        if let Err(e) = f.refresh().await {
            tracing::debug!(master = %f.spec.master, "cannot ask the Sentinels for the master: {e}");
        }
        drop(f);
        tokio::time::sleep(POKE_PAUSE).await;
    }
}

/// A connection to whichever node is the master now.
#[derive(Clone)]
pub struct SentinelConn {
    follow: Arc<Follow>,
    /// The open connection and the master count it was opened for.
    open: Arc<Mutex<Option<(u64, MultiplexedConnection)>>>,
    /// One connect at a time.
    connecting: Arc<tokio::sync::Mutex<()>>,
    response_timeout: Duration,
}

impl SentinelConn {
    pub fn new(follow: Arc<Follow>, response_timeout: Duration) -> SentinelConn {
        SentinelConn {
            follow,
            open: Arc::new(Mutex::new(None)),
            connecting: Arc::new(tokio::sync::Mutex::new(())),
            response_timeout,
        }
    }

    pub fn follow(&self) -> &Arc<Follow> {
        &self.follow
    }

    fn open(&self) -> std::sync::MutexGuard<'_, Option<(u64, MultiplexedConnection)>> {
        self.open.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The connection to the current master, opened if needed.
    async fn current(&self) -> redis::RedisResult<MultiplexedConnection> {
        let usable = |open: &Option<(u64, MultiplexedConnection)>, seen: u64| match open {
            Some((at, conn)) if *at == seen => Some(conn.clone()),
            _ => None,
        };
        let seen = self.follow.master.borrow().0;
        if let Some(conn) = usable(&self.open(), seen) {
            return Ok(conn);
        }
        let _one = self.connecting.lock().await;
        let (seen, info) = self.follow.master.borrow().clone();
        if let Some(conn) = usable(&self.open(), seen) {
            return Ok(conn);
        }
        let info = info.ok_or_else(|| redis::RedisError::from((redis::ErrorKind::Io, "no master known yet")))?;
        let config = AsyncConnectionConfig::new()
            .set_connection_timeout(Some(CONNECT_TIMEOUT))
            .set_response_timeout(Some(self.response_timeout));
        let client = redis::Client::open(info)?;
        match client.get_multiplexed_async_connection_with_config(&config).await {
            Ok(conn) => {
                *self.open() = Some((seen, conn.clone()));
                Ok(conn)
            }
            Err(e) => {
                self.follow.poke.notify_one();
                Err(e)
            }
        }
    }

    /// After a reply: a dead connection or a node that is no master any
    /// more means a failover may be under way.
    fn saw<T>(&self, reply: &redis::RedisResult<T>) {
        let Err(e) = reply else { return };
        let demoted = matches!(e.code(), Some("READONLY" | "MASTERDOWN"));
        if is_connection_error(e) || demoted {
            *self.open() = None;
            self.follow.poke.notify_one();
        }
    }
}

impl ConnectionLike for SentinelConn {
    fn req_packed_command<'a>(&'a mut self, cmd: &'a redis::Cmd) -> RedisFuture<'a, redis::Value> {
        Box::pin(async move {
            let mut conn = self.current().await?;
            let reply = conn.req_packed_command(cmd).await;
            self.saw(&reply);
            reply
        })
    }

    fn req_packed_commands<'a>(
        &'a mut self,
        pipeline: &'a redis::Pipeline,
        offset: usize,
        count: usize,
    ) -> RedisFuture<'a, Vec<redis::Value>> {
        Box::pin(async move {
            let mut conn = self.current().await?;
            let reply = conn.req_packed_commands(pipeline, offset, count).await;
            self.saw(&reply);
            reply
        })
    }

    fn get_db(&self) -> i64 {
        self.follow.spec.db
    }
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn sentinel_urls_name_sentinels_master_and_db() {
        let s = parse("redis+sentinel://:pw@10.0.0.1:26380,10.0.0.2/mymaster/3").unwrap();
        assert_eq!(s.sentinels, ["redis://10.0.0.1:26380", "redis://10.0.0.2:26379"]);
        assert_eq!((s.master.as_str(), s.db), ("mymaster", 3));
        let s = parse("rediss+sentinel://h:1/m").unwrap();
        assert_eq!((s.sentinels[0].as_str(), s.db), ("rediss://h:1", 0));
        assert!(parse("redis+sentinel://h:1").unwrap_err().contains("name the master"));
        assert!(parse("redis+sentinel://h:1/m/x").unwrap_err().contains("not a number"));
        assert!(
            parse("redis+sentinel:///m")
                .unwrap_err()
                .contains("at least one Sentinel")
        );
    }
}
