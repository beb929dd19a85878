//! Scale-out with the real binary: two `tether serve` processes on one fresh PostgreSQL database
//! (the local server, or `TETHER_TEST_POSTGRES_URL`), sharing live events over the local NATS
//! (127.0.0.1:4222, or `TETHER_TEST_NATS_URL`). Each test migrates its own database with
//! `tether migrate`, creates its people and sessions directly in the store, starts both nodes on
//! free ports with their own data directories, and talks to them over HTTP and WebSocket like
//! any client. A node's output goes to a log file, printed when a test fails.
//!
//! The two nodes of a test share a NATS subject of their own (`--nats-subject`, named after the
//! test's database), so tests running at once never hear each other.

mod collaboration;
mod failover;
mod live;

use futures_util::StreamExt;
use serde_json::{Value, json};
use std::time::Duration;
use tether_server::auth;
use tether_store::people::NewUser;
use tether_store::{ConnectOptions, Store};
use tokio::time::Instant;

use crate::support::{PgDb, Server, TempDir, nats_url, tether};

/// How long anything that should happen may take.
const WAIT: Duration = Duration::from_secs(5);
/// How long to listen for something that must not happen (after what should happen has).
const QUIET: Duration = Duration::from_millis(700);

/// A node: one `tether serve` on the test's database and NATS subject, with a directory of its
/// own (see `support::Server`).
struct Node {
    server: Server,
    _dir: TempDir,
}

impl Node {
    async fn start(name: &'static str, db_url: &str) -> Node {
        let dir = TempDir::new(&format!("two-nodes-{name}"));
        let subject = format!(
            "tether.test.{}",
            db_url.rsplit('/').next().unwrap_or("default")
        );
        let nats = nats_url();
        let extra = ["--nats", nats.as_str(), "--nats-subject", subject.as_str()];
        let server = Server::start(&format!("node {name}"), db_url, &dir.0, &extra).await;
        Node { server, _dir: dir }
    }
}

impl std::ops::Deref for Node {
    type Target = Server;
    fn deref(&self) -> &Server {
        &self.server
    }
}

impl std::ops::DerefMut for Node {
    fn deref_mut(&mut self) -> &mut Server {
        &mut self.server
    }
}

/// Two nodes on one migrated database with collaboration turned on. Fields drop in order: the
/// nodes stop before the database is dropped.
struct Cluster {
    a: Node,
    b: Node,
    store: Store,
    hash: String,
    _db: PgDb,
}

async fn cluster() -> Cluster {
    let db = PgDb::create("tether_two_nodes").await;
    let out = tether()
        .args(["migrate", "--database", &db.url])
        .output()
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "tether migrate failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let store = Store::connect(
        &db.url,
        &ConnectOptions {
            max_connections: 4,
            ..ConnectOptions::default()
        },
    )
    .await
    .unwrap();
    store
        .set_global_settings(
            &tether_domain::settings::GlobalSettings {
                collaboration_enabled: true,
            },
            None,
        )
        .await
        .unwrap();
    let (a, b) = tokio::join!(Node::start("A", &db.url), Node::start("B", &db.url));
    Cluster {
        a,
        b,
        store,
        hash: auth::hash_password("correct horse battery").unwrap(),
        _db: db,
    }
}

/// Someone with a signed-in session.
struct User {
    id: String,
    token: String,
}

impl Cluster {
    async fn user(&self, email: &str, name: &str, role: &str, teams: &[&str]) -> User {
        let u = self
            .store
            .create_user(
                &NewUser {
                    email: email.into(),
                    name: name.into(),
                    password_hash: self.hash.clone(),
                    role_names: vec![role.into()],
                    team_ids: teams.iter().map(|t| (*t).to_owned()).collect(),
                },
                None,
            )
            .await
            .unwrap();
        let token = auth::new_token();
        self.store
            .create_session(
                &auth::token_hash(&token),
                &u.id,
                "csrf",
                tether_store::now_ms() + 3_600_000,
            )
            .await
            .unwrap();
        User {
            id: u.id.into(),
            token,
        }
    }
}

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

async fn call(
    method: reqwest::Method,
    url: String,
    who: &User,
    body: Option<Value>,
) -> (u16, Value) {
    let mut req = http().request(method, url).bearer_auth(&who.token);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn get(url: String, who: &User) -> (u16, Value) {
    call(reqwest::Method::GET, url, who, None).await
}

async fn post(url: String, who: &User, body: Value) -> (u16, Value) {
    call(reqwest::Method::POST, url, who, Some(body)).await
}

fn id(v: &Value) -> String {
    v["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no id in {v}"))
        .to_owned()
}

/// The bodies of a chat's messages (up to 200), oldest first.
async fn bodies(node: &Node, chat: &str, who: &User) -> Vec<String> {
    let (status, page) = get(node.url(&format!("/chats/{chat}/messages?limit=200")), who).await;
    assert_eq!(status, 200, "{page}");
    let mut out: Vec<String> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["body"].as_str().unwrap().to_owned())
        .collect();
    out.reverse();
    out
}

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// `who`'s event stream on `node`, past its `hello`.
async fn events(node: &Node, who: &User) -> Ws {
    let url = format!("ws://{}/api/v1/events?token={}", node.addr, who.token);
    let (mut ws, _) = tokio::time::timeout(WAIT, tokio_tungstenite::connect_async(url))
        .await
        .expect("the event stream opens in time")
        .unwrap();
    let hello = next(&mut ws, WAIT).await.expect("a hello frame");
    assert_eq!(hello["type"], "hello", "{hello}");
    assert_eq!(hello["user_id"], json!(who.id));
    ws
}

/// The next JSON frame within `within`, or `None` if none came (or the stream ended).
async fn next(ws: &mut Ws, within: Duration) -> Option<Value> {
    let deadline = Instant::now() + within;
    loop {
        let frame = tokio::time::timeout_at(deadline, ws.next())
            .await
            .ok()??
            .ok()?;
        if let tokio_tungstenite::tungstenite::Message::Text(t) = frame {
            return Some(serde_json::from_str(&t).unwrap());
        }
    }
}

/// Waits up to [`WAIT`] for an event matching `want`, skipping others.
async fn expect_event(ws: &mut Ws, what: &str, want: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + WAIT;
    let mut seen = Vec::new();
    while let Some(e) = next(ws, deadline.saturating_duration_since(Instant::now())).await {
        if want(&e) {
            return e;
        }
        seen.push(e);
    }
    panic!("no {what} within {WAIT:?}; saw instead: {seen:#?}");
}

/// Every event that arrives within `within`.
async fn all_within(ws: &mut Ws, within: Duration) -> Vec<Value> {
    let deadline = Instant::now() + within;
    let mut seen = Vec::new();
    while let Some(e) = next(ws, deadline.saturating_duration_since(Instant::now())).await {
        seen.push(e);
    }
    seen
}

/// Reads events until none has come for `gap`.
async fn drain(ws: &mut Ws, gap: Duration) {
    while next(ws, gap).await.is_some() {}
}

fn is_message(e: &Value, chat: &str, body: &str) -> bool {
    e["type"] == "message.created" && e["chat_id"] == json!(chat) && e["message"]["body"] == body
}
