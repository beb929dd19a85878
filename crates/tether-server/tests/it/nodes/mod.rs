//! Scale-out: two server nodes on one PostgreSQL database sharing events over the local NATS
//! (127.0.0.1:4222, or `TETHER_TEST_NATS_URL`). Each test uses its own database and its own NATS
//! subject, so tests run in parallel without hearing each other.

mod events;
mod member_lists;
mod outages;
mod sessions;

use futures_util::StreamExt;
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::time::Duration;
use tether_server::{AppState, Config, auth};
use tether_store::people::NewUser;
use tether_store::test_support::TestDb;
use tether_store::{ConnectOptions, Store};
use tokio::sync::oneshot;

struct Node {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    _data: DataDir,
}

/// A node's data directory, removed when the test is done with it.
struct DataDir(std::path::PathBuf);

impl DataDir {
    fn new() -> DataDir {
        DataDir(std::env::temp_dir().join(format!("tether-node-{}", tether_store::new_id())))
    }
}

impl Drop for DataDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl Node {
    fn url(&self, path: &str) -> String {
        format!("http://{}/api/v1{path}", self.addr)
    }
    fn kill(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        self.kill();
    }
}

fn nats_url() -> String {
    std::env::var("TETHER_TEST_NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into())
}

/// A node on the test NATS, returned once `/healthz` says it is ready (NATS has confirmed its
/// subscription), as a load balancer would wait before sending it traffic.
async fn node(db_url: &str, subject: &str) -> Node {
    let node = node_via(db_url, subject, &nats_url()).await;
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let status = reqwest::get(format!("http://{}/healthz", node.addr))
            .await
            .map(|r| r.status());
        if matches!(status, Ok(s) if s == 200) {
            return node;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the node did not become healthy within 10 s: {status:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A node that reaches NATS at `nats`.
async fn node_via(db_url: &str, subject: &str, nats: &str) -> Node {
    let store = Store::connect(db_url, &ConnectOptions::default())
        .await
        .unwrap();
    store.prepare().await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let data = DataDir::new();
    let mut config = Config::new(format!("http://{addr}"), data.0.clone());
    config.nats_subject = subject.to_owned();
    let state = AppState::with_nats(store, config, nats).await.unwrap();
    let (tx, rx) = oneshot::channel::<()>();
    tokio::spawn(tether_server::serve(listener, state, async move {
        let _ = rx.await;
    }));
    Node {
        addr,
        stop: Some(tx),
        _data: data,
    }
}

/// Turns the collaboration switch (R1) on, straight in the store.
async fn collaboration_on(store: &Store) {
    store
        .set_global_settings(
            &tether_domain::settings::GlobalSettings {
                collaboration_enabled: true,
            },
            None,
        )
        .await
        .unwrap();
}

async fn user(store: &Store, email: &str, name: &str, roles: &[&str]) -> (String, String) {
    let hash = auth::hash_password("correct horse battery").unwrap();
    let u = store
        .create_user(
            &NewUser {
                email: email.into(),
                name: name.into(),
                password_hash: hash,
                role_names: roles.iter().map(|r| (*r).into()).collect(),
                team_ids: vec![],
            },
            None,
        )
        .await
        .unwrap();
    let token = auth::new_token();
    store
        .create_session(
            &auth::token_hash(&token),
            &u.id,
            "csrf",
            tether_store::now_ms() + 3_600_000,
        )
        .await
        .unwrap();
    (u.id.into(), token)
}

async fn call(
    method: reqwest::Method,
    url: String,
    token: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut req = reqwest::Client::new()
        .request(method, url)
        .bearer_auth(token);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn events(node: &Node, token: &str) -> Ws {
    let (mut ws, _) =
        tokio_tungstenite::connect_async(format!("ws://{}/api/v1/events?token={token}", node.addr))
            .await
            .unwrap();
    let hello = next(&mut ws, 5000).await.unwrap();
    assert_eq!(hello["type"], "hello");
    ws
}

async fn next(ws: &mut Ws, ms: u64) -> Option<Value> {
    let deadline = tokio::time::Instant::now() + Duration::from_millis(ms);
    loop {
        match tokio::time::timeout_at(deadline, ws.next())
            .await
            .ok()??
            .ok()?
        {
            tokio_tungstenite::tungstenite::Message::Text(t) => {
                return serde_json::from_str(&t).ok();
            }
            _ => continue,
        }
    }
}

async fn expect(ws: &mut Ws, kind: &str) -> Value {
    for _ in 0..50 {
        match next(ws, 5000).await {
            Some(e) if e["type"] == kind => return e,
            Some(_) => continue,
            None => break,
        }
    }
    panic!("no {kind} event arrived");
}

/// Whether a `resync` arrives within about `seconds` (other events are skipped). The nodes'
/// internal events never reach a client.
async fn resynced_within(ws: &mut Ws, seconds: u64) -> bool {
    const CONTROL: [&str; 4] = [
        "events.lost",
        "callers.changed",
        "settings.changed",
        "session.ended",
    ];
    for _ in 0..seconds {
        if let Some(e) = next(ws, 1000).await {
            assert!(
                !CONTROL.contains(&e["type"].as_str().unwrap_or("")),
                "an internal event reached a client: {e}"
            );
            if e["type"] == "resync" {
                return true;
            }
        }
    }
    false
}
