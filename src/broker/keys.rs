//! The Redis key layout: every key tq writes, in one place.
//!
//! All keys of one queue share the hash tag `{queue}` so every script touches
//! a single Redis Cluster slot.

/// Names of the keys that make up one queue.
#[derive(Debug, Clone)]
pub struct QueueKeys {
    /// The queue's name as the user gave it.
    pub name: String,
    /// `<prefix>:{<queue>}:` — scripts append `job:<id>` and `failures:<id>` to it.
    pub base: String,
    /// LIST of ids waiting to run; new jobs go in on the left, claims pop from the right.
    pub pending: String,
    /// HASH id → message of earlier versions: read and deleted from until
    /// its jobs end. Messages live in shards ([`QueueKeys::jobs_shard`]).
    pub jobs: String,
    /// ZSET (score 0) of the shards that may hold messages.
    pub shards: String,
    /// HASH id → "attempts,recovered,released", only for jobs where one is not 0.
    pub counts: String,
    /// HASH id → last error, for jobs waiting for a retry.
    pub errors: String,
    /// HASH id → the message with its `--redact` fields replaced, used if the job dies.
    pub redacted: String,
    /// HASH id → the dead record a replay job came from.
    pub replays: String,
    /// HASH replay id → the dead record a replay that died again was merged into.
    pub merged: String,
    /// ZSET of leased ids, scored by lease deadline (ms since the epoch).
    pub active: String,
    /// ZSET of delayed ids (`--delay`/`--at`), scored by due time.
    pub scheduled: String,
    /// ZSET of ids waiting for a retry, scored by due time.
    pub retry: String,
    /// ZSET of dead ids, scored by the time they died.
    pub dead: String,
    /// HASH of counters: `processed`, `failed`.
    pub stats: String,
    /// ZSET of result bucket parts, scored by when each part expires.
    pub results: String,
    /// HASH part key → how many results it holds, and [`RESULTS_TOTAL`] →
    /// their sum (for the count limit).
    pub result_counts: String,
    /// ZSET of result bucket keys (the parts' common prefix), scored by when
    /// the last of its parts expires: where a job's result may be.
    pub result_buckets: String,
    /// HASH key name → the serialized value (DUMP) of a key of the wrong
    /// type (written by another tool) that a script moved aside.
    pub quarantine: String,
    /// The quarantine hash itself, if another tool overwrote it with another type.
    pub quarantine_foreign: String,
    /// LIST holding at most one entry: the lease member of the job handed to
    /// an idle worker, which one worker blocked on it (BLPOP) takes.
    pub ready: String,
    /// LIST of pending entries that were not tq jobs, waiting to be recorded
    /// in the DLQ as malformed (under ids the client names, so it can declare them).
    pub malformed: String,
    /// STRING: the worker that does this queue's due work now (expires).
    pub leader: String,
    /// STRING counter that numbers the queue's malformed dead records.
    pub malformed_seq: String,
    /// HASH unique-job name → "<id>|<until ms>" (`--unique-for`).
    pub unique: String,
    /// ZSET of unique-job names by when they are free again (the tick forgets them).
    pub unique_until: String,
    /// HASH id → when the job expires (ms, server clock) if it has not started (`--expires`).
    pub expires: String,
    /// LIST of jobs a claim found expired, waiting to be buried as `expired`
    /// (by a call that names them, so it can declare their keys).
    pub expired: String,
    /// HASH id → when an operator asked to cancel the job while it ran (`tq cancel`).
    pub cancel: String,
    /// HASH schedule name → its definition (JSON) for periodic jobs on this queue (`tq cron`).
    pub cron: String,
    /// ZSET schedule name → its next fire time (ms, server clock); a paused schedule is absent.
    pub cron_due: String,
    /// HASH schedule name → "<tick ms>|<job id>" of its last firing.
    pub cron_last: String,
    /// HASH of the queue's flow limits (`tq queue limit`): `concurrency`,
    /// `rate` and `key_rate` ("N/MS"), `key_concurrency`, and `paused_until`
    /// (ms, a handler's `pause_queue_ms`).
    pub limits: String,
    /// HASH id → fairness key (`--key`) of every live job that has one.
    pub keyed: String,
    /// ZSET (all scores 0) of keyed jobs waiting to run: "<key>\0<0|1><seq>\0<id>".
    pub kq: String,
    /// ZSET key → turn: keys with waiting jobs that may run, lowest turn first.
    pub kready: String,
    /// ZSET key → ms: keys with waiting jobs held back by a key limit or pause.
    pub kwait: String,
    /// HASH of flow control's records: per key `r:<key>` running jobs,
    /// `s:<key>` recent starts, `p:<key>` paused until; `started` (the sum
    /// of `starts`), and the `seq`, `turn` and `sweep` counters.
    pub kstate: String,
    /// LIST of "<ms>:<n>", oldest first: the queue's starts within its rate window, one entry per claim.
    pub starts: String,
    /// ZSET id → when the wait ends (ms, server clock): jobs someone waits
    /// for (`tq enqueue --wait`, the API's `?wait=`, the dashboard).
    pub waiting: String,
    /// STREAM: an entry (field `ids`, comma-separated) when jobs in
    /// `waiting` finish; waiters block on it (XREAD) instead of polling.
    pub finished: String,
    /// ZSET lease member → when it was handed (ms): jobs handed to an idle
    /// worker (`ready`) that the worker has not confirmed yet; their lease
    /// is short until it does (`wake_one` in lua/lib.lua).
    pub handed: String,
    /// STRING: when writes to this queue's master were last confirmed by
    /// replicas (`lua/synced.lua`, expires). Not in [`QueueKeys::fixed`]: it
    /// says nothing about the queue's jobs.
    pub synced: String,
}

