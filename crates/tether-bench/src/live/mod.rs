//! The live-messaging load engine shared by `chat` (Tether) and `bare` (the built-in broadcast
//! server): one WebSocket client per user, senders POSTing messages over HTTP, and the
//! measurement of what was accepted, what was delivered and how long delivery took.
//!
//! Each message body carries its send time (`tbench:<µs since the run's clock>:`); the client
//! that receives the `message.created` event takes the difference, so the latency covers the
//! HTTP request, the commit, the fan-out and the WebSocket write. Clients and senders share one
//! process and one monotonic clock. Only messages sent inside the measured window count
//! (after `--warmup`, for `--seconds`); after the window the run waits (`--drain`) until every
//! accepted message has reached every member, and whatever has not arrived by then is an error
//! ("undelivered"), as is a `resync` (a client fell behind), a non-201 answer or a dropped
//! socket.
//!
//! Here: where to send and listen ([`Live`]), how hard ([`Load`]), what came out ([`Outcome`])
//! and the run's course; the shared counters and timed bodies in `counters`, the clients'
//! sockets in `sockets`, the senders in `senders`.

mod counters;
mod senders;
mod sockets;

pub(crate) use counters::{body as timed_body, sent_at};
pub use senders::{fetch, http_client};
pub use sockets::{Socket, connect, connect_all};

use crate::fixture::Fixture;
use crate::report::{Errors, Histogram, Latency, timer};
use crate::server::CpuWatch;
use anyhow::Result;
use counters::Shared;
use indicatif::ProgressBar;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// WebSocket handshakes in flight while connecting.
const CONNECT_CONCURRENCY: usize = 64;

/// Cores used during the window by each watched process, and by everything else.
type CpuUse = (Vec<(u32, Option<f64>)>, Option<f64>);

/// Where the engine sends and listens.
pub struct Live {
    /// `http://host:port/api/v1`
    pub api: String,
    /// `ws://host:port/api/v1/events`
    pub events: String,
    /// With several nodes, the event addresses of the others: client *i* listens on node
    /// *i mod n* (the first node is `events`), so deliveries cross nodes.
    pub other_events: Vec<String>,
    pub fixture: Fixture,
}

impl Live {
    pub fn new(base: &str, fixture: Fixture) -> Live {
        let ws = base
            .replacen("http://", "ws://", 1)
            .replacen("https://", "wss://", 1);
        Live {
            api: format!("{base}/api/v1"),
            events: format!("{ws}/api/v1/events"),
            other_events: Vec::new(),
            fixture,
        }
    }

    /// Clients spread over `others` too (their base addresses); sends still go to `base`.
    pub fn with_other_nodes(mut self, others: &[String]) -> Live {
        self.other_events = others
            .iter()
            .map(|b| Live::new(b, Fixture::default()).events)
            .collect();
        self
    }

    /// Where client `i` listens.
    fn events_of(&self, i: usize) -> &str {
        let n = self.other_events.len() + 1;
        match i % n {
            0 => &self.events,
            k => self
                .other_events
                .get(k - 1)
                .map_or(&self.events, String::as_str),
        }
    }
}

/// How sends at a fixed rate fall in time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Pattern {
    /// Message *i* at *i / rate* seconds, the chats in turn.
    Even,
    /// One message to every chat at once, every *chats / rate* seconds.
    Burst,
}

/// How hard to push.
#[derive(Clone, Debug)]
pub struct Load {
    pub warmup: Duration,
    pub seconds: Duration,
    /// Messages per second over all senders; 0 = as fast as they are accepted.
    pub rate: f64,
    /// Concurrent senders for `rate == 0`.
    pub senders: usize,
    /// Requests in flight at most for `rate > 0`.
    pub max_inflight: usize,
    /// How sends at a fixed rate are spread over time.
    pub pattern: Pattern,
    pub body_bytes: usize,
    pub drain: Duration,
}

/// What one run measured.
pub struct Outcome {
    pub accepted: u64,
    pub expected_deliveries: u64,
    pub delivered: u64,
    pub events_received: u64,
    /// Sends that were due (fixed rate) while `max_inflight` requests were outstanding.
    pub skipped_sends: u64,
    pub window: Duration,
    pub latency: Latency,
    pub request_latency: Latency,
    pub errors: Arc<Errors>,
    pub connect_seconds: f64,
    /// Cores used during the window by each watched process.
    pub cores: Vec<(u32, Option<f64>)>,
    /// Cores used during the window by everything else on the machine.
    pub other_cores: Option<f64>,
}

