//! Reads of one job: live, dead, merged into a dead record, or succeeded.

use super::Broker;
use super::MAX_PER_CALL;
use super::keys::{self, QueueKeys};
use super::records::{
    DeadFields, JobRecord, JobSummary, LiveJob, LiveState, hand_off_entry, hand_off_parts, lease_member, lease_parts,
    parse_counts, per_queue, text, warn_broken,
};
use crate::error::Result;
use crate::job::ResultRecord;
use std::collections::HashMap;

impl Broker {
    /// Everything known of job `id` in `queues`: live, dead, merged into a
    /// dead record, or succeeded (while its result is kept). Queues that
    /// cannot be read are skipped (and logged).
    pub async fn find_job(&self, queues: &[String], id: &str) -> Result<Option<JobRecord>> {
        let answers = per_queue(queues, |queue| self.find_job_in(queue, id)).await;
        warn_broken(&answers);
        if let Some(found) = answers.into_iter().find_map(|(_, a)| a.ok().flatten()) {
            return Ok(Some(found));
        }
        self.find_result(queues, id).await
    }

    /// Job `id` on `queue` while it is live or dead (a succeeded job's
    /// result is found by [`Broker::find_job`] only).
    pub async fn find_job_in(&self, queue: &str, id: &str) -> Result<Option<JobRecord>> {
        let k = self.queue(queue);
        // The message, counters, last error, retry and delay times, dead
        // record, and the record a dead replay was merged into.
        type Row = (
            Option<Vec<u8>>,
            Option<Vec<u8>>,
            Option<f64>,
            Option<f64>,
            HashMap<String, Vec<u8>>,
            Option<String>,
        );
        let msg = self.messages(&k, &[id]).await?.pop().flatten();
        let (counts, error, retry, scheduled, dead, merged): Row = redis::pipe()
            .hget(&k.counts, id)
            .hget(&k.errors, id)
            .zscore(&k.retry, id)
            .zscore(&k.scheduled, id)
            .hgetall(k.job(id))
            .hget(&k.merged, id)
            .query_async(&mut self.conn())
            .await?;
        if let Some(msg) = msg {
            let counts = counts.map(|c| text(&c));
            let (attempts, recovered, released) = parse_counts(counts.as_deref());
            let finished = attempts + recovered + released;
            let (state, deliveries) = match (retry, scheduled) {
                (Some(_), _) => (LiveState::Retrying, finished),
                (None, Some(_)) => (LiveState::Scheduled, finished),
                (None, None) => {
                    // Active exactly while its next delivery holds a lease.
                    // (A job handed to idle workers that none took yet is leased but waits.)
                    // A first delivery an earlier version leased is "<id>:1".
                    let delivery = finished + 1;
                    let entry = hand_off_entry(id, delivery);
                    let (leased, earlier, waiting): (Option<f64>, Option<f64>, Option<i64>) = redis::pipe()
                        .zscore(&k.active, lease_member(id, delivery))
                        .zscore(&k.active, &entry)
                        .cmd("LPOS")
                        .arg(&k.ready)
                        .arg(&entry)
                        .query_async(&mut self.conn())
                        .await?;
                    match (leased.or(earlier), waiting) {
                        (Some(_), None) => (LiveState::Active, delivery),
                        _ => (LiveState::Pending, finished),
                    }
                }
            };
            return Ok(Some(JobRecord::Live(LiveJob {
                queue: queue.to_string(),
                state,
                msg: text(&msg),
                attempts,
                deliveries,
                last_error: error.map(|e| text(&e)),
                due_at_ms: retry.or(scheduled).map(|s| s as u64),
            })));
        }
        if let Some(replay) = dead.get("replayed_as") {
            return Ok(Some(JobRecord::Replayed {
                queue: queue.to_string(),
                replay: text(replay),
            }));
        }
        if !dead.is_empty() {
            return Ok(Some(JobRecord::Dead {
                queue: queue.to_string(),
                fields: DeadFields::from_hash(&dead),
            }));
        }
        if let Some(record) = merged {
            let hash: HashMap<String, Vec<u8>> = redis::cmd("HGETALL")
                .arg(k.job(&record))
                .query_async(&mut self.conn())
                .await?;
            return Ok(Some(JobRecord::MergedReplay {
                queue: queue.to_string(),
                record,
                fields: DeadFields::from_hash(&hash),
            }));
        }
        Ok(None)
    }

