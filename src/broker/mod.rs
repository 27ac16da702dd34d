//! The broker owns tq's Redis schema: key names ([`keys`]), encodings, every
//! state change (one Lua script each, in `lua/`, wrapped in [`transitions`])
//! and every read ([`records`]), which come back as typed records. Nothing
//! outside this module builds a key or parses a stored field.
//!
//! One clock: every script takes "now" from the Redis server's `TIME`; only
//! durations travel from clients. Tests may pin the clock with
//! [`Broker::with_fixed_clock`].

pub mod connect;
mod cron;
pub mod keys;
mod read_dead;
mod read_jobs;
mod read_queues;
pub mod records;
mod scripts;
mod sentinel;
pub mod transitions;
mod upkeep;

use crate::error::{Error, Result};
use connect::Conn;
use keys::{GlobalKeys, QueueKeys};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

pub use connect::{RedisTarget, display_url};
pub use records::{
    CatchUp, CronFire, CronPut, CronRecord, CronSpec, DeadFields, DeadSummary, FlowLimits, FlowState, JobRecord,
    JobSummary, LiveJob, LiveState, QueueCounts, Rate, RedisMemory, ReplicaInfo, Replication, RunningJob, WorkerInfo,
};
pub use transitions::{
    Ack, Claimed, Delivery, Due, Failure, Handed, LeaseFate, LimitChange, LostLease, NewJob, ReplayOutcome, Snooze,
};
pub use upkeep::{Recovered, Tick};

/// Most items one script call takes (jobs to enqueue, ack, renew, release,
/// purge; jobs to claim, recover or promote). Larger lists are sent in
/// chunks, so no call comes near Lua's limit on unpacked values (~8000).
pub const MAX_PER_CALL: usize = 1000;

/// Most jobs the confirmation of a handed job leases beyond it
/// ([`Broker::take_handed`]): their messages cross Lua (see lua/confirm.lua),
/// which costs little only for a few.
pub const MAX_MORE: usize = 32;

/// How many of the oldest dead records a burial or a tick may trim at once.
pub(crate) const TRIM_STEP: isize = 10;

/// How many of the oldest result bucket parts a tick past the results count
/// limit may trim at once. A part holds the results of jobs enqueued in one
/// 32 ms window (`lua/ack.lua`), so this is about 33 s of enqueues whatever
/// the rate, and at least this many results.
pub(crate) const RESULT_TRIM_STEP: isize = 1024;

/// How much of what finished a queue keeps. Zero means no limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// Dead records older than this are trimmed.
    pub dead_max_age: Duration,
    /// At most this many dead records per queue (the oldest go first).
    pub dead_max_count: u64,
    /// At most about this many results per queue (whole oldest buckets go).
    pub results_max_count: u64,
}

impl Default for Retention {
    fn default() -> Self {
        Retention {
            dead_max_age: Duration::from_secs(30 * 24 * 3600),
            dead_max_count: 100_000,
            results_max_count: 1_000_000,
        }
    }
}

/// A dedicated connection for waiting on wake-up tokens.
/// What woke a waiting worker ([`Broker::wait_for_work`]).
#[derive(Debug)]
pub enum Wake {
    /// The block time passed.
    Nothing,
    /// Work is pending: claim it.
    Claim,
    /// A job leased to whoever took it: read it with [`Broker::take_handed`]
    /// (the id as stored: bytes another tool may have written).
    Handed { id: Vec<u8>, delivery: u64 },
}

pub struct Waiter {
    conn: Conn,
    block: Duration,
}

/// A connection to Redis plus tq's key layout and scripts.
#[derive(Clone)]
pub struct Broker {
    conn: Conn,
    /// True when `conn` talks to a Redis Cluster.
    cluster: bool,
    scripts: Arc<scripts::Scripts>,
    prefix: String,
    global: GlobalKeys,
    target: RedisTarget,
    /// The clock argument every script gets: "0" = the server's TIME, else a fixed ms.
    clock: String,
    /// Server clock minus this machine's clock, ms, as last seen (names result buckets).
    offset_ms: Arc<AtomicI64>,
    /// Limits the scripts that bury and ack enforce.
    retention: Retention,
    /// Replicas an enqueue waits for (Redis WAIT) before it reports success, and for how long (0: none).
    min_replicas: (u32, Duration),
    /// Idle blocking connections of finished job waits, for the next wait
    /// (a served API or dashboard would otherwise open one per request).
    idle_waiters: Arc<std::sync::Mutex<Vec<Waiter>>>,
}

