//! `panel`: what an agent waits for when opening a record in a large installation — the
//! record, its timeline, the collaboration panel (R3–R7), suggested contacts (R12) — a page of
//! a chat's messages, and a message search over all the agent's chats (R24), for random
//! signed-in users and random cases of a large data set ([`super::dataset`]). Searches are
//! made by the agents whose number of chats is nearest `--search-chats` (200 by default, the
//! size the search target names), for a specific term drawn as terms occur in messages. The
//! record finder (`GET /records?q=`) is asked by random signed-in users for what people type
//! into it ([`super::finder`]: first letters of words of the data set's record names, longer
//! prefixes, record numbers), reported overall and per length of the text.
//!
//! Endpoints that this build of the server does not have yet answer 404 to a probe before the
//! run; they are reported as "not available" and left out, so the workload runs today and
//! measures them as soon as they land.

use super::Common;
use super::dataset::{self, Manifest, Rng, Sizes};
use super::finder::{FinderTexts, Length, query_value};
use super::report::{Errors, Histogram, Machine, Report, latency_line, num, timer};
use super::server::{self, BenchDb, Mode, Server};
use anyhow::{Context, Result, bail};
use clap::Args;
use serde_json::{Value, json};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tether_server::auth::{new_token, token_hash};
use tether_store::Store;

/// Sizes of the panel workload.
#[derive(Args, Debug, Clone)]
pub struct PanelArgs {
    /// Records (about: the demo generator's mix of accounts, contacts, articles and cases).
    #[arg(long, default_value_t = 100_000)]
    pub records: usize,
    /// Group chats.
    #[arg(long, default_value_t = 50_000)]
    pub chats: usize,
    /// Messages over all chats.
    #[arg(long, default_value_t = 1_000_000)]
    pub messages: usize,
    /// People (at least the demo generator's 30 per 2,740 records).
    #[arg(long, default_value_t = 2_000)]
    pub users: usize,
    /// Seed of the data set.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Length of the measured window.
    #[arg(long, default_value_t = 10.0)]
    pub seconds: f64,
    /// Requests in flight per kind of request (each kind has its own clients, so a slow
    /// kind does not starve the others of samples).
    #[arg(long, default_value_t = 1)]
    pub concurrency: usize,
    /// Users signed in and picked from at random.
    #[arg(long, default_value_t = 200)]
    pub sample_users: usize,
    /// Measure only these kinds of request (comma-separated: record, timeline, panel,
    /// suggestions, messages, search, finder); all by default.
    #[arg(long, value_delimiter = ',')]
    pub only: Vec<String>,
    /// Searches come from the signed-in users whose number of chats is nearest this.
    #[arg(long, default_value_t = 200)]
    pub search_chats: usize,
    /// Where generated data sets are kept for reuse.
    #[arg(long, default_value = "tether-data/bench-cache")]
    pub cache_dir: PathBuf,
    /// Generate the data set afresh (and replace the cached one).
    #[arg(long)]
    pub no_cache: bool,
    #[command(flatten)]
    pub common: Common,
}

/// The requests measured, with their paths.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Record,
    Timeline,
    Panel,
    Suggestions,
    Messages,
    Search,
    Finder,
}

impl Op {
    const ALL: [Op; 7] = [
        Op::Record,
        Op::Timeline,
        Op::Panel,
        Op::Suggestions,
        Op::Messages,
        Op::Search,
        Op::Finder,
    ];

    fn name(self) -> &'static str {
        match self {
            Op::Record => "record",
            Op::Timeline => "timeline",
            Op::Panel => "panel",
            Op::Suggestions => "suggestions",
            Op::Messages => "messages",
            Op::Search => "search",
            Op::Finder => "finder",
        }
    }

    /// The request's path; `term` is a search term or, for the finder, the text typed.
    fn path(self, case: &str, chat: &str, term: &str) -> String {
        match self {
            Op::Record => format!("/records/case/{case}"),
            Op::Timeline => format!("/records/case/{case}/timeline"),
            Op::Panel => format!("/records/case/{case}/collaboration"),
            Op::Suggestions => format!("/records/case/{case}/suggested-contacts"),
            Op::Messages => format!("/chats/{chat}/messages?limit=50"),
            Op::Search => format!("/search?q={term}&limit=30"),
            Op::Finder => format!("/records?q={}&limit=20", query_value(term)),
        }
    }

    /// What the request stands for, in the table.
    fn label(self) -> &'static str {
        match self {
            Op::Record => "GET record",
            Op::Timeline => "GET timeline",
            Op::Panel => "GET collaboration panel",
            Op::Suggestions => "GET suggested contacts",
            Op::Messages => "GET 50 messages",
            Op::Search => "GET search (all my chats)",
            Op::Finder => "GET record finder (as you type)",
        }
    }
}

