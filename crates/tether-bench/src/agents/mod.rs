//! `agents`: how many agents one machine serves. Simulated agents, each signed in through
//! `POST /auth/login` with its own event WebSocket, do what the UI does in a day's
//! proportions ([`day`]): open *my work*, open a record (record, timeline, collaboration panel
//! and suggested contacts at once), switch to a chat (the chat, its last 50 messages, the read
//! marker), send, react, search their messages and, now and then, lose the network and
//! reconnect (a new socket, then the chat list and the open chat again, as the UI reloads what
//! is on screen). Between actions an agent thinks (exponentially distributed, `--think` seconds
//! on average).
//!
//! Agents are added in steps (`--start`, then `--step` more each time) on the data set of the
//! `panel` workload ([`crate::dataset`], cached); after each step has settled (`--ramp`) its
//! window of `--step-seconds` is measured, and the run stops at the first step that trips a
//! threshold ([`window::Thresholds`]: mean request ≤ 100 ms, p99 ≤ 1 s, errors < 0.025 %, the
//! server side ≤ 85 % of the machine's CPU). The supported number is the last step that
//! passed. The server runs as a child process by default, so its CPU is its own; the load
//! generator's CPU is reported beside it.
//!
//! `reconnect` ([`storm`]) uses the same data set and people: thousands of signed-in clients
//! lose the network at once and come back within seconds, each catching up its most recent
//! chats.
//!
//! Here: the arguments, the data set and server both workloads stand on ([`Stage`]) and the
//! agents run's course; the people in `people`, the names of actions and requests in `kinds`,
//! what an agent does in `day`, what a step measured and the thresholds in `window`, the table
//! and JSON in `report`, the reconnect storm in `storm`.

mod day;
mod kinds;
mod people;
mod report;
mod storm;
mod window;

pub use storm::ReconnectArgs;

use super::Common;
use super::dataset::{self, Manifest, Sizes};
use super::server::{BenchDb, CpuWatch, Mode, Server};
use anyhow::{Result, bail};
use clap::Args;
use day::Crowd;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tether_store::Store;
use window::{StepResult, Thresholds};

/// The data set agents work on (the `panel` workload's generator, other sizes), cached.
#[derive(Args, Debug, Clone)]
pub struct DataArgs {
    /// Records of the data set (about: the demo generator's mix).
    #[arg(long, default_value_t = 40_000)]
    pub records: usize,
    /// Group chats of the data set.
    #[arg(long, default_value_t = 30_000)]
    pub chats: usize,
    /// Messages over all chats.
    #[arg(long, default_value_t = 600_000)]
    pub messages: usize,
    /// People of the data set (the most agents a run can sign in).
    #[arg(long, default_value_t = 12_000)]
    pub users: usize,
    /// Seed of the data set.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Where generated data sets are kept for reuse.
    #[arg(long, default_value = "tether-data/bench-cache")]
    pub cache_dir: PathBuf,
    /// Generate the data set afresh (and replace the cached one).
    #[arg(long)]
    pub no_cache: bool,
}

/// The agents workload's pace and steps.
#[derive(Args, Debug, Clone)]
pub struct AgentsArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Agents signed in at the first step.
    #[arg(long, default_value_t = 1_000)]
    pub start: usize,
    /// Agents added at each further step.
    #[arg(long, default_value_t = 1_000)]
    pub step: usize,
    /// Stop adding agents at this many (default: every person of the data set).
    #[arg(long)]
    pub max: Option<usize>,
    /// Seconds a step runs before its window opens (new agents' first actions settle).
    #[arg(long, default_value_t = 15.0)]
    pub ramp: f64,
    /// Length of each step's measured window, in seconds.
    #[arg(long, default_value_t = 45.0)]
    pub step_seconds: f64,
    /// Mean think time between an agent's actions, in seconds.
    #[arg(long, default_value_t = 20.0)]
    pub think: f64,
    #[command(flatten)]
    pub common: Common,
}

/// A data set in a fresh database, its people ready to sign in, and a server over it.
struct Stage {
    db: BenchDb,
    store: Store,
    manifest: Manifest,
    cached: bool,
    people: Vec<people::Person>,
    server: Server,
}

impl Stage {
    async fn open(data: &DataArgs, common: &Common) -> Result<Stage> {
        if common.url.is_some() {
            bail!(
                "this workload starts its own server on the cached data set; --url is not supported (use panel or chat against a running server)"
            );
        }
        let sizes = Sizes {
            records: data.records,
            chats: data.chats,
            messages: data.messages,
            users: data.users,
            seed: data.seed,
            ranked: true,
        };
        let cache = dataset::Cache {
            dir: data.cache_dir.clone(),
            fresh: data.no_cache,
        };
        let (db, store, manifest, cached) =
            dataset::prepare(common.database.as_deref(), &cache, &sizes).await?;
        let ready = async {
            let people = people::prepare(&store, &manifest).await?;
            if store.backend() == tether_store::Backend::Postgres {
                // The planner's statistics, as autovacuum would gather them after a bulk load.
                store.execute_raw("ANALYZE").await?;
            }
            let server = match common.server.unwrap_or(Mode::Child) {
                Mode::InProcess => Server::in_process(store.clone(), &db.dir, |_| {}).await?,
                Mode::Child => Server::child(&db.url, &db.dir).await?,
            };
            Ok::<_, anyhow::Error>((people, server))
        }
        .await;
        match ready {
            Ok((people, server)) => Ok(Stage {
                db,
                store,
                manifest,
                cached,
                people,
                server,
            }),
            Err(e) => {
                store.close().await;
                db.remove(common.keep).await;
                Err(e)
            }
        }
    }

