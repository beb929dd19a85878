//! `chat` and `bare`: live group messaging under load (see [`super::live`] for how it is
//! measured). `chat` runs against Tether — in this process over a fresh database, as a child
//! process, or a running server (`--url`); `bare` runs the same load against the built-in
//! broadcast server ([`super::bare`]), the ceiling on this machine. `chat --compare-bare` runs
//! both and reports Tether's numbers as fractions of the ceiling.

use super::fixture::{self, AdminLogin, Fixture};
use super::live::{self, Live, Load, Outcome};
use super::report::{Machine, Report, latency_line, num};
use super::server::{self, BenchDb, Mode, Server};
use super::{Common, bare};
use anyhow::{Context, Result, bail};
use clap::Args;
use serde_json::{Value, json};
use std::path::PathBuf;
use std::sync::Arc;
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
        Some(path) => Some(read_report(path)?),
        None => None,
    };
    let mut report = tether_run(&args, &load, &plan).await?;
    let bare_report = match bare_report {
        Some(r) => Some(r),
        None if args.compare_bare => {
            let r = bare_run(&args, &load, &plan).await?;
            r.print("bare (ceiling for the same load)", &rows(&r));
            Some(serde_json::to_value(&r)?)
        }
        None => None,
    };
    if let Some(b) = &bare_report {
        let ratio = |key: &str| -> Value {
            let (t, c) = (report_number(&report, key), b[key].as_f64().unwrap_or(0.0));
            if c > 0.0 {
                json!((t / c * 1000.0).round() / 1000.0)
            } else {
                Value::Null
            }
        };
        report.extra.insert(
            "ratio_to_bare".into(),
            json!({
                "throughput": ratio("throughput_per_s"),
                "delivered": ratio("delivered_per_s"),
                "bare_throughput_per_s": b["throughput_per_s"],
                "bare_p99_ms": b["latency_ms"]["p99"],
            }),
        );
    }
    let mut table = rows(&report);
    if let Some(r) = report.extra.get("ratio_to_bare") {
        table.push((
            "of bare".into(),
            format!(
                "{} of {} msgs/s accepted, {} of deliveries",
                pct(&r["throughput"]),
                r["bare_throughput_per_s"]
                    .as_f64()
                    .map_or_else(|| "?".into(), num),
                pct(&r["delivered"])
            ),
        ));
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
    let report = bare_run(&args, &load, &plan).await?;
    report.print("bare", &rows(&report));
    report.write_json(args.common.json.as_deref())
}

fn pct(v: &Value) -> String {
    v.as_f64()
        .map_or_else(|| "?".into(), |x| format!("{:.0} %", x * 100.0))
}

fn report_number(r: &Report, key: &str) -> f64 {
    match key {
        "throughput_per_s" => r.throughput_per_s,
        "delivered_per_s" => r.delivered_per_s.unwrap_or(0.0),
        _ => 0.0,
    }
}

fn read_report(path: &std::path::Path) -> Result<Value> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let v: Value = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a bench result", path.display()))?;
    if v["workload"] != "bare" {
        bail!(
            "{} holds a {} result, not bare",
            path.display(),
            v["workload"]
        );
    }
    Ok(v)
}

/// Tether: database, server, users and chats, then the load.
async fn tether_run(args: &ChatArgs, load: &Load, plan: &[Vec<usize>]) -> Result<Report> {
    let common = &args.common;
    let mode = common.server.unwrap_or(Mode::InProcess);
    // The server and its clients each hold one descriptor per socket.
    let per_process = args.clients as u64 + 2 * live_senders(load) + 256;
    let needed = if mode == Mode::InProcess && common.url.is_none() {
        2 * per_process
    } else {
        per_process
    };
    server::check_open_files(needed, "this run")?;

    if let Some(url) = &common.url {
        let fixture = match &common.database {
            Some(db) => {
                let store = server::open_store(db).await?;
                let f = fixture::via_store(&store, args.clients, plan).await?;
                store.close().await;
                f
            }
            None => {
                fixture::via_http(
                    url.trim_end_matches('/'),
                    &common.admin()?,
                    args.clients,
                    plan,
                )
                .await?
            }
        };
        let server = Server::external(url);
        let report = measure(args, load, &server, fixture, "external").await;
        server.stop().await?;
        return report;
    }

    if args.nodes == 2 {
        return two_nodes(args, load, plan).await;
    }
    let db = BenchDb::create(common.database.as_deref()).await?;
    let result = async {
        let store = server::open_store(&db.url).await?;
        let fixture = fixture::via_store(&store, args.clients, plan).await?;
        let server = match mode {
            // One connection per user: the default per-user limit and queue suffice.
            Mode::InProcess => Server::in_process(store.clone(), &db.dir, |_| {}).await?,
            Mode::Child => Server::child(&db.url, &db.dir).await?,
        };
        let report = measure(args, load, &server, fixture, db.backend).await;
        server.stop().await?;
        store.close().await;
        report
    }
    .await;
    db.remove(common.keep).await;
    result
}

