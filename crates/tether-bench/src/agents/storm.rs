//! `reconnect`: a reconnect storm. `--clients` people of the data set sign in through
//! `POST /auth/login`, open their event sockets and load their `--catch-up` most recent chats
//! (what they have on screen); then every socket drops at once (the office's network went
//! away), `--missed` messages arrive in their chats meanwhile, and each client comes back at a
//! random moment within `--within` seconds: a new socket (to the server's `hello`), its chat
//! list again (`GET /chats?limit=`), and the last 50 messages of every chat whose last message
//! changed — of every chat with `--refetch-all` — `--parallel` pages at a time (as a browser's
//! few connections per host allow). The run passes when every client has caught up within
//! `--deadline` seconds of the drop, with no errors.

use super::people::Person;
use super::{DataArgs, Stage};
use crate::Common;
use crate::dataset::Rng;
use crate::fixture::{self, BenchUser};
use crate::live;
use crate::report::{Errors, Histogram, Latency, Machine, Report, latency_line, mib, num};
use crate::server::{CpuUse, CpuWatch, Rss, Server};
use anyhow::{Result, bail};
use clap::Args;
use futures_util::StreamExt;
use serde::Deserialize;
use serde_json::{Map, json};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Handshakes in flight while the clients first connect (before the storm).
const CONNECT_CONCURRENCY: usize = 64;

/// The reconnect storm's size and shape.
#[derive(Args, Debug, Clone)]
pub struct ReconnectArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Clients, each a person of the data set with an event socket.
    #[arg(long, default_value_t = 5_000)]
    pub clients: usize,
    /// The clients come back at random moments within this many seconds of the drop.
    #[arg(long, default_value_t = 10.0)]
    pub within: f64,
    /// Most recent chats each client catches up.
    #[arg(long, default_value_t = 20)]
    pub catch_up: usize,
    /// Message pages one client asks for at once.
    #[arg(long, default_value_t = 4)]
    pub parallel: usize,
    /// Messages sent to the clients' chats while they are away (evenly over `--within`).
    #[arg(long, default_value_t = 1_000)]
    pub missed: usize,
    /// Reload every chat of the list, not only those whose last message changed.
    #[arg(long)]
    pub refetch_all: bool,
    /// Every client must have caught up within this many seconds of the drop.
    #[arg(long, default_value_t = 15.0)]
    pub deadline: f64,
    /// Seconds to wait after the storm before the server's memory is read a last time.
    #[arg(long, default_value_t = 10.0)]
    pub settle: f64,
    #[command(flatten)]
    pub common: Common,
}

pub(super) fn check(args: &ReconnectArgs) -> Result<()> {
    let positive = |x: f64| x.is_finite() && x > 0.0;
    if args.clients == 0
        || args.catch_up == 0
        || args.parallel == 0
        || !positive(args.deadline)
        || !(args.within.is_finite() && args.within >= 0.0)
        || !(args.settle.is_finite() && args.settle >= 0.0)
    {
        bail!(
            "--clients, --catch-up, --parallel and --deadline must be positive, --within and --settle not negative"
        );
    }
    if args.data.users < args.clients {
        bail!(
            "--users ({}) must be at least --clients ({}): every client is a person of the data set",
            args.data.users,
            args.clients
        );
    }
    Ok(())
}

