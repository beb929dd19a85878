//! What the tests that run the real `tether` binary share: a fresh PostgreSQL database, a
//! temporary directory, the binary without the operator's environment, and a free port.
#![allow(dead_code)]

use std::path::PathBuf;
use tether_store::{ConnectOptions, Store};
use tokio::process::Command;

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
        let admin_url = postgres_admin_url();
        let name = format!("{prefix}_{}", tether_store::new_id().replace('-', ""));
        let admin = Store::connect(&admin_url, &ConnectOptions::default())
            .await
            .unwrap_or_else(|e| panic!("PostgreSQL at {admin_url} is needed for this test: {e}"));
        admin
            .execute_raw(&format!("CREATE DATABASE {name}"))
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
