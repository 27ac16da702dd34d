//! Reads of one job: live, dead, merged into a dead record, or succeeded.

use super::Broker;
use super::keys::QueueKeys;
use super::records::{
    DeadFields, JobRecord, LiveJob, LiveState, lease_member, parse_counts, per_queue, text, warn_broken,
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

    async fn find_job_in(&self, queue: &str, id: &str) -> Result<Option<JobRecord>> {
        let k = self.queue(queue);
        // The message, counters, last error, retry and delay times, dead
        // record, and the record a dead replay was merged into.
        type Row = (
            Option<Vec<u8>>,
            Option<Vec<u8>>,
            Option<Vec<u8>>,
            Option<f64>,
            Option<f64>,
            HashMap<String, Vec<u8>>,
            Option<String>,
        );
        let (msg, counts, error, retry, scheduled, dead, merged): Row = redis::pipe()
            .hget(&k.jobs, id)
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
                    let member = lease_member(id, finished + 1);
                    let (leased, waiting): (Option<f64>, Option<i64>) = redis::pipe()
                        .zscore(&k.active, &member)
                        .cmd("LPOS")
                        .arg(&k.ready)
                        .arg(&member)
                        .query_async(&mut self.conn())
                        .await?;
                    match (leased, waiting) {
                        (Some(_), None) => (LiveState::Active, finished + 1),
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
            })));
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
            let buckets: Vec<String> = redis::cmd("ZRANGE")
                .arg(self.queue(q).results)
                .arg(0)
                .arg(-1)
                .query_async(&mut self.conn())
                .await?;
            if buckets.is_empty() {
                return Ok(None);
            }
            let mut pipe = redis::pipe();
            for key in &buckets {
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

    /// The attempt records (JSON) kept for job `id` of `queue`, oldest first.
    pub async fn attempt_history(&self, queue: &str, id: &str) -> Result<Vec<String>> {
        Ok(redis::cmd("LRANGE")
            .arg(self.queue(queue).failures(id))
            .arg(0)
            .arg(-1)
            .query_async(&mut self.conn())
            .await?)
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
}