/// Most idle blocking connections a broker keeps for job waits.
const IDLE_WAITERS: usize = 16;
/// The longest block of one read on a job wait's connection: a wait looks
/// at its job this often anyway (`WAIT_RECHECK` in client.rs), and a Redis
/// that stops answering fails the wait this long (plus 2 s) after.
pub(crate) const JOB_WAIT_BLOCK: Duration = Duration::from_secs(5);

impl Broker {
    /// Connects to the Redis at `target` and checks it answers.
    pub async fn connect(target: &RedisTarget, prefix: &str) -> Result<Self> {
        let (conn, cluster) = connect::shared(target).await?;
        let broker = Broker {
            conn,
            cluster,
            scripts: Arc::new(scripts::Scripts::new()),
            prefix: prefix.to_string(),
            global: GlobalKeys::new(prefix),
            target: target.clone(),
            clock: "0".into(),
            offset_ms: Arc::new(AtomicI64::new(0)),
            retention: Retention::default(),
            min_replicas: (0, Duration::from_secs(1)),
            idle_waiters: Arc::default(),
        };
        // The first command tells a wrong password or a server that is not
        // Redis apart from other errors: say so in one line.
        broker.sync_clock().await.map_err(|e| match e {
            crate::error::Error::Redis(e) => target.classify(e),
            other => other,
        })?;
        Ok(broker)
    }

    /// The same broker with every script's "now" pinned to `now_ms` (for tests
    /// of the scripts; production always uses the server's clock).
    pub fn with_fixed_clock(&self, now_ms: u64) -> Broker {
        Broker {
            clock: now_ms.to_string(),
            offset_ms: Arc::new(AtomicI64::new(now_ms as i64 - crate::job::now_ms() as i64)),
            ..self.clone()
        }
    }

    /// The same broker enforcing `retention` when it buries and acks.
    pub fn with_retention(&self, retention: Retention) -> Broker {
        Broker {
            retention,
            ..self.clone()
        }
    }

    /// The key prefix (`--prefix`).
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// Key names of queue `name`.
    pub fn queue(&self, name: &str) -> QueueKeys {
        QueueKeys::new(&self.prefix, name)
    }

    /// A connection of its own for [`Broker::wait_for_work`].
    pub async fn waiter(&self, block: Duration) -> Result<Waiter> {
        Ok(Waiter {
            conn: connect::blocking(&self.target, &self.conn, block).await?,
            block,
        })
    }

    /// Blocks on `waiter` until an idle worker of queue `q` is needed or the
    /// block time passes. Each entry of the queue's ready list wakes exactly
    /// one waiting worker: usually a job already leased to whoever takes it
    /// (then no claim call is needed, see `wake_one` in lua/lib.lua), else a
    /// bare token that says "claim".
    pub async fn wait_for_work(&self, waiter: &mut Waiter, q: &QueueKeys) -> Result<Wake> {
        let popped: Option<(Vec<u8>, Vec<u8>)> = redis::cmd("BLPOP")
            .arg(&q.ready)
            .arg(waiter.block.as_secs_f64())
            .query_async(&mut waiter.conn)
            .await?;
        Ok(match popped {
            None => Wake::Nothing,
            Some((_, entry)) => match records::hand_off_parts(&entry) {
                Some((id, delivery)) => Wake::Handed {
                    id: id.to_vec(),
                    delivery,
                },
                None => Wake::Claim,
            },
        })
    }

    /// A blocking connection for job waits ([`Broker::next_finished`]): one
    /// a finished wait gave back, else a new one. Give it back with
    /// [`Broker::give_back`] when the wait ended normally (a wait cut short
    /// may leave a command in flight on it: drop it then).
    pub async fn job_waiter(&self) -> Result<Waiter> {
        let idle = self.idle_waiters.lock().ok().and_then(|mut idle| idle.pop());
        match idle {
            Some(waiter) => Ok(waiter),
            None => self.waiter(JOB_WAIT_BLOCK).await,
        }
    }

