//! What a chat run measures and how it starts it: Tether over a fresh database (in this process
//! or as a child process), a running server (`--url`), two nodes sharing PostgreSQL and NATS,
//! or the built-in broadcast server; then the load, and the CPU of each process.

use super::ChatArgs;
use super::report::{add_cpu_per_message, cores_of, to_report};
use crate::fixture::{self, Fixture};
use crate::live::{self, Live, Load};
use crate::report::Report;
use crate::server::{self, BenchDb, Mode, Server};
use anyhow::{Context, Result, bail};
use serde_json::json;
use std::sync::Arc;

/// Tether: database, server, users and chats, then the load.
pub(super) async fn tether(args: &ChatArgs, load: &Load, plan: &[Vec<usize>]) -> Result<Report> {
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
        return against(args, load, plan, url).await;
    }
    if args.nodes == 2 {
        return two_nodes(args, load, plan).await;
    }
    BenchDb::run(
        common.database.as_deref(),
        common.keep,
        async |db, store| {
            let fixture = fixture::via_store(store, args.clients, plan).await?;
            let server = match mode {
                // One connection per user: the default per-user limit and queue suffice.
                Mode::InProcess => Server::in_process(store.clone(), &db.dir, |_| {}).await?,
                Mode::Child => Server::child(&db.url, &db.dir).await?,
            };
            let report = measure(args, load, &server, fixture, db.backend).await;
            server.stop().await?;
            report
        },
    )
    .await
}

/// A running server (`--url`): users and chats made through its database when `--database`
/// names it, else through its HTTP API as an administrator.
async fn against(args: &ChatArgs, load: &Load, plan: &[Vec<usize>], url: &str) -> Result<Report> {
    let common = &args.common;
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
    report
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
    BenchDb::run(Some(database), args.common.keep, async |db, store| {
        let fixture = fixture::via_store(store, args.clients, plan).await?;
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
        let mut fixture = fixture;
        let rss_start = a.rss().map(|r| r.now);
        fixture::sign_in(&a.base, &mut fixture.users).await?;
        let live = Live::new(&a.base, fixture).with_other_nodes(std::slice::from_ref(&b.base));
        let outcome = live::run(Arc::new(live), load, &pids).await;
        let (rss_a, rss_b) = (a.rss().map(|r| r.peak), b.rss().map(|r| r.peak));
        if args.settle > 0.0 {
            tokio::time::sleep(std::time::Duration::from_secs_f64(args.settle)).await;
        }
        let rss_after = a.rss().map(|r| r.now);
        let per_commit = a.sends_per_commit().await;
        let (pid_a, pid_b) = (a.pid(), b.pid());
        a.stop().await?;
        b.stop().await?;
        let outcome = outcome?;
        let mut report = to_report("chat", "postgres", "two nodes", args.params(load), &outcome);
        report.server_peak_rss_bytes = rss_a.max(rss_b);
        add_memory(&mut report, rss_start, rss_after, args.settle);
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
        Ok(report)
    })
    .await
}

/// Most HTTP requests in flight at once.
fn live_senders(load: &Load) -> u64 {
    if load.rate > 0.0 {
        load.max_inflight as u64
    } else {
        load.senders as u64
    }
}

/// The built-in broadcast server with the same sizes.
pub(super) async fn bare(args: &ChatArgs, load: &Load, plan: &[Vec<usize>]) -> Result<Report> {
    let per_process = args.clients as u64 + 2 * live_senders(load) + 256;
    server::check_open_files(2 * per_process, "this run")?;
    let (bare, fixture) = crate::bare::start(args.clients, plan).await?;
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

/// The server's memory before users signed in and `settle` seconds after the run (the peak is
/// `server_peak_rss_bytes`).
fn add_memory(report: &mut Report, start: Option<u64>, after: Option<u64>, settle: f64) {
    report
        .extra
        .insert("server_rss_start_bytes".into(), json!(start));
    report
        .extra
        .insert("server_rss_after_bytes".into(), json!(after));
    report.extra.insert("settle_s".into(), json!(settle));
}

/// The load against `server`, with the CPU of its process and of this one.
async fn measure(
    args: &ChatArgs,
    load: &Load,
    server: &Server,
    fixture: Fixture,
    backend: &str,
) -> Result<Report> {
    let me = std::process::id();
    let pids: Vec<u32> = [Some(me), server.pid()].into_iter().flatten().collect();
    // Memory as users cause it: before they sign in, at the peak, and a while after the run.
    let rss_start = server.rss().map(|r| r.now);
    let mut fixture = fixture;
    fixture::sign_in(&server.base, &mut fixture.users).await?;
    let outcome = live::run(Arc::new(Live::new(&server.base, fixture)), load, &pids).await?;
    let mut report = to_report("chat", backend, server.label(), args.params(load), &outcome);
    report.server_peak_rss_bytes = server.rss().map(|r| r.peak);
    if server.pid().is_some() && args.settle > 0.0 {
        tokio::time::sleep(std::time::Duration::from_secs_f64(args.settle)).await;
    }
    add_memory(
        &mut report,
        rss_start,
        server.rss().map(|r| r.now),
        args.settle,
    );
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
