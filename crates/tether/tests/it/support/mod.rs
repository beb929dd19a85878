//! What the tests that run the real `tether` binary share: a fresh PostgreSQL database, a
//! temporary directory, the binary without the operator's environment, and a free port.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tether_server::auth;
use tether_store::people::NewUser;
use tether_store::{ConnectOptions, Store};
use tokio::process::Command;

/// How long a server may take to answer /healthz after it was started.
const START_WITHIN: Duration = Duration::from_secs(30);

/// The PostgreSQL server tests create their databases on.
pub fn postgres_admin_url() -> String {
    std::env::var("TETHER_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// The NATS server of the scale-out tests.
pub fn nats_url() -> String {
    std::env::var("TETHER_TEST_NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".to_owned())
}

/// A fresh PostgreSQL database with a random name, dropped (connections and all) on drop.
pub struct PgDb {
    pub url: String,
    admin_url: String,
    pub name: String,
}

impl PgDb {
    /// A database named `<prefix>_<random>`.
    pub async fn create(prefix: &str) -> PgDb {
        PgDb::create_with(prefix, "").await
    }

    /// A database whose tables live in `tablespace`.
    pub async fn create_in(prefix: &str, tablespace: &str) -> PgDb {
        PgDb::create_with(prefix, &format!(" TABLESPACE {tablespace}")).await
    }

    async fn create_with(prefix: &str, options: &str) -> PgDb {
        let admin_url = postgres_admin_url();
        let name = format!("{prefix}_{}", tether_store::new_id().replace('-', ""));
        let admin = Store::connect(&admin_url, &ConnectOptions::default())
            .await
            .unwrap_or_else(|e| panic!("PostgreSQL at {admin_url} is needed for this test: {e}"));
        admin
            .execute_raw(&format!("CREATE DATABASE {name}{options}"))
            .await
            .unwrap();
        admin.close().await;
        let (base, _) = admin_url
            .rsplit_once('/')
            .expect("TETHER_TEST_POSTGRES_URL ends in /<database>");
        PgDb {
            url: format!("{base}/{name}"),
            admin_url,
            name,
        }
    }
}

impl Drop for PgDb {
    fn drop(&mut self) {
        let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
        // Drop runs inside the test's runtime, which must not block: use a runtime of our own.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async {
                if let Ok(admin) = Store::connect(&admin_url, &ConnectOptions::default()).await {
                    let _ = admin
                        .execute_raw(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .await;
                    admin.close().await;
                }
            });
        })
        .join();
    }
}

/// A temporary directory, removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(label: &str) -> TempDir {
        let p = std::env::temp_dir().join(format!("tether-{label}-{}", tether_store::new_id()));
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The `tether` binary with none of the operator's settings from the environment.
pub fn tether() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_tether"));
    for var in [
        "TETHER_DATABASE_URL",
        "TETHER_DURABILITY",
        "TETHER_ADMIN_EMAIL",
        "TETHER_ADMIN_PASSWORD",
        "TETHER_LISTEN",
        "TETHER_NATS_URL",
        "TETHER_NATS_SUBJECT",
        "TETHER_PUBLIC_URL",
        "TETHER_DATA_DIR",
        "TETHER_LIMIT_SENDS",
        "TETHER_LIMIT_SEARCHES",
        "TETHER_LIMIT_UPLOADS",
        "TETHER_LOG_FORMAT",
    ] {
        c.env_remove(var);
    }
    c.env("TETHER_LOG", "info,sqlx=warn");
    c
}

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// One `tether serve` process. Killed when dropped; its log is printed if the test failed.
pub struct Server {
    pub name: String,
    pub addr: String,
    child: tokio::process::Child,
    log: PathBuf,
}

impl Server {
    /// Starts `tether serve --database <db_url> --data-dir <dir>/data --limit-sends 0 <extra>` on
    /// a free port, logging to `<dir>/<name>.log`, and waits for /healthz. Should another
    /// process take the port between our look and the server's bind, tries another one.
    pub async fn start(name: &str, db_url: &str, dir: &std::path::Path, extra: &[&str]) -> Server {
        Server::start_until(name, db_url, dir, extra, true).await
    }

