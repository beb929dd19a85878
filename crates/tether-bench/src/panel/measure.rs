//! The panel run itself: sign in the agents, probe which endpoints the server has, then for
//! `--seconds` keep `--concurrency` requests of each kind in flight, recording every answer's
//! latency (the finder's also by the length of the text typed).

use super::agents::{self, Agent};
use super::{Op, PanelArgs};
use crate::dataset::{self, Manifest, Rng};
use crate::finder::{FinderTexts, Length};
use crate::report::{Errors, Histogram, timer};
use crate::server::{CpuWatch, Server};
use anyhow::{Context, Result, bail};
use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tether_store::Store;

/// Answers of one request kind.
pub(super) struct Measured {
    pub(super) op: Op,
    pub(super) latency: Histogram,
    pub(super) ok: AtomicU64,
}

/// The finder's answers by the length of the text typed.
#[derive(Default)]
pub(super) struct ByLength(pub(super) [Histogram; 4]);

impl ByLength {
    pub(super) const CLASSES: [(Length, &'static str, &'static str); 4] = [
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

/// What every request loop reads, and what they record into.
pub(super) struct Run {
    http: reqwest::Client,
    api: String,
    pub(super) agents: Vec<Agent>,
    /// The users who make the searches.
    pub(super) searchers: Vec<Agent>,
    cases: Vec<String>,
    finder_texts: Option<FinderTexts>,
    /// The kinds measured (those the server has), each with its answers.
    pub(super) measured: Vec<Measured>,
    /// The kinds left out, and why.
    pub(super) missing: serde_json::Map<String, serde_json::Value>,
    pub(super) by_length: ByLength,
    /// Every answer of every kind.
    pub(super) all: Histogram,
    pub(super) errors: Errors,
}

/// Measures the data set in `store`, served by `server`: what each request kind did, and the
/// CPU used meanwhile.
pub(super) async fn measure(
    args: &PanelArgs,
    store: &Store,
    server: &Server,
    manifest: &Manifest,
) -> Result<(Arc<Run>, CpuWatch)> {
    if store.backend() == tether_store::Backend::Postgres {
        // The planner's statistics, as autovacuum gathers them after a bulk load on a server
        // where it runs (it may not: this machine's PostgreSQL has it off). Without them the
        // plans of queries that stop at a LIMIT are guesses.
        store
            .execute_raw("ANALYZE")
            .await
            .context("ANALYZE of the data set")?;
    }
    let (agents, searchers) =
        agents::sign_in(store, manifest, args.sample_users, args.search_chats).await?;
    let finder_texts = if wanted(args, Op::Finder) {
        let viewer = manifest.users.first().map_or("", String::as_str);
        Some(FinderTexts::sample(store, viewer).await?)
    } else {
        None
    };
    let http = crate::live::http_client()?;
    let api = format!("{}/api/v1", server.base);
    let (available, missing) = probe(args, &http, &api, &agents, &manifest.cases).await?;
    let run = Arc::new(Run {
        http,
        api,
        agents,
        searchers,
        cases: manifest.cases.clone(),
        finder_texts,
        measured: available
            .iter()
            .map(|&op| Measured {
                op,
                latency: Histogram::default(),
                ok: AtomicU64::new(0),
            })
            .collect(),
        missing,
        by_length: ByLength::default(),
        all: Histogram::default(),
        errors: Errors::default(),
    });
    let window = Duration::from_secs_f64(args.seconds);
    let cpu = CpuWatch::start(&server.watched_pids());
    run_window(&run, args.concurrency, window).await;
    Ok((run, cpu))
}

/// Whether `--only` asks for `op` (everything when it is not given).
fn wanted(args: &PanelArgs, op: Op) -> bool {
    args.only.is_empty() || args.only.iter().any(|o| o == op.name())
}

/// Which of the endpoints does this server have? One request of each kind wanted: 200 is
/// measured, a 404 of an endpoint that may not have landed yet is left out, anything else
/// fails the run. Returns the kinds to measure and those left out, with why.
async fn probe(
    args: &PanelArgs,
    http: &reqwest::Client,
    api: &str,
    agents: &[Agent],
    cases: &[String],
) -> Result<(Vec<Op>, serde_json::Map<String, serde_json::Value>)> {
    let Some(first) = agents.first() else {
        bail!("no users")
    };
    let Some(case) = cases.first() else {
        bail!("the data set has no cases")
    };
    let mut available = Vec::new();
    let mut missing = serde_json::Map::new();
    for op in Op::ALL {
        if !wanted(args, op) {
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
    Ok((available, missing))
}

/// Keeps `concurrency` request loops per measured kind going for `window`, with a progress bar.
async fn run_window(run: &Arc<Run>, concurrency: usize, window: Duration) {
    let started = Instant::now();
    let deadline = started + window;
    let pb = timer(window.as_secs(), "requests");
    let workers: Vec<_> = (0..concurrency * run.measured.len())
        .map(|w| tokio::spawn(request_loop(run.clone(), w, deadline)))
        .collect();
    while Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(250)).await;
        pb.set_position(started.elapsed().as_secs());
    }
    for w in workers {
        let _ = w.await;
    }
    pb.finish_and_clear();
}

/// Worker `w`: requests of one kind, one after another until `deadline`, each as a random
/// agent about a random case and one of the agent's chats, searching a term drawn as terms
/// occur in messages or typing a text people type into the finder.
async fn request_loop(run: Arc<Run>, w: usize, deadline: Instant) {
    let mut rng = Rng(w as u64 + 1);
    let Some(m) = run.measured.get(w % run.measured.len().max(1)) else {
        return;
    };
    let who = if m.op == Op::Search {
        &run.searchers
    } else {
        &run.agents
    };
    while Instant::now() < deadline {
        let Some(agent) = who.get(rng.below(who.len())) else {
            return;
        };
        let (term, length) = match (&run.finder_texts, m.op) {
            (Some(texts), Op::Finder) => {
                let (text, length) = texts.pick(&mut rng);
                (text, Some(length))
            }
            _ => (dataset::search_term(&mut rng), None),
        };
        let case = run
            .cases
            .get(rng.below(run.cases.len()))
            .map_or("", String::as_str);
        let chat = agent
            .chats
            .get(rng.below(agent.chats.len()))
            .map_or("", String::as_str);
        if m.op == Op::Messages && chat.is_empty() {
            continue;
        }
        let t = Instant::now();
        let res = run
            .http
            .get(format!("{}{}", run.api, m.op.path(case, chat, &term)))
            .bearer_auth(&agent.token)
            .send()
            .await;
        run.count(m, length, t, res).await;
    }
}

impl Run {
    /// Records one answer of kind `m`, asked at `t`: its latency once the body is read, or
    /// the error.
    async fn count(
        &self,
        m: &Measured,
        length: Option<Length>,
        t: Instant,
        res: reqwest::Result<reqwest::Response>,
    ) {
        match res {
            Ok(r) if r.status().is_success() => {
                let body = r.bytes().await;
                if body.is_ok() {
                    m.latency.record_duration(t.elapsed());
                    self.all.record_duration(t.elapsed());
                    if let Some(h) = length.and_then(|l| self.by_length.of(l)) {
                        h.record_duration(t.elapsed());
                    }
                    m.ok.fetch_add(1, Ordering::Relaxed);
                } else {
                    self.errors
                        .add(format!("{}: body not read", m.op.name()), 1);
                }
            }
            Ok(r) => self
                .errors
                .add(format!("{}: http {}", m.op.name(), r.status().as_u16()), 1),
            Err(_) => self
                .errors
                .add(format!("{}: request failed", m.op.name()), 1),
        }
    }
}