/// Two `tether serve` processes on one fresh PostgreSQL database and NATS: sends go to node A,
/// clients listen on A and B alternately.
async fn two_nodes(args: &ChatArgs, load: &Load, plan: &[Vec<usize>]) -> Result<Report> {
    let common = &args.common;
    let Some(database) = common
        .database
        .as_deref()
        .filter(|d| d.starts_with("postgres"))
    else {
        bail!("--nodes 2 needs --database postgres://… (the nodes share PostgreSQL)");
    };
    if common.url.is_some() || common.server == Some(Mode::InProcess) {
        bail!("--nodes 2 starts its own two child servers: --url and --server do not apply");
    }
    let db = BenchDb::create(Some(database)).await?;
    let result = async {
        let store = server::open_store(&db.url).await?;
        let fixture = fixture::via_store(&store, args.clients, plan).await?;
        let subject = format!("tether.bench.{}", tether_store::new_id());
        let extra = [
            "--nats".to_owned(),
            args.nats.clone(),
            "--nats-subject".to_owned(),
            subject,
        ];
        let (dir_a, dir_b) = (db.dir.join("a"), db.dir.join("b"));
        for d in [&dir_a, &dir_b] {
            std::fs::create_dir_all(d).with_context(|| format!("cannot create {}", d.display()))?;
        }
        let a = Server::child_with(&db.url, &dir_a, &extra).await?;
        let b = Server::child_with(&db.url, &dir_b, &extra).await?;
        let me = std::process::id();
        let pids: Vec<u32> = [Some(me), a.pid(), b.pid()].into_iter().flatten().collect();
        let live = Live::new(&a.base, fixture).with_other_nodes(std::slice::from_ref(&b.base));
        let outcome = live::run(Arc::new(live), load, &pids).await;
        let (rss_a, rss_b) = (a.rss().map(|r| r.peak), b.rss().map(|r| r.peak));
        let per_commit = a.sends_per_commit().await;
        let (pid_a, pid_b) = (a.pid(), b.pid());
        a.stop().await?;
        b.stop().await?;
        store.close().await;
        let outcome = outcome?;
        let mut report = to_report("chat", "postgres", "two nodes", args.params(load), &outcome);
        report.server_peak_rss_bytes = rss_a.max(rss_b);
        report
            .extra
            .insert("sends_per_commit".into(), json!(per_commit));
        let cores = |pid: Option<u32>| pid.and_then(|p| cores_of(&outcome, p));
        let (ca, cb) = (cores(pid_a), cores(pid_b));
        report.extra.insert("node_a_cores_used".into(), json!(ca));
        report.extra.insert("node_b_cores_used".into(), json!(cb));
        let both = ca.unwrap_or(0.0) + cb.unwrap_or(0.0);
        report.extra.insert("server_cores_used".into(), json!(both));
        report
            .extra
            .insert("bench_cores_used".into(), json!(cores_of(&outcome, me)));
        add_cpu_per_message(&mut report);
        Ok::<_, anyhow::Error>(report)
    }
    .await;
    db.remove(common.keep).await;
    result
}

fn live_senders(load: &Load) -> u64 {
    if load.rate > 0.0 {
        load.max_inflight as u64
    } else {
        load.senders as u64
    }
}

/// The built-in broadcast server with the same sizes.
async fn bare_run(args: &ChatArgs, load: &Load, plan: &[Vec<usize>]) -> Result<Report> {
    let per_process = args.clients as u64 + 2 * live_senders(load) + 256;
    server::check_open_files(2 * per_process, "this run")?;
    let (bare, fixture) = bare::start(args.clients, plan).await?;
    let me = std::process::id();
    let outcome = live::run(Arc::new(Live::new(&bare.base, fixture)), load, &[me]).await;
    bare.stop().await;
    let outcome = outcome?;
    let mut report = to_report("bare", "bare", "in-process", args.params(load), &outcome);
    report.server_peak_rss_bytes = server::rss_of(me).map(|r| r.peak);
    report
        .extra
        .insert("process_cores_used".into(), json!(cores_of(&outcome, me)));
    Ok(report)
}

fn cores_of(o: &Outcome, pid: u32) -> Option<f64> {
    o.cores
        .iter()
        .find(|(p, _)| *p == pid)
        .and_then(|(_, c)| *c)
}

async fn measure(
    args: &ChatArgs,
    load: &Load,
    server: &Server,
    fixture: Fixture,
    backend: &str,
) -> Result<Report> {
    let me = std::process::id();
    let pids: Vec<u32> = [Some(me), server.pid()].into_iter().flatten().collect();
    let outcome = live::run(Arc::new(Live::new(&server.base, fixture)), load, &pids).await?;
    let mut report = to_report("chat", backend, server.label(), args.params(load), &outcome);
    report.server_peak_rss_bytes = server.rss().map(|r| r.peak);
    report.extra.insert(
        "sends_per_commit".into(),
        json!(server.sends_per_commit().await),
    );
    match server.pid() {
        // In-process, the server's CPU is this process's: server and load generator together.
        Some(pid) if pid == me => {
            report
                .extra
                .insert("process_cores_used".into(), json!(cores_of(&outcome, me)));
        }
        Some(pid) => {
            report
                .extra
                .insert("server_cores_used".into(), json!(cores_of(&outcome, pid)));
            report
                .extra
                .insert("bench_cores_used".into(), json!(cores_of(&outcome, me)));
        }
        None => {
            report
                .extra
                .insert("bench_cores_used".into(), json!(cores_of(&outcome, me)));
        }
    }
    add_cpu_per_message(&mut report);
    Ok(report)
}