/// A signed-in user and the chats they are in.
struct Agent {
    token: String,
    chats: Vec<String>,
}

pub async fn run(args: PanelArgs) -> Result<()> {
    if args.records == 0
        || args.users < 2
        || !args.seconds.is_finite()
        || args.seconds <= 0.0
        || args.concurrency == 0
    {
        bail!("--records, --concurrency and --seconds must be positive, --users at least 2");
    }
    if let Some(bad) = args
        .only
        .iter()
        .find(|o| !Op::ALL.iter().any(|op| op.name() == o.as_str()))
    {
        bail!("--only {bad}: use record, timeline, panel, suggestions, messages, search or finder");
    }
    let sizes = Sizes {
        records: args.records,
        chats: args.chats,
        messages: args.messages,
        users: args.users,
        seed: args.seed,
    };
    let common = &args.common;
    let mode = common.server.unwrap_or(Mode::InProcess);
    if let Some(url) = &common.url {
        let Some(database) = &common.database else {
            bail!(
                "with --url, give --database (that server's empty database): the data set is written through the store"
            );
        };
        let store = server::open_store(database).await?;
        if store.count_users().await? > 0 {
            bail!(
                "the data set goes into an empty database; {} has users",
                server::redact(database)
            );
        }
        let manifest = dataset::generate_into(&store, &sizes).await?;
        let server = Server::external(url);
        let result = measure(&args, &store, &server, &manifest, "external", false).await;
        store.close().await;
        return result;
    }

    let (db, store, manifest, cached) = prepare(&args, &sizes).await?;
    let result = async {
        let server = match mode {
            Mode::InProcess => Server::in_process(store.clone(), &db.dir, |_| {}).await?,
            Mode::Child => Server::child(&db.url, &db.dir).await?,
        };
        let r = measure(&args, &store, &server, &manifest, db.backend, cached).await;
        server.stop().await?;
        r
    }
    .await;
    store.close().await;
    db.remove(common.keep).await;
    result
}

/// A fresh database holding the data set: copied from the cache when there is one, else
/// generated (and cached).
async fn prepare(args: &PanelArgs, sizes: &Sizes) -> Result<(BenchDb, Store, Manifest, bool)> {
    let key = sizes.key();
    let common = &args.common;
    let cache = &args.cache_dir;
    match common.database.as_deref() {
        None => {
            let db = BenchDb::create(None).await?;
            let file = dataset::sqlite_cache_file(cache, &key);
            let manifest_key = format!("{key}-sqlite");
            if !args.no_cache
                && file.exists()
                && let Some(manifest) = Manifest::load(cache, &manifest_key)
            {
                let target = db.dir.join("tether.db");
                eprintln!("using the cached data set {}", file.display());
                std::fs::copy(&file, &target)
                    .with_context(|| format!("cannot copy {}", file.display()))?;
                let store = server::open_store(&db.url).await?;
                return Ok((db, store, manifest, true));
            }
            let store = server::open_store(&db.url).await?;
            let manifest = dataset::generate_into(&store, sizes).await?;
            // Fold the WAL into the main file, then keep a copy of it.
            store.execute_raw("PRAGMA wal_checkpoint(TRUNCATE)").await?;
            store.close().await;
            std::fs::create_dir_all(cache)
                .with_context(|| format!("cannot create {}", cache.display()))?;
            let tmp = file.with_extension("db.tmp");
            std::fs::copy(db.dir.join("tether.db"), &tmp)
                .and_then(|_| std::fs::rename(&tmp, &file))
                .with_context(|| format!("cannot cache the data set in {}", file.display()))?;
            manifest.save(cache, &manifest_key)?;
            let store = server::open_store(&db.url).await?;
            Ok((db, store, manifest, false))
        }
        Some(url) if url.starts_with("postgres") => {
            let template = dataset::postgres_template(&key);
            let manifest_key = format!("{key}-postgres");
            if !args.no_cache
                && let Some(manifest) = Manifest::load(cache, &manifest_key)
                && let Ok(db) = BenchDb::postgres_from_template(url, &template).await
            {
                eprintln!("using the cached data set (database {template})");
                let store = server::open_store(&db.url).await?;
                return Ok((db, store, manifest, true));
            }
            let db = BenchDb::create(Some(url)).await?;
            let store = server::open_store(&db.url).await?;
            let manifest = dataset::generate_into(&store, sizes).await?;
            store.close().await;
            db.save_as_template(&template).await?;
            manifest.save(cache, &manifest_key)?;
            let store = server::open_store(&db.url).await?;
            Ok((db, store, manifest, false))
        }
        Some(url) => {
            // A SQLite file the user named: generate into it, no cache.
            let db = BenchDb::create(Some(url)).await?;
            let store = server::open_store(&db.url).await?;
            if store.count_users().await? > 0 {
                bail!("the data set goes into an empty database; {url} has users");
            }
            let manifest = dataset::generate_into(&store, sizes).await?;
            Ok((db, store, manifest, false))
        }
    }
}

