//! Issue 19, part 4 over HTTP — webhooks out: endpoints registered by an administrator or a
//! `webhooks` key (and no one else), events of chats connected to records delivered to a real
//! HTTP receiver run by the test — signed (checked here with an HMAC written independently),
//! retried after a failure, delivered once, in order per record — nothing for unconnected
//! chats or unsubscribed events, redelivery, and a delivery that survives a restart.

mod delivery;
mod endpoints;

use crate::common::TestApp;
use crate::common::desk::Desk;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tether_domain::webhook::Backoff;
use tether_server::Config;
use tokio::sync::oneshot;

pub const SECRET: &str = "whsec-0123456789abcdef0123456789";

/// Short times, so retries happen within a test: look for work every 50 ms, retry after
/// 300 ms doubling to a second.
pub fn quick(c: &mut Config) {
    c.webhooks.poll = Duration::from_millis(50);
    c.webhooks.backoff = Backoff {
        first_ms: 300,
        cap_ms: 1000,
        give_up_after_ms: 120_000,
    };
    c.webhooks.connect_timeout = Duration::from_secs(1);
    c.webhooks.timeout = Duration::from_secs(3);
}

/// One request the receiver got.
#[derive(Clone, Debug)]
pub struct Got {
    pub headers: HeaderMap,
    pub body: String,
    /// What the receiver answered.
    pub status: u16,
}

impl Got {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).expect("a JSON body")
    }
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
    pub fn kind(&self) -> String {
        self.json()["type"].as_str().unwrap_or("").to_owned()
    }
}

#[derive(Default)]
struct Log {
    got: Vec<Got>,
    /// Statuses to answer, in turn; 200 once they are used up.
    answers: VecDeque<u16>,
}

/// A host system's webhook receiver: a real HTTP server on 127.0.0.1 that records what it
/// gets and answers as told.
pub struct Receiver {
    pub addr: SocketAddr,
    log: Arc<Mutex<Log>>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

async fn receive(
    State(log): State<Arc<Mutex<Log>>>,
    headers: HeaderMap,
    body: String,
) -> StatusCode {
    let mut log = log.lock().unwrap();
    let status = log.answers.pop_front().unwrap_or(200);
    log.got.push(Got {
        headers,
        body,
        status,
    });
    StatusCode::from_u16(status).unwrap()
}

impl Receiver {
    /// Listens on `addr` (`127.0.0.1:0` for any port).
    pub async fn start(addr: &str) -> Receiver {
        Self::start_with(addr, Arc::default()).await
    }

