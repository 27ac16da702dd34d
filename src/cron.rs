//! Periodic jobs (`tq cron`): schedules, when they fire, and firing them.
//!
//! A schedule lives in Redis under its target queue (see `broker::cron`);
//! its next fire time is a score there. Every worker looks for due schedules
//! of its queues, and one script per due schedule enqueues its job and moves
//! the fire time on only if the fire time is still the one the caller read:
//! however many workers race on a tick, it fires once. Job ids are
//! `cron:NAME:<tick ms>`, so a tick's job is recognisable (and unique).

use crate::broker::keys::QueueKeys;
use crate::broker::{Broker, CatchUp, CronFire, CronRecord, CronSpec, Due};
use crate::client::{EnqueueRequest, parse_any_args};
use crate::error::{Error, Result};
use chrono::{DateTime, LocalResult, NaiveDateTime, TimeZone, Timelike, Utc};
use chrono_tz::Tz;
use serde::Serialize;
use std::str::FromStr;
use std::time::Duration;

/// A tick more than this late (every worker was down, Redis unreachable) is
/// part of a gap: it fires once for the whole gap (`--catch-up one`) or not
/// at all (`none`). Ticks less late fire one by one.
pub(crate) const LATE_GRACE: Duration = Duration::from_secs(5);

/// Most schedules fired per queue in one pass.
const FIRE_BATCH: usize = 100;

/// When a schedule fires.
#[derive(Debug, Clone)]
pub enum Schedule {
    /// Every so long, at multiples of the period since the Unix epoch (so
    /// `--every 5m` fires at :00, :05, ...).
    Every(Duration),
    /// A cron expression read in a time zone.
    Cron {
        /// The expression as given.
        expr: String,
        /// Parsed.
        cron: Box<croner::Cron>,
        /// Where its wall-clock times are.
        tz: Tz,
    },
}

impl Schedule {
    /// `--every`: a period of at least a second, in whole milliseconds.
    pub fn every(period: Duration) -> std::result::Result<Schedule, String> {
        if period < Duration::from_secs(1) {
            return Err(format!(
                "--every {} is too short: the shortest period is 1s",
                humantime::format_duration(period)
            ));
        }
        Ok(Schedule::Every(period))
    }

    /// `--cron EXPR --tz TZ`: a crontab expression (5 fields, or 6 with
    /// seconds first; names, ranges, steps, `@daily`-style aliases) in an
    /// IANA time zone. The error names the bad part.
    pub fn cron(expr: &str, tz: &str) -> std::result::Result<Schedule, String> {
        let tz = parse_tz(tz)?;
        let cron = croner::Cron::from_str(expr).map_err(|e| describe_cron_error(expr, &e))?;
        // An expression that never matches (30 February) is refused now, not at its first tick.
        let probe = Utc::now().naive_utc().and_utc();
        cron.find_next_occurrence(&probe, false)
            .map_err(|_| format!("invalid cron expression {expr:?}: it never matches a time"))?;
        Ok(Schedule::Cron {
            expr: expr.to_string(),
            cron: Box::new(cron),
            tz,
        })
    }

    /// The first fire time strictly after `after_ms` (ms since the epoch).
    ///
    /// Cron expressions match wall-clock times in their zone. Across a
    /// daylight-saving change: a time that does not exist (02:30 on the
    /// spring-forward night in Europe/Paris) fires once, at the end of the
    /// gap (03:00 local); a time that exists twice (02:30 on the fall-back
    /// night) fires once, at its first occurrence. Fire times only increase.
    pub fn next_after(&self, after_ms: u64) -> Option<u64> {
        match self {
            Schedule::Every(period) => {
                let p = (period.as_millis() as u64).max(1);
                (after_ms / p).checked_add(1)?.checked_mul(p)
            }
            Schedule::Cron { cron, tz, .. } => {
                let after = DateTime::<Utc>::from_timestamp_millis(i64::try_from(after_ms).ok()?)?;
                // Wall-clock search: croner on naive local times (as if UTC),
                // mapped back to instants here, where DST is handled.
                // Whole seconds: the next match is at least a second after `after`'s.
                let mut naive = after.with_timezone(tz).naive_local().with_nanosecond(0)?;
                for _ in 0..10_000 {
                    let next = cron
                        .find_next_occurrence(&naive.and_utc(), false)
                        .ok()?
                        .naive_utc()
                        .with_nanosecond(0)?;
                    if let Some(instant) = first_instant_after(tz, next, after) {
                        return u64::try_from(instant.timestamp_millis()).ok();
                    }
                    naive = next;
                }
                None
            }
        }
    }