/// Signs in up to `--sample-users` chat members, and the 20 users whose number of chats is
/// nearest `search_chats` (who make the searches).
async fn agents(
    store: &Store,
    manifest: &Manifest,
    want: usize,
    search_chats: usize,
) -> Result<(Vec<Agent>, Vec<Agent>)> {
    let mut chats_of: Vec<Vec<String>> = vec![Vec::new(); manifest.users.len()];
    for c in &manifest.chats {
        if c.messages == 0 {
            continue;
        }
        for &m in &c.members {
            if let Some(list) = chats_of.get_mut(m as usize) {
                list.push(c.id.clone());
            }
        }
    }
    let expires = tether_store::now_ms() + 24 * 3600 * 1000;
    let mut by_size: Vec<usize> = (0..manifest.users.len()).collect();
    by_size.sort_by_key(|&i| chats_of.get(i).map_or(0, Vec::len).abs_diff(search_chats));
    let mut searchers = Vec::new();
    for &i in by_size.iter().take(20) {
        let (Some(id), Some(chats)) = (manifest.users.get(i), chats_of.get(i)) else {
            continue;
        };
        let token = new_token();
        store
            .create_session(&token_hash(&token), id, &new_token(), expires)
            .await?;
        searchers.push(Agent {
            token,
            chats: chats.clone(),
        });
    }
    let mut out = Vec::new();
    let step = (manifest.users.len() / want.max(1)).max(1);
    for (i, id) in manifest.users.iter().enumerate().step_by(step) {
        if out.len() >= want {
            break;
        }
        let token = new_token();
        store
            .create_session(&token_hash(&token), id, &new_token(), expires)
            .await?;
        out.push(Agent {
            token,
            chats: chats_of.get(i).cloned().unwrap_or_default(),
        });
    }
    if out.is_empty() || searchers.is_empty() {
        bail!("the data set has no users to sign in");
    }
    Ok((out, searchers))
}

/// Answers of one request kind.
struct Measured {
    op: Op,
    latency: Histogram,
    ok: AtomicU64,
}

/// The finder's answers by the length of the text typed.
#[derive(Default)]
struct ByLength([Histogram; 4]);

impl ByLength {
    const CLASSES: [(Length, &'static str, &'static str); 4] = [
        (Length::One, "one_letter", "1 letter"),
        (Length::Two, "two_letters", "2 letters"),
        (Length::ThreeOrMore, "three_or_more", "3+ letters"),
        (Length::Number, "number", "record number"),
    ];

    fn of(&self, length: Length) -> Option<&Histogram> {
        let i = Self::CLASSES.iter().position(|(l, _, _)| *l == length)?;
        self.0.get(i)
    }
}