    /// The result record of a job that succeeded, if it is still kept.
    async fn find_result(&self, queues: &[String], id: &str) -> Result<Option<JobRecord>> {
        // Queue by queue: each queue's buckets share its slot, queues may not.
        let answers = per_queue(queues, |q| async move {
            let k = self.queue(q);
            let buckets: Vec<String> = redis::cmd("ZRANGE")
                .arg(&k.result_buckets)
                .arg(0)
                .arg(-1)
                .query_async(&mut self.conn())
                .await?;
            let part = keys::result_part(id.as_bytes());
            let part_v1 = keys::result_part_v1(id.as_bytes());
            let places: Vec<Vec<u8>> = if buckets.is_empty() {
                // Results only an earlier version wrote (no bucket index
                // yet): the parts of its index that can hold this id.
                let indexed: Vec<Vec<u8>> = redis::cmd("ZRANGE")
                    .arg(&k.results)
                    .arg(0)
                    .arg(-1)
                    .query_async(&mut self.conn())
                    .await?;
                indexed
                    .into_iter()
                    .filter(|key| {
                        let tail = key.rsplit(|&b| b == b':').next().unwrap_or_default();
                        tail == part_v1 || tail.iter().all(u8::is_ascii_digit)
                    })
                    .collect()
            } else {
                // In each bucket, the part that holds this id, and where
                // earlier versions kept it: their part, or the whole bucket.
                buckets
                    .iter()
                    .flat_map(|bucket| {
                        [part, part_v1]
                            .map(|tail| [format!("{bucket}:").as_bytes(), tail].concat())
                            .into_iter()
                            .chain([bucket.clone().into_bytes()])
                    })
                    .collect()
            };
            if places.is_empty() {
                return Ok(None);
            }
            let mut pipe = redis::pipe();
            for key in &places {
                pipe.hget(key, id);
            }
            let records: Vec<Option<Vec<u8>>> = pipe.query_async(&mut self.conn()).await?;
            Ok(records
                .into_iter()
                .find_map(|r| serde_json::from_slice::<ResultRecord>(r.as_deref()?).ok()))
        })
        .await;
        warn_broken(&answers);
        Ok(answers.into_iter().find_map(|(q, answer)| {
            Some(JobRecord::Succeeded {
                queue: q.clone(),
                record: answer.ok()??,
            })
        }))
    }

    /// Every kept result record of `queue`, by job id.
    pub async fn results(&self, queue: &str) -> Result<HashMap<String, ResultRecord>> {
        let q: QueueKeys = self.queue(queue);
        let mut conn = self.conn();
        let buckets: Vec<String> = redis::cmd("ZRANGE")
            .arg(&q.results)
            .arg(0)
            .arg(-1)
            .query_async(&mut conn)
            .await?;
        let mut records = HashMap::new();
        for bucket in buckets {
            let mut cursor = 0u64;
            loop {
                let (next, page): (u64, Vec<(String, Vec<u8>)>) = redis::cmd("HSCAN")
                    .arg(&bucket)
                    .arg(cursor)
                    .arg("COUNT")
                    .arg(5000)
                    .query_async(&mut conn)
                    .await?;
                for (id, text) in page {
                    if let Ok(record) = serde_json::from_slice::<ResultRecord>(&text) {
                        records.insert(id, record);
                    }
                }
                if next == 0 {
                    break;
                }
                cursor = next;
            }
        }
        Ok(records)
    }

