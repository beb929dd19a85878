//! The integration tests of the `tether` binary, in one test binary: each module is one area
//! (its own doc comment says which); they run the real `tether` executable and share the
//! fixtures in `support` (a fresh PostgreSQL database, a temporary directory, a free port).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

mod bench_tool;
mod cli;
mod crash_safety;
mod demo_data;
mod disk_full;
mod health;
mod logs;
mod signin_memory;
mod suggestion_precision;
mod two_nodes;
