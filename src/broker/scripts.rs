//! The Lua scripts, each with the helpers of `lua/lib.lua` it uses in
//! front, loaded once per connection and run by SHA (EVALSHA; reloaded on
//! NOSCRIPT).

use std::collections::HashMap;
use std::sync::LazyLock;

use redis::Script;

const LIB: &str = include_str!("../../lua/lib.lua");

/// `lua/lib.lua` cut into its top-level definitions (`local function
/// NAME` or `local NAME = ...`, each up to the next): (name, text), in
/// the file's order. Every line of the file at column 0 starts a
/// definition, ends one (`end`, `}`) or is a comment; its opening comment
/// goes with nothing.
static LIB_ITEMS: LazyLock<Vec<(&'static str, &'static str)>> = LazyLock::new(|| {
    let mut starts = Vec::new();
    let mut at = 0;
    for line in LIB.split_inclusive('\n') {
        if let Some(rest) = line.strip_prefix("local ") {
            let rest = rest.strip_prefix("function ").unwrap_or(rest);
            let name = rest.split(|c: char| !is_word(c)).next().unwrap_or("");
            starts.push((name, at));
        }
        at += line.len();
    }
    let ends = starts.iter().skip(1).map(|&(_, at)| at).chain([LIB.len()]);
    starts
        .iter()
        .zip(ends)
        .map(|(&(name, from), to)| (name, &LIB[from..to]))
        .collect()
});

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !is_word(c)).filter(|w| !w.is_empty())
}

/// The words of Lua `text` outside its comments (`--` to the end of the
/// line, outside a string; the scripts use no long brackets). A helper's
/// comment often names the helpers that call it, and each definition a
/// script carries costs it a closure on every call: about 0.3 µs here, more
/// with every helper it refers to.
fn code_words(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for line in text.lines() {
        let mut quote = None;
        let mut escaped = false;
        let mut end = line.len();
        let mut prev = ' ';
        for (at, c) in line.char_indices() {
            match quote {
                Some(q) => {
                    if escaped {
                        escaped = false;
                    } else if c == '\\' {
                        escaped = true;
                    } else if c == q {
                        quote = None;
                    }
                }
                None if c == '\'' || c == '"' => quote = Some(c),
                None if c == '-' && prev == '-' => {
                    end = at - 1;
                    break;
                }
                None => {}
            }
            prev = if quote.is_some() { ' ' } else { c };
        }
        out.extend(words(&line[..end]));
    }
    out
}

/// The definitions of `lua/lib.lua` that `script` uses, directly or through
/// another, in the file's order. Redis runs a script's whole text on every
/// call, and each helper defined costs a closure then, bound to the helpers
/// it calls: a script that needs 1 helper of 59 should not pay for all of
/// them. Comments do not count (code_words); a name that appears in a
/// string brings its definition in, which costs a little and breaks nothing.
fn lib_for(script: &str) -> String {
    let items = &*LIB_ITEMS;
    let index: HashMap<&str, usize> = items.iter().enumerate().map(|(i, &(name, _))| (name, i)).collect();
    let mut used = vec![false; items.len()];
    let mut todo: Vec<usize> = code_words(script)
        .into_iter()
        .filter_map(|w| index.get(w).copied())
        .collect();
    while let Some(i) = todo.pop() {
        if !used[i] {
            used[i] = true;
            todo.extend(code_words(items[i].1).into_iter().filter_map(|w| index.get(w).copied()));
        }
    }
    items
        .iter()
        .zip(used)
        .filter(|(_, used)| *used)
        .map(|(&(_, text), _)| text)
        .collect()
}

/// A script with the helpers of `lua/lib.lua` it uses in front.
fn with_lib(script: &str) -> Script {
    Script::new(&format!("{}\n{script}", lib_for(script)))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_script_gets_the_helpers_it_uses_and_theirs_in_file_order() {
        let names: Vec<&str> = LIB_ITEMS.iter().map(|&(name, _)| name).collect();
        for name in ["server_now", "heal_key", "heal", "job_shard", "enqueue_batch"] {
            assert!(names.contains(&name), "{name} not found in {names:?}");
        }
        // Every byte of the file but its opening comment is in one definition.
        let cut: usize = LIB_ITEMS.iter().map(|&(_, text)| text.len()).sum();
        let opening = LIB.len() - cut;
        assert!(LIB[..opening].lines().all(|l| l.is_empty() || l.starts_with("--")));

        let lib = lib_for("local now = server_now()\nreturn now");
        assert!(lib.contains("local function server_now()"), "{lib}");
        assert_eq!(lib.matches("local function").count(), 1, "{lib}");

        // heal uses heal_key and requeue_orphans, which uses all_job_ids:
        // all come in, each before its first use.
        let lib = lib_for("heal(base, now, {'pending'})");
        let at = |name: &str| {
            lib.find(&format!("local function {name}("))
                .unwrap_or_else(|| panic!("{name} missing"))
        };
        assert!(at("all_job_ids") < at("requeue_orphans"));
        assert!(at("heal_key") < at("heal"));
        assert!(!lib.contains("local function enqueue_batch("));

        // A name in a comment brings nothing in; one in code after a string
        // holding "--" does.
        let lib = lib_for("-- like recover_expired\nlocal now = server_now() -- not heal\nreturn now");
        assert_eq!(lib.matches("local function").count(), 1, "{lib}");
        let lib = lib_for("local s = 'a--b' .. \"c\\\"--\" .. job_shard(x)");
        assert!(lib.contains("local function job_shard("), "{lib}");
        // The scripts and helpers use no long brackets, which code_words
        // would not see as comments or strings.
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/lua");
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            assert!(!text.contains("[["), "{} uses a long bracket", path.display());
        }
    }
}
