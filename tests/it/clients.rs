//! The Python and Node helpers (clients/), through their own test suites:
//! real python3 and node processes served by a real worker, and their
//! clients against a real `tq serve`, on a redis-server this harness starts
//! and stops.

use crate::support;

use std::process::Command;
use support::RedisServer;

/// Runs a helper's test suite against a private Redis and the tq under test.
fn run_suite(program: &str, args: &[&str]) {
    let redis = RedisServer::start();
    let mut cmd = Command::new(program);
    support::clear_env(&mut cmd);
    let out = cmd
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .env("TQ_BIN", support::tq_bin())
        .env("TQ_REDIS_URL", redis.url())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_python_helper_passes_its_tests_against_a_real_worker() {
    run_suite(
        "python3",
        &["-m", "unittest", "discover", "-s", "clients/python/tests", "-v"],
    );
}

#[test]
fn the_node_helper_passes_its_tests_against_a_real_worker() {
    run_suite(
        "node",
        &[
            "--test",
            "clients/node/test/serve.test.js",
            "clients/node/test/client.test.js",
        ],
    );
}