/// What the storm measured.
pub(super) struct Outcome {
    clients: usize,
    /// From the drop until the last client had caught up.
    all_caught_up: Duration,
    /// Per client: from its own reconnect until it had caught up.
    per_client: Histogram,
    connect: Histogram,
    chat_list: Histogram,
    pages: Histogram,
    /// Every request (sockets to hello, chat lists, pages).
    all: Histogram,
    chats_caught_up: AtomicU64,
    caught_up: AtomicU64,
    /// Messages sent while the clients were away.
    missed_sent: AtomicU64,
    /// Chats the clients had on screen before the drop, over all clients.
    on_screen: u64,
    errors: Errors,
    cpu: CpuUse,
    /// The server's memory at each phase (none for an in-process server's own).
    memory: Vec<(&'static str, Option<Rss>)>,
}

#[derive(Deserialize)]
struct ChatList {
    items: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    id: String,
    last_message_at: Option<String>,
}

/// A client: its token and what it had on screen (each chat's last message time).
struct Client {
    token: String,
    seen: HashMap<String, Option<String>>,
}

/// Signs the clients in, connects them, drops every socket and measures the way back.
pub(super) async fn storm(
    args: &ReconnectArgs,
    server: &Server,
    clients: &[Person],
) -> Result<Outcome> {
    let mut memory = vec![("before the sign-ins", server.rss())];
    let mut users: Vec<BenchUser> = clients.iter().map(|p| p.user.clone()).collect();
    fixture::sign_in(&server.base, &mut users).await?;
    let tokens: Vec<String> = users.into_iter().map(|u| u.token).collect();
    let live = live::Live::new(&server.base, fixture::Fixture::default());
    let http = live::http_client()?;
    let clients = on_screen(&http, &live.api, tokens.clone(), args.catch_up).await?;
    let sockets = live::connect_all(
        &live.events,
        &tokens,
        CONNECT_CONCURRENCY,
        &Histogram::default(),
    )
    .await?;
    // Settle: the server has registered every socket before they all go.
    tokio::time::sleep(Duration::from_secs(2)).await;
    memory.push(("signed in, connected, chats loaded", server.rss()));
    let outcome = Arc::new(Outcome {
        clients: tokens.len(),
        all_caught_up: Duration::ZERO,
        per_client: Histogram::default(),
        connect: Histogram::default(),
        chat_list: Histogram::default(),
        pages: Histogram::default(),
        all: Histogram::default(),
        chats_caught_up: AtomicU64::new(0),
        caught_up: AtomicU64::new(0),
        missed_sent: AtomicU64::new(0),
        on_screen: clients.iter().map(|c| c.seen.len() as u64).sum(),
        errors: Errors::default(),
        cpu: CpuUse::default(),
        memory: Vec::new(),
    });
    let cpu = CpuWatch::start(&server.watched_pids());
    // The network goes: every socket at once, without a goodbye.
    drop(sockets);
    let dropped = Instant::now();
    let mut rng = Rng(args.data.seed ^ 0x570e);
    let senders = tokio::spawn(send_missed(
        outcome.clone(),
        http.clone(),
        live.api.clone(),
        missed_plan(&clients, args.missed, &mut rng),
        dropped,
        Duration::from_secs_f64(args.within),
    ));
    let tasks: Vec<_> = clients
        .into_iter()
        .map(|client| {
            let delay = Duration::from_secs_f64(rng.unit() * args.within);
            let (outcome, http, events, api) = (
                outcome.clone(),
                http.clone(),
                live.events.clone(),
                live.api.clone(),
            );
            let how = CatchUp {
                limit: args.catch_up,
                parallel: args.parallel,
                all: args.refetch_all,
            };
            tokio::spawn(async move {
                tokio::time::sleep_until((dropped + delay).into()).await;
                come_back(&outcome, &http, &events, &api, &client, how).await
            })
        })
        .collect();
    let mut kept = Vec::with_capacity(tasks.len());
    for t in tasks {
        if let Ok(Some(socket)) = t.await {
            kept.push(socket);
        }
    }
    let all_caught_up = dropped.elapsed();
    let _ = senders.await;
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let cpu = cpu.split(server.pid(), cores);
    memory.push(("all caught up", server.rss()));
    drop(kept);
    tokio::time::sleep(Duration::from_secs_f64(args.settle)).await;
    memory.push(("sockets closed, settled", server.rss()));
    let Ok(mut outcome) = Arc::try_unwrap(outcome) else {
        bail!("a client task is still running");
    };
    outcome.all_caught_up = all_caught_up;
    outcome.cpu = cpu;
    outcome.memory = memory;
    Ok(outcome)
}

/// Each client's chat list before the drop: what it has on screen.
async fn on_screen(
    http: &reqwest::Client,
    api: &str,
    tokens: Vec<String>,
    limit: usize,
) -> Result<Vec<Client>> {
    let pb = crate::report::bar(tokens.len() as u64, "chat lists");
    let clients = futures_util::stream::iter(tokens)
        .map(|token| {
            let pb = pb.clone();
            async move {
                let res = http
                    .get(format!("{api}/chats?limit={limit}"))
                    .bearer_auth(&token)
                    .send()
                    .await?
                    .error_for_status()?;
                let list: ChatList = res.json().await?;
                pb.inc(1);
                Ok::<_, anyhow::Error>(Client {
                    token,
                    seen: list
                        .items
                        .into_iter()
                        .map(|e| (e.id, e.last_message_at))
                        .collect(),
                })
            }
        })
        .buffered(CONNECT_CONCURRENCY)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect::<Result<Vec<_>>>();
    pb.finish_and_clear();
    clients
}

/// Who sends each missed message where: a client's token and one of its chats, at random.
fn missed_plan(clients: &[Client], n: usize, rng: &mut Rng) -> Vec<(String, String)> {
    let mut plan = Vec::with_capacity(n);
    let with_chats: Vec<&Client> = clients.iter().filter(|c| !c.seen.is_empty()).collect();
    for _ in 0..n {
        let Some(c) = with_chats.get(rng.below(with_chats.len())) else {
            break;
        };
        let mut ids: Vec<&String> = c.seen.keys().collect();
        ids.sort_unstable();
        if let Some(chat) = ids.get(rng.below(ids.len())) {
            plan.push((c.token.clone(), (*chat).clone()));
        }
    }
    plan
}

/// Sends the planned messages evenly over `within` from `start`, each in its own task.
async fn send_missed(
    outcome: Arc<Outcome>,
    http: reqwest::Client,
    api: String,
    plan: Vec<(String, String)>,
    start: Instant,
    within: Duration,
) {
    let n = plan.len().max(1) as f64;
    let mut sends = Vec::with_capacity(plan.len());
    for (i, (token, chat)) in plan.into_iter().enumerate() {
        let at = start + within.mul_f64(i as f64 / n);
        tokio::time::sleep_until(at.into()).await;
        let (outcome, http, api) = (outcome.clone(), http.clone(), api.clone());
        sends.push(tokio::spawn(async move {
            let request = http
                .post(format!("{api}/chats/{chat}/messages"))
                .bearer_auth(&token)
                .json(&json!({"body": "While you were away: the customer called back about the invoice."}));
            match live::fetch(request).await {
                Ok(_) => {
                    outcome.missed_sent.fetch_add(1, Ordering::Relaxed);
                }
                Err(why) => outcome.errors.add(format!("missed message: {why}"), 1),
            }
        }));
    }
    for s in sends {
        let _ = s.await;
    }
}

/// How a client catches up.
#[derive(Clone, Copy)]
struct CatchUp {
    limit: usize,
    parallel: usize,
    /// Every chat of the list, not only the changed ones.
    all: bool,
}

/// One client's way back: socket, chat list, pages of the chats that changed. Returns the
/// socket (held until every client is back) when the client caught up without an error.
async fn come_back(
    outcome: &Outcome,
    http: &reqwest::Client,
    events: &str,
    api: &str,
    client: &Client,
    how: CatchUp,
) -> Option<live::Socket> {
    let token = client.token.as_str();
    let started = Instant::now();
    let socket = match live::connect(events, token).await {
        Ok(s) => s,
        Err(_) => {
            outcome.errors.add("event socket: no hello", 1);
            return None;
        }
    };
    outcome.record(&outcome.connect, started);
    let t = Instant::now();
    let list = get(
        outcome,
        http,
        &format!("{api}/chats?limit={}", how.limit),
        token,
        "chat list",
    )
    .await?;
    outcome.record(&outcome.chat_list, t);
    let chats: Vec<Entry> = match serde_json::from_slice::<ChatList>(&list) {
        Ok(l) => l
            .items
            .into_iter()
            .filter(|e| how.all || client.seen.get(&e.id) != Some(&e.last_message_at))
            .collect(),
        Err(_) => {
            outcome.errors.add("chat list: not a list of chats", 1);
            return None;
        }
    };
    let pages: Vec<bool> = futures_util::stream::iter(chats)
        .map(|chat| async move {
            let t = Instant::now();
            let url = format!("{api}/chats/{}/messages?limit=50", chat.id);
            let ok = get(outcome, http, &url, token, "messages").await.is_some();
            if ok {
                outcome.record(&outcome.pages, t);
                outcome.chats_caught_up.fetch_add(1, Ordering::Relaxed);
            }
            ok
        })
        .buffer_unordered(how.parallel)
        .collect()
        .await;
    if pages.iter().all(|ok| *ok) {
        outcome.per_client.record_duration(started.elapsed());
        outcome.caught_up.fetch_add(1, Ordering::Relaxed);
        Some(socket)
    } else {
        None
    }
}

/// A GET's body, or `None` with the error counted.
async fn get(
    outcome: &Outcome,
    http: &reqwest::Client,
    url: &str,
    token: &str,
    what: &str,
) -> Option<Vec<u8>> {
    live::fetch(http.get(url).bearer_auth(token))
        .await
        .map_err(|why| outcome.errors.add(format!("{what}: {why}"), 1))
        .ok()
}

impl Outcome {
    fn record(&self, kind: &Histogram, started: Instant) {
        kind.record_duration(started.elapsed());
        self.all.record_duration(started.elapsed());
    }