    async fn start_with(addr: &str, log: Arc<Mutex<Log>>) -> Receiver {
        let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
        let addr = listener.local_addr().unwrap();
        let app = axum::Router::new()
            .route("/hooks/tether", axum::routing::post(receive))
            .with_state(log.clone());
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = rx.await;
                })
                .await;
        });
        Receiver {
            addr,
            log,
            stop: Some(tx),
            task: Some(task),
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}/hooks/tether", self.addr)
    }

    /// Answers these statuses to the next requests, then 200 again.
    pub fn answer(&self, statuses: &[u16]) {
        self.log.lock().unwrap().answers.extend(statuses);
    }

    pub fn got(&self) -> Vec<Got> {
        self.log.lock().unwrap().got.clone()
    }

    /// Stops listening: connections to its port are refused.
    pub async fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }

    /// Listens again on the same port, keeping what it got.
    pub async fn start_again(&mut self) {
        self.stop().await;
        let again = Self::start_with(&self.addr.to_string(), self.log.clone()).await;
        *self = again;
    }

    /// Waits up to 20 s until `n` requests have come; all of them.
    pub async fn wait_for(&self, n: usize) -> Vec<Got> {
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        loop {
            let got = self.got();
            if got.len() >= n {
                return got;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "{} of {n} deliveries arrived within 20 s: {:?}",
                got.len(),
                got.iter().map(Got::kind).collect::<Vec<_>>()
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// Asserts that nothing more than `n` requests arrive within `ms`.
    pub async fn stays_at(&self, n: usize, ms: u64) {
        tokio::time::sleep(Duration::from_millis(ms)).await;
        let got = self.got();
        assert_eq!(
            got.len(),
            n,
            "unexpected deliveries: {:?}",
            got.iter().map(|g| g.body.clone()).collect::<Vec<_>>()
        );
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// HMAC-SHA256 as RFC 2104 defines it, written here apart from the server's (which uses the
/// `hmac` crate), so a test checks the signature a receiver would compute.
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> Vec<u8> {
    const BLOCK: usize = 64;
    let mut k = if key.len() > BLOCK {
        Sha256::digest(key).to_vec()
    } else {
        key.to_vec()
    };
    k.resize(BLOCK, 0);
    let ipad: Vec<u8> = k.iter().map(|b| b ^ 0x36).collect();
    let opad: Vec<u8> = k.iter().map(|b| b ^ 0x5c).collect();
    let inner = Sha256::new()
        .chain_update(&ipad)
        .chain_update(message)
        .finalize();
    Sha256::new()
        .chain_update(&opad)
        .chain_update(inner)
        .finalize()
        .to_vec()
}

/// Checks a delivery as a receiver would: `Tether-Signature` is `v1=` and the hex HMAC of
/// `"<Tether-Timestamp>.<body>"` under the secret, and the timestamp is recent.
pub fn assert_signed(got: &Got, secret: &str) {
    let timestamp = got.header("tether-timestamp");
    let ts: i64 = timestamp.parse().expect("a Unix timestamp");
    let now = tether_store::now_ms() / 1000;
    assert!(
        (now - 300..=now + 5).contains(&ts),
        "timestamp {ts}, now {now}"
    );
    let expected: String = hmac_sha256(
        secret.as_bytes(),
        format!("{timestamp}.{}", got.body).as_bytes(),
    )
    .iter()
    .map(|b| format!("{b:02x}"))
    .collect();
    assert_eq!(got.header("tether-signature"), format!("v1={expected}"));
    assert_eq!(got.header("content-type"), "application/json");
    assert_eq!(
        got.header("tether-webhook-id"),
        got.json()["id"].as_str().unwrap()
    );
}

/// Makes an API key as `admin`; answers the key.
pub async fn key(app: &TestApp, admin: &str, scopes: &[&str]) -> String {
    app.post(
        "/api/v1/api-keys",
        admin,
        json!({"name": format!("Key {}", scopes.join("+")), "scopes": scopes}),
    )
    .await
    .expect(201)
    .body["key"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Registers an endpoint for `events` at `url` as `token`; answers its id.
pub async fn register(app: &TestApp, token: &str, url: &str, events: &[&str]) -> String {
    app.create(
        "/webhooks",
        token,
        json!({"url": url, "secret": SECRET, "events": events}),
    )
    .await
}

/// The desk (collaboration on, Olga's case), plus a case the host system "zendesk" keeps as
/// ticket 4711, owned by Olga: answers (desk, that case's id).
pub async fn desk_with_ticket(app: TestApp) -> (Desk, String) {
    let desk = Desk::open(app, json!({"title": "Printer jams on tray 2"})).await;
    let ticket = desk
        .app
        .put(
            "/records/case/by-external/zendesk/4711",
            &desk.admin,
            json!({"fields": {"title": "VPN drops hourly"}, "owner": {"email": "olga@example.com"}}),
        )
        .await
        .expect(201)
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    (desk, ticket)
}

/// A group chat of `by` and `members` connected to case `case`; answers its id.
pub async fn connected_chat(app: &TestApp, by: &str, members: &[&str], case: &str) -> String {
    app.create(
        "/chats",
        by,
        json!({"member_ids": members, "record": {"type": "case", "id": case}}),
    )
    .await
}

/// Sends a message; answers its id.
pub async fn say(app: &TestApp, token: &str, chat: &str, body: &str) -> String {
    app.create(
        &format!("/chats/{chat}/messages"),
        token,
        json!({"body": body}),
    )
    .await
}

/// An endpoint's deliveries as its owner lists them, newest first.
pub async fn deliveries(app: &TestApp, token: &str, hook: &str) -> Vec<Value> {
    app.get(&format!("/webhooks/{hook}/deliveries"), token)
        .await
        .expect(200)
        .body["items"]
        .as_array()
        .unwrap()
        .clone()
}