impl QueueKeys {
    /// Keys of queue `name` under `prefix`.
    pub fn new(prefix: &str, name: &str) -> Self {
        let base = format!("{prefix}:{{{name}}}:");
        QueueKeys {
            name: name.to_string(),
            pending: format!("{base}pending"),
            jobs: format!("{base}jobs"),
            shards: format!("{base}shards"),
            counts: format!("{base}counts"),
            errors: format!("{base}errors"),
            redacted: format!("{base}redacted"),
            replays: format!("{base}replays"),
            merged: format!("{base}merged"),
            active: format!("{base}active"),
            scheduled: format!("{base}scheduled"),
            retry: format!("{base}retry"),
            dead: format!("{base}dead"),
            stats: format!("{base}stats"),
            results: format!("{base}results"),
            result_counts: format!("{base}result_counts"),
            result_buckets: format!("{base}result_buckets"),
            quarantine: format!("{base}quarantine"),
            quarantine_foreign: format!("{base}quarantine_foreign"),
            ready: format!("{base}ready"),
            malformed: format!("{base}malformed"),
            leader: format!("{base}leader"),
            malformed_seq: format!("{base}malformed_seq"),
            unique: format!("{base}unique"),
            unique_until: format!("{base}unique_until"),
            expires: format!("{base}expires"),
            expired: format!("{base}expired"),
            cancel: format!("{base}cancel"),
            cron: format!("{base}cron"),
            cron_due: format!("{base}cron_due"),
            cron_last: format!("{base}cron_last"),
            limits: format!("{base}limits"),
            keyed: format!("{base}keyed"),
            kq: format!("{base}kq"),
            kready: format!("{base}kready"),
            kwait: format!("{base}kwait"),
            kstate: format!("{base}kstate"),
            starts: format!("{base}starts"),
            waiting: format!("{base}waiting"),
            finished: format!("{base}finished"),
            handed: format!("{base}handed"),
            synced: format!("{base}synced"),
            base,
        }
    }

    /// Every key of the queue that is not per job, as scripts declare them.
    pub fn fixed(&self) -> [&String; 40] {
        [
            &self.pending,
            &self.jobs,
            &self.shards,
            &self.counts,
            &self.errors,
            &self.redacted,
            &self.replays,
            &self.merged,
            &self.active,
            &self.scheduled,
            &self.retry,
            &self.dead,
            &self.stats,
            &self.results,
            &self.result_counts,
            &self.result_buckets,
            &self.quarantine,
            &self.quarantine_foreign,
            &self.ready,
            &self.malformed,
            &self.leader,
            &self.malformed_seq,
            &self.unique,
            &self.unique_until,
            &self.expires,
            &self.expired,
            &self.cancel,
            &self.cron,
            &self.cron_due,
            &self.cron_last,
            &self.limits,
            &self.keyed,
            &self.kq,
            &self.kready,
            &self.kwait,
            &self.kstate,
            &self.starts,
            &self.waiting,
            &self.finished,
            &self.handed,
        ]
    }

    /// The HASH of one dead record: `msg`, `task`, `state`, `reason`, `failed_at`, `last_error`, ...
    pub fn job(&self, id: &str) -> String {
        format!("{}job:{id}", self.base)
    }

    /// The HASH of result records (id → JSON) of jobs that succeeded in the
    /// bucket starting at `start_secs`; it expires as a whole.
    pub fn results_bucket(&self, start_secs: u64) -> String {
        format!("{}results:{start_secs}", self.base)
    }

    /// STRING set by the enqueue call whose first job is `id` (and whose
    /// ids were all made for it): while it lives (ten minutes), the same
    /// call sent again is known for a re-send and looks its ids up
    /// (`lua/enqueue.lua`).
    pub fn sent(&self, id: &str) -> String {
        format!("{}sent:{id}", self.base)
    }

    /// The LIST of one job's failed attempts (JSON records), oldest first.
    pub fn failures(&self, id: &str) -> String {
        format!("{}failures:{id}", self.base)
    }