/// Server CPU-seconds per 1,000 accepted messages, where the server's CPU was measured apart
/// from the load generator's (child servers).
fn add_cpu_per_message(report: &mut Report) {
    let cores = report
        .extra
        .get("server_cores_used")
        .and_then(Value::as_f64);
    let accepted = report.extra.get("accepted").and_then(Value::as_f64);
    if let (Some(cores), Some(accepted)) = (cores, accepted)
        && accepted > 0.0
    {
        let per_1000 = cores * report.duration_s / accepted * 1000.0;
        report.extra.insert(
            "server_cpu_seconds_per_1000_messages".into(),
            json!((per_1000 * 1000.0).round() / 1000.0),
        );
    }
}

fn to_report(workload: &str, backend: &str, server: &str, params: Value, o: &Outcome) -> Report {
    let secs = o.window.as_secs_f64();
    let mut extra = serde_json::Map::new();
    extra.insert("accepted".into(), json!(o.accepted));
    extra.insert("expected_deliveries".into(), json!(o.expected_deliveries));
    extra.insert("delivered".into(), json!(o.delivered));
    extra.insert("events_received".into(), json!(o.events_received));
    extra.insert("skipped_sends".into(), json!(o.skipped_sends));
    extra.insert("other_load_cores".into(), json!(o.other_cores));
    extra.insert("request_latency_ms".into(), json!(o.request_latency));
    extra.insert(
        "connect_seconds".into(),
        json!((o.connect_seconds * 100.0).round() / 100.0),
    );
    Report {
        workload: workload.into(),
        backend: backend.into(),
        server: server.into(),
        params,
        throughput_per_s: round1(o.accepted as f64 / secs),
        delivered_per_s: Some(round1(o.delivered as f64 / secs)),
        latency_ms: o.latency.clone(),
        errors: o.errors.total(),
        error_kinds: o.errors.kinds(),
        server_peak_rss_bytes: None,
        duration_s: secs,
        machine: Machine::this(),
        extra,
    }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// The table rows of a chat or bare report.
fn rows(r: &Report) -> Vec<(String, String)> {
    let p = &r.params;
    let mut rows = vec![
        (
            "load".into(),
            format!(
                "{} clients in {} chats of {}, {}",
                p["clients"],
                p["chats"],
                p["members"],
                if p["rate"].as_f64().unwrap_or(0.0) > 0.0 {
                    format!("{} msgs/s offered", p["rate"])
                } else {
                    format!("{} senders flat out", p["senders"])
                }
            ),
        ),
        (
            "accepted (201)".into(),
            format!(
                "{} msgs/s ({} messages)",
                num(r.throughput_per_s),
                r.extra["accepted"]
            ),
        ),
        (
            "delivered".into(),
            format!(
                "{} events/s ({} of {} expected)",
                num(r.delivered_per_s.unwrap_or(0.0)),
                r.extra["delivered"],
                r.extra["expected_deliveries"]
            ),
        ),
        ("send → receive".into(), latency_line(&r.latency_ms)),
    ];
    if let Ok(l) =
        serde_json::from_value::<super::report::Latency>(r.extra["request_latency_ms"].clone())
    {
        rows.push(("send → 201".into(), latency_line(&l)));
    }
    if r.extra["skipped_sends"].as_u64().unwrap_or(0) > 0 {
        rows.push((
            "skipped sends".into(),
            format!(
                "{} (the load generator could not keep the rate with --max-inflight requests out)",
                r.extra["skipped_sends"]
            ),
        ));
    }
    for (key, label) in [
        ("node_a_cores_used", "node A CPU"),
        ("node_b_cores_used", "node B CPU"),
        ("server_cores_used", "server CPU"),
        ("bench_cores_used", "load generator CPU"),
        ("process_cores_used", "process CPU (server + load)"),
    ] {
        if let Some(c) = r.extra.get(key).and_then(Value::as_f64) {
            rows.push((label.into(), format!("{c:.2} cores")));
        }
    }
    if let Some(n) = r.extra.get("sends_per_commit").and_then(Value::as_f64) {
        rows.push(("sends per commit".into(), format!("{n:.1} (mean)")));
    }
    if let Some(c) = r
        .extra
        .get("server_cpu_seconds_per_1000_messages")
        .and_then(Value::as_f64)
    {
        rows.push((
            "server CPU per 1,000 msgs".into(),
            format!("{c:.2} CPU-seconds"),
        ));
    }
    rows
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
