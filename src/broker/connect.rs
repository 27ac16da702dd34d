//! Opening connections to Redis, with errors that name the URL (password hidden).
//! Whether the target is one node or a Redis Cluster is detected, not
//! configured: every connection is a [`Conn`], which runs any command on
//! either (the cluster client follows MOVED/ASK and refreshes the topology).

use super::sentinel::{Follow, SentinelConn, is_sentinel_url};
use crate::error::{Error, Result, is_connection_error};
use redis::AsyncConnectionConfig;
use redis::IntoConnectionInfo;
use redis::RedisFuture;
use redis::aio::{ConnectionLike, ConnectionManager, ConnectionManagerConfig, MultiplexedConnection};
use redis::cluster_async::ClusterConnection;
use std::time::Duration;

/// How long one connection attempt may take.
pub(super) const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
/// How long getting a connection may take, retries included.
pub(super) const CONNECT_DEADLINE: Duration = Duration::from_secs(4);
/// How long a command may wait for its reply. Generous: a claim or enqueue of
/// a large batch can queue behind other clients' large batches.
const RESPONSE_TIMEOUT: Duration = Duration::from_secs(30);
/// The same on a cluster, where a node may vanish in a failover.
const CLUSTER_RESPONSE_TIMEOUT: Duration = Duration::from_secs(10);

/// A Redis server to talk to.
#[derive(Debug, Clone)]
pub struct RedisTarget {
    /// The URL as given (may hold a password).
    pub url: String,
    /// True when the URL came from a flag or environment variable rather than the default.
    pub explicit: bool,
}

impl RedisTarget {
    /// The URL with any password replaced by `***`, safe to print.
    pub fn display(&self) -> String {
        display_url(&self.url)
    }

    /// The seed URLs: `--redis` may list several nodes of a cluster, comma-separated.
    fn urls(&self) -> Vec<&str> {
        self.url.split(',').map(str::trim).filter(|u| !u.is_empty()).collect()
    }

    fn invalid(&self, e: redis::RedisError) -> Error {
        if let Some(bare) = self.urls().into_iter().find(|u| !u.contains("://")) {
            // "host:port" or "host": the one mistake worth a hint of its own.
            let bare = display_url(bare);
            return Error::InvalidInput(format!(
                "invalid --redis URL {}: {bare} has no scheme; did you mean redis://{bare}?",
                self.display()
            ));
        }
        Error::InvalidInput(format!("invalid --redis URL {}: {e}", self.display()))
    }

    fn cluster_client(&self, response_timeout: Duration) -> Result<redis::cluster::ClusterClient> {
        install_tls_provider();
        // Retries come quickly (100 ms to 1 s apart) so that after a failover
        // the client refreshes its slot map and finds the new master within
        // seconds, not minutes (the defaults wait up to 655 s between tries).
        redis::cluster::ClusterClient::builder(self.urls())
            .connection_timeout(CONNECT_TIMEOUT)
            .response_timeout(response_timeout)
            .retries(30)
            .min_retry_wait(100)
            .max_retry_wait(1000)
            .build()
            .map_err(|e| self.invalid(e))
    }

    fn client(&self) -> Result<redis::Client> {
        install_tls_provider();
        let invalid = |e: redis::RedisError| self.invalid(e);
        // Small requests and replies are the whole workload: send them at once
        // instead of letting Nagle's algorithm hold them back.
        let info = self
            .urls()
            .first()
            .copied()
            .unwrap_or_default()
            .into_connection_info()
            .map_err(invalid)?
            .set_tcp_settings(redis::io::tcp::TcpSettings::default().set_nodelay(true));
        redis::Client::open(info).map_err(invalid)
    }

    fn unreachable(&self, e: &redis::RedisError) -> Error {
        Error::Unreachable {
            url: self.display(),
            reason: e.to_string(),
            hint: self.hint(),
        }
    }

    /// What to do about an unreachable Redis.
    fn hint(&self) -> String {
        if self.explicit {
            " (is Redis running there? `redis-cli -u URL ping` checks)".to_string()
        } else {
            " (no URL was given, so tq tried the default: start Redis with `redis-server --daemonize yes`, \
             or point tq at yours with --redis URL or TQ_REDIS_URL)"
                .to_string()
        }
    }

    pub(super) fn classify(&self, e: redis::RedisError) -> Error {
        let text = e.to_string();
        if e.kind() == redis::ErrorKind::AuthenticationFailed || text.contains("NOAUTH") || text.contains("WRONGPASS") {
            return Error::Failed(format!(
                "Redis at {} refused the credentials ({}): check the user and password in --redis or TQ_REDIS_URL",
                self.display(),
                text.lines().next().unwrap_or("").trim()
            ));
        }
        if text.contains("Parse error") || text.contains("Incompatible type") {
            return Error::Unreachable {
                url: self.display(),
                reason: "what answers there does not speak the Redis protocol".into(),
                hint: " (a wrong port? Redis listens on 6379 by default)".into(),
            };
        }
        if is_connection_error(&e) {
            self.unreachable(&e)
        } else {
            Error::Redis(e)
        }
    }
}