    /// The HASH (id → JSON) that holds job `id`'s message: a tq id starts
    /// with its enqueue time, and its first 9 characters (a 32 ms window)
    /// name its shard; any other id lives in shard `~`. Small hashes keep
    /// Redis's cost per job flat as the backlog grows (`job_shard` in
    /// `lua/lib.lua` is the same rule).
    /// Bytes, not text: an id another tool wrote need not be UTF-8.
    pub fn jobs_shard(&self, id: &[u8]) -> Vec<u8> {
        [self.base.as_bytes(), b"jobs:", shard_of(id)].concat()
    }
}

/// Keys that are not tied to one queue.
#[derive(Debug, Clone)]
pub struct GlobalKeys {
    /// SET of every queue name that ever received a job.
    pub queues: String,
    /// ZSET of worker ids scored by their last heartbeat (server clock).
    /// Shares the hash tag `{workers}` with every worker's hash, so the
    /// heartbeat script touches one Redis Cluster slot.
    pub workers: String,
    /// STRING that expires 10 s after a worker pruned `queues` of queues
    /// with no keys (so one worker does it, every 10 s at most).
    pub queues_pruned: String,
}

impl GlobalKeys {
    /// Global keys under `prefix`.
    pub fn new(prefix: &str) -> Self {
        GlobalKeys {
            queues: format!("{prefix}:queues"),
            workers: format!("{prefix}:{{workers}}"),
            queues_pruned: format!("{prefix}:queues_pruned"),
        }
    }

    /// The HASH describing one live worker (expires unless heartbeats renew it).
    pub fn worker(&self, id: &str) -> String {
        format!("{}:worker:{id}", self.workers)
    }
}

/// Checks that a queue name can be used inside a key and a hash tag.
pub fn validate_queue_name(name: &str) -> Result<(), String> {
    if name.is_empty() || name.len() > 100 {
        return Err(format!("invalid queue name {name:?}: must be 1 to 100 characters"));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ':')))
    {
        return Err(format!(
            "invalid queue name {name:?}: {c:?} not allowed (use letters, digits, '_', '-', '.', ':')"
        ));
    }
    Ok(())
}

/// Checks a fairness key (`--key`): 1 to 200 bytes, no control characters
/// and no '|' (the enqueue script's option separator).
pub fn validate_fairness_key(key: &str) -> Result<(), String> {
    if key.is_empty() || key.len() > 200 {
        return Err(format!("invalid key {key:?}: must be 1 to 200 bytes"));
    }
    if let Some(c) = key.chars().find(|c| c.is_control() || *c == '|') {
        return Err(format!("invalid key {key:?}: {c:?} not allowed"));
    }
    Ok(())
}

/// The shard of job `id` ([`QueueKeys::jobs_shard`]).
pub fn shard_of(id: &[u8]) -> &[u8] {
    match id.get(..9) {
        Some(head) if id.len() == 26 => head,
        _ => b"~",
    }
}

/// The part of a results bucket that holds job `id`'s result: its id's 8th
/// and 9th characters, one 32 ms window of enqueue time in 1,024 (`~` for an
/// id that is not a tq id; `lua/ack.lua`).
pub fn result_part(id: &[u8]) -> &[u8] {
    match id.get(7..9) {
        Some(part) if id.len() == 26 => part,
        _ => b"~",
    }
}

/// The part that held job `id`'s result in earlier versions (32 parts per
/// bucket): its id's 9th character, `~` for an id that is not a tq id.
pub fn result_part_v1(id: &[u8]) -> &[u8] {
    match id.get(8..9) {
        Some(part) if id.len() == 26 => part,
        _ => b"~",
    }
}

/// The field of [`QueueKeys::result_counts`] that holds the sum of the
/// others (no part key is this short).
pub const RESULTS_TOTAL: &str = "*";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_queue_keys_share_one_hash_tag() {
        let k = QueueKeys::new("tq", "high");
        for key in [&k.pending, &k.active, &k.scheduled, &k.retry, &k.dead, &k.stats] {
            assert!(key.starts_with("tq:{high}:"), "{key}");
        }
        assert_eq!(k.job("abc"), "tq:{high}:job:abc");
    }

    #[test]
    fn a_job_id_names_its_shard_by_its_time_and_any_other_id_shares_one() {
        let k = QueueKeys::new("tq", "high");
        assert_eq!(k.jobs_shard(b"01m93z1wadmetw9vkewfhmwd3p"), b"tq:{high}:jobs:01m93z1wa");
        assert_eq!(k.jobs_shard(b"order-17"), b"tq:{high}:jobs:~");
        assert_eq!(result_part(b"01m93z1wadmetw9vkewfhmwd3p"), b"wa");
        assert_eq!(result_part(b"order-17"), b"~");
        assert_eq!(result_part_v1(b"01m93z1wadmetw9vkewfhmwd3p"), b"a");
    }

    #[test]
    fn queue_names_with_braces_are_refused() {
        assert!(validate_queue_name("a{b}").is_err());
        assert!(validate_queue_name("").is_err());
        assert!(validate_queue_name("emails.high").is_ok());
    }
}