    /// Whether every client caught up within `deadline`, without errors.
    fn passed(&self, deadline: f64) -> bool {
        self.errors.total() == 0
            && self.caught_up.load(Ordering::Relaxed) == self.clients as u64
            && self.all_caught_up.as_secs_f64() <= deadline
    }
}

/// Prints the storm's table and writes its JSON (with `--json`).
pub(super) fn report(args: &ReconnectArgs, stage: &Stage, outcome: &Outcome) -> Result<()> {
    let (manifest, cached, server) = (&stage.manifest, stage.cached, &stage.server);
    let secs = outcome.all_caught_up.as_secs_f64();
    let caught_up = outcome.caught_up.load(Ordering::Relaxed);
    let chats = outcome.chats_caught_up.load(Ordering::Relaxed);
    let passed = outcome.passed(args.deadline);
    let cores = |c: Option<f64>| c.map_or("n/a".into(), num);
    let mut rows = vec![
        manifest.row(cached),
        (
            "storm".into(),
            format!(
                "{} clients drop at once and come back within {} s, {} messages arrive meanwhile ({} sent); each reloads its {} most recent chats and the last 50 messages of {} ({} pages at a time)",
                outcome.clients,
                num(args.within),
                args.missed,
                outcome.missed_sent.load(Ordering::Relaxed),
                args.catch_up,
                if args.refetch_all {
                    "every one of them"
                } else {
                    "those whose last message changed"
                },
                args.parallel
            ),
        ),
        (
            "all caught up".into(),
            format!(
                "{} s after the drop ({} of {} clients; {} of the {} chats on screen reloaded); target ≤ {} s: {}",
                num(secs),
                caught_up,
                outcome.clients,
                chats,
                outcome.on_screen,
                num(args.deadline),
                if passed { "met" } else { "missed" }
            ),
        ),
        (
            "per client".into(),
            format!(
                "reconnect to caught up: {}",
                latency_line(&outcome.per_client.summary())
            ),
        ),
        (
            "  WebSocket to hello".into(),
            latency_line(&outcome.connect.summary()),
        ),
        (
            "  GET /chats".into(),
            latency_line(&outcome.chat_list.summary()),
        ),
        (
            "  GET 50 messages".into(),
            latency_line(&outcome.pages.summary()),
        ),
        (
            "cpu (cores)".into(),
            format!(
                "server {}, load generator {}, other processes {}",
                cores(outcome.cpu.server_cores),
                cores(outcome.cpu.generator_cores),
                cores(outcome.cpu.other_cores)
            ),
        ),
    ];
    for (phase, rss) in &outcome.memory {
        if let Some(r) = rss {
            rows.push((
                format!("server memory, {phase}"),
                format!(
                    "{} resident ({} own, {} mapped files); peak so far {}",
                    mib(r.now),
                    mib(r.anon),
                    mib(r.file),
                    mib(r.peak)
                ),
            ));
        }
    }
    let mut extra = Map::new();
    extra.insert(
        "memory".into(),
        outcome
            .memory
            .iter()
            .map(|(phase, r)| {
                json!({
                    "phase": phase,
                    "rss_bytes": r.map(|r| r.now),
                    "own_bytes": r.map(|r| r.anon),
                    "mapped_file_bytes": r.map(|r| r.file),
                    "peak_bytes": r.map(|r| r.peak),
                })
            })
            .collect(),
    );
    extra.insert("all_caught_up_s".into(), json!(secs));
    extra.insert("passed".into(), json!(passed));
    extra.insert("clients_caught_up".into(), json!(caught_up));
    extra.insert("chats_caught_up".into(), json!(chats));
    extra.insert("chats_on_screen".into(), json!(outcome.on_screen));
    extra.insert(
        "missed_sent".into(),
        json!(outcome.missed_sent.load(Ordering::Relaxed)),
    );
    extra.insert("per_client_ms".into(), json!(outcome.per_client.summary()));
    extra.insert("connect_ms".into(), json!(outcome.connect.summary()));
    extra.insert("chat_list_ms".into(), json!(outcome.chat_list.summary()));
    extra.insert("pages_ms".into(), json!(outcome.pages.summary()));
    extra.insert(
        "cpu_cores".into(),
        json!({"server": outcome.cpu.server_cores, "generator": outcome.cpu.generator_cores, "other": outcome.cpu.other_cores}),
    );
    extra.insert("data_set".into(), manifest.summary(cached));
    let latency: Latency = outcome.all.summary();
    let report = Report {
        workload: "reconnect".into(),
        backend: stage.db.backend.into(),
        server: server.label().into(),
        params: json!({
            "records": args.data.records, "chats": args.data.chats, "messages": args.data.messages,
            "users": args.data.users, "seed": args.data.seed, "clients": args.clients,
            "within": args.within, "catch_up": args.catch_up, "parallel": args.parallel,
            "missed": args.missed, "refetch_all": args.refetch_all, "deadline": args.deadline,
            "settle": args.settle,
        }),
        throughput_per_s: ((latency.samples as f64 / secs.max(1e-9)) * 10.0).round() / 10.0,
        delivered_per_s: None,
        latency_ms: latency,
        errors: outcome.errors.total(),
        error_kinds: outcome.errors.kinds(),
        server_peak_rss_bytes: server.rss().map(|r| r.peak),
        duration_s: secs,
        machine: Machine::this(),
        extra,
    };
    report.print("reconnect", &rows);
    report.write_json(args.common.json.as_deref())
}
