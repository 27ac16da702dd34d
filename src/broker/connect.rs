//! Opening connections to Redis, with errors that name the URL (password hidden).

use crate::error::{Error, Result, is_connection_error};
use redis::AsyncConnectionConfig;
use redis::IntoConnectionInfo;
use redis::aio::{ConnectionManager, ConnectionManagerConfig, MultiplexedConnection};
use std::time::Duration;

/// How long one connection attempt may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
/// How long getting a connection may take, retries included.
const CONNECT_DEADLINE: Duration = Duration::from_secs(4);
/// How long a command may wait for its reply. Generous: a claim or enqueue of
/// a large batch can queue behind other clients' large batches.
const RESPONSE_TIMEOUT: Duration = Duration::from_secs(30);

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

    fn client(&self) -> Result<redis::Client> {
        install_tls_provider();
        let invalid =
            |e: redis::RedisError| Error::InvalidInput(format!("invalid --redis URL {}: {e}", self.display()));
        // Small requests and replies are the whole workload: send them at once
        // instead of letting Nagle's algorithm hold them back.
        let info = self
            .url
            .as_str()
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

    fn classify(&self, e: redis::RedisError) -> Error {
        if is_connection_error(&e) {
            self.unreachable(&e)
        } else {
            Error::Redis(e)
        }
    }
}

/// rustls needs one process-wide crypto provider for `rediss://` URLs; ring it is.
fn install_tls_provider() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // Err means another provider was installed first, which serves as well.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

/// Hides the password (or a lone user-info part) of a Redis URL.
pub fn display_url(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_string();
    };
    let rest = &url[scheme_end + 3..];
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let Some(at) = rest[..authority_end].rfind('@') else {
        return url.to_string();
    };
    let userinfo = &rest[..at];
    let shown = match userinfo.find(':') {
        Some(colon) => format!("{}:***", &userinfo[..colon]),
        None => "***".to_string(),
    };
    format!("{}{}{}", &url[..scheme_end + 3], shown, &rest[at..])
}

/// The shared, reconnecting connection used for scripts and plain commands.
pub async fn manager(target: &RedisTarget) -> Result<ConnectionManager> {
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
pub async fn blocking(target: &RedisTarget, block: Duration) -> Result<MultiplexedConnection> {
    let client = target.client()?;
    let config = AsyncConnectionConfig::new()
        .set_connection_timeout(Some(CONNECT_TIMEOUT))
        .set_response_timeout(Some(block + Duration::from_secs(2)));
    within_deadline(target, client.get_multiplexed_async_connection_with_config(&config)).await
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
    }
}