    /// The schedule as `tq cron list` shows it.
    pub fn describe(&self) -> String {
        match self {
            Schedule::Every(p) => format!("every {}", humantime::format_duration(*p)),
            Schedule::Cron { expr, .. } => expr.clone(),
        }
    }
}

/// The earliest instant at wall-clock time `naive` in `tz` that is after
/// `after`; for a time skipped by a DST change, the instant the gap ends.
fn first_instant_after(tz: &Tz, naive: NaiveDateTime, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let candidates: Vec<DateTime<Utc>> = match tz.from_local_datetime(&naive) {
        LocalResult::Single(t) => vec![t.with_timezone(&Utc)],
        LocalResult::Ambiguous(a, b) => vec![a.with_timezone(&Utc), b.with_timezone(&Utc)],
        LocalResult::None => {
            // In a gap (gaps are at most a few hours): the first minute after it.
            let mut probe = naive.with_second(0)?.with_nanosecond(0)?;
            (0..24 * 60)
                .find_map(|_| {
                    probe += chrono::Duration::minutes(1);
                    tz.from_local_datetime(&probe).earliest()
                })
                .map(|t| t.with_timezone(&Utc))
                .into_iter()
                .collect()
        }
    };
    // Of a time that exists twice, the second is never used: once its wall
    // clock time fired, the search continues after it.
    let first = candidates.first().copied()?;
    (first > after).then_some(first)
}

/// An IANA zone name.
pub(crate) fn parse_tz(tz: &str) -> std::result::Result<Tz, String> {
    tz.parse::<Tz>().map_err(|_| {
        format!("unknown time zone {tz:?}: use an IANA name such as UTC, Europe/Paris or America/New_York")
    })
}

/// croner's error, with the field it is about when one field is to blame.
fn describe_cron_error(expr: &str, e: &croner::errors::CronError) -> String {
    const FIELDS5: [&str; 5] = ["minute", "hour", "day of month", "month", "day of week"];
    const FIELDS6: [&str; 6] = ["second", "minute", "hour", "day of month", "month", "day of week"];
    let parts: Vec<&str> = expr.split_whitespace().collect();
    let names: &[&str] = match parts.len() {
        5 => &FIELDS5,
        6 => &FIELDS6,
        _ => {
            return format!(
                "invalid cron expression {expr:?}: it has {} fields; use 5 (minute hour day-of-month month day-of-week), 6 with seconds first, or an alias such as @daily",
                parts.len()
            );
        }
    };
    for (i, name) in names.iter().enumerate() {
        let mut fixed = parts.clone();
        fixed[i] = "*";
        if croner::Cron::from_str(&fixed.join(" ")).is_ok() {
            return format!(
                "invalid cron expression {expr:?}: bad {name} field {:?} ({e})",
                parts[i]
            );
        }
    }
    format!("invalid cron expression {expr:?}: {e}")
}

impl CronSpec {
    /// Its schedule (checked when it was added; checked again here, since
    /// the stored text may have been written by something else).
    pub fn schedule(&self) -> std::result::Result<Schedule, String> {
        match (&self.every_ms, &self.cron) {
            (Some(ms), None) => Schedule::every(Duration::from_millis(*ms)),
            (None, Some(expr)) => Schedule::cron(expr, &self.tz),
            _ => Err(format!(
                "schedule {:?} has neither or both of every and cron",
                self.name
            )),
        }
    }