    /// Keeps `waiter` (from [`Broker::job_waiter`], its last command
    /// answered) for the next job wait.
    pub fn give_back(&self, waiter: Waiter) {
        if let Ok(mut idle) = self.idle_waiters.lock()
            && idle.len() < IDLE_WAITERS
        {
            idle.push(waiter);
        }
    }

    /// Starts a wait for job `id` of queue `q` to finish, lasting `wait`:
    /// from now on the script that ends the job writes to the queue's
    /// finished stream. Returns the stream position to read after
    /// ([`Broker::next_finished`]); check the job's state after this call.
    pub async fn watch(&self, q: &QueueKeys, id: &str, wait: Duration) -> Result<String> {
        let mut inv = self.scripts.watch.key(&q.waiting);
        inv.key(&q.finished)
            .arg(&self.clock)
            .arg(&q.base)
            .arg(id)
            .arg(wait.as_millis() as u64);
        transitions::declare(&mut inv, q, &[]);
        Ok(inv.invoke_async(&mut self.conn()).await?)
    }

    /// Blocks on `waiter` for `block` at most (no longer than the waiter's
    /// own block time) until jobs someone waits for on `q` finish after
    /// stream position `after`. Returns the new position and the ids that
    /// finished (none when the block time passed).
    pub async fn next_finished(
        &self,
        waiter: &mut Waiter,
        q: &QueueKeys,
        after: &str,
        block: Duration,
    ) -> Result<(String, Vec<String>)> {
        type Reply = Option<Vec<(String, Vec<(String, Vec<String>)>)>>;
        let reply: Reply = redis::cmd("XREAD")
            .arg("COUNT")
            .arg(100)
            .arg("BLOCK")
            .arg(block.min(waiter.block).as_millis().max(1) as u64)
            .arg("STREAMS")
            .arg(&q.finished)
            .arg(after)
            .query_async(&mut waiter.conn)
            .await?;
        let mut last = after.to_string();
        let mut ids = Vec::new();
        for (_, entries) in reply.unwrap_or_default() {
            for (entry, fields) in entries {
                last = entry;
                for pair in fields.chunks(2) {
                    if let [name, value] = pair
                        && name == "ids"
                    {
                        ids.extend(value.split(',').map(str::to_string));
                    }
                }
            }
        }
        Ok((last, ids))
    }

    /// Puts back a wake-up token this worker took but cannot use (it is full).
    pub async fn pass_wakeup(&self, q: &QueueKeys) -> Result<()> {
        let mut inv = self.scripts.pass_wakeup.key(&q.ready);
        inv.key(&q.pending).arg(&self.clock).arg(&q.base);
        transitions::declare(&mut inv, q, &[]);
        let _: i64 = inv.invoke_async(&mut self.conn()).await?;
        Ok(())
    }

    /// How long the current leader of `q`'s due work still leads (None: no leader).
    pub async fn leader_ttl(&self, q: &QueueKeys) -> Result<Option<Duration>> {
        let ttl: i64 = redis::cmd("PTTL").arg(&q.leader).query_async(&mut self.conn()).await?;
        Ok(u64::try_from(ttl).ok().map(Duration::from_millis))
    }

    /// The server's clock, ms since the epoch (or the fixed test clock).
    pub async fn server_now_ms(&self) -> Result<u64> {
        if self.clock != "0" {
            return Ok(self.clock.parse().unwrap_or(0));
        }
        let (secs, micros): (u64, u64) = redis::cmd("TIME").query_async(&mut self.conn.clone()).await?;
        Ok(secs * 1000 + micros / 1000)
    }

    /// Re-reads the server's clock and remembers how far this machine's is off.
    pub async fn sync_clock(&self) -> Result<u64> {
        let before = crate::job::now_ms();
        let now = self.server_now_ms().await?;
        let after = crate::job::now_ms();
        self.note_server_time(now, (before + after) / 2);
        Ok(now)
    }

    fn note_server_time(&self, server_ms: u64, local_ms: u64) {
        self.offset_ms
            .store(server_ms as i64 - local_ms as i64, Ordering::Relaxed);
    }