    /// Up to `limit` jobs of `queue` in `state`, in the order they run
    /// (pending: oldest first; scheduled and retrying: soonest due; active:
    /// soonest lease end), only of `task` if given. Reads ranges from the
    /// right end, so a 1,000,000-job backlog costs what a small one does;
    /// with `task`, it looks at no more than `scan` jobs.
    pub async fn list_jobs(
        &self,
        queue: &str,
        state: LiveState,
        limit: usize,
        task: Option<&str>,
        scan: usize,
    ) -> Result<Vec<JobSummary>> {
        let k = self.queue(queue);
        // Filtering by task reads big windows; otherwise just what is shown.
        let window = if task.is_some() {
            MAX_PER_CALL
        } else {
            limit.clamp(1, MAX_PER_CALL)
        };
        let mut out = Vec::new();
        let mut offset = 0;
        // The job handed to idle workers that none took yet is the oldest pending one.
        let ready: Vec<Vec<u8>> = redis::cmd("LRANGE")
            .arg(&k.ready)
            .arg(0)
            .arg(-1)
            .query_async(&mut self.conn())
            .await?;
        let handed: Vec<String> = ready
            .iter()
            .map(|m| text(m))
            .filter(|m| hand_off_parts(m.as_bytes()).is_some())
            .collect();
        // Pending jobs with a fairness key wait in their keys' lines (kq),
        // read after the pending list: (key of each id, and what holds keys back).
        let mut keyed_phase = false;
        let mut keys: HashMap<String, String> = HashMap::new();
        let flow = if state == LiveState::Pending {
            self.flow_state_now(&k).await?
        } else {
            None
        };
        let held_keys: Vec<String> = if flow.as_ref().is_some_and(|f| f.keys_held > 0) {
            redis::cmd("ZRANGE")
                .arg(&k.kwait)
                .arg(0)
                .arg(-1)
                .query_async(&mut self.conn())
                .await?
        } else {
            Vec::new()
        };
        while out.len() < limit && offset < scan {
            // (id, score) of the next window.
            let mut entries: Vec<(String, Option<f64>)> = match state {
                LiveState::Pending if keyed_phase => {
                    let members: Vec<Vec<u8>> = redis::cmd("ZRANGE")
                        .arg(&k.kq)
                        .arg(offset)
                        .arg(offset + window - 1)
                        .query_async(&mut self.conn())
                        .await?;
                    members
                        .iter()
                        .filter_map(|m| {
                            let mut parts = m.split(|b| *b == 0);
                            let key = text(parts.next()?);
                            let id = text(parts.nth(1)?);
                            keys.insert(id.clone(), key);
                            Some((id, None))
                        })
                        .collect()
                }
                LiveState::Pending => {
                    let mut ids: Vec<String> = redis::cmd("LRANGE")
                        .arg(&k.pending)
                        .arg(-((offset + window) as isize))
                        .arg(-(offset as isize) - 1)
                        .query_async(&mut self.conn())
                        .await?;
                    ids.reverse();
                    ids.into_iter().map(|id| (id, None)).collect()
                }
                LiveState::Scheduled | LiveState::Retrying | LiveState::Active => {
                    let key = match state {
                        LiveState::Scheduled => &k.scheduled,
                        LiveState::Retrying => &k.retry,
                        _ => &k.active,
                    };
                    redis::cmd("ZRANGE")
                        .arg(key)
                        .arg(offset)
                        .arg(offset + window - 1)
                        .arg("WITHSCORES")
                        .query_async::<Vec<(String, f64)>>(&mut self.conn())
                        .await?
                        .into_iter()
                        .map(|(m, s)| (m, Some(s)))
                        .collect()
                }
            };
            let read = entries.len();
            if offset == 0 && state == LiveState::Pending {
                let mut first: Vec<(String, Option<f64>)> = handed
                    .iter()
                    .filter_map(|m| hand_off_parts(m.as_bytes()))
                    .map(|(id, _)| (String::from_utf8_lossy(id).into_owned(), None))
                    .collect();
                first.append(&mut entries);
                entries = first;
            }
            if state == LiveState::Active {
                // Lease members (lease_parts); a handed job not taken yet is pending.
                entries.retain(|(m, _)| {
                    let (id, delivery) = lease_parts(m);
                    !handed.contains(&hand_off_entry(id, delivery))
                });
                for (m, _) in entries.iter_mut() {
                    *m = lease_parts(m).0.to_string();
                }
            }
            offset += read;
            // The pending list ran out: on to the keyed jobs, if any.
            let switching = read < window
                && state == LiveState::Pending
                && !keyed_phase
                && flow.as_ref().is_some_and(|f| f.keyed_pending > 0);
            let exhausted = read < window && !switching;
            if switching {
                keyed_phase = true;
                offset = 0;
            }
            if entries.is_empty() {
                if exhausted {
                    break;
                }
                continue;
            }
            let ids: Vec<&str> = entries.iter().map(|(id, _)| id.as_str()).collect();
            let msgs = self.messages(&k, &ids).await?;
            type Row = (Vec<Option<String>>, Vec<Option<Vec<u8>>>);
            let (counts, errors): Row = redis::pipe()
                .cmd("HMGET")
                .arg(&k.counts)
                .arg(&ids)
                .cmd("HMGET")
                .arg(&k.errors)
                .arg(&ids)
                .query_async(&mut self.conn())
                .await?;
            for (j, (id, score)) in entries.iter().enumerate() {
                let msg = msgs.get(j).cloned().flatten();
                let decoded = msg
                    .as_deref()
                    .and_then(|m| crate::job::JobMessage::decode(m, id, &k.name).ok());
                let job_task = decoded.as_ref().map(|m| m.task.clone()).unwrap_or_default();
                if task.is_some_and(|t| t != job_task) {
                    continue;
                }
                let (attempts, _, _) = parse_counts(counts.get(j).and_then(|c| c.as_deref()));
                let score = score.map(|s| s as u64);
                out.push(JobSummary {
                    id: id.clone(),
                    queue: queue.to_string(),
                    state,
                    task: job_task,
                    attempts,
                    enqueued_at_ms: decoded.map_or(0, |m| m.enqueued_at_us / 1000),
                    due_at_ms: score.filter(|_| matches!(state, LiveState::Scheduled | LiveState::Retrying)),
                    lease_until_ms: score.filter(|_| state == LiveState::Active),
                    worker: None,
                    running_ms: None,
                    last_error: errors
                        .get(j)
                        .cloned()
                        .flatten()
                        .filter(|_| state == LiveState::Retrying)
                        .map(|e| text(&e)),
                    key: keys.get(id).cloned(),
                    waiting_for: flow.as_ref().and_then(|f| f.held_by.clone()).or_else(|| {
                        keys.get(id)
                            .filter(|key| held_keys.contains(key))
                            .map(|key| super::read_queues::key_held(key))
                    }),
                });
                if out.len() == limit {
                    break;
                }
            }
            if exhausted {
                break;
            }
        }
        Ok(out)
    }
}