    /// Like [`Server::start`], but waits only until /healthz answers at all (for a server that
    /// is meant to be unhealthy).
    pub async fn start_answering(
        name: &str,
        db_url: &str,
        dir: &std::path::Path,
        extra: &[&str],
    ) -> Server {
        Server::start_until(name, db_url, dir, extra, false).await
    }

    async fn start_until(
        name: &str,
        db_url: &str,
        dir: &std::path::Path,
        extra: &[&str],
        healthy: bool,
    ) -> Server {
        let log = dir.join(format!("{name}.log"));
        for _ in 0..3 {
            let addr = format!("127.0.0.1:{}", free_port());
            let out = std::fs::File::create(&log).unwrap();
            let err = out.try_clone().unwrap();
            let child = tether()
                .args(["serve", "--database", db_url, "--listen", &addr])
                .args(["--limit-sends", "0"])
                .args(extra)
                .arg("--data-dir")
                .arg(dir.join("data"))
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::from(out))
                .stderr(std::process::Stdio::from(err))
                .kill_on_drop(true)
                .spawn()
                .expect("start tether serve");
            let mut server = Server {
                name: name.to_owned(),
                addr,
                child,
                log: log.clone(),
            };
            if server.wait_answering(healthy).await {
                return server;
            }
        }
        panic!("tether serve found no free port in three tries");
    }

    /// True once /healthz answers (with 200 if `healthy`); false if the server could not
    /// listen on its port.
    async fn wait_answering(&mut self, healthy: bool) -> bool {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(1))
            .build()
            .unwrap();
        let deadline = tokio::time::Instant::now() + START_WITHIN;
        while tokio::time::Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().unwrap() {
                let log = self.log_text();
                if log.contains("cannot listen") {
                    return false;
                }
                panic!(
                    "{} exited at start with {status}; its log:\n{log}",
                    self.name
                );
            }
            if let Ok(res) = http
                .get(format!("http://{}/healthz", self.addr))
                .send()
                .await
                && (res.status() == 200 || !healthy)
            {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "{} did not answer /healthz (healthy: {healthy}) within {START_WITHIN:?}; its log:\n{}",
            self.name,
            self.log_text()
        );
    }

    /// `http://<addr>/api/v1<path>`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}/api/v1{path}", self.addr)
    }

    /// `GET <path>` as `token`, answered 200 with JSON.
    pub async fn get_json(&self, path: &str, token: &str) -> Value {
        let res = http()
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "GET {path}");
        res.json().await.unwrap()
    }

    /// The process id, while it runs.
    pub fn pid(&self) -> Option<u32> {
        self.child.id()
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Panics with the log if the server has stopped.
    pub fn assert_running(&mut self) {
        if let Some(status) = self.child.try_wait().unwrap() {
            panic!(
                "{} stopped by itself with {status}; its log:\n{}",
                self.name,
                self.log_text()
            );
        }
    }

    /// SIGKILL: no graceful shutdown, nothing flushed. Returns once the process is gone.
    pub async fn kill(&mut self) {
        use std::os::unix::process::ExitStatusExt;
        self.child.start_kill().unwrap();
        let status = tokio::time::timeout(Duration::from_secs(10), self.child.wait())
            .await
            .expect("the killed server exits")
            .unwrap();
        assert_eq!(status.signal(), Some(9), "killed by SIGKILL: {status}");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
        if std::thread::panicking() {
            eprintln!(
                "----- log of {} ({}) -----\n{}----- end of log of {} -----",
                self.name,
                self.addr,
                self.log_text(),
                self.name
            );
        }
    }
}

/// How long one request of a test client may take.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// A test client's HTTP client.
pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(REQUEST_TIMEOUT)
        .connect_timeout(Duration::from_secs(2))
        .build()
        .unwrap()
}

/// A sender: a user with a signed-in session.
#[derive(Clone)]
pub struct User {
    pub id: String,
    pub email: String,
    pub token: String,
}

/// The password of every user [`prepare`] makes.
pub const PASSWORD: &str = "correct horse battery";

