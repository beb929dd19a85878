//! `tether-bench`: the benchmark tool, also run as `tether bench` (the `tether` binary runs the
//! `tether-bench` beside it). Its own crate so that its client-only dependencies (an HTTP
//! client, a WebSocket client, progress bars) stay out of the server's. Each workload starts
//! its own server on a fresh database (or targets a running one with `--url`), prepares its
//! data, runs, prints a table and, with `--json FILE`, writes the result. BENCHMARKS.md records
//! the numbers of this machine.
//!
//! - `chat`: N WebSocket clients in C group chats of M members, messages sent over HTTP at a
//!   fixed rate or flat out; accepted messages/s, delivered events/s, send-to-receive latency.
//! - `bare`: the same load against a storage-free broadcast server built into the tool.
//! - `idle`: many idle WebSockets; the server's memory per connection.
//! - `panel`: a large data set (cached on disk) and the latency of the record, its timeline,
//!   the collaboration panel, suggestions, message pages, message search and the record
//!   finder.
//! - `agents`: simulated agents doing a day's work in the UI's proportions, added in steps
//!   until a threshold trips: the number of agents one machine serves.
//! - `reconnect`: thousands of signed-in clients drop at once and come back, each catching up
//!   its most recent chats.

mod agents;
mod bare;
mod chat;
mod dataset;
mod finder;
mod fixture;
mod idle;
mod live;
mod panel;
mod report;
mod server;

use clap::{Args, Subcommand};
use std::path::PathBuf;

/// Arguments of `tether-bench` (and of `tether bench`).
#[derive(Args, Debug)]
pub struct BenchArgs {
    #[command(subcommand)]
    pub workload: Workload,
}

/// The workloads.
#[derive(Subcommand, Debug)]
pub enum Workload {
    /// Live group chat: WebSocket clients, messages sent over HTTP, delivery latency.
    Chat(chat::ChatArgs),
    /// The chat load against a minimal broadcast server (no storage, no auth): the ceiling.
    Bare(chat::ChatArgs),
    /// Idle WebSockets: the server's memory per connection.
    Idle(idle::IdleArgs),
    /// A large data set and the latency of record, timeline, panel, message reads and searches.
    Panel(panel::PanelArgs),
    /// Agents per machine: simulated agents added in steps until a threshold trips.
    Agents(agents::AgentsArgs),
    /// A reconnect storm: thousands of clients drop at once and catch up their recent chats.
    Reconnect(agents::ReconnectArgs),
}

/// Options every workload takes.
#[derive(Args, Debug, Clone)]
pub struct Common {
    /// Write the result as JSON to this file.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// The database of the server the tool starts: default a fresh SQLite file in a temporary
    /// directory. `postgres://user@host/db` creates a fresh database `tether_bench_<id>` on that
    /// server and drops it afterwards; `sqlite://<path>` uses that file. With --url: the
    /// database of that server, to prepare data through the store instead of the HTTP API.
    #[arg(long, value_name = "URL")]
    pub database: Option<String>,
    /// Benchmark a running server (http://host:port) instead of starting one.
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,
    /// Run the server inside this process or as a child process `tether serve` (its memory
    /// and CPU are then its own). Default: in-process, except for idle.
    #[arg(long, value_enum)]
    pub server: Option<server::Mode>,
    /// Keep the temporary database afterwards (its path is printed).
    #[arg(long)]
    pub keep: bool,
    /// With --url and no --database: an administrator's bearer token, to create users.
    #[arg(long, env = "TETHER_BENCH_ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: Option<String>,
    /// With --url and no --database: an administrator's e-mail address.
    #[arg(long, env = "TETHER_BENCH_ADMIN_EMAIL")]
    pub admin_email: Option<String>,
    /// With --url and no --database: that administrator's password.
    #[arg(long, env = "TETHER_BENCH_ADMIN_PASSWORD", hide_env_values = true)]
    pub admin_password: Option<String>,
}

/// Runs a workload.
pub async fn run(args: BenchArgs) -> anyhow::Result<()> {
    match args.workload {
        Workload::Chat(a) => chat::run_chat(a).await,
        Workload::Bare(a) => chat::run_bare(a).await,
        Workload::Idle(a) => idle::run(a).await,
        Workload::Panel(a) => panel::run(a).await,
        Workload::Agents(a) => agents::run(a).await,
        Workload::Reconnect(a) => agents::run_reconnect(a).await,
    }
}