    /// This machine's clock corrected by the last seen offset: an estimate of
    /// the server's now that costs no round trip (for naming buckets, and
    /// the deadlines served processes are told; never for a state change).
    pub fn estimated_server_ms(&self) -> u64 {
        (crate::job::now_ms() as i64 + self.offset_ms.load(Ordering::Relaxed)).max(0) as u64
    }

    /// True when tq talks to a Redis Cluster (detected at connect).
    pub fn is_cluster(&self) -> bool {
        self.cluster
    }

    /// The same broker on a connection of its own (see [`connect::own`]).
    pub async fn with_own_connection(&self) -> Result<Broker> {
        Ok(Broker {
            conn: connect::own(&self.target, &self.conn).await?,
            ..self.clone()
        })
    }

    /// How tq reaches Redis: `single`, `sentinel` or `cluster`.
    pub fn mode(&self) -> &'static str {
        match &self.conn {
            Conn::Cluster(_) => "cluster",
            Conn::Sentinel(_) => "sentinel",
            Conn::Node(_) | Conn::Dedicated(_) => "single",
        }
    }

    /// The master's address the Sentinels named last (None without Sentinels).
    pub fn sentinel_master(&self) -> Option<String> {
        match &self.conn {
            Conn::Sentinel(s) => Some(s.follow().master_addr()),
            _ => None,
        }
    }

    /// The replicas `--min-replicas` asks for.
    pub fn min_replicas(&self) -> u32 {
        self.min_replicas.0
    }

    /// The replicas `--min-replicas` asks for, and how long a write waits for them.
    pub fn replica_wait(&self) -> (u32, Duration) {
        self.min_replicas
    }

    /// This broker with enqueues that wait for `n` replicas, up to `timeout` (0: no wait).
    pub fn with_min_replicas(mut self, n: u32, timeout: Duration) -> Broker {
        self.min_replicas = (n, timeout);
        self
    }

    /// Waits until the replicas asked for (`--min-replicas`) have every
    /// write the master of the queues `written` holds so far (one node's, or
    /// on a Cluster each of those queues' masters'); Err when fewer
    /// confirmed in time. Redis's WAIT counts only its own connection's
    /// writes, so each WAIT goes in one pipeline behind a small write
    /// (`lua/synced.lua`): the WAIT then covers writes this broker sent on
    /// a connection it has since replaced, too.
    pub async fn confirm_writes(&self, written: &[&QueueKeys]) -> Result<()> {
        let (wanted, timeout) = self.min_replicas;
        if wanted == 0 {
            return Ok(());
        }
        let timeout_ms = (timeout.as_millis() as u64).max(1);
        let mut confirmed = u64::MAX;
        match self.conn() {
            Conn::Cluster(mut cluster) => {
                use redis::cluster_routing::{Route, SingleNodeRoutingInfo, SlotAddr};
                for q in written {
                    let master = Route::with_key(&q.pending, SlotAddr::Master);
                    let to = SingleNodeRoutingInfo::SpecificNode(master);
                    let pipe = self.synced_wait(q, wanted, timeout_ms);
                    let mut replies = cluster.route_pipeline(pipe.clone(), 0, 2, to.clone()).await;
                    if lacks_script(&replies) {
                        self.scripts.synced.load_async(&mut cluster).await?;
                        replies = cluster.route_pipeline(pipe, 0, 2, to).await;
                    }
                    confirmed = confirmed.min(waited(replies)?);
                }
            }
            mut conn => {
                // One WAIT covers every queue: they share the node.
                if let Some(q) = written.first() {
                    let pipe = self.synced_wait(q, wanted, timeout_ms);
                    let mut replies = pipe.query_async(&mut conn).await;
                    if lacks_script(&replies) {
                        self.scripts.synced.load_async(&mut conn).await?;
                        replies = pipe.query_async(&mut conn).await;
                    }
                    confirmed = waited(replies)?;
                }
            }
        }
        if confirmed == u64::MAX {
            return Ok(());
        }
        if confirmed < u64::from(wanted) {
            return Err(crate::error::Error::Unconfirmed {
                job: None,
                confirmed,
                wanted,
                timeout_ms,
            });
        }
        Ok(())
    }

    /// `lua/synced.lua` on queue `q`'s master, then WAIT there.
    fn synced_wait(&self, q: &QueueKeys, wanted: u32, timeout_ms: u64) -> redis::Pipeline {
        let mut pipe = redis::pipe();
        pipe.cmd("EVALSHA")
            .arg(self.scripts.synced.get_hash())
            .arg(1)
            .arg(&q.synced)
            .arg(&self.clock);
        pipe.cmd("WAIT").arg(wanted).arg(timeout_ms);
        pipe
    }

    fn conn(&self) -> Conn {
        self.conn.clone()
    }

    /// The messages of `ids` in queue `q` (None where there is none): one
    /// HMGET per run of ids in one shard, then one of the hash of earlier
    /// versions for those not found (if any). A shard another tool
    /// overwrote with another type holds none (the next script that touches
    /// it moves it aside).
    async fn messages<I: AsRef<[u8]>>(&self, q: &QueueKeys, ids: &[I]) -> Result<Vec<Option<Vec<u8>>>> {
        let mut out: Vec<Option<Vec<u8>>> = vec![None; ids.len()];
        let mut at = 0;
        while at < ids.len() {
            let shard = keys::shard_of(ids[at].as_ref());
            let end = at
                + ids[at..]
                    .iter()
                    .take_while(|id| keys::shard_of(id.as_ref()) == shard)
                    .count();
            let key = q.jobs_shard(ids[at].as_ref());
            self.read_into(&key, &ids[at..end], &mut out[at..end]).await?;
            at = end;
        }
        let missing: Vec<usize> = (0..ids.len()).filter(|&i| out[i].is_none()).collect();
        if !missing.is_empty() {
            let wanted: Vec<&[u8]> = missing.iter().map(|&i| ids[i].as_ref()).collect();
            let mut found = vec![None; missing.len()];
            self.read_into(q.jobs.as_bytes(), &wanted, &mut found).await?;
            for (i, msg) in missing.into_iter().zip(found) {
                out[i] = msg;
            }
        }
        Ok(out)
    }

    /// HMGET of `ids` in hash `key` into `out`; a key of another type holds none.
    async fn read_into<I: AsRef<[u8]>>(&self, key: &[u8], ids: &[I], out: &mut [Option<Vec<u8>>]) -> Result<()> {
        let mut read = redis::cmd("HMGET");
        read.arg(key);
        for id in ids {
            read.arg(id.as_ref());
        }
        let got: redis::RedisResult<Vec<Option<Vec<u8>>>> = read.query_async(&mut self.conn()).await;
        match got {
            Ok(msgs) if msgs.len() == ids.len() => {
                for (slot, msg) in out.iter_mut().zip(msgs) {
                    *slot = msg;
                }
                Ok(())
            }
            Ok(msgs) => Err(Error::Failed(format!(
                "HMGET of {} ids answered {} values",
                ids.len(),
                msgs.len()
            ))),
            Err(e) if e.code() == Some("WRONGTYPE") => Ok(()),
            Err(e) => Err(e.into()),
        }
    }
}

/// True if a [`Broker::synced_wait`] pipeline found its script not loaded
/// (a restarted or new node): the caller loads it and sends the pipeline again.
fn lacks_script(replies: &redis::RedisResult<Vec<redis::Value>>) -> bool {
    match replies {
        Err(e) => e.kind() == redis::ErrorKind::Server(redis::ServerErrorKind::NoScript),
        Ok(values) => {
            matches!(values.first(), Some(redis::Value::ServerError(e)) if e.kind() == Some(redis::ServerErrorKind::NoScript))
        }
    }
}

/// The WAIT reply of a [`Broker::synced_wait`] pipeline: how many replicas confirmed.
fn waited(replies: redis::RedisResult<Vec<redis::Value>>) -> Result<u64> {
    let replies = replies?;
    if let Some(redis::Value::ServerError(e)) = replies.first() {
        return Err(redis::RedisError::from(e.clone()).into());
    }
    match replies.get(1) {
        Some(reply) => Ok(redis::from_redis_value_ref(reply)?),
        None => Err(redis::RedisError::from((redis::ErrorKind::UnexpectedReturnType, "no reply to WAIT")).into()),
    }
}
