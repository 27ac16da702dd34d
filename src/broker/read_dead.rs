//! Reads of dead records, newest first, queue by queue.

use super::Broker;
use super::records::{DeadFields, DeadSummary, per_queue, score_range, text, warn_broken};
use crate::error::Result;
use std::collections::HashMap;

impl Broker {
    /// Up to `count` dead records of `queue` that died in `[since, before)`,
    /// newest first, skipping the first `offset`.
    pub async fn dead_page(
        &self,
        queue: &str,
        since_ms: Option<u64>,
        before_ms: Option<u64>,
        offset: usize,
        count: usize,
    ) -> Result<Vec<DeadSummary>> {
        let q = self.queue(queue);
        let (min, max) = score_range(since_ms, before_ms);
        let page: Vec<(Vec<u8>, f64)> = redis::cmd("ZREVRANGEBYSCORE")
            .arg(&q.dead)
            .arg(&max)
            .arg(&min)
            .arg("WITHSCORES")
            .arg("LIMIT")
            .arg(offset)
            .arg(count)
            .query_async(&mut self.conn())
            .await?;
        if page.is_empty() {
            return Ok(Vec::new());
        }
        const FIELDS: [&str; 7] = [
            "task",
            "reason",
            "last_error",
            "attempts",
            "replays",
            "replay_job",
            "redacted",
        ];
        let mut pipe = redis::pipe();
        for (id, _) in &page {
            pipe.hmget(q.job(&text(id)), &FIELDS);
        }
        let rows: Vec<Vec<Option<Vec<u8>>>> = pipe.query_async(&mut self.conn()).await?;
        Ok(page
            .into_iter()
            .zip(rows)
            .map(|((id, failed_at), row)| {
                let id = text(&id);
                let hash: HashMap<String, Vec<u8>> = FIELDS
                    .iter()
                    .zip(row)
                    .filter_map(|(k, v)| Some((k.to_string(), v?)))
                    .collect();
                let mut fields = DeadFields::from_hash(&hash);
                fields.failed_at_ms = failed_at as u64;
                DeadSummary {
                    id,
                    queue: queue.to_string(),
                    fields,
                }
            })
            .collect())
    }

    /// How many dead records of `queues` died in `[since, before)`.
    pub async fn dead_count(&self, queues: &[String], since_ms: Option<u64>, before_ms: Option<u64>) -> Result<u64> {
        if queues.is_empty() {
            return Ok(0);
        }
        let (min, max) = score_range(since_ms, before_ms);
        let answers = per_queue(queues, |queue| {
            let (min, max) = (&min, &max);
            async move {
                let n: u64 = redis::cmd("ZCOUNT")
                    .arg(self.queue(queue).dead)
                    .arg(min)
                    .arg(max)
                    .query_async(&mut self.conn())
                    .await?;
                Ok(n)
            }
        })
        .await;
        warn_broken(&answers);
        Ok(answers.into_iter().filter_map(|(_, a)| a.ok()).sum())
    }

    /// Dead record `id` in full, with the queue it is in and its attempt
    /// history (JSON records, oldest first).
    pub async fn dead_record(&self, queues: &[String], id: &str) -> Result<Option<(DeadSummary, Vec<String>)>> {
        let answers = per_queue(queues, |queue| async move {
            let q = self.queue(queue);
            type Found = (Option<f64>, HashMap<String, Vec<u8>>, Vec<Vec<u8>>);
            let found: Found = redis::pipe()
                .zscore(&q.dead, id)
                .hgetall(q.job(id))
                .lrange(q.failures(id), 0, -1)
                .query_async(&mut self.conn())
                .await?;
            Ok(found)
        })
        .await;
        warn_broken(&answers);
        Ok(answers.into_iter().find_map(|(queue, answer)| {
            let (score, hash, history) = answer.ok()?;
            let mut fields = DeadFields::from_hash(&hash);
            fields.failed_at_ms = score? as u64;
            Some((
                DeadSummary {
                    id: id.to_string(),
                    queue: queue.clone(),
                    fields,
                },
                history.iter().map(|h| text(h)).collect(),
            ))
        }))
    }

    /// For each of `ids`, the queue (of `queues`) whose dead set holds it.
    pub async fn locate_dead(&self, queues: &[String], ids: &[String]) -> Result<Vec<Option<String>>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let answers = per_queue(queues, |queue| async move {
            let mut pipe = redis::pipe();
            for id in ids {
                pipe.zscore(self.queue(queue).dead, id);
            }
            let scores: Vec<Option<f64>> = pipe.query_async(&mut self.conn()).await?;
            Ok(scores)
        })
        .await;
        warn_broken(&answers);
        Ok((0..ids.len())
            .map(|i| {
                answers.iter().find_map(|(queue, answer)| {
                    let scores = answer.as_ref().ok()?;
                    scores.get(i)?.map(|_| (*queue).clone())
                })
            })
            .collect())
    }

    /// The ids of every dead record of `queue`.
    pub async fn dead_ids(&self, queue: &str) -> Result<Vec<String>> {
        Ok(redis::cmd("ZRANGE")
            .arg(self.queue(queue).dead)
            .arg(0)
            .arg(-1)
            .query_async(&mut self.conn())
            .await?)
    }
}