/// Connects every user, sends for warmup + seconds, drains, and returns what was measured.
pub async fn run(live: Arc<Live>, load: &Load, pids: &[u32]) -> Result<Outcome> {
    let shared = Arc::new(Shared::new());
    let (sockets, connect_seconds) = connect_clients(&live).await?;
    let (stop_tx, stop_rx) = watch::channel(false);
    let readers: Vec<_> = sockets
        .into_iter()
        .map(|ws| tokio::spawn(sockets::read_events(ws, shared.clone(), stop_rx.clone())))
        .collect();

    let http = http_client()?;
    let window_end = shared.open_window(load.warmup, load.seconds);
    let (pb, ticker) = progress(load);
    let cpu = watch_cpu(pids, load);
    if load.rate > 0.0 {
        senders::fixed_rate(&http, &live, &shared, load, window_end).await;
    } else {
        senders::flat_out(&http, &live, &shared, load, window_end).await;
    }
    ticker.abort();
    pb.finish_and_clear();
    let cores = cpu.await.unwrap_or_default();

    drain(&shared, load.drain).await;
    let _ = stop_tx.send(true);
    for r in readers {
        let _ = r.await;
    }
    Ok(outcome(&shared, load, connect_seconds, cores))
}

/// One event socket per user, spread over the nodes; returns them and how long opening them
/// took.
async fn connect_clients(live: &Live) -> Result<(Vec<Socket>, f64)> {
    let tokens: Vec<String> = live.fixture.users.iter().map(|u| u.token.clone()).collect();
    let connect_latency = Histogram::default();
    let connect_started = Instant::now();
    let mut sockets = Vec::with_capacity(tokens.len());
    let nodes = live.other_events.len() + 1;
    for node in 0..nodes {
        let mine: Vec<String> = tokens
            .iter()
            .enumerate()
            .filter(|(i, _)| i % nodes == node)
            .map(|(_, t)| t.clone())
            .collect();
        sockets.extend(
            connect_all(
                live.events_of(node),
                &mine,
                CONNECT_CONCURRENCY,
                &connect_latency,
            )
            .await?,
        );
    }
    let connect_seconds = connect_started.elapsed().as_secs_f64();
    Ok((sockets, connect_seconds))
}

/// A progress bar over warmup and window, and the task that moves it on each second.
fn progress(load: &Load) -> (ProgressBar, JoinHandle<()>) {
    let total_s = (load.warmup + load.seconds).as_secs();
    let pb = timer(
        total_s,
        if load.rate > 0.0 {
            "sending at fixed rate"
        } else {
            "sending flat out"
        },
    );
    let ticker = {
        let pb = pb.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(1));
            tick.tick().await;
            loop {
                tick.tick().await;
                pb.inc(1);
            }
        })
    };
    (pb, ticker)
}

/// Watches the CPU of `pids` and of the machine during the measured window: the cores each
/// process used, and those everything else used.
fn watch_cpu(pids: &[u32], load: &Load) -> JoinHandle<CpuUse> {
    let (pids, warmup, seconds) = (pids.to_vec(), load.warmup, load.seconds);
    tokio::spawn(async move {
        tokio::time::sleep(warmup).await;
        let watch = CpuWatch::start(&pids);
        tokio::time::sleep(seconds).await;
        let cores: Vec<(u32, Option<f64>)> = pids.iter().map(|&p| (p, watch.cores_of(p))).collect();
        (cores, watch.other_cores())
    })
}

/// Waits up to `drain` for the window's messages to reach every member.
async fn drain(shared: &Shared, drain: Duration) {
    let drain_until = Instant::now() + drain;
    while shared.delivered.load(Ordering::Relaxed) < shared.expected.load(Ordering::Relaxed)
        && Instant::now() < drain_until
    {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// What the counters hold after the drain; what has not arrived by then is undelivered.
fn outcome(
    shared: &Shared,
    load: &Load,
    connect_seconds: f64,
    (cores, other_cores): CpuUse,
) -> Outcome {
    let accepted = shared.accepted.load(Ordering::Relaxed);
    let expected = shared.expected.load(Ordering::Relaxed);
    let delivered = shared.delivered.load(Ordering::Relaxed);
    shared
        .errors
        .add("undelivered", expected.saturating_sub(delivered));
    Outcome {
        accepted,
        expected_deliveries: expected,
        delivered,
        events_received: shared.events.load(Ordering::Relaxed),
        skipped_sends: shared.skipped.load(Ordering::Relaxed),
        window: load.seconds,
        latency: shared.latency.summary(),
        request_latency: shared.request_latency.summary(),
        errors: shared.errors.clone(),
        connect_seconds,
        cores,
        other_cores,
    }
}
