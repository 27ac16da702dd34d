//! tq: a reliable, fast Redis-backed task queue.
//!
//! The library holds everything: [`client::Client`] to enqueue and read jobs,
//! [`Worker`] to run them, [`broker`] with the Redis scripts behind
//! every state change. The `tq` binary only parses flags and calls [`run`].
#![warn(unreachable_pub)]

/// Like `println!`, for tq's output: a reader that went away ends tq
/// quietly (exit 0) instead of a panic. See [`output`].
macro_rules! out {
    () => {
        $crate::output::line(format_args!(""))
    };
    ($($arg:tt)*) => {
        $crate::output::line(format_args!($($arg)*))
    };
}

/// Like `print!`, for tq's output (see [`out!`]).
macro_rules! out_text {
    ($($arg:tt)*) => {
        $crate::output::text(format_args!($($arg)*))
    };
}

mod backoff;
pub mod broker;
pub mod cli;
pub mod client;
mod commands;
mod cron;
pub mod dlq;
mod error;
pub mod generate;
pub mod job;
mod job_spec;
mod loadtest;
pub mod output;
mod redact;
mod server;
pub mod spawn;
mod worker;

pub use client::{Client, EnqueueRequest, Enqueued, JobStatus};
pub use error::{Error, Result};
pub use worker::{Worker, WorkerConfig};

use cli::{Cli, Command};
use commands::Context;

/// Runs the command line `cli` to completion.
pub fn run(cli: Cli) -> Result<()> {
    let ctx = Context::from_cli(&cli);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async move {
        match cli.command {
            Command::Enqueue(args) => commands::enqueue::run(&ctx, args).await,
            Command::Worker(args) => commands::worker::run(&ctx, args).await,
            Command::Inspect(args) => commands::inspect::run(&ctx, args).await,
            Command::Dlq(args) => commands::dlq::run(&ctx, args).await,
            Command::Queue(args) => commands::queue::run(&ctx, args).await,
            Command::Cron(args) => commands::cron::run(&ctx, args).await,
            Command::Serve(args) => commands::serve::run(&ctx, args).await,
            Command::Jobs(args) => commands::jobs::run(&ctx, args).await,
            Command::Cancel(args) => commands::cancel::run(&ctx, args, commands::cancel::Action::Cancel).await,
            Command::RetryNow(args) => commands::cancel::run(&ctx, args, commands::cancel::Action::RetryNow).await,
            Command::LoadTest(args) => commands::load_test::run(&ctx, args).await,
            Command::Completions(args) => commands::generated::completions(args),
            Command::Man(args) => commands::generated::man(args),
            Command::Status(args) => commands::status::run(&ctx, args).await,
        }
    })
}
