//! `idle`: many open, quiet event WebSockets and what they cost the server in memory.
//!
//! The server runs as a child process (`tether serve`) by default, so its resident memory is
//! its own: the clients' sockets and buffers live in this process and do not count. The
//! server's RSS is read before the first connection and again when all are open and have
//! settled; the difference divided by the number of connections is the cost of one. Every
//! client answers the server's heartbeats (tungstenite replies to pings while reading), so a
//! long `--seconds` also shows whether connections survive.
//!
//! Open files: one per connection in each process (and both in this one with
//! `--server in-process`); the run stops early with advice when `ulimit -n` is too low.

use super::Common;
use super::fixture;
use super::live::{self, Socket};
use super::report::{Errors, Histogram, Machine, Report, bar, latency_line, mib, num, timer};
use super::server::{self, BenchDb, Mode, Rss, Server};
use anyhow::{Result, bail};
use clap::Args;
use futures_util::StreamExt;
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// The issue-3 target for one idle WebSocket.
const TARGET_BYTES: f64 = 16.0 * 1024.0;
/// How long to let the server settle before and after connecting.
const SETTLE: Duration = Duration::from_secs(2);

/// Sizes of the idle workload.
#[derive(Args, Debug, Clone)]
pub struct IdleArgs {
    /// Idle WebSocket connections to open.
    #[arg(long, default_value_t = 10_000)]
    pub connections: usize,
    /// Connections per user (the server allows 20 by default).
    #[arg(long, default_value_t = 10)]
    pub per_user: usize,
    /// How long to hold them open once all are connected.
    #[arg(long, default_value_t = 5.0)]
    pub seconds: f64,
    /// WebSocket handshakes in flight while connecting.
    #[arg(long, default_value_t = 100)]
    pub connect_concurrency: usize,
    /// With --url: the server's process id on this machine, to read its memory.
    #[arg(long)]
    pub server_pid: Option<u32>,
    #[command(flatten)]
    pub common: Common,
}

pub async fn run(args: IdleArgs) -> Result<()> {
    if args.connections == 0
        || args.per_user == 0
        || !args.seconds.is_finite()
        || args.seconds < 0.0
    {
        bail!("--connections and --per-user must be at least 1, --seconds not negative");
    }
    let per_user = args.per_user.min(20);
    let users = args.connections.div_ceil(per_user);
    let common = &args.common;
    let mode = common.server.unwrap_or(Mode::Child);
    let per_process = args.connections as u64 + 256;
    let in_process = common.url.is_none() && mode == Mode::InProcess;
    server::check_open_files(
        if in_process {
            2 * per_process
        } else {
            per_process
        },
        "the idle run",
    )?;

    if let Some(url) = &common.url {
        let fixture = match &common.database {
            Some(db) => {
                let store = server::open_store(db).await?;
                fixture::enable_collaboration(&store).await?;
                let users = fixture::create_users(&store, users).await?;
                store.close().await;
                fixture::Fixture {
                    users,
                    chats: vec![],
                }
            }
            None => {
                fixture::via_http(url.trim_end_matches('/'), &common.admin()?, users, &[]).await?
            }
        };
        let server = Server::external(url);
        let pid = args.server_pid;
        let mut fixture = fixture;
        fixture::sign_in(url, &mut fixture.users).await?;
        return measure(&args, &server, pid, &fixture, "external").await;
    }

    BenchDb::run(
        common.database.as_deref(),
        common.keep,
        async |db, store| {
            fixture::enable_collaboration(store).await?;
            let users = fixture::create_users(store, users).await?;
            let fixture = fixture::Fixture {
                users,
                chats: vec![],
            };
            let server = match mode {
                Mode::InProcess => {
                    Server::in_process(store.clone(), &db.dir, |c| {
                        c.max_connections_per_user = c.max_connections_per_user.max(per_user);
                    })
                    .await?
                }
                Mode::Child => {
                    store.close().await;
                    Server::child(&db.url, &db.dir).await?
                }
            };
            let pid = server.pid();
            let mut fixture = fixture;
            fixture::sign_in(&server.base, &mut fixture.users).await?;
            let report = measure(&args, &server, pid, &fixture, db.backend).await;
            server.stop().await?;
            report
        },
    )
    .await
}