    /// The job its tick `tick_ms` (or a manual run) enqueues, under `id`.
    pub fn request(&self) -> Result<EnqueueRequest> {
        let mut req = EnqueueRequest::new(self.task.clone(), parse_any_args(&self.args)?, self.queue.clone());
        req.max_retries = self.max_retries;
        req.retry_base = Duration::from_millis(self.retry_base_ms);
        req.retry_cap = Duration::from_millis(self.retry_cap_ms);
        req.timeout = Duration::from_millis(self.timeout_ms);
        req.expires = self.expires_ms.map(|ms| Due::In(Duration::from_millis(ms)));
        req.unique = self
            .unique_for_ms
            .map(|ms| (self.unique_key.clone(), Duration::from_millis(ms)));
        Ok(req)
    }
}

/// A schedule name: 1 to 100 letters, digits, '_', '.' or '-'.
pub(crate) fn validate_name(name: &str) -> std::result::Result<(), String> {
    let ok =
        !name.is_empty() && name.len() <= 100 && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "invalid schedule name {name:?}: use 1 to 100 letters, digits, '_', '.' or '-'"
        ))
    }
}

/// The id of the job a schedule's tick creates.
pub(crate) fn tick_job_id(name: &str, tick_ms: u64) -> String {
    format!("cron:{name}:{tick_ms}")
}

/// One schedule fired (or skipped) by [`fire_due`].
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Fired {
    pub name: String,
    pub queue: String,
    /// The tick (ms since the epoch).
    pub tick_ms: u64,
    /// The job it created, or None for a gap skipped under `--catch-up none`.
    pub job: Option<String>,
    /// True when the tick stood for a gap of missed ticks.
    pub catch_up: bool,
}

/// Fires every due schedule of `queues` once: for each, the job of its tick
/// (or one job for a gap, or none under `--catch-up none`). Returns what
/// this call fired; ticks another worker fired first are not in it.
pub(crate) async fn fire_due(broker: &Broker, queues: &[QueueKeys]) -> Result<Vec<Fired>> {
    let mut fired = Vec::new();
    let now = broker.server_now_ms().await?;
    for q in queues {
        for (name, tick) in broker.cron_due(q, now, FIRE_BATCH).await? {
            if let Some(f) = fire_one(broker, q, &name, tick, now).await? {
                fired.push(f);
            }
        }
    }
    Ok(fired)
}

/// Fires schedule `name`'s tick `tick` if it is still the one due.
async fn fire_one(broker: &Broker, q: &QueueKeys, name: &str, tick: u64, now: u64) -> Result<Option<Fired>> {
    let Some(record) = broker.cron_get(q, name).await? else {
        return Ok(None);
    };
    if record.next_ms != Some(tick) {
        // Another worker fired it meanwhile (or it was paused): no script call.
        return Ok(None);
    }
    let spec = match &record.spec {
        Ok(spec) => spec,
        Err(e) => {
            tracing::warn!(queue = %q.name, schedule = name, "schedule cannot be read, not fired: {e}");
            return Ok(None);
        }
    };
    let schedule = match spec.schedule() {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!(queue = %q.name, schedule = name, "schedule not fired: {e}");
            return Ok(None);
        }
    };
    let late = now.saturating_sub(tick) > LATE_GRACE.as_millis() as u64;
    let (Some(following), Some(upcoming)) = (schedule.next_after(tick), schedule.next_after(now)) else {
        return Ok(None);
    };
    // On time (or a little late): this tick, then the next one. A gap: one
    // job for it (or none), then the first tick still to come.
    let next = if late { upcoming } else { following };
    let job = if late && spec.catch_up == CatchUp::None {
        None
    } else {
        let mut req = spec.request()?;
        if let Some(ms) = spec.expires_ms {
            // Expiry counts from the tick, not from when it was fired; a
            // gap's one job, from now (its tick is long past).
            req.expires = Some(if late {
                Due::In(Duration::from_millis(ms))
            } else {
                Due::At(tick.saturating_add(ms))
            });
        }
        Some(req.to_new_job_with_id(tick_job_id(name, tick))?)
    };
    let outcome = broker
        .cron_fire(q, name, &record.raw, Some(tick), next, job.as_ref().map(|(_, j)| j))
        .await?;
    Ok(match outcome {
        CronFire::Fired { job: id } => Some(Fired {
            name: name.to_string(),
            queue: q.name.clone(),
            tick_ms: tick,
            job: id,
            catch_up: late,
        }),
        CronFire::Moved => None,
    })
}

