//! The Lua scripts, each with `lua/lib.lua` in front, loaded once per
//! connection and run by SHA (EVALSHA; reloaded on NOSCRIPT).

use redis::Script;

/// A script with the shared helpers of `lua/lib.lua` in front.
fn with_lib(script: &str) -> Script {
    Script::new(&format!("{}\n{script}", include_str!("../../lua/lib.lua")))
}

/// Every script tq runs.
pub(super) struct Scripts {
    pub enqueue: Script,
    pub claim: Script,
    pub ack: Script,
    pub retry: Script,
    pub snooze: Script,
    pub bury: Script,
    pub renew: Script,
    pub recover: Script,
    pub promote: Script,
    pub release: Script,
    pub replay: Script,
    pub purge: Script,
    pub idle: Script,
    pub heartbeat: Script,
    pub workers: Script,
    pub unregister: Script,
    pub tick: Script,
    pub pass_wakeup: Script,
    pub confirm: Script,
    pub bury_malformed: Script,
    pub unlease_malformed: Script,
    pub pause: Script,
    pub cancel: Script,
    pub retry_now: Script,
    pub bury_expired: Script,
    pub purge_pending: Script,
    pub cron_put: Script,
    pub cron_remove: Script,
    pub cron_pause: Script,
    pub cron_fire: Script,
    pub limit: Script,
    pub watch: Script,
    pub synced: Script,
}

impl Scripts {
    pub(super) fn new() -> Self {
        Scripts {
            enqueue: with_lib(include_str!("../../lua/enqueue.lua")),
            claim: with_lib(include_str!("../../lua/claim.lua")),
            ack: with_lib(include_str!("../../lua/ack.lua")),
            retry: with_lib(include_str!("../../lua/retry.lua")),
            snooze: with_lib(include_str!("../../lua/snooze.lua")),
            bury: with_lib(include_str!("../../lua/bury.lua")),
            renew: with_lib(include_str!("../../lua/renew.lua")),
            recover: with_lib(include_str!("../../lua/recover.lua")),
            promote: with_lib(include_str!("../../lua/promote.lua")),
            release: with_lib(include_str!("../../lua/release.lua")),
            replay: with_lib(include_str!("../../lua/replay.lua")),
            purge: with_lib(include_str!("../../lua/purge.lua")),
            idle: with_lib(include_str!("../../lua/idle.lua")),
            heartbeat: with_lib(include_str!("../../lua/heartbeat.lua")),
            workers: with_lib(include_str!("../../lua/workers.lua")),
            unregister: with_lib(include_str!("../../lua/unregister.lua")),
            tick: with_lib(include_str!("../../lua/tick.lua")),
            pass_wakeup: with_lib(include_str!("../../lua/pass_wakeup.lua")),
            confirm: with_lib(include_str!("../../lua/confirm.lua")),
            watch: with_lib(include_str!("../../lua/watch.lua")),
            synced: with_lib(include_str!("../../lua/synced.lua")),
            bury_malformed: with_lib(include_str!("../../lua/bury_malformed.lua")),
            unlease_malformed: with_lib(include_str!("../../lua/unlease_malformed.lua")),
            pause: with_lib(include_str!("../../lua/pause.lua")),
            cancel: with_lib(include_str!("../../lua/cancel.lua")),
            retry_now: with_lib(include_str!("../../lua/retry_now.lua")),
            bury_expired: with_lib(include_str!("../../lua/bury_expired.lua")),
            purge_pending: with_lib(include_str!("../../lua/purge_pending.lua")),
            cron_put: with_lib(include_str!("../../lua/cron_put.lua")),
            cron_remove: with_lib(include_str!("../../lua/cron_remove.lua")),
            cron_pause: with_lib(include_str!("../../lua/cron_pause.lua")),
            cron_fire: with_lib(include_str!("../../lua/cron_fire.lua")),
            limit: with_lib(include_str!("../../lua/limit.lua")),
        }
    }
}
