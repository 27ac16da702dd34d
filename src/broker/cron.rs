//! Periodic jobs' schedules in Redis: each lives under the queue it feeds
//! (`cron`, `cron_due`, `cron_last` of [`QueueKeys`]), so the script that
//! fires it and enqueues its job touches one cluster slot.

use super::records::{CronFire, CronPut, CronRecord, CronSpec};
use super::transitions::{NewJob, declare};
use super::{Broker, QueueKeys};
use crate::error::{Error, Result};
use std::collections::HashMap;

/// Splits a `cron_last` entry "<tick>|<job id>".
fn parse_last(text: &str) -> Option<(u64, String)> {
    let (tick, job) = text.split_once('|')?;
    Some((tick.parse().ok()?, job.to_string()))
}

fn record(q: &QueueKeys, name: String, raw: String, next: Option<f64>, last: Option<&String>) -> CronRecord {
    CronRecord {
        spec: serde_json::from_str::<CronSpec>(&raw).map_err(|e| format!("not a tq schedule ({e})")),
        queue: q.name.clone(),
        next_ms: next.map(|n| n as u64),
        last: last.and_then(|l| parse_last(l)),
        name,
        raw,
    }
}

impl Broker {
    /// Creates or updates schedule `spec` on its queue; `first_ms` is its
    /// first fire time after the server's now (used unless nothing changed).
    pub async fn cron_put(&self, q: &QueueKeys, spec: &CronSpec, first_ms: u64) -> Result<CronPut> {
        let raw =
            serde_json::to_string(spec).map_err(|e| Error::InvalidInput(format!("cannot encode schedule: {e}")))?;
        let mut inv = self.scripts.cron_put.key(&q.cron);
        inv.key(&q.cron_due)
            .arg(&self.clock)
            .arg(&q.base)
            .arg(&spec.name)
            .arg(&raw)
            .arg(first_ms);
        declare(&mut inv, q, &[]);
        let outcome: String = inv.invoke_async(&mut self.conn()).await?;
        Ok(match outcome.as_str() {
            "created" => CronPut::Created,
            "changed" => CronPut::Changed,
            _ => CronPut::Unchanged,
        })
    }

    /// Removes schedule `name` of `q`; false if there was none.
    pub async fn cron_remove(&self, q: &QueueKeys, name: &str) -> Result<bool> {
        let mut inv = self.scripts.cron_remove.key(&q.cron);
        inv.key(&q.cron_due)
            .key(&q.cron_last)
            .arg(&self.clock)
            .arg(&q.base)
            .arg(name);
        declare(&mut inv, q, &[]);
        let removed: i64 = inv.invoke_async(&mut self.conn()).await?;
        Ok(removed == 1)
    }

    /// Pauses or resumes schedule `name`; a resumed one fires next at
    /// `next_ms`. None if there is no such schedule, else whether it changed.
    pub async fn cron_set_paused(&self, q: &QueueKeys, name: &str, paused: bool, next_ms: u64) -> Result<Option<bool>> {
        let mut inv = self.scripts.cron_pause.key(&q.cron);
        inv.key(&q.cron_due)
            .arg(&self.clock)
            .arg(&q.base)
            .arg(name)
            .arg(if paused { "1" } else { "0" })
            .arg(next_ms);
        declare(&mut inv, q, &[]);
        let changed: i64 = inv.invoke_async(&mut self.conn()).await?;
        Ok((changed >= 0).then_some(changed == 1))
    }

    /// Fires schedule `name` (stored as `raw`): its tick `tick` (None: a
    /// run now, outside its cadence) with `job` (None: a skipped gap), then
    /// next at `next_ms`, if the tick and definition are still current.
    pub async fn cron_fire(
        &self,
        q: &QueueKeys,
        name: &str,
        raw: &str,
        tick: Option<u64>,
        next_ms: u64,
        job: Option<&NewJob>,
    ) -> Result<CronFire> {
        let mut inv = self.scripts.cron_fire.key(&q.cron);
        inv.key(&q.cron_due)
            .key(&q.cron_last)
            .arg(&self.clock)
            .arg(&q.base)
            .arg(name)
            .arg(raw)
            .arg(tick.map_or(String::new(), |t| t.to_string()))
            .arg(next_ms);
        if let Some(job) = job {
            job.check_id()?;
            job.push_args(&mut inv);
        }
        declare(&mut inv, q, &[]);
        let reply: Vec<String> = match inv.invoke_async(&mut self.conn()).await {
            Ok(reply) => reply,
            Err(e) if crate::error::is_out_of_memory(&e) => return Err(self.out_of_memory("a periodic job").await),
            Err(e) => return Err(e.into()),
        };
        Ok(match reply.first().map(String::as_str) {
            Some("1") => CronFire::Fired {
                job: reply.get(1).filter(|id| !id.is_empty()).cloned(),
            },
            _ => CronFire::Moved,
        })
    }

    /// Names and fire times of `q`'s schedules due at `now_ms`, earliest first.
    pub async fn cron_due(&self, q: &QueueKeys, now_ms: u64, max: usize) -> Result<Vec<(String, u64)>> {
        let due: Vec<(String, f64)> = redis::cmd("ZRANGEBYSCORE")
            .arg(&q.cron_due)
            .arg("-inf")
            .arg(now_ms)
            .arg("WITHSCORES")
            .arg("LIMIT")
            .arg(0)
            .arg(max)
            .query_async(&mut self.conn())
            .await?;
        Ok(due.into_iter().map(|(name, at)| (name, at as u64)).collect())
    }

    /// The earliest next fire time of `q`'s schedules (None: none active).
    pub async fn cron_earliest(&self, q: &QueueKeys) -> Result<Option<u64>> {
        let first: Vec<(String, f64)> = redis::cmd("ZRANGE")
            .arg(&q.cron_due)
            .arg(0)
            .arg(0)
            .arg("WITHSCORES")
            .query_async(&mut self.conn())
            .await?;
        Ok(first.first().map(|(_, at)| *at as u64))
    }

    /// Schedule `name` of `q`, if there is one.
    pub async fn cron_get(&self, q: &QueueKeys, name: &str) -> Result<Option<CronRecord>> {
        let (raw, next, last): (Option<String>, Option<f64>, Option<String>) = redis::pipe()
            .hget(&q.cron, name)
            .zscore(&q.cron_due, name)
            .hget(&q.cron_last, name)
            .query_async(&mut self.conn())
            .await?;
        Ok(raw.map(|raw| record(q, name.to_string(), raw, next, last.as_ref())))
    }

    /// Every schedule of `q`, by name.
    pub async fn cron_list(&self, q: &QueueKeys) -> Result<Vec<CronRecord>> {
        type All = (HashMap<String, String>, Vec<(String, f64)>, HashMap<String, String>);
        let (defs, due, last): All = redis::pipe()
            .hgetall(&q.cron)
            .zrange_withscores(&q.cron_due, 0, -1)
            .hgetall(&q.cron_last)
            .query_async(&mut self.conn())
            .await?;
        let due: HashMap<String, f64> = due.into_iter().collect();
        let mut records: Vec<CronRecord> = defs
            .into_iter()
            .map(|(name, raw)| {
                let next = due.get(&name).copied();
                let last = last.get(&name);
                record(q, name, raw, next, last)
            })
            .collect();
        records.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(records)
    }
}
