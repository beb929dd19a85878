//! Test harness: the real server on a random port with its own fresh database, and a small
//! HTTP client that speaks to it like any client would.
#![allow(clippy::unwrap_used, clippy::expect_used)]

pub mod desk;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::net::SocketAddr;
use tether_server::{AppState, Config, auth};
use tether_store::people::NewUser;
use tether_store::test_support::TestDb;
use tether_store::{Backend, Store};
use tokio::sync::oneshot;

/// Runs `async fn $name(Backend)` once per storage backend, as `$name::sqlite` and
/// `$name::postgres` (the test binary declares `#[macro_use] mod common;` first).
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                super::$name(tether_store::Backend::Sqlite).await
            }
            #[tokio::test]
            async fn postgres() {
                super::$name(tether_store::Backend::Postgres).await
            }
        }
    )*};
}

pub const ADMIN_EMAIL: &str = "admin@example.com";
pub const PASSWORD: &str = "correct horse battery";

pub struct TestApp {
    pub addr: SocketAddr,
    pub base: String,
    pub store: Store,
    pub http: reqwest::Client,
    _db: TestDb,
    /// The server's data directory (attachments), this app's alone; removed on drop.
    pub data_dir: std::path::PathBuf,
    stop: Option<oneshot::Sender<()>>,
    /// The running server, awaited when it is stopped ([`TestApp::restart`]).
    server: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = std::fs::remove_dir_all(&self.data_dir);
    }
}

/// A fresh data directory under the system's temporary directory.
pub fn fresh_data_dir() -> std::path::PathBuf {
    std::env::temp_dir().join(format!("tether-test-{}", tether_store::new_id()))
}

/// Starts the server over a fresh database with one administrator (`ADMIN_EMAIL`/`PASSWORD`).
pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, |_| {}).await
}

pub async fn spawn_app_with(backend: Backend, tweak: impl FnOnce(&mut Config)) -> TestApp {
    let db = TestDb::new(backend).await;
    let store = db.store().await;
    let hash = auth::hash_password(PASSWORD).unwrap();
    store
        .create_user(
            &NewUser {
                email: ADMIN_EMAIL.into(),
                name: "Ada Admin".into(),
                password_hash: hash,
                role_names: vec!["administrator".into()],
                team_ids: vec![],
            },
            None,
        )
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let base = format!("http://{addr}");
    let data_dir = fresh_data_dir();
    let mut config = Config::new(base.clone(), data_dir.clone());
    tweak(&mut config);
    let state = AppState::new(store.clone(), config).unwrap();
    let (tx, rx) = oneshot::channel::<()>();
    let server = tokio::spawn(tether_server::serve(listener, state, async move {
        let _ = rx.await;
    }));
    TestApp {
        addr,
        base,
        store,
        http: reqwest::Client::new(),
        _db: db,
        data_dir,
        stop: Some(tx),
        server: Some(server),
    }
}

impl TestApp {
    /// Stops the server: it finishes its requests and its background tasks end.
    pub async fn stop_server(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            tokio::time::timeout(std::time::Duration::from_secs(30), server)
                .await
                .expect("the server stops within 30 s")
                .expect("the server task ends")
                .expect("the server ends cleanly");
        }
    }

    /// Starts the server again, as a new process would: a new connection to the same
    /// database, the same data directory, a new port and a fresh configuration with `tweak`
    /// applied.
    pub async fn start_server(&mut self, tweak: impl FnOnce(&mut Config)) {
        self.store = self._db.store().await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        self.addr = listener.local_addr().unwrap();
        self.base = format!("http://{}", self.addr);
        let mut config = Config::new(self.base.clone(), self.data_dir.clone());
        tweak(&mut config);
        let state = AppState::new(self.store.clone(), config).unwrap();
        let (tx, rx) = oneshot::channel::<()>();
        self.server = Some(tokio::spawn(tether_server::serve(
            listener,
            state,
            async move {
                let _ = rx.await;
            },
        )));
        self.stop = Some(tx);
        self.http = reqwest::Client::new();
    }
}

/// A response, read whole.
#[derive(Debug)]
pub struct Res {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Res {
    /// Asserts the status, printing the body when it differs.
    #[track_caller]
    pub fn expect(self, status: u16) -> Res {
        assert_eq!(
            self.status.as_u16(),
            status,
            "unexpected status; body: {}",
            self.text
        );
        self
    }

    /// Asserts a problem document with this status whose detail contains `needle`.
    #[track_caller]
    /// Asserts that the first field error of a 422 has `code`.
    pub fn field_error(self, code: &str) -> Res {
        assert_eq!(
            self.body["errors"][0]["code"],
            json!(code),
            "field error code; body {}",
            self.text
        );
        self
    }

    /// Asserts a parameter of the first field error of a 422.
    pub fn param(self, name: &str, value: Value) -> Res {
        assert_eq!(
            self.body["errors"][0]["params"][name], value,
            "field error parameter {name}; body {}",
            self.text
        );
        self
    }

    pub fn problem(self, status: u16, needle: &str) -> Res {
        let res = self.expect(status);
        let ct = res
            .headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        assert_eq!(
            ct, "application/problem+json",
            "problem content type; body {}",
            res.text
        );
        assert_eq!(res.body["status"], json!(status));
        let detail = res.body["detail"].as_str().unwrap_or("");
        assert!(
            detail.to_lowercase().contains(&needle.to_lowercase()),
            "detail {detail:?} should mention {needle:?}"
        );
        res
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        if path.starts_with('/')
            && !path.starts_with("/api")
            && !path.starts_with("/healthz")
            && !path.starts_with("/metrics")
        {
            format!("{}/api/v1{path}", self.base)
        } else {
            format!("{}{path}", self.base)
        }
    }

