//! `chat` and `bare`: live group messaging under load (see [`super::live`] for how it is
//! measured). `chat` runs against Tether — in this process over a fresh database, as a child
//! process, or a running server (`--url`); `bare` runs the same load against the built-in
//! broadcast server ([`super::bare`]), the ceiling on this machine. `chat --compare-bare` runs
//! both and reports Tether's numbers as fractions of the ceiling.
//!
//! Here: the arguments and the two commands; starting what is measured and measuring it in
//! `runs`, the report and its table in `report`.

mod report;
mod runs;

use super::Common;
use super::fixture::{self, AdminLogin};
use super::live::Load;
use anyhow::{Result, bail};
use clap::Args;
use serde_json::{Value, json};
use std::path::PathBuf;
use std::time::Duration;

/// Sizes and pace of the chat workload.
#[derive(Args, Debug, Clone)]
pub struct ChatArgs {
    /// WebSocket clients, one signed-in user each.
    #[arg(long, default_value_t = 1000)]
    pub clients: usize,
    /// Group chats.
    #[arg(long, default_value_t = 100)]
    pub chats: usize,
    /// Members per chat (chat c has users c·members … c·members+members−1, wrapping).
    #[arg(long, default_value_t = 10)]
    pub members: usize,
    /// Length of the measured window.
    #[arg(long, default_value_t = 10.0)]
    pub seconds: f64,
    /// Sending before the window starts (not measured).
    #[arg(long, default_value_t = 1.0)]
    pub warmup: f64,
    /// Messages per second over all senders; 0 = as fast as the server accepts them.
    #[arg(long, default_value_t = 0.0)]
    pub rate: f64,
    /// Concurrent senders with --rate 0 (each waits for its answer before the next send);
    /// default one per chat, at most 32.
    #[arg(long)]
    pub senders: Option<usize>,
    /// Requests in flight at most with --rate > 0; a send due while all are busy is skipped
    /// and reported.
    #[arg(long, default_value_t = 2000)]
    pub max_inflight: usize,
    /// With --rate: `even` spreads the sends evenly in time, one chat after the other;
    /// `burst` sends one message to every chat at the same moment, `chats / rate` seconds apart.
    #[arg(long, value_enum, default_value_t = crate::live::Pattern::Even)]
    pub pattern: crate::live::Pattern,
    /// Size of each message body in bytes.
    #[arg(long, default_value_t = 100)]
    pub body_bytes: usize,
    /// After the window, how long to wait for the last events before counting the missing
    /// ones as undelivered.
    #[arg(long, default_value_t = 5.0)]
    pub drain: f64,
    /// Also run `bare` with the same sizes and report Tether's result as a fraction of it.
    #[arg(long)]
    pub compare_bare: bool,
    /// Seconds to wait after the run (clients gone) before reading the server's memory again
    /// (`server_rss_after_bytes`); 0 skips the wait.
    #[arg(long, default_value_t = 60.0)]
    pub settle: f64,
    /// A `bare` result written earlier with --json, to report Tether's result against.
    #[arg(long, value_name = "FILE")]
    pub bare_json: Option<PathBuf>,
    /// Server nodes: 2 starts two `tether serve` processes on the PostgreSQL `--database`
    /// sharing events over `--nats`; messages are sent to the first node and the clients
    /// listen on both, so half of the deliveries cross NATS.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u8).range(1..=2))]
    pub nodes: u8,
    /// NATS for `--nodes 2`.
    #[arg(long, default_value = "nats://127.0.0.1:4222")]
    pub nats: String,
    #[command(flatten)]
    pub common: Common,
}

impl ChatArgs {
    fn load(&self) -> Result<Load> {
        if !self.seconds.is_finite()
            || self.seconds <= 0.0
            || self.warmup < 0.0
            || self.drain < 0.0
            || self.rate < 0.0
        {
            bail!("--seconds must be positive; --warmup, --drain and --rate must not be negative");
        }
        Ok(Load {
            warmup: Duration::from_secs_f64(self.warmup),
            seconds: Duration::from_secs_f64(self.seconds),
            rate: self.rate,
            senders: self.senders.unwrap_or_else(|| self.chats.min(32)).max(1),
            max_inflight: self.max_inflight.max(1),
            pattern: self.pattern,
            body_bytes: self.body_bytes.max(24),
            drain: Duration::from_secs_f64(self.drain),
        })
    }

    fn params(&self, load: &Load) -> Value {
        json!({
            "clients": self.clients,
            "chats": self.chats,
            "members": self.members,
            "seconds": self.seconds,
            "warmup": self.warmup,
            "rate": self.rate,
            "senders": if self.rate > 0.0 { Value::Null } else { json!(load.senders) },
            "max_inflight": if self.rate > 0.0 { json!(load.max_inflight) } else { Value::Null },
            "pattern": if self.rate > 0.0 { json!(load.pattern) } else { Value::Null },
            "body_bytes": load.body_bytes,
            "nodes": self.nodes,
        })
    }
}

/// `tether bench chat`.
pub async fn run_chat(args: ChatArgs) -> Result<()> {
    let load = args.load()?;
    let plan = fixture::plan(args.clients, args.chats, args.members)?;
    let bare_report = match &args.bare_json {
        Some(path) => Some(report::read_bare(path)?),
        None => None,
    };
    let mut report = runs::tether(&args, &load, &plan).await?;
    let bare_report = match bare_report {
        Some(r) => Some(r),
        None if args.compare_bare => {
            let r = runs::bare(&args, &load, &plan).await?;
            r.print("bare (ceiling for the same load)", &report::rows(&r));
            Some(serde_json::to_value(&r)?)
        }
        None => None,
    };
    if let Some(b) = &bare_report {
        report::add_ratio_to_bare(&mut report, b);
    }
    let mut table = report::rows(&report);
    if let Some(row) = report::ratio_row(&report) {
        table.push(row);
    }
    report.print("chat", &table);
    report.write_json(args.common.json.as_deref())
}

/// `tether bench bare`.
pub async fn run_bare(args: ChatArgs) -> Result<()> {
    if args.common.url.is_some() || args.common.database.is_some() {
        bail!("bare runs its own storage-free server: --url and --database do not apply");
    }
    let load = args.load()?;
    let plan = fixture::plan(args.clients, args.chats, args.members)?;
    let report = runs::bare(&args, &load, &plan).await?;
    report.print("bare", &report::rows(&report));
    report.write_json(args.common.json.as_deref())
}

impl Common {
    /// How to act as administrator of a `--url` server without its database.
    pub fn admin(&self) -> Result<AdminLogin> {
        match (&self.admin_token, &self.admin_email, &self.admin_password) {
            (Some(t), _, _) => Ok(AdminLogin::Token(t.clone())),
            (None, Some(e), Some(p)) => Ok(AdminLogin::Password {
                email: e.clone(),
                password: p.clone(),
            }),
            _ => bail!(
                "with --url, give the server's --database (fastest) or an administrator: --admin-token, or --admin-email and --admin-password"
            ),
        }
    }
}
