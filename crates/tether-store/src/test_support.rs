//! Fresh databases for tests: every test gets its own SQLite file or its own PostgreSQL
//! database (created on the local server and dropped afterwards), so tests run in parallel and
//! never share state. PostgreSQL is found at `TETHER_TEST_POSTGRES_URL`, default
//! `postgres://postgres@127.0.0.1:5432/postgres`.

use crate::{Backend, ConnectOptions, Store};
use std::path::PathBuf;

/// A database that exists for as long as this value does.
pub struct TestDb {
    pub url: String,
    pub backend: Backend,
    cleanup: Cleanup,
}

enum Cleanup {
    Dir(PathBuf),
    Postgres { admin_url: String, name: String },
}

/// The PostgreSQL server tests use.
pub fn postgres_admin_url() -> String {
    std::env::var("TETHER_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

impl TestDb {
    /// A fresh SQLite database in its own temporary directory.
    pub fn sqlite() -> TestDb {
        let dir = std::env::temp_dir().join(format!("tether-test-{}", crate::new_id()));
        let url = format!("sqlite://{}", dir.join("tether.db").display());
        TestDb {
            url,
            backend: Backend::Sqlite,
            cleanup: Cleanup::Dir(dir),
        }
    }

    /// A fresh, empty PostgreSQL database on the local server.
    pub async fn postgres() -> TestDb {
        let admin_url = postgres_admin_url();
        let name = format!("tether_t_{}", crate::new_id());
        let admin = Store::connect(&admin_url, &ConnectOptions::default())
            .await
            .unwrap_or_else(|e| panic!("PostgreSQL at {admin_url} is needed for tests: {e}"));
        admin
            .execute_raw(&format!("CREATE DATABASE {name}"))
            .await
            .unwrap_or_else(|e| panic!("create database: {e}"));
        admin.close().await;
        let url = match admin_url.rsplit_once('/') {
            Some((base, _)) => format!("{base}/{name}"),
            None => panic!("TETHER_TEST_POSTGRES_URL must end in /<database>"),
        };
        TestDb {
            url,
            backend: Backend::Postgres,
            cleanup: Cleanup::Postgres { admin_url, name },
        }
    }

    /// A fresh database of the given backend.
    pub async fn new(backend: Backend) -> TestDb {
        match backend {
            Backend::Sqlite => TestDb::sqlite(),
            Backend::Postgres => TestDb::postgres().await,
        }
    }

    /// Connects and prepares (migrations and standard data).
    pub async fn store(&self) -> Store {
        let store = Store::connect(&self.url, &ConnectOptions::default())
            .await
            .unwrap_or_else(|e| panic!("connect {}: {e}", self.url));
        store
            .prepare()
            .await
            .unwrap_or_else(|e| panic!("prepare: {e}"));
        store
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::Dir(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::Postgres { admin_url, name } => {
                let (admin_url, name) = (admin_url.clone(), name.clone());
                // Drop runs inside the test's runtime; a thread with its own runtime may block.
                let _ = std::thread::spawn(move || {
                    let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                    else {
                        return;
                    };
                    rt.block_on(async {
                        if let Ok(admin) =
                            Store::connect(&admin_url, &ConnectOptions::default()).await
                        {
                            let _ = admin
                                .execute_raw(&format!(
                                    "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                                ))
                                .await;
                            admin.close().await;
                        }
                    });
                })
                .join();
            }
        }
    }
}