/// Migrates the database with `tether migrate`, turns collaboration on and creates `senders`
/// agents (`sender<i>@example.com`) with their sessions. The store is closed again: from here
/// on only the servers use the database.
pub async fn prepare(db_url: &str, senders: usize) -> Vec<User> {
    let out = tether()
        .args(["migrate", "--database", db_url])
        .output()
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "tether migrate failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let store = Store::connect(
        db_url,
        &ConnectOptions {
            max_connections: 2,
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
    let hash = auth::hash_password(PASSWORD).unwrap();
    let names = [
        "Ada Sand", "Bo Lind", "Cilla Ek", "Dan Holm", "Eva Berg", "Fia Nord", "Gus Dal", "Hed Ås",
    ];
    let mut users = Vec::new();
    for i in 0..senders {
        let email = format!("sender{i}@example.com");
        let u = store
            .create_user(
                &NewUser {
                    email: email.clone(),
                    name: names
                        .get(i)
                        .map_or_else(|| format!("Sender {i}"), |n| (*n).to_owned()),
                    password_hash: hash.clone(),
                    role_names: vec!["agent".into()],
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
        users.push(User {
            id: u.id.into(),
            email,
            token,
        });
    }
    store.close().await;
    users
}

/// A stored message, as the API lists it.
#[derive(Clone, Debug)]
pub struct Stored {
    pub id: String,
    pub seq: i64,
    pub kind: String,
    pub sender_id: Option<String>,
    pub body: String,
}

/// Every message of the chat, oldest first, read page by page (200 at a time) through `server`.
pub async fn read_all(server: &Server, chat: &str, who: &User) -> Vec<Stored> {
    let http = http();
    let mut all: Vec<Stored> = Vec::new();
    let mut before: Option<i64> = None;
    loop {
        let mut url = server.url(&format!("/chats/{chat}/messages?limit=200"));
        if let Some(b) = before {
            url.push_str(&format!("&before={b}"));
        }
        let res = http.get(url).bearer_auth(&who.token).send().await.unwrap();
        assert_eq!(res.status(), 200, "reading the chat");
        let page: Value = res.json().await.unwrap();
        let items = page["items"].as_array().unwrap();
        for m in items {
            all.push(Stored {
                id: m["id"].as_str().unwrap().to_owned(),
                seq: m["seq"].as_i64().unwrap(),
                kind: m["kind"].as_str().unwrap().to_owned(),
                sender_id: m["sender"]["id"].as_str().map(str::to_owned),
                body: m["body"].as_str().unwrap().to_owned(),
            });
        }
        match items.last() {
            Some(last) if items.len() == 200 => before = Some(last["seq"].as_i64().unwrap()),
            _ => break,
        }
    }
    all.reverse();
    assert!(
        all.windows(2).all(|w| w[0].seq < w[1].seq),
        "pages list each message once, newest first: {:?}",
        all.iter().map(|m| m.seq).collect::<Vec<_>>()
    );
    all
}

/// A small tmpfs mounted on a fresh directory (the tests run as root), unmounted and removed on
/// drop: a disk that can be filled.
pub struct Tmpfs(pub PathBuf);

impl Tmpfs {
    /// Mounts a tmpfs of `size` (`24m`) with `options` (`uid=…`, or empty).
    pub fn mount(label: &str, size: &str, options: &str) -> Tmpfs {
        let p = std::env::temp_dir().join(format!("tether-{label}-{}", tether_store::new_id()));
        std::fs::create_dir_all(&p).unwrap();
        let mut opts = format!("size={size}");
        if !options.is_empty() {
            opts.push(',');
            opts.push_str(options);
        }
        let out = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &opts, "tmpfs"])
            .arg(&p)
            .output()
            .expect("run mount");
        assert!(
            out.status.success(),
            "this test fills a small disk and must mount a tmpfs for it, which needs root: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Tmpfs(p)
    }

    /// Writes zeros into `filler` until the disk is full; returns the bytes written.
    pub fn fill(&self, filler: &Path) -> u64 {
        use std::io::Write;
        let mut f = std::fs::File::create(filler).unwrap();
        let chunk = vec![0u8; 64 * 1024];
        let mut written = 0u64;
        loop {
            match f.write(&chunk) {
                Ok(0) => break,
                Ok(n) => written += n as u64,
                Err(e) if e.raw_os_error() == Some(28) => break,
                Err(e) => panic!("filling the disk: {e}"),
            }
        }
        let _ = f.sync_all();
        written
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(&self.0)
            .status();
        let _ = std::fs::remove_dir(&self.0);
    }
}