/// `tq cron run`: enqueues the schedule's job now, once, under its own id
/// (`cron:NAME:run-<id>`), leaving its cadence alone.
pub(crate) async fn run_now(broker: &Broker, q: &QueueKeys, record: &CronRecord) -> Result<String> {
    let spec = record
        .spec
        .as_ref()
        .map_err(|e| Error::Failed(format!("schedule {:?} cannot be read: {e}", record.name)))?;
    let id = format!("cron:{}:run-{}", spec.name, crate::job::new_job_id());
    let (_, job) = spec.request()?.to_new_job_with_id(id.clone())?;
    match broker
        .cron_fire(q, &spec.name, &record.raw, None, 0, Some(&job))
        .await?
    {
        // A unique job whose name another job holds: that job stands for the run.
        CronFire::Fired { job } => Ok(job.unwrap_or(id)),
        CronFire::Moved => Err(Error::Failed(format!(
            "schedule {:?} changed while it was run; run it again",
            spec.name
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ms(text: &str) -> u64 {
        DateTime::parse_from_rfc3339(text).unwrap().timestamp_millis() as u64
    }

    fn local(tz: &str, at: u64) -> String {
        let tz: Tz = tz.parse().unwrap();
        DateTime::<Utc>::from_timestamp_millis(at as i64)
            .unwrap()
            .with_timezone(&tz)
            .to_rfc3339()
    }

    /// The fire times after `from`, `n` of them.
    fn fires(s: &Schedule, from: u64, n: usize) -> Vec<u64> {
        let mut out = Vec::new();
        let mut at = from;
        for _ in 0..n {
            at = s.next_after(at).unwrap();
            out.push(at);
        }
        out
    }

    #[test]
    fn every_fires_on_multiples_of_its_period() {
        let s = Schedule::every(Duration::from_secs(300)).unwrap();
        assert_eq!(
            s.next_after(ms("2026-03-01T10:02:00Z")),
            Some(ms("2026-03-01T10:05:00Z"))
        );
        assert_eq!(
            s.next_after(ms("2026-03-01T10:05:00Z")),
            Some(ms("2026-03-01T10:10:00Z"))
        );
        assert!(Schedule::every(Duration::from_millis(500)).is_err());
    }

    #[test]
    fn a_time_the_spring_forward_skips_fires_once_at_the_end_of_the_gap() {
        // Europe/Paris, 2026-03-29: 02:00 CET becomes 03:00 CEST.
        let s = Schedule::cron("30 2 * * *", "Europe/Paris").unwrap();
        let got = fires(&s, ms("2026-03-27T12:00:00Z"), 4);
        let shown: Vec<String> = got.iter().map(|t| local("Europe/Paris", *t)).collect();
        assert_eq!(
            shown,
            [
                "2026-03-28T02:30:00+01:00",
                "2026-03-29T03:00:00+02:00",
                "2026-03-30T02:30:00+02:00",
                "2026-03-31T02:30:00+02:00"
            ]
        );
        // America/New_York, 2026-03-08: 02:00 EST becomes 03:00 EDT.
        let s = Schedule::cron("30 2 * * *", "America/New_York").unwrap();
        let got = fires(&s, ms("2026-03-07T12:00:00Z"), 2);
        let shown: Vec<String> = got.iter().map(|t| local("America/New_York", *t)).collect();
        assert_eq!(shown, ["2026-03-08T03:00:00-04:00", "2026-03-09T02:30:00-04:00"]);
    }

    #[test]
    fn a_time_the_fall_back_repeats_fires_once_at_its_first_occurrence() {
        // Europe/Paris, 2026-10-25: 03:00 CEST becomes 02:00 CET; 02:30 happens twice.
        let s = Schedule::cron("30 2 * * *", "Europe/Paris").unwrap();
        let got = fires(&s, ms("2026-10-24T12:00:00Z"), 3);
        let shown: Vec<String> = got.iter().map(|t| local("Europe/Paris", *t)).collect();
        assert_eq!(
            shown,
            [
                "2026-10-25T02:30:00+02:00",
                "2026-10-26T02:30:00+01:00",
                "2026-10-27T02:30:00+01:00"
            ]
        );
        // America/New_York, 2026-11-01: 01:30 happens twice.
        let s = Schedule::cron("30 1 * * *", "America/New_York").unwrap();
        let got = fires(&s, ms("2026-10-31T12:00:00Z"), 2);
        let shown: Vec<String> = got.iter().map(|t| local("America/New_York", *t)).collect();
        assert_eq!(shown, ["2026-11-01T01:30:00-04:00", "2026-11-02T01:30:00-05:00"]);
        // Starting inside the repeated hour's second pass: not fired again.
        let from = ms("2026-11-01T01:10:00-05:00");
        assert_eq!(
            local("America/New_York", s.next_after(from).unwrap()),
            "2026-11-02T01:30:00-05:00"
        );
    }

    #[test]
    fn bad_expressions_and_zones_name_the_bad_part() {
        let e = Schedule::cron("61 9 * * *", "UTC").unwrap_err();
        assert!(e.contains("bad minute field \"61\""), "{e}");
        let e = Schedule::cron("0 9 * * MON-FRX", "UTC").unwrap_err();
        assert!(e.contains("day of week"), "{e}");
        let e = Schedule::cron("0 9 *", "UTC").unwrap_err();
        assert!(e.contains("3 fields"), "{e}");
        let e = Schedule::cron("0 9 * * *", "Europe/Pariss").unwrap_err();
        assert!(e.contains("unknown time zone \"Europe/Pariss\""), "{e}");
        assert!(Schedule::cron("@daily", "UTC").is_ok());
        assert!(Schedule::cron("*/15 9-17 * JAN-MAR MON-FRI", "UTC").is_ok());
        assert!(Schedule::cron("30 */5 * * * *", "UTC").is_ok(), "seconds first");
    }

    const EXPRS: [&str; 8] = [
        "* * * * *",
        "*/7 * * * *",
        "30 2 * * *",
        "0 1-3 * * *",
        "15 2,3 * * SUN",
        "0 9 * * MON-FRI",
        "@hourly",
        "45 23 L * *",
    ];
    const ZONES: [&str; 4] = ["Europe/Paris", "America/New_York", "UTC", "Australia/Lord_Howe"];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn fire_times_increase_match_the_expression_and_never_repeat_a_wall_clock_time(
            expr in proptest::sample::select(EXPRS.to_vec()),
            zone in proptest::sample::select(ZONES.to_vec()),
            // 2025 to 2029, DST changes included.
            from in 1_735_689_600_000u64..1_861_920_000_000u64,
        ) {
            let s = Schedule::cron(expr, zone).unwrap();
            let tz: Tz = zone.parse().unwrap();
            let cron = croner::Cron::from_str(expr).unwrap();
            let mut last = from;
            let mut last_wall: Option<NaiveDateTime> = None;
            for _ in 0..30 {
                let next = s.next_after(last).unwrap();
                prop_assert!(next > last, "{next} not after {last}");
                prop_assert_eq!(next % 1000, 0, "whole seconds");
                let at = DateTime::<Utc>::from_timestamp_millis(next as i64).unwrap().with_timezone(&tz);
                let wall = at.naive_local();
                // Either the wall time matches, or it is the end of a DST gap
                // standing for a skipped time that matched.
                let matches = cron.is_time_matching(&wall.and_utc()).unwrap();
                let after_gap = matches!(tz.from_local_datetime(&(wall - chrono::Duration::minutes(1))), LocalResult::None);
                prop_assert!(matches || after_gap, "{expr} in {zone}: {at} does not match");
                if let Some(prev) = last_wall {
                    prop_assert!(wall > prev, "{expr} in {zone}: wall clock {wall} fired after {prev}");
                }
                last_wall = Some(wall);
                last = next;
            }
        }

        #[test]
        fn every_is_strictly_increasing_by_its_period(period_s in 1u64..100_000, from in 0u64..4_000_000_000_000) {
            let s = Schedule::every(Duration::from_secs(period_s)).unwrap();
            let a = s.next_after(from).unwrap();
            let b = s.next_after(a).unwrap();
            prop_assert!(a > from && a - from <= period_s * 1000);
            prop_assert_eq!(b - a, period_s * 1000);
        }
    }
}