/// rustls needs one process-wide crypto provider for `rediss://` URLs; ring it is.
pub(super) fn install_tls_provider() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // Err means another provider was installed first, which serves as well.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

/// Hides the password (or a lone user-info part) of a Redis URL.
pub fn display_url(url: &str) -> String {
    // (Without a scheme, `user:password@host:port` still hides its password.)
    let scheme_end = url.find("://").map_or(0, |at| at + 3);
    let rest = &url[scheme_end..];
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let Some(at) = rest[..authority_end].rfind('@') else {
        return url.to_string();
    };
    let userinfo = &rest[..at];
    let shown = match userinfo.find(':') {
        Some(colon) => format!("{}:***", &userinfo[..colon]),
        None => "***".to_string(),
    };
    format!("{}{}{}", &url[..scheme_end], shown, &rest[at..])
}

/// A connection to one node (reconnecting, or multiplexed for blocking
/// commands) or to a cluster.
#[derive(Clone)]
pub enum Conn {
    /// One node, reconnecting on failure: the shared connection.
    Node(ConnectionManager),
    /// One node, a connection of its own (for blocking commands).
    Dedicated(MultiplexedConnection),
    /// A Redis Cluster.
    Cluster(ClusterConnection),
    /// The master a set of Sentinels names (`redis+sentinel://`), followed through failovers.
    Sentinel(SentinelConn),
}

impl ConnectionLike for Conn {
    fn req_packed_command<'a>(&'a mut self, cmd: &'a redis::Cmd) -> RedisFuture<'a, redis::Value> {
        match self {
            Conn::Node(c) => c.req_packed_command(cmd),
            Conn::Dedicated(c) => c.req_packed_command(cmd),
            Conn::Cluster(c) => c.req_packed_command(cmd),
            Conn::Sentinel(c) => c.req_packed_command(cmd),
        }
    }

    fn req_packed_commands<'a>(
        &'a mut self,
        pipeline: &'a redis::Pipeline,
        offset: usize,
        count: usize,
    ) -> RedisFuture<'a, Vec<redis::Value>> {
        match self {
            Conn::Node(c) => c.req_packed_commands(pipeline, offset, count),
            Conn::Dedicated(c) => c.req_packed_commands(pipeline, offset, count),
            Conn::Cluster(c) => c.req_packed_commands(pipeline, offset, count),
            Conn::Sentinel(c) => c.req_packed_commands(pipeline, offset, count),
        }
    }

    fn get_db(&self) -> i64 {
        match self {
            Conn::Node(c) => c.get_db(),
            Conn::Dedicated(c) => c.get_db(),
            Conn::Cluster(c) => c.get_db(),
            Conn::Sentinel(c) => c.get_db(),
        }
    }
}

/// The shared connection for scripts and plain commands, and whether the
/// target is a cluster (asked of the first node: `cluster_enabled:1`).
pub async fn shared(target: &RedisTarget) -> Result<(Conn, bool)> {
    if is_sentinel_url(&target.url) {
        let follow = Follow::start(target).await?;
        return Ok((Conn::Sentinel(SentinelConn::new(follow, RESPONSE_TIMEOUT)), false));
    }
    let mut node = manager(target).await?;
    let info: String = redis::cmd("INFO")
        .arg("cluster")
        .query_async(&mut node)
        .await
        .map_err(|e| target.classify(e))?;
    if !info.lines().any(|l| l.trim() == "cluster_enabled:1") {
        return Ok((Conn::Node(node), false));
    }
    // Shorter than on one node: a request stuck on a node that just died
    // should fail (and be retried by its caller) well before a lease ends.
    let client = target.cluster_client(CLUSTER_RESPONSE_TIMEOUT)?;
    let cluster = within_deadline(target, client.get_async_connection()).await?;
    Ok((Conn::Cluster(cluster), true))
}

/// A second connection like `shared` (to the same node, cluster or
/// Sentinels' master), for writes that wait for replicas: a WAIT blocks the
/// connection it runs on, and must not hold up everything else.
pub async fn own(target: &RedisTarget, shared: &Conn) -> Result<Conn> {
    Ok(match shared {
        Conn::Sentinel(s) => Conn::Sentinel(SentinelConn::new(s.follow().clone(), RESPONSE_TIMEOUT)),
        Conn::Cluster(_) => {
            let client = target.cluster_client(CLUSTER_RESPONSE_TIMEOUT)?;
            Conn::Cluster(within_deadline(target, client.get_async_connection()).await?)
        }
        Conn::Node(_) | Conn::Dedicated(_) => Conn::Node(manager(target).await?),
    })
}

