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

use super::fixture::Fixture;
use super::report::{Errors, Histogram, Latency, bar, timer};
use super::server::CpuWatch;
use anyhow::{Result, anyhow};
use futures_util::{StreamExt, TryStreamExt};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::net::TcpStream;
use tokio::sync::{Semaphore, watch};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// The marker in a message body before its send time.
const MARKER: &str = "tbench:";
/// WebSocket handshakes in flight while connecting.
const CONNECT_CONCURRENCY: usize = 64;

pub type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

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

/// Counters shared by clients and senders.
struct Shared {
    clock: Instant,
    /// The measured window, in µs since `clock`; `u64::MAX` until the window is known.
    window_start: AtomicU64,
    window_end: AtomicU64,
    delivered: AtomicU64,
    events: AtomicU64,
    accepted: AtomicU64,
    expected: AtomicU64,
    skipped: AtomicU64,
    latency: Histogram,
    request_latency: Histogram,
    errors: Arc<Errors>,
}

impl Shared {
    fn now_us(&self) -> u64 {
        u64::try_from(self.clock.elapsed().as_micros()).unwrap_or(u64::MAX)
    }

    fn in_window(&self, t: u64) -> bool {
        t >= self.window_start.load(Ordering::Relaxed)
            && t < self.window_end.load(Ordering::Relaxed)
    }

    /// One text frame from the server.
    fn received(&self, text: &str) {
        self.events.fetch_add(1, Ordering::Relaxed);
        if text.contains("\"type\":\"message.created\"") {
            if let Some(sent) = sent_at(text)
                && self.in_window(sent)
            {
                self.delivered.fetch_add(1, Ordering::Relaxed);
                self.latency.record(self.now_us().saturating_sub(sent));
            }
        } else if text.contains("\"type\":\"resync\"") {
            self.errors.add("resync (a client fell behind)", 1);
        }
    }
}

/// The send time in a `message.created` event.
fn sent_at(text: &str) -> Option<u64> {
    let start = text.find(MARKER)? + MARKER.len();
    let digits = text.get(start..)?;
    let end = digits.find(|c: char| !c.is_ascii_digit())?;
    digits.get(..end)?.parse().ok()
}

/// A message body of about `len` bytes that carries its send time.
fn body(sent: u64, len: usize) -> String {
    const FILLER: &str = "Customer called again about the invoice; can someone from billing look at the order history before noon? ";
    let mut b = format!("{MARKER}{sent}: ");
    while b.len() < len {
        let room = len - b.len();
        b.push_str(FILLER.get(..room.min(FILLER.len())).unwrap_or(FILLER));
    }
    b
}

/// The client configuration: small buffers, since a thousand clients live in this process.
pub fn client_config() -> WebSocketConfig {
    WebSocketConfig::default()
        .read_buffer_size(8 * 1024)
        .write_buffer_size(0)
        .max_message_size(Some(1 << 20))
}

/// Opens one event socket for `token` and waits for the server's first frame (`hello`).
pub async fn connect(events: &str, token: &str) -> Result<Socket> {
    let request = format!("{events}?token={token}").into_client_request()?;
    let host = request
        .uri()
        .authority()
        .map(|a| a.as_str().to_owned())
        .ok_or_else(|| anyhow!("no host in {events}"))?;
    let stream = TcpStream::connect(&host).await?;
    stream.set_nodelay(true)?;
    let (mut ws, _) = tokio_tungstenite::client_async_with_config(
        request,
        MaybeTlsStream::Plain(stream),
        Some(client_config()),
    )
    .await?;
    match tokio::time::timeout(Duration::from_secs(30), ws.next()).await {
        Ok(Some(Ok(Message::Text(_)))) => Ok(ws),
        Ok(Some(Ok(other))) => Err(anyhow!("expected a hello event, got {other:?}")),
        Ok(Some(Err(e))) => Err(e.into()),
        Ok(None) => Err(anyhow!("the server closed the event socket at once")),
        Err(_) => Err(anyhow!("no hello event within 30 s")),
    }
}

/// Opens one socket per token, `CONNECT_CONCURRENCY` at a time, with a progress bar; records
/// each connection's time to `hello` in `latency`.
pub async fn connect_all(
    events: &str,
    tokens: &[String],
    concurrency: usize,
    latency: &Histogram,
) -> Result<Vec<Socket>> {
    let pb = bar(tokens.len() as u64, "WebSocket clients");
    let sockets = futures_util::stream::iter(tokens)
        .map(|token| {
            let pb = pb.clone();
            async move {
                let started = Instant::now();
                let ws = connect(events, token)
                    .await
                    .map_err(|e| anyhow!("cannot open an event socket: {e}"))?;
                latency.record_duration(started.elapsed());
                pb.inc(1);
                Ok::<_, anyhow::Error>(ws)
            }
        })
        .buffer_unordered(concurrency.max(1))
        .try_collect()
        .await;
    pb.finish_and_clear();
    sockets
}

