//! The senders' side: messages POSTed over HTTP, flat out (each sender waits for its answer)
//! or at a fixed rate (an open loop), every answer counted.

use super::counters::{Shared, body};
use super::{Live, Load, Pattern};
use anyhow::Result;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;

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

/// Sends `request` and reads a successful answer's body; otherwise says what went wrong in a
/// few words for an error count (`http 503`, `timed out`, `request failed`, `body not read`).
pub async fn fetch(request: reqwest::RequestBuilder) -> std::result::Result<Vec<u8>, String> {
    match request.send().await {
        Ok(res) if res.status().is_success() => res
            .bytes()
            .await
            .map(|b| b.to_vec())
            .map_err(|_| "body not read".into()),
        Ok(res) => Err(format!("http {}", res.status().as_u16())),
        Err(e) if e.is_timeout() => Err("timed out".into()),
        Err(_) => Err("request failed".into()),
    }
}

/// `senders` loops, each sending its next message as soon as the last one was answered.
/// Sender `k` serves chats `k, k + senders, …` in turn, each time as the next member.
pub(super) async fn flat_out(
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
pub(super) async fn fixed_rate(
    http: &reqwest::Client,
    live: &Arc<Live>,
    shared: &Arc<Shared>,
    load: &Load,
    end: u64,
) {
    let chats = live.fixture.chats.len().max(1);
    let permits = Arc::new(Semaphore::new(load.max_inflight.max(1)));
    let interval = 1.0 / load.rate;
    // When message `i` is due: evenly, or a whole round of chats at once.
    let due = |i: u64| match load.pattern {
        Pattern::Even => i as f64 * interval,
        Pattern::Burst => (i / chats as u64) as f64 * chats as f64 * interval,
    };
    let begin = Instant::now();
    let mut i: u64 = 0;
    while shared.now_us() < end {
        let now = begin.elapsed().as_secs_f64();
        while due(i) <= now {
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
        let next = begin + Duration::from_secs_f64(due(i));
        tokio::time::sleep_until(next.into()).await;
    }
    // Wait for the requests still in flight.
    let _ = permits
        .acquire_many(u32::try_from(load.max_inflight.max(1)).unwrap_or(u32::MAX))
        .await;
}
