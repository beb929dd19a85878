//! Scale-out: two server nodes on one PostgreSQL database sharing events over the local NATS
//! (127.0.0.1:4222, or `TETHER_TEST_NATS_URL`). Each test uses its own database and its own NATS
//! subject, so tests run in parallel without hearing each other.

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

async fn node(db_url: &str, subject: &str) -> Node {
    node_via(db_url, subject, &nats_url()).await
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
    (u.id, token)
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

/// A private nats-server on a free port, killed on drop.
struct PrivateNats {
    child: std::process::Child,
    port: u16,
}

impl PrivateNats {
    fn start(port: u16) -> Option<PrivateNats> {
        let child = std::process::Command::new("/usr/sbin/nats-server")
            .args(["-a", "127.0.0.1", "-p", &port.to_string()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .ok()?;
        for _ in 0..50 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Some(PrivateNats { child, port });
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        None
    }
}

impl Drop for PrivateNats {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn a_node_that_loses_nats_reconnects_and_tells_clients_to_resync() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let Some(nats) = PrivateNats::start(port) else {
        panic!("/usr/sbin/nats-server is needed for this test (scripts/test checks for it)");
    };
    let db = TestDb::sqlite();
    let store = db.store().await;
    collaboration_on(&store).await;
    let (_, bo) = user(&store, "bo@example.com", "Bo Lind", &["agent"]).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let data = DataDir::new();
    let config = Config::new(format!("http://{addr}"), data.0.clone());
    let state = AppState::with_nats(store, config, &format!("nats://127.0.0.1:{}", nats.port))
        .await
        .unwrap();
    let (_stop, rx) = oneshot::channel::<()>();
    tokio::spawn(tether_server::serve(listener, state, async move {
        let _ = rx.await;
    }));
    let n = Node {
        addr,
        stop: None,
        _data: data,
    };
    let mut ws = events(&n, &bo).await;
    drop(nats);
    tokio::time::sleep(Duration::from_millis(500)).await;
    let _again = PrivateNats::start(port).expect("nats-server restarts");
    assert!(
        resynced_within(&mut ws, 20).await,
        "clients are told to resync after the NATS connection comes back"
    );
}

#[tokio::test]
async fn events_cross_nodes_and_a_killed_node_loses_nothing() {
    let db = TestDb::postgres().await;
    let subject = format!("tether.test.{}", tether_store::new_id());
    let store = db.store().await;
    collaboration_on(&store).await;
    let (_, alice) = user(&store, "alice@example.com", "Alice Berg", &["agent"]).await;
    let (bo_id, bo) = user(&store, "bo@example.com", "Bo Lind", &["agent"]).await;
    let (cilla_id, cilla) = user(&store, "cilla@example.com", "Cilla Ek", &["agent"]).await;
    let (eve_id, eve) = user(&store, "eve@example.com", "Eve Ny", &["agent"]).await;
    let mut a = node(&db.url, &subject).await;
    let b = node(&db.url, &subject).await;

    // A message sent through node A arrives live at a client on node B.
    let (status, chat) = call(
        reqwest::Method::POST,
        a.url("/chats"),
        &alice,
        Some(json!({"member_ids": [bo_id, cilla_id], "name": "Ops"})),
    )
    .await;
    assert_eq!(status, 201);
    let chat_id = chat["id"].as_str().unwrap().to_owned();
    let mut bo_on_b = events(&b, &bo).await;
    let mut cilla_on_a = events(&a, &cilla).await;
    let (status, sent) = call(
        reqwest::Method::POST,
        a.url(&format!("/chats/{chat_id}/messages")),
        &alice,
        Some(json!({"body": "hello from A"})),
    )
    .await;
    assert_eq!(status, 201);
    let got = expect(&mut bo_on_b, "message.created").await;
    assert_eq!(got["message"]["id"], sent["id"]);

    // A member removed on node B stops receiving on node A.
    assert_eq!(
        expect(&mut cilla_on_a, "message.created").await["message"]["body"],
        "hello from A"
    );
    let (status, _) = call(
        reqwest::Method::DELETE,
        b.url(&format!("/chats/{chat_id}/members/{cilla_id}")),
        &bo,
        None,
    )
    .await;
    assert_eq!(status, 204);
    expect(&mut cilla_on_a, "member.removed").await;
    while next(&mut cilla_on_a, 300).await.is_some() {}
    call(
        reqwest::Method::POST,
        b.url(&format!("/chats/{chat_id}/messages")),
        &bo,
        Some(json!({"body": "after removal"})),
    )
    .await;
    let mut bodies = Vec::new();
    while bodies.last().is_none_or(|b: &Value| b != "after removal") {
        bodies.push(expect(&mut bo_on_b, "message.created").await["message"]["body"].clone());
    }
    assert_eq!(
        bodies.first().unwrap(),
        "Bo Lind removed Cilla Ek",
        "the system message first, then the message: {bodies:?}"
    );
    assert!(
        next(&mut cilla_on_a, 700).await.is_none(),
        "the removed member hears nothing on any node"
    );

    // A join on one node shows on the other's panel and timeline.
    let (_, case) = call(
        reqwest::Method::POST,
        a.url("/records/case"),
        &alice,
        Some(json!({"fields": {"title": "Printer jams"}})),
    )
    .await;
    let case_id = case["id"].as_str().unwrap().to_owned();
    call(
        reqwest::Method::POST,
        a.url(&format!("/records/case/{case_id}/chats")),
        &alice,
        Some(json!({"chat_id": chat_id})),
    )
    .await;
    let (status, _) = call(
        reqwest::Method::POST,
        b.url(&format!("/chats/{chat_id}/join")),
        &eve,
        Some(json!({"record": {"type": "case", "id": case_id}})),
    )
    .await;
    assert_eq!(status, 403, "Eve cannot write Alice's case");
    store
        .share_record(
            "case",
            &case_id,
            &eve_id,
            tether_domain::Access::Write,
            &bo_id,
        )
        .await
        .unwrap();
    let (status, _) = call(
        reqwest::Method::POST,
        b.url(&format!("/chats/{chat_id}/join")),
        &eve,
        Some(json!({"record": {"type": "case", "id": case_id}})),
    )
    .await;
    assert_eq!(status, 200);
    let (_, panel) = call(
        reqwest::Method::GET,
        a.url(&format!("/records/case/{case_id}/collaboration")),
        &eve,
        None,
    )
    .await;
    assert!(
        panel["connected"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == json!(chat_id) && c["is_member"] == json!(true)),
        "{panel}"
    );
    let (_, timeline) = call(
        reqwest::Method::GET,
        a.url(&format!("/records/case/{case_id}/timeline")),
        &eve,
        None,
    )
    .await;
    assert!(
        timeline["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["chat"]["id"] == json!(chat_id) && i["chat"]["is_member"] == json!(true))
    );

    // Killing node A loses no accepted message; node B keeps serving.
    let mut accepted = Vec::new();
    for i in 0..20 {
        let (status, m) = call(
            reqwest::Method::POST,
            a.url(&format!("/chats/{chat_id}/messages")),
            &alice,
            Some(json!({"body": format!("burst {i}")})),
        )
        .await;
        if status == 201 {
            accepted.push(m["id"].as_str().unwrap().to_owned());
        }
    }
    a.kill();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let (status, page) = call(
        reqwest::Method::GET,
        b.url(&format!("/chats/{chat_id}/messages?limit=200")),
        &bo,
        None,
    )
    .await;
    assert_eq!(status, 200);
    let ids: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    assert!(
        accepted.iter().all(|id| ids.contains(&id.as_str())),
        "every 201 is there"
    );
    assert_eq!(accepted.len(), 20);
    let (status, _) = call(
        reqwest::Method::POST,
        b.url(&format!("/chats/{chat_id}/messages")),
        &bo,
        Some(json!({"body": "still here"})),
    )
    .await;
    assert_eq!(status, 201);
}

/// Each node keeps the sessions and the global settings it read for a few seconds (one lookup
/// instead of five queries per request). A change made through one node clears them on every
/// node over NATS, at once.
#[tokio::test]
async fn cached_sessions_are_cleared_on_every_node_over_nats() {
    let db = TestDb::postgres().await;
    let subject = format!("tether.test.{}", tether_store::new_id());
    let store = db.store().await;
    collaboration_on(&store).await;
    let (_, admin) = user(&store, "ada@example.com", "Ada Admin", &["administrator"]).await;
    let (bo_id, bo) = user(&store, "bo@example.com", "Bo Lind", &["agent"]).await;
    let (cilla_id, cilla) = user(&store, "cilla@example.com", "Cilla Ek", &["agent"]).await;
    let a = node(&db.url, &subject).await;
    let b = node(&db.url, &subject).await;
    // Node B reads and keeps both sessions.
    for token in [&bo, &cilla] {
        assert_eq!(
            call(reqwest::Method::GET, b.url("/chats"), token, None)
                .await
                .0,
            200
        );
    }

    // Roles changed through node A: node B stops letting Bo use chats at once.
    let (status, _) = call(
        reqwest::Method::PATCH,
        a.url(&format!("/users/{bo_id}")),
        &admin,
        Some(json!({"roles": ["viewer"]})),
    )
    .await;
    assert_eq!(status, 200);
    let refused = eventually(|| async {
        call(reqwest::Method::GET, b.url("/chats"), &bo, None)
            .await
            .0
            == 403
    })
    .await;
    assert!(refused, "node B still used Bo's old roles");

    // Deactivated through node A: node B refuses Cilla's token at once.
    let (status, _) = call(
        reqwest::Method::PATCH,
        a.url(&format!("/users/{cilla_id}")),
        &admin,
        Some(json!({"active": false})),
    )
    .await;
    assert_eq!(status, 200);
    let refused = eventually(|| async {
        call(reqwest::Method::GET, b.url("/chats"), &cilla, None)
            .await
            .0
            == 401
    })
    .await;
    assert!(refused, "node B still accepted a deactivated user's token");

    // The global switch (R1), turned off through node A, holds on node B at once.
    let (_, dana) = user(&store, "dana@example.com", "Dana Ek", &["agent"]).await;
    assert_eq!(
        call(reqwest::Method::GET, b.url("/chats"), &dana, None)
            .await
            .0,
        200
    );
    let (status, _) = call(
        reqwest::Method::PUT,
        a.url("/settings"),
        &admin,
        Some(json!({"collaboration_enabled": false})),
    )
    .await;
    assert_eq!(status, 200);
    let refused = eventually(|| async {
        call(reqwest::Method::GET, b.url("/chats"), &dana, None)
            .await
            .0
            == 403
    })
    .await;
    assert!(refused, "node B still had collaboration on");
}

/// Polls `check` for up to 2 s (well under the 10 s a cached session is trusted), so the test
/// proves the change travelled over NATS rather than waiting for the entry to expire.
async fn eventually<F, Fut>(check: F) -> bool
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(2);
    while tokio::time::Instant::now() < deadline {
        if check().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    false
}

/// A TCP forwarder between a node and PostgreSQL that the test can cut and restore, so one
/// node loses its database while the server itself keeps running.
struct Cable {
    port: u16,
    up: std::sync::Arc<std::sync::atomic::AtomicBool>,
    links: std::sync::Arc<std::sync::Mutex<Vec<tokio::task::JoinHandle<()>>>>,
}

impl Cable {
    async fn to(target: &str) -> Cable {
        use std::sync::atomic::Ordering;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let up = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
        let links = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let (up2, links2, target) = (up.clone(), links.clone(), target.to_owned());
        tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                if !up2.load(Ordering::SeqCst) {
                    continue; // dropped: the database is "down"
                }
                let target = target.clone();
                let link = tokio::spawn(async move {
                    if let Ok(mut outbound) = tokio::net::TcpStream::connect(&target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                links2.lock().unwrap().push(link);
            }
        });
        Cable { port, up, links }
    }

    fn cut(&self) {
        self.up.store(false, std::sync::atomic::Ordering::SeqCst);
        for link in self.links.lock().unwrap().drain(..) {
            link.abort();
        }
    }

    fn restore(&self) {
        self.up.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

/// A node cut off from NATS answers sends at once (it drops their live events instead of
/// holding them, so its memory stays bounded), and once it reaches NATS again it has the clients
/// of every node resync: node B never lost NATS, so only node A's report can tell B's clients.
#[tokio::test]
async fn a_node_cut_off_from_nats_answers_at_once_and_every_node_resyncs_after() {
    let db = TestDb::postgres().await;
    let subject = format!("tether.test.{}", tether_store::new_id());
    let store = db.store().await;
    collaboration_on(&store).await;
    let (_, alice) = user(&store, "alice@example.com", "Alice Ek", &["agent"]).await;
    let (bo_id, bo) = user(&store, "bo@example.com", "Bo Lind", &["agent"]).await;
    let nats = nats_url();
    let cable = Cable::to(nats.trim_start_matches("nats://")).await;
    let a = node_via(
        &db.url,
        &subject,
        &format!("nats://127.0.0.1:{}", cable.port),
    )
    .await;
    let b = node(&db.url, &subject).await;
    let (status, chat) = call(
        reqwest::Method::POST,
        a.url("/chats"),
        &alice,
        Some(json!({"member_ids": [bo_id], "name": "Ops"})),
    )
    .await;
    assert_eq!(status, 201);
    let send_url = a.url(&format!("/chats/{}/messages", chat["id"].as_str().unwrap()));
    let mut bo_on_b = events(&b, &bo).await;
    let send = |body: &'static str| {
        call(
            reqwest::Method::POST,
            send_url.clone(),
            &alice,
            Some(json!({ "body": body })),
        )
    };
    assert_eq!(send("before the cut").await.0, 201);
    expect(&mut bo_on_b, "message.created").await;

    cable.cut();
    tokio::time::sleep(Duration::from_millis(300)).await;
    for _ in 0..5 {
        let started = std::time::Instant::now();
        assert_eq!(send("while cut off").await.0, 201, "the message is stored");
        assert!(
            started.elapsed() < Duration::from_millis(1500),
            "a send does not wait for NATS while the node is cut off: {:?}",
            started.elapsed()
        );
    }
    while let Some(e) = next(&mut bo_on_b, 300).await {
        assert_ne!(e["type"], "resync", "node B has lost nothing yet: {e}");
    }

    cable.restore();
    assert!(
        resynced_within(&mut bo_on_b, 60).await,
        "node B's clients are told to resync after node A dropped events"
    );
}

/// A node that loses PostgreSQL answers 503 on /healthz (so a load balancer takes it out) and
/// serves again by itself once the database is back.
#[tokio::test]
async fn a_node_that_loses_postgres_answers_503_and_recovers() {
    let db = TestDb::postgres().await;
    let target = db
        .url
        .split('@')
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap_or("127.0.0.1:5432")
        .to_owned();
    let cable = Cable::to(&target).await;
    let via_cable = db
        .url
        .replacen(&target, &format!("127.0.0.1:{}", cable.port), 1);
    let store = Store::connect(
        &via_cable,
        &ConnectOptions {
            connect_timeout: Duration::from_secs(1),
            ..ConnectOptions::default()
        },
    )
    .await
    .unwrap();
    store.prepare().await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let data = DataDir::new();
    let config = Config::new(format!("http://{addr}"), data.0.clone());
    let state = AppState::new(store, config).unwrap();
    let (_stop, rx) = oneshot::channel::<()>();
    tokio::spawn(tether_server::serve(listener, state, async move {
        let _ = rx.await;
    }));
    let health = || async move {
        let res = reqwest::get(format!("http://{addr}/healthz"))
            .await
            .unwrap();
        let status = res.status().as_u16();
        let body: Value = res.json().await.unwrap_or(Value::Null);
        (status, body)
    };
    assert_eq!(health().await.0, 200);

    cable.cut();
    let (status, body) = health().await;
    assert_eq!(status, 503, "{body}");
    assert!(
        body.to_string().contains("database"),
        "the answer says what is down: {body}"
    );

    cable.restore();
    let mut back = false;
    for _ in 0..100 {
        if health().await.0 == 200 {
            back = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(back, "the node serves again once PostgreSQL is reachable");
}