/// Reads a socket until `stop`, feeding every text frame to `shared`.
async fn read_events(mut ws: Socket, shared: Arc<Shared>, mut stop: watch::Receiver<bool>) {
    loop {
        tokio::select! {
            frame = ws.next() => match frame {
                Some(Ok(Message::Text(text))) => shared.received(text.as_str()),
                Some(Ok(Message::Close(_))) | None => {
                    if !*stop.borrow() {
                        shared.errors.add("websocket closed by the server", 1);
                    }
                    return;
                }
                Some(Ok(_)) => {}
                Some(Err(_)) => {
                    if !*stop.borrow() {
                        shared.errors.add("websocket error", 1);
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

/// Sends one message to chat `chat` as user `sender` and counts the answer.
async fn send_one(
    http: &reqwest::Client,
    live: &Live,
    shared: &Shared,
    chat: usize,
    sender: usize,
    body_bytes: usize,
) {
    let (Some(c), Some(u)) = (live.fixture.chats.get(chat), live.fixture.users.get(sender)) else {
        return;
    };
    let t = shared.now_us();
    let started = Instant::now();
    let res = http
        .post(format!("{}/chats/{}/messages", live.api, c.id))
        .bearer_auth(&u.token)
        .json(&serde_json::json!({ "body": body(t, body_bytes) }))
        .send()
        .await;
    match res {
        Ok(r) if r.status().as_u16() == 201 => {
            // Read the body so the connection goes back to the pool.
            let _ = r.bytes().await;
            if shared.in_window(t) {
                shared.request_latency.record_duration(started.elapsed());
                shared.accepted.fetch_add(1, Ordering::Relaxed);
                shared
                    .expected
                    .fetch_add(c.members.len() as u64, Ordering::Relaxed);
            }
        }
        Ok(r) => {
            let status = r.status().as_u16();
            let _ = r.bytes().await;
            shared.errors.add(format!("http {status}"), 1);
        }
        Err(e) => {
            let kind = if e.is_timeout() {
                "http timeout"
            } else if e.is_connect() {
                "http connect error"
            } else {
                "http error"
            };
            shared.errors.add(kind, 1);
        }
    }
}

/// An HTTP client for many concurrent requests to one host.
pub fn http_client() -> Result<reqwest::Client> {
    Ok(reqwest::Client::builder()
        .tcp_nodelay(true)
        .pool_idle_timeout(Duration::from_secs(90))
        .timeout(Duration::from_secs(60))
        .build()?)
}

/// Connects every user, sends for warmup + seconds, drains, and returns what was measured.
pub async fn run(live: Arc<Live>, load: &Load, pids: &[u32]) -> Result<Outcome> {
    let errors = Arc::new(Errors::default());
    let shared = Arc::new(Shared {
        clock: Instant::now(),
        window_start: AtomicU64::new(u64::MAX),
        window_end: AtomicU64::new(u64::MAX),
        delivered: AtomicU64::new(0),
        events: AtomicU64::new(0),
        accepted: AtomicU64::new(0),
        expected: AtomicU64::new(0),
        skipped: AtomicU64::new(0),
        latency: Histogram::default(),
        request_latency: Histogram::default(),
        errors: errors.clone(),
    });

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
    let (stop_tx, stop_rx) = watch::channel(false);
    let readers: Vec<_> = sockets
        .into_iter()
        .map(|ws| tokio::spawn(read_events(ws, shared.clone(), stop_rx.clone())))
        .collect();

    let http = http_client()?;
    let start = shared.now_us();
    let window_start = start + micros(load.warmup);
    let window_end = window_start + micros(load.seconds);
    shared.window_start.store(window_start, Ordering::Relaxed);
    shared.window_end.store(window_end, Ordering::Relaxed);
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
    let cpu = {
        let (pids, warmup, seconds) = (pids.to_vec(), load.warmup, load.seconds);
        tokio::spawn(async move {
            tokio::time::sleep(warmup).await;
            let watch = CpuWatch::start(&pids);
            tokio::time::sleep(seconds).await;
            let cores: Vec<(u32, Option<f64>)> =
                pids.iter().map(|&p| (p, watch.cores_of(p))).collect();
            (cores, watch.other_cores())
        })
    };
    if load.rate > 0.0 {
        fixed_rate(&http, &live, &shared, load, window_end).await;
    } else {
        flat_out(&http, &live, &shared, load, window_end).await;
    }
    ticker.abort();
    pb.finish_and_clear();
    let (cores, other_cores) = cpu.await.unwrap_or_default();

    // Wait for the window's messages to reach every member.
    let drain_until = Instant::now() + load.drain;
    while shared.delivered.load(Ordering::Relaxed) < shared.expected.load(Ordering::Relaxed)
        && Instant::now() < drain_until
    {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let _ = stop_tx.send(true);
    for r in readers {
        let _ = r.await;
    }
    let accepted = shared.accepted.load(Ordering::Relaxed);
    let expected = shared.expected.load(Ordering::Relaxed);
    let delivered = shared.delivered.load(Ordering::Relaxed);
    errors.add("undelivered", expected.saturating_sub(delivered));
    Ok(Outcome {
        accepted,
        expected_deliveries: expected,
        delivered,
        events_received: shared.events.load(Ordering::Relaxed),
        skipped_sends: shared.skipped.load(Ordering::Relaxed),
        window: load.seconds,
        latency: shared.latency.summary(),
        request_latency: shared.request_latency.summary(),
        errors,
        connect_seconds,
        cores,
        other_cores,
    })
}

fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}

/// `senders` loops, each sending its next message as soon as the last one was answered.
/// Sender `k` serves chats `k, k + senders, …` in turn, each time as the next member.
async fn flat_out(
    http: &reqwest::Client,
    live: &Arc<Live>,
    shared: &Arc<Shared>,
    load: &Load,
    end: u64,
) {
    let chats = live.fixture.chats.len();
    let senders = load.senders.clamp(1, chats.max(1) * 64);
    let tasks: Vec<_> = (0..senders)
        .map(|k| {
            let (http, live, shared, body_bytes) =
                (http.clone(), live.clone(), shared.clone(), load.body_bytes);
            tokio::spawn(async move {
                let mut turn = 0usize;
                while shared.now_us() < end {
                    let chat = (k + turn * senders) % chats;
                    let Some(c) = live.fixture.chats.get(chat) else {
                        break;
                    };
                    let sender = c
                        .members
                        .get(turn % c.members.len().max(1))
                        .copied()
                        .unwrap_or(0);
                    send_one(&http, &live, &shared, chat, sender, body_bytes).await;
                    turn += 1;
                }
            })
        })
        .collect();
    for t in tasks {
        let _ = t.await;
    }
}

/// An open loop: message `i` is due at `i / rate` seconds; a due message goes out at once in
/// its own task, unless `max_inflight` requests are outstanding (then it is skipped and
/// counted, rather than sent late and measured as if on time).
async fn fixed_rate(
    http: &reqwest::Client,
    live: &Arc<Live>,
    shared: &Arc<Shared>,
    load: &Load,
    end: u64,
) {
    let chats = live.fixture.chats.len().max(1);
    let permits = Arc::new(Semaphore::new(load.max_inflight.max(1)));
    let interval = 1.0 / load.rate;
    let begin = Instant::now();
    let mut i: u64 = 0;
    while shared.now_us() < end {
        let now = begin.elapsed().as_secs_f64();
        while (i as f64) * interval <= now {
            let chat = (i as usize) % chats;
            let round = (i as usize) / chats;
            let sender = live
                .fixture
                .chats
                .get(chat)
                .and_then(|c| c.members.get(round % c.members.len().max(1)))
                .copied()
                .unwrap_or(0);
            match permits.clone().try_acquire_owned() {
                Ok(permit) => {
                    let (http, live, shared, body_bytes) =
                        (http.clone(), live.clone(), shared.clone(), load.body_bytes);
                    tokio::spawn(async move {
                        send_one(&http, &live, &shared, chat, sender, body_bytes).await;
                        drop(permit);
                    });
                }
                Err(_) => {
                    shared.skipped.fetch_add(1, Ordering::Relaxed);
                }
            }
            i += 1;
        }
        let next = begin + Duration::from_secs_f64(i as f64 * interval);
        tokio::time::sleep_until(next.into()).await;
    }
    // Wait for the requests still in flight.
    let _ = permits
        .acquire_many(u32::try_from(load.max_inflight.max(1)).unwrap_or(u32::MAX))
        .await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_send_time_travels_in_the_body() {
        let b = body(123_456, 100);
        assert!(b.len() >= 100 && b.len() < 110, "{}", b.len());
        let event = format!(
            r#"{{"chat_id":"c","message":{{"body":"{b}","html":"<p>{b}</p>"}},"type":"message.created"}}"#
        );
        assert_eq!(sent_at(&event), Some(123_456));
        assert_eq!(sent_at("no marker"), None);
    }
}