    pub async fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Res {
        let mut req = self.http.request(method, self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        read(req.send().await.unwrap()).await
    }

    pub async fn get(&self, path: &str, token: &str) -> Res {
        self.send(Method::GET, path, Some(token), None).await
    }
    pub async fn post(&self, path: &str, token: &str, body: Value) -> Res {
        self.send(Method::POST, path, Some(token), Some(body)).await
    }
    pub async fn put(&self, path: &str, token: &str, body: Value) -> Res {
        self.send(Method::PUT, path, Some(token), Some(body)).await
    }
    pub async fn patch(&self, path: &str, token: &str, body: Value) -> Res {
        self.send(Method::PATCH, path, Some(token), Some(body))
            .await
    }

    /// POSTs `body` to `path` as `token`, expects 201 and returns the created thing's `id`.
    pub async fn create(&self, path: &str, token: &str, body: Value) -> String {
        let res = self.post(path, token, body).await.expect(201);
        match res.body["id"].as_str() {
            Some(id) => id.to_owned(),
            None => panic!("no id in the answer to POST {path}: {}", res.text),
        }
    }

    pub async fn login(&self, email: &str, password: &str) -> String {
        let res = self
            .send(
                Method::POST,
                "/auth/login",
                None,
                Some(json!({"email": email, "password": password})),
            )
            .await
            .expect(200);
        res.body["token"].as_str().unwrap().to_owned()
    }

    pub async fn admin(&self) -> String {
        self.login(ADMIN_EMAIL, PASSWORD).await
    }

    /// Creates a user through the API (as `admin`) and returns (id, token).
    pub async fn user(
        &self,
        admin: &str,
        email: &str,
        name: &str,
        roles: &[&str],
        team_ids: &[&str],
    ) -> (String, String) {
        let res = self
            .post("/users", admin, json!({"name": name, "email": email, "password": PASSWORD, "roles": roles, "team_ids": team_ids}))
            .await
            .expect(201);
        let id = res.body["id"].as_str().unwrap().to_owned();
        (id, self.login(email, PASSWORD).await)
    }
}

pub async fn read(res: reqwest::Response) -> Res {
    let status = res.status();
    let headers = res.headers().clone();
    let text = res.text().await.unwrap_or_default();
    let body = serde_json::from_str(&text).unwrap_or(Value::Null);
    Res {
        status,
        headers,
        body,
        text,
    }
}

/// A live-event client over a real WebSocket.
pub struct Events {
    ws: tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
}

impl TestApp {
    /// Connects to `/api/v1/events` with a token and waits for the hello.
    pub async fn events(&self, token: &str) -> Events {
        let url = format!("ws://{}/api/v1/events?token={token}", self.addr);
        let (ws, _) = tokio_tungstenite::connect_async(url)
            .await
            .expect("websocket connects");
        let mut e = Events { ws };
        let hello = e
            .next(std::time::Duration::from_secs(5))
            .await
            .expect("hello");
        assert_eq!(hello["type"], "hello");
        e
    }

    /// Turns collaboration on (R1) as the administrator.
    pub async fn enable_collaboration(&self) -> String {
        let admin = self.admin().await;
        self.put("/settings", &admin, json!({"collaboration_enabled": true}))
            .await
            .expect(200);
        admin
    }
}

impl Events {
    /// The next event within `wait`, skipping pings.
    pub async fn next(&mut self, wait: std::time::Duration) -> Option<Value> {
        use futures_util::StreamExt;
        use tokio_tungstenite::tungstenite::Message;
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let msg = tokio::time::timeout_at(deadline, self.ws.next())
                .await
                .ok()??
                .ok()?;
            match msg {
                Message::Text(t) => return serde_json::from_str(&t).ok(),
                Message::Close(_) => return None,
                _ => continue,
            }
        }
    }

    /// Waits up to 5 s for the server to close the socket; the close code (`None` when the
    /// connection ended without a close frame). Panics when it stays open.
    pub async fn closed(&mut self) -> Option<u16> {
        use futures_util::StreamExt;
        use tokio_tungstenite::tungstenite::Message;
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
        loop {
            match tokio::time::timeout_at(deadline, self.ws.next()).await {
                Err(_) => panic!("the socket is still open after 5 s"),
                Ok(Some(Ok(Message::Close(frame)))) => return frame.map(|f| u16::from(f.code)),
                Ok(None | Some(Err(_))) => return None,
                Ok(Some(Ok(_))) => continue,
            }
        }
    }

    /// Waits for an event of `kind`, skipping others; panics after 5 s.
    pub async fn expect(&mut self, kind: &str) -> Value {
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match self.next(left).await {
                Some(e) if e["type"] == kind => return e,
                Some(_) => continue,
                None => panic!("no {kind} event arrived"),
            }
        }
    }

    /// Sends a JSON message to the server.
    pub async fn send_json(&mut self, v: Value) {
        use futures_util::SinkExt;
        self.ws
            .send(tokio_tungstenite::tungstenite::Message::Text(
                v.to_string().into(),
            ))
            .await
            .unwrap();
    }

    /// Asserts that nothing at all arrives for `ms` milliseconds.
    pub async fn expect_silence(&mut self, ms: u64) {
        if let Some(e) = self.next(std::time::Duration::from_millis(ms)).await {
            panic!("expected no event, got {e}");
        }
    }
}
