//! The library's error type, with the exit code each kind maps to.

/// Exit code: the operation ran and failed.
pub(crate) const EXIT_FAILED: u8 = 1;
/// Exit code: bad usage or bad input.
pub(crate) const EXIT_USAGE: u8 = 2;
/// Exit code: no such job or DLQ record.
pub(crate) const EXIT_NOT_FOUND: u8 = 3;
/// Exit code: Redis could not be reached (EX_UNAVAILABLE).
pub(crate) const EXIT_UNAVAILABLE: u8 = 69;
/// Exit code: the write is on the master but fewer replicas than
/// `--min-replicas` confirmed it (EX_TEMPFAIL): try again.
pub(crate) const EXIT_UNCONFIRMED: u8 = 75;
/// Exit code: stopped by Ctrl-C (SIGINT), as shells report it.
pub(crate) const EXIT_INTERRUPTED: u8 = 130;

/// Everything that can go wrong in tq.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The user gave a value tq cannot use.
    #[error("{0}")]
    InvalidInput(String),
    /// The named job or record does not exist.
    #[error("{0}")]
    NotFound(String),
    /// The operation ran and did not succeed (e.g. a waited-for job died).
    #[error("{0}")]
    Failed(String),
    /// No connection to Redis could be made or kept.
    #[error("cannot reach Redis at {url}: {reason}{hint}")]
    Unreachable {
        /// The URL with any password hidden.
        url: String,
        /// What the connection attempt reported.
        reason: String,
        /// A suggestion for the operator (may be empty).
        hint: String,
    },
    /// Redis refused a write because it is at its `maxmemory` limit.
    #[error("{0}")]
    OutOfMemory(String),
    /// Redis answered with an error.
    #[error("Redis error: {0}")]
    Redis(redis::RedisError),
    /// Redis answered with something tq's scripts never return.
    #[error("unexpected reply from Redis: {0}")]
    Reply(#[from] redis::ParsingError),
    /// A local I/O operation failed.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// The operator stopped the command (Ctrl-C) after it cleaned up.
    #[error("{0}")]
    Interrupted(String),
    /// A write reached the master, but fewer replicas than asked confirmed
    /// it in time (`--min-replicas`): it may not survive a failover.
    #[error("{}only {confirmed} of {wanted} replicas confirmed it within {timeout_ms} ms: it is on the master but may not survive a failover (send it again; a --unique-key or Idempotency-Key keeps it one job)", job.as_deref().map(|j| format!("job {j}: ")).unwrap_or_default())]
    Unconfirmed {
        /// The job written, when one was.
        job: Option<String>,
        /// Replicas that confirmed it.
        confirmed: u64,
        /// Replicas asked for.
        wanted: u32,
        /// How long tq waited.
        timeout_ms: u64,
    },
}

impl Error {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::InvalidInput(_) => EXIT_USAGE,
            Error::Interrupted(_) => EXIT_INTERRUPTED,
            Error::Unconfirmed { .. } => EXIT_UNCONFIRMED,
            Error::NotFound(_) => EXIT_NOT_FOUND,
            Error::Unreachable { .. } => EXIT_UNAVAILABLE,
            Error::Redis(e) if is_connection_error(e) => EXIT_UNAVAILABLE,
            Error::Failed(_) | Error::OutOfMemory(_) | Error::Redis(_) | Error::Reply(_) | Error::Io(_) => EXIT_FAILED,
        }
    }
}

impl From<redis::RedisError> for Error {
    fn from(e: redis::RedisError) -> Self {
        if is_out_of_memory(&e) {
            Error::OutOfMemory(
                "Redis is out of memory (maxmemory reached): it refuses writes until memory is freed or maxmemory is raised"
                    .into(),
            )
        } else {
            Error::Redis(e)
        }
    }
}

/// True for Redis's refusal to write at its memory limit.
pub(crate) fn is_out_of_memory(e: &redis::RedisError) -> bool {
    e.code() == Some("OOM")
}

impl Error {
    /// True for errors a retry may cure: Redis unreachable for a moment, or
    /// a cluster busy with a failover or a slot migration.
    pub fn is_transient(&self) -> bool {
        match self {
            Error::Redis(e) => {
                // NOSCRIPT: a replica that just took over has no scripts loaded
                // yet, and the client's reload may miss it once.
                is_connection_error(e)
                    // A cluster master that just died, until the slot map is refreshed.
                    || e.kind() == redis::ErrorKind::ClusterConnectionNotFound
                    || matches!(
                        e.code(),
                        Some("TRYAGAIN" | "CLUSTERDOWN" | "MOVED" | "ASK" | "LOADING" | "MASTERDOWN" | "NOSCRIPT")
                    )
            }
            other => other.is_connection_error(),
        }
    }

    /// True when Redis cannot take the request now but may soon: away, busy
    /// with a failover, or at its memory limit (an API answers 503).
    pub fn is_unavailable(&self) -> bool {
        self.is_transient() || matches!(self, Error::OutOfMemory(_) | Error::Unconfirmed { .. })
    }

    /// True when Redis could not be reached (as opposed to Redis refusing
    /// one command, or bad data): every queue is affected alike.
    pub fn is_connection_error(&self) -> bool {
        match self {
            Error::Unreachable { .. } => true,
            Error::Redis(e) => is_connection_error(e),
            _ => false,
        }
    }
}

/// True for errors that mean the connection to Redis is gone or never came up.
pub(crate) fn is_connection_error(e: &redis::RedisError) -> bool {
    e.is_io_error() || e.is_connection_refusal() || e.is_connection_dropped() || e.is_timeout()
}

/// Result with tq's error type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
