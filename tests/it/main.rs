//! The integration tests, one module per area, in one binary (as ripgrep
//! and just do): one link instead of one per file. Each test starts the
//! real parts it needs (a private redis-server, the `tq` binary).

mod support;

mod api;
mod bad_data;
mod cli;
mod clients;
mod clock;
mod cluster;
mod cron;
mod dashboard;
mod dlq;
mod example;
mod failures;
mod faults;
mod flow;
mod generated;
mod load_test;
mod operator;
mod priority;
mod recovery;
mod replicas;
mod retention;
mod scripts;
mod sentinel;
mod served;
mod wakeups;
