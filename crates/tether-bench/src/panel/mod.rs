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
//!
//! Here: the arguments, the kinds of request and the run's course; the data set's database
//! comes from [`dataset::prepare`], the signed-in users from `agents`, the requests in `measure`, the table and JSON in
//! `report`.

mod agents;
mod measure;
mod report;

use super::Common;
use super::dataset::{self, Sizes};
use super::finder::query_value;
use super::server::{self, Mode, Server};
use anyhow::{Result, bail};
use clap::Args;
use std::path::PathBuf;

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
    /// A data set without the similarity ranking (minutes instead of an hour to make; its
    /// types have similarity-based suggestions off): for runs that leave out `suggestions`.
    #[arg(long)]
    pub unranked: bool,
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

/// `tether bench panel`.
pub async fn run(args: PanelArgs) -> Result<()> {
    check(&args)?;
    let sizes = Sizes {
        records: args.records,
        chats: args.chats,
        messages: args.messages,
        users: args.users,
        seed: args.seed,
        ranked: !args.unranked,
    };
    let common = &args.common;
    if let Some(url) = &common.url {
        return against(&args, &sizes, url).await;
    }
    let mode = common.server.unwrap_or(Mode::InProcess);
    let cache = dataset::Cache {
        dir: args.cache_dir.clone(),
        fresh: args.no_cache,
    };
    let (db, store, manifest, cached) =
        dataset::prepare(common.database.as_deref(), &cache, &sizes).await?;
    let result = async {
        let server = match mode {
            Mode::InProcess => Server::in_process(store.clone(), &db.dir, |_| {}).await?,
            Mode::Child => Server::child(&db.url, &db.dir).await?,
        };
        let r = measure_and_report(&args, &store, &server, &manifest, db.backend, cached).await;
        server.stop().await?;
        r
    }
    .await;
    store.close().await;
    db.remove(common.keep).await;
    result
}

fn check(args: &PanelArgs) -> Result<()> {
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
    if args.unranked && (args.only.is_empty() || args.only.iter().any(|o| o == "suggestions")) {
        bail!(
            "--unranked data sets have no similarity ranking, so suggested contacts would not be measured as an agent sees them: give --only without suggestions"
        );
    }
    Ok(())
}

/// A running server (`--url`) over the empty database `--database`, which the data set is
/// written into through the store.
async fn against(args: &PanelArgs, sizes: &Sizes, url: &str) -> Result<()> {
    let Some(database) = &args.common.database else {
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
    let manifest = dataset::generate_into(&store, sizes).await?;
    let server = Server::external(url);
    let result = measure_and_report(args, &store, &server, &manifest, "external", false).await;
    store.close().await;
    result
}

/// Measures the data set in `store`, served by `server`, and reports (while the server still
/// runs: the report reads its memory).
async fn measure_and_report(
    args: &PanelArgs,
    store: &tether_store::Store,
    server: &Server,
    manifest: &dataset::Manifest,
    backend: &str,
    cached: bool,
) -> Result<()> {
    let (run, cpu) = measure::measure(args, store, server, manifest).await?;
    report::report(args, manifest, cached, backend, server, &run, &cpu)
}