/// What one idle run observed.
struct Observed {
    /// The server's memory before the first connection, with all open, and after holding.
    before: Option<Rss>,
    after: Option<Rss>,
    end: Option<Rss>,
    /// The most resident memory seen while holding.
    peak_now: u64,
    connect_latency: Histogram,
    connect_s: f64,
    errors: Arc<Errors>,
    other_cores: Option<f64>,
}

async fn measure(
    args: &IdleArgs,
    server: &Server,
    pid: Option<u32>,
    fixture: &fixture::Fixture,
    backend: &str,
) -> Result<()> {
    let per_user = args.per_user.min(20);
    let rss = || pid.and_then(server::rss_of);
    // The server has answered /healthz; let its pools and threads come up before the baseline.
    let http = live::http_client()?;
    let _ = http.get(format!("{}/healthz", server.base)).send().await;
    tokio::time::sleep(SETTLE).await;
    let before = rss();

    let tokens: Vec<String> = (0..args.connections)
        .filter_map(|i| fixture.users.get(i / per_user).map(|u| u.token.clone()))
        .collect();
    let connect_latency = Histogram::default();
    let pids: Vec<u32> = [Some(std::process::id()), pid]
        .into_iter()
        .flatten()
        .collect();
    let cpu = server::CpuWatch::start(&pids);
    let started = Instant::now();
    let sockets = live::connect_all(
        &live_events(&server.base),
        &tokens,
        args.connect_concurrency,
        &connect_latency,
    )
    .await?;
    let connect_s = started.elapsed().as_secs_f64();

    let errors = Arc::new(Errors::default());
    let (stop_tx, stop_rx) = watch::channel(false);
    let holders: Vec<_> = sockets
        .into_iter()
        .map(|ws| tokio::spawn(hold(ws, errors.clone(), stop_rx.clone())))
        .collect();
    tokio::time::sleep(SETTLE).await;
    let after = rss();
    let peak_now = hold_for(args.seconds, after.map_or(0, |r| r.now), rss).await;
    let end = rss();
    let _ = stop_tx.send(true);
    close_all(holders).await;
    let observed = Observed {
        before,
        after,
        end,
        peak_now,
        connect_latency,
        connect_s,
        errors,
        other_cores: cpu.other_cores(),
    };
    report(args, server, pid, fixture, backend, &observed)
}

/// Waits `seconds` with a progress bar while the sockets are held; returns the most resident
/// memory seen (at least `peak_now`).
async fn hold_for(seconds: f64, mut peak_now: u64, rss: impl Fn() -> Option<Rss>) -> u64 {
    let pb = timer(seconds.ceil() as u64, "holding connections");
    let hold_started = Instant::now();
    while hold_started.elapsed().as_secs_f64() < seconds {
        tokio::time::sleep(Duration::from_millis(500).min(Duration::from_secs_f64(seconds))).await;
        pb.set_position(hold_started.elapsed().as_secs());
        peak_now = peak_now.max(rss().map_or(0, |r| r.now));
    }
    pb.finish_and_clear();
    peak_now
}

/// Waits for every holder to close its socket, with a progress bar.
async fn close_all(holders: Vec<tokio::task::JoinHandle<()>>) {
    let close_pb = bar(holders.len() as u64, "closing");
    for h in holders {
        let _ = h.await;
        close_pb.inc(1);
    }
    close_pb.finish_and_clear();
}