/// The reconnecting connection to one node.
async fn manager(target: &RedisTarget) -> Result<ConnectionManager> {
    let client = target.client()?;
    let config = ConnectionManagerConfig::new()
        .set_connection_timeout(Some(CONNECT_TIMEOUT))
        .set_response_timeout(Some(RESPONSE_TIMEOUT))
        .set_number_of_retries(1)
        .set_max_delay(Duration::from_millis(500));
    within_deadline(target, client.get_connection_manager_with_config(config)).await
}

/// A dedicated connection for blocking commands (BLPOP): they must not hold
/// up the shared one, and need a response timeout longer than their block.
/// It goes where `shared` goes (one node, a cluster, the Sentinels' master).
pub async fn blocking(target: &RedisTarget, shared: &Conn, block: Duration) -> Result<Conn> {
    let response_timeout = block + Duration::from_secs(2);
    if let Conn::Sentinel(s) = shared {
        return Ok(Conn::Sentinel(SentinelConn::new(s.follow().clone(), response_timeout)));
    }
    if matches!(shared, Conn::Cluster(_)) {
        let client = target.cluster_client(response_timeout)?;
        return Ok(Conn::Cluster(
            within_deadline(target, client.get_async_connection()).await?,
        ));
    }
    let client = target.client()?;
    let config = AsyncConnectionConfig::new()
        .set_connection_timeout(Some(CONNECT_TIMEOUT))
        .set_response_timeout(Some(response_timeout));
    Ok(Conn::Dedicated(
        within_deadline(target, client.get_multiplexed_async_connection_with_config(&config)).await?,
    ))
}

/// A connection to each master of the cluster behind `cluster` (for
/// commands that see one node's keys only, such as SCAN).
pub async fn each_master(target: &RedisTarget, cluster: &mut Conn) -> Result<Vec<Conn>> {
    let slots: Vec<Vec<redis::Value>> = redis::cmd("CLUSTER")
        .arg("SLOTS")
        .query_async(cluster)
        .await
        .map_err(|e| target.classify(e))?;
    let mut masters: Vec<(String, u16)> = Vec::new();
    for range in slots {
        let Some(node) = range.get(2).cloned() else { continue };
        let node: Vec<redis::Value> = redis::from_redis_value(node)?;
        if let (Some(host), Some(port)) = (node.first(), node.get(1)) {
            let master = (
                redis::from_redis_value::<String>(host.clone())?,
                redis::from_redis_value::<u16>(port.clone())?,
            );
            if !masters.contains(&master) {
                masters.push(master);
            }
        }
    }
    let seed = target
        .urls()
        .first()
        .copied()
        .unwrap_or_default()
        .into_connection_info()
        .map_err(|e| target.invalid(e))?;
    let mut conns = Vec::new();
    for (host, port) in masters {
        let addr = match seed.addr() {
            redis::ConnectionAddr::TcpTls {
                insecure, tls_params, ..
            } => redis::ConnectionAddr::TcpTls {
                host,
                port,
                insecure: *insecure,
                tls_params: tls_params.clone(),
            },
            _ => redis::ConnectionAddr::Tcp(host, port),
        };
        let client = redis::Client::open(seed.clone().set_addr(addr)).map_err(|e| target.invalid(e))?;
        // A master that just failed is still listed until the cluster notices.
        match within_deadline(target, client.get_multiplexed_async_connection()).await {
            Ok(conn) => conns.push(Conn::Dedicated(conn)),
            Err(e) => tracing::warn!("skipping a cluster node that does not answer: {e}"),
        }
    }
    Ok(conns)
}

/// Runs a connection attempt, turning failure or silence into one clear error
/// well within the 5 s an operator (or a script) should wait.
async fn within_deadline<T>(
    target: &RedisTarget,
    connecting: impl std::future::Future<Output = redis::RedisResult<T>>,
) -> Result<T> {
    match tokio::time::timeout(CONNECT_DEADLINE, connecting).await {
        Ok(Ok(conn)) => Ok(conn),
        Ok(Err(e)) => Err(target.classify(e)),
        Err(_) => Err(Error::Unreachable {
            url: target.display(),
            reason: format!("no answer within {}", humantime::format_duration(CONNECT_DEADLINE)),
            hint: target.hint(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::display_url;

    #[test]
    fn passwords_never_show() {
        assert_eq!(display_url("redis://user:s3cret@h:6379/0"), "redis://user:***@h:6379/0");
        assert_eq!(display_url("redis://:s3cret@h:6379"), "redis://:***@h:6379");
        assert_eq!(display_url("rediss://tok@h"), "rediss://***@h");
        assert_eq!(display_url("redis://127.0.0.1:6379/0"), "redis://127.0.0.1:6379/0");
        assert_eq!(display_url("admin:hunter2@h:6379"), "admin:***@h:6379");
    }
}