async fn measure(
    args: &PanelArgs,
    store: &Store,
    server: &Server,
    manifest: &Manifest,
    backend: &str,
    cached: bool,
) -> Result<()> {
    if store.backend() == tether_store::Backend::Postgres {
        // The planner's statistics, as autovacuum gathers them after a bulk load on a server
        // where it runs (it may not: this machine's PostgreSQL has it off). Without them the
        // plans of queries that stop at a LIMIT are guesses.
        store
            .execute_raw("ANALYZE")
            .await
            .context("ANALYZE of the data set")?;
    }
    let (agents, searchers) = agents(store, manifest, args.sample_users, args.search_chats).await?;
    let searcher_chats =
        searchers.iter().map(|a| a.chats.len()).sum::<usize>() / searchers.len().max(1);
    let (agents, searchers) = (Arc::new(agents), Arc::new(searchers));
    let cases = Arc::new(manifest.cases.clone());
    let finder_texts = if args.only.is_empty() || args.only.iter().any(|o| o == "finder") {
        let viewer = manifest.users.first().map_or("", String::as_str);
        Some(Arc::new(FinderTexts::sample(store, viewer).await?))
    } else {
        None
    };
    let by_length = Arc::new(ByLength::default());
    let http = super::live::http_client()?;
    let api = format!("{}/api/v1", server.base);
    let Some(first) = agents.first() else {
        bail!("no users")
    };
    let Some(case) = cases.first() else {
        bail!("the data set has no cases")
    };

    // Probe: which of the endpoints does this server have?
    let mut available = Vec::new();
    let mut missing = serde_json::Map::new();
    for op in Op::ALL {
        if !args.only.is_empty() && !args.only.iter().any(|o| o == op.name()) {
            continue;
        }
        let chat = agents
            .iter()
            .find_map(|a| a.chats.first())
            .cloned()
            .unwrap_or_default();
        if op == Op::Messages && chat.is_empty() {
            missing.insert(
                op.name().into(),
                json!("not available (no chat has messages)"),
            );
            continue;
        }
        let res = http
            .get(format!("{api}{}", op.path(case, &chat, "invoice")))
            .bearer_auth(&first.token)
            .send()
            .await?;
        let status = res.status().as_u16();
        match status {
            200 => available.push(op),
            404 if !matches!(op, Op::Record | Op::Messages) => {
                missing.insert(
                    op.name().into(),
                    json!("not available (404: not in this server yet)"),
                );
            }
            _ => bail!(
                "probe of {} answered {status}: {}",
                op.label(),
                res.text().await.unwrap_or_default()
            ),
        }
    }

    let measured: Arc<Vec<Measured>> = Arc::new(
        available
            .iter()
            .map(|&op| Measured {
                op,
                latency: Histogram::default(),
                ok: AtomicU64::new(0),
            })
            .collect(),
    );
    let all = Arc::new(Histogram::default());
    let errors = Arc::new(Errors::default());
    let window = Duration::from_secs_f64(args.seconds);
    let me = std::process::id();
    let pids: Vec<u32> = [Some(me), server.pid()].into_iter().flatten().collect();
    let cpu = server::CpuWatch::start(&pids);
    let started = Instant::now();
    let deadline = started + window;
    let pb = timer(window.as_secs(), "requests");
    let workers: Vec<_> = (0..args.concurrency * measured.len())
        .map(|w| {
            let (http, api, agents, searchers, cases, measured, all, errors) = (
                http.clone(),
                api.clone(),
                agents.clone(),
                searchers.clone(),
                cases.clone(),
                measured.clone(),
                all.clone(),
                errors.clone(),
            );
            let (finder_texts, by_length) = (finder_texts.clone(), by_length.clone());
            tokio::spawn(async move {
                let mut rng = Rng(w as u64 + 1);
                let Some(m) = measured.get(w % measured.len().max(1)) else {
                    return;
                };
                let who = if m.op == Op::Search {
                    &searchers
                } else {
                    &agents
                };
                while Instant::now() < deadline {
                    let Some(agent) = who.get(rng.below(who.len())) else {
                        return;
                    };
                    let (term, length) = match (&finder_texts, m.op) {
                        (Some(texts), Op::Finder) => {
                            let (text, length) = texts.pick(&mut rng);
                            (text, Some(length))
                        }
                        _ => (dataset::search_term(&mut rng), None),
                    };
                    let case = cases.get(rng.below(cases.len())).map_or("", String::as_str);
                    let chat = agent
                        .chats
                        .get(rng.below(agent.chats.len()))
                        .map_or("", String::as_str);
                    if m.op == Op::Messages && chat.is_empty() {
                        continue;
                    }
                    let t = Instant::now();
                    let res = http
                        .get(format!("{api}{}", m.op.path(case, chat, &term)))
                        .bearer_auth(&agent.token)
                        .send()
                        .await;
                    match res {
                        Ok(r) if r.status().is_success() => {
                            let body = r.bytes().await;
                            if body.is_ok() {
                                m.latency.record_duration(t.elapsed());
                                all.record_duration(t.elapsed());
                                if let Some(h) = length.and_then(|l| by_length.of(l)) {
                                    h.record_duration(t.elapsed());
                                }
                                m.ok.fetch_add(1, Ordering::Relaxed);
                            } else {
                                errors.add(format!("{}: body not read", m.op.name()), 1);
                            }
                        }
                        Ok(r) => {
                            errors.add(format!("{}: http {}", m.op.name(), r.status().as_u16()), 1)
                        }
                        Err(_) => errors.add(format!("{}: request failed", m.op.name()), 1),
                    }
                }
            })
        })
        .collect();
    while Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(250)).await;
        pb.set_position(started.elapsed().as_secs());
    }
    for w in workers {
        let _ = w.await;
    }
    pb.finish_and_clear();
    let secs = window.as_secs_f64();

    let mut per_request = missing.clone();
    let mut rows: Vec<(String, String)> = vec![(
        "data set".into(),
        format!(
            "{} records, {} activities, {} chats, {} messages, {} users, {} chat–record connections ({})",
            manifest.records_written,
            manifest.activities_written,
            manifest.chats.len(),
            manifest.messages_written,
            manifest.users.len(),
            manifest.connections_written,
            if cached {
                "from the cache".to_owned()
            } else {
                format!("generated in {} s", manifest.generated_in_s)
            }
        ),
    )];
    rows.push((
        "load".into(),
        format!(
            "{} request(s) in flight per kind, {} signed-in users; searches by {} users in {} chats on average",
            args.concurrency,
            agents.len(),
            searchers.len(),
            searcher_chats
        ),
    ));
    for m in measured.iter() {
        let l = m.latency.summary();
        let rate = m.ok.load(Ordering::Relaxed) as f64 / secs;
        rows.push((
            m.op.label().into(),
            format!("{} /s; {}", num(rate), latency_line(&l)),
        ));
        let mut entry = json!({"per_s": (rate * 10.0).round() / 10.0, "latency_ms": l});
        if m.op == Op::Finder {
            for ((_, key, label), h) in ByLength::CLASSES.iter().zip(&by_length.0) {
                let l = h.summary();
                rows.push((format!("  finder, {label}"), latency_line(&l)));
                entry[*key] = json!({"latency_ms": l});
            }
        }
        per_request.insert(m.op.name().into(), entry);
    }
    for (name, why) in &missing {
        rows.push((name.clone(), why.as_str().unwrap_or_default().to_owned()));
    }
    let mut extra = serde_json::Map::new();
    let server_cores = server.pid().and_then(|p| cpu.cores_of(p));
    match server.pid() {
        Some(pid) if pid == me => {
            rows.push((
                "process CPU (server + load)".into(),
                format!("{:.2} cores", server_cores.unwrap_or(0.0)),
            ));
            extra.insert("process_cores_used".into(), json!(server_cores));
        }
        Some(_) => {
            rows.push((
                "server CPU".into(),
                format!("{:.2} cores", server_cores.unwrap_or(0.0)),
            ));
            extra.insert("server_cores_used".into(), json!(server_cores));
            extra.insert("bench_cores_used".into(), json!(cpu.cores_of(me)));
        }
        None => {}
    }
    extra.insert("other_load_cores".into(), json!(cpu.other_cores()));
    extra.insert("per_request".into(), Value::Object(per_request));
    extra.insert(
        "data_set".into(),
        json!({
            "records": manifest.records_written,
            "activities": manifest.activities_written,
            "chats": manifest.chats.len(),
            "messages": manifest.messages_written,
            "users": manifest.users.len(),
            "connections": manifest.connections_written,
            "cached": cached,
            "generated_in_s": manifest.generated_in_s,
        }),
    );
    let report = Report {
        workload: "panel".into(),
        backend: backend.into(),
        server: server.label().into(),
        params: json!({
            "records": args.records, "chats": args.chats, "messages": args.messages, "users": args.users,
            "seed": args.seed, "seconds": args.seconds, "concurrency": args.concurrency, "sample_users": args.sample_users,
            "search_chats": args.search_chats, "searcher_mean_chats": searcher_chats, "only": args.only,
        }),
        throughput_per_s: ((all.count() as f64 / secs) * 10.0).round() / 10.0,
        delivered_per_s: None,
        latency_ms: all.summary(),
        errors: errors.total(),
        error_kinds: errors.kinds(),
        server_peak_rss_bytes: server.rss().map(|r| r.peak),
        duration_s: secs,
        machine: Machine::this(),
        extra,
    };
    rows.push((
        "all requests".into(),
        format!(
            "{} /s; {}",
            num(report.throughput_per_s),
            latency_line(&report.latency_ms)
        ),
    ));
    report.print("panel", &rows);
    report.write_json(args.common.json.as_deref())
}