/// Prints the run's table and writes its JSON (with `--json`).
fn report(
    args: &IdleArgs,
    server: &Server,
    pid: Option<u32>,
    fixture: &fixture::Fixture,
    backend: &str,
    o: &Observed,
) -> Result<()> {
    let per_user = args.per_user.min(20);
    let n = args.connections as f64;
    let per_conn = match (o.before, o.after) {
        (Some(b), Some(a)) => Some(a.now.saturating_sub(b.now) as f64 / n),
        _ => None,
    };
    let mut extra = serde_json::Map::new();
    extra.insert("connections".into(), json!(args.connections));
    extra.insert("other_load_cores".into(), json!(o.other_cores));
    extra.insert("users".into(), json!(fixture.users.len()));
    extra.insert("rss_before_bytes".into(), json!(o.before.map(|r| r.now)));
    extra.insert("rss_after_bytes".into(), json!(o.after.map(|r| r.now)));
    extra.insert("rss_end_bytes".into(), json!(o.end.map(|r| r.now)));
    extra.insert("rss_max_while_holding_bytes".into(), json!(o.peak_now));
    extra.insert(
        "bytes_per_connection".into(),
        json!(per_conn.map(f64::round)),
    );
    extra.insert("target_bytes_per_connection".into(), json!(TARGET_BYTES));
    extra.insert(
        "ratio_to_target".into(),
        json!(per_conn.map(|b| (b / TARGET_BYTES * 100.0).round() / 100.0)),
    );
    extra.insert(
        "bench_peak_rss_bytes".into(),
        json!(server::rss_of(std::process::id()).map(|r| r.peak)),
    );
    let report = Report {
        workload: "idle".into(),
        backend: backend.into(),
        server: server.label().into(),
        params: json!({"connections": args.connections, "per_user": per_user, "seconds": args.seconds}),
        throughput_per_s: ((n / o.connect_s) * 10.0).round() / 10.0,
        delivered_per_s: None,
        latency_ms: o.connect_latency.summary(),
        errors: o.errors.total(),
        error_kinds: o.errors.kinds(),
        server_peak_rss_bytes: pid.and_then(server::rss_of).map(|r: Rss| r.peak),
        duration_s: args.seconds,
        machine: Machine::this(),
        extra,
    };
    let rows = rows(args, fixture.users.len(), &report, o, per_conn);
    report.print("idle", &rows);
    report.write_json(args.common.json.as_deref())
}

/// The table rows: connections, how fast they opened, the server's memory and the cost of one.
fn rows(
    args: &IdleArgs,
    users: usize,
    report: &Report,
    o: &Observed,
    per_conn: Option<f64>,
) -> Vec<(String, String)> {
    let show = |r: Option<Rss>| r.map_or_else(|| "n/a".into(), |r| mib(r.now));
    vec![
        (
            "connections".into(),
            format!(
                "{} ({} users, {} each)",
                args.connections,
                users,
                args.per_user.min(20)
            ),
        ),
        (
            "opened".into(),
            format!(
                "{} connections/s; time to hello {}",
                num(report.throughput_per_s),
                latency_line(&report.latency_ms)
            ),
        ),
        (
            "server RSS".into(),
            format!(
                "{} before → {} all open → {} after holding {:.0} s",
                show(o.before),
                show(o.after),
                show(o.end),
                args.seconds
            ),
        ),
        (
            "per connection".into(),
            per_conn.map_or_else(
                || "n/a (the server's process is unknown: give --server-pid with --url)".into(),
                |b| {
                    format!(
                        "{:.1} KiB (target ≤ 16 KiB: {})",
                        b / 1024.0,
                        if b <= TARGET_BYTES { "met" } else { "missed" }
                    )
                },
            ),
        ),
    ]
}

fn live_events(base: &str) -> String {
    live::Live::new(base, fixture::Fixture::default()).events
}

/// Keeps a socket open (answering pings) until `stop`; an early close is an error.
async fn hold(mut ws: Socket, errors: Arc<Errors>, mut stop: watch::Receiver<bool>) {
    loop {
        tokio::select! {
            frame = ws.next() => match frame {
                Some(Ok(_)) => {}
                Some(Err(_)) | None => {
                    if !*stop.borrow() {
                        errors.add("connection closed while idle", 1);
                    }
                    return;
                }
            },
            _ = stop.changed() => {
                let _ = ws.close(None).await;
                return;
            }
        }
    }
}