    /// Stops the server and removes the database (unless `keep`); returns `result`.
    async fn close<T>(self, keep: bool, result: Result<T>) -> Result<T> {
        let stopped = self.server.stop().await;
        self.store.close().await;
        self.db.remove(keep).await;
        let value = result?;
        stopped?;
        Ok(value)
    }
}

/// `tether bench agents`.
pub async fn run(args: AgentsArgs) -> Result<()> {
    check(&args)?;
    let stage = Stage::open(&args.data, &args.common).await?;
    let result = async {
        let steps = run_steps(
            &args,
            &stage.server,
            stage.people.clone(),
            &stage.manifest.cases,
        )
        .await?;
        report::report(&args, &stage, &steps)
    }
    .await;
    stage.close(args.common.keep, result).await
}

/// `tether bench reconnect`.
pub async fn run_reconnect(args: storm::ReconnectArgs) -> Result<()> {
    storm::check(&args)?;
    let stage = Stage::open(&args.data, &args.common).await?;
    let result = async {
        let clients = stage.people.get(..args.clients).unwrap_or(&stage.people);
        let outcome = storm::storm(&args, &stage.server, clients).await?;
        storm::report(&args, &stage, &outcome)
    }
    .await;
    stage.close(args.common.keep, result).await
}

fn check(args: &AgentsArgs) -> Result<()> {
    let positive = |x: f64| x.is_finite() && x > 0.0;
    if args.start == 0
        || args.step == 0
        || !positive(args.step_seconds)
        || !positive(args.think)
        || !(args.ramp.is_finite() && args.ramp >= 0.0)
    {
        bail!("--start, --step, --step-seconds and --think must be positive, --ramp not negative");
    }
    if args.max.is_some_and(|m| m < args.start) {
        bail!("--max must be at least --start");
    }
    if args.data.users < args.start {
        bail!(
            "--users ({}) must be at least --start ({}): every agent is a person of the data set",
            args.data.users,
            args.start
        );
    }
    Ok(())
}

/// Adds agents step by step until a step trips a threshold or there are no more people;
/// returns every step's result.
async fn run_steps(
    args: &AgentsArgs,
    server: &Server,
    mut people: Vec<people::Person>,
    cases: &[String],
) -> Result<Vec<StepResult>> {
    let max = args.max.unwrap_or(people.len()).min(people.len());
    people.truncate(max);
    let crowd = Arc::new(Crowd::new(server, cases.to_vec(), args.think)?);
    let steps = add_until_tripped(args, server, &people, max, &crowd).await;
    // Every agent stops, whether the steps ended or a step could not start.
    crowd.stop().await;
    steps
}

/// The steps themselves: sign in the next agents, settle, measure, judge.
async fn add_until_tripped(
    args: &AgentsArgs,
    server: &Server,
    people: &[people::Person],
    max: usize,
    crowd: &Arc<Crowd>,
) -> Result<Vec<StepResult>> {
    let thresholds = Thresholds::default();
    let machine_cores = std::thread::available_parallelism().map_or(1, usize::from);
    let mut results = Vec::new();
    let mut signed_in = 0;
    let mut target = args.start.min(max);
    loop {
        let newcomers = people.get(signed_in..target).unwrap_or_default();
        eprintln!("step {}: {} agents", results.len() + 1, target);
        if let Err(why) = crowd.add(newcomers).await {
            // The first step failing is a setup fault; a later one is the server refusing more
            // agents (a sign-in answered 503 under load), which ends the run as a tripped step.
            if results.is_empty() {
                return Err(why);
            }
            let result = StepResult::not_started(target, &why);
            eprintln!("  {}", result.line(&result.tripped));
            results.push(result);
            break;
        }
        signed_in = target;
        tokio::time::sleep(Duration::from_secs_f64(args.ramp)).await;
        let cpu = CpuWatch::start(&server.watched_pids());
        let measured = crowd
            .measure(Duration::from_secs_f64(args.step_seconds))
            .await;
        let result = StepResult::of(target, &measured, &cpu, server.pid(), machine_cores);
        let verdict = thresholds.check(&result);
        eprintln!("  {}", result.line(&verdict));
        let tripped = !verdict.is_empty();
        results.push(result.with_verdict(verdict));
        if tripped || target >= max {
            break;
        }
        target = (target + args.step).min(max);
    }
    Ok(results)
}
