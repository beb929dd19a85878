//! The database of a run: a fresh SQLite file in a temporary directory, a fresh PostgreSQL
//! database created on the server `--database` names (and dropped afterwards), or the database
//! the user named, as it is; and a store over it, migrated and holding the standard data.

use anyhow::{Context, Result, bail};
use std::path::PathBuf;
use tether_store::{ConnectOptions, Store};

/// A database made for one run.
pub struct BenchDb {
    pub url: String,
    /// sqlite or postgres.
    pub backend: &'static str,
    cleanup: Cleanup,
    /// A directory for the server's other files (attachments, the child's log).
    pub dir: PathBuf,
}

enum Cleanup {
    /// A database the user named and owns.
    Nothing,
    Postgres {
        admin_url: String,
        name: String,
    },
}

/// Removes password from a database URL, for messages.
pub use tether::database::redact;

impl BenchDb {
    /// `None`: a fresh SQLite file in a temporary directory. `postgres://host/db`: a fresh
    /// database `tether_bench_<id>` on that server (`db` is only where to connect to create
    /// it). `sqlite://path`: that file, as it is.
    pub async fn create(database: Option<&str>) -> Result<BenchDb> {
        let id = tether_store::new_id();
        let dir = std::env::temp_dir().join(format!("tether-bench-{id}"));
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
        match database {
            None => Ok(BenchDb {
                url: format!("sqlite://{}", dir.join("tether.db").display()),
                backend: "sqlite",
                cleanup: Cleanup::Nothing,
                dir,
            }),
            Some(url) if url.starts_with("sqlite:") => Ok(BenchDb {
                url: url.to_owned(),
                backend: "sqlite",
                cleanup: Cleanup::Nothing,
                dir,
            }),
            Some(url) if url.starts_with("postgres:") || url.starts_with("postgresql:") => {
                let name = format!("tether_bench_{id}");
                let url_of_new = database_url(url, &name)?;
                admin_sql(url, &format!("CREATE DATABASE {name}")).await?;
                Ok(BenchDb {
                    url: url_of_new,
                    backend: "postgres",
                    cleanup: Cleanup::Postgres {
                        admin_url: url.to_owned(),
                        name,
                    },
                    dir,
                })
            }
            Some(other) => bail!(
                "--database {}: use postgres://… (a fresh database is created there) or sqlite://<path>",
                redact(other)
            ),
        }
    }

    /// A fresh PostgreSQL database on the server of `url`, copied from database `template`
    /// (`CREATE DATABASE … TEMPLATE`, a file copy: fast for a large data set).
    pub async fn postgres_from_template(url: &str, template: &str) -> Result<BenchDb> {
        let id = tether_store::new_id();
        let dir = std::env::temp_dir().join(format!("tether-bench-{id}"));
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
        let name = format!("tether_bench_{id}");
        admin_sql(url, &format!("CREATE DATABASE {name} TEMPLATE {template}")).await?;
        Ok(BenchDb {
            url: database_url(url, &name)?,
            backend: "postgres",
            cleanup: Cleanup::Postgres {
                admin_url: url.to_owned(),
                name,
            },
            dir,
        })
    }

    /// Saves this PostgreSQL database as `template` for later runs (replacing an older one).
    /// Every pool on this database must be closed.
    pub async fn save_as_template(&self, template: &str) -> Result<()> {
        let Cleanup::Postgres { admin_url, name } = &self.cleanup else {
            bail!("only a PostgreSQL benchmark database can be kept as a template");
        };
        admin_sql(
            admin_url,
            &format!("DROP DATABASE IF EXISTS {template} WITH (FORCE)"),
        )
        .await?;
        admin_sql(
            admin_url,
            &format!("CREATE DATABASE {template} TEMPLATE {name}"),
        )
        .await
    }

    /// Runs `run` over a fresh database ([`BenchDb::create`]) and a store opened on it; then
    /// closes the store and drops the database (unless `keep`), whether `run` succeeded or not.
    pub async fn run<T>(
        database: Option<&str>,
        keep: bool,
        run: impl AsyncFnOnce(&BenchDb, &Store) -> Result<T>,
    ) -> Result<T> {
        let db = BenchDb::create(database).await?;
        let result = match open_store(&db.url).await {
            Ok(store) => {
                let result = run(&db, &store).await;
                store.close().await;
                result
            }
            Err(e) => Err(e),
        };
        db.remove(keep).await;
        result
    }

    /// Drops what [`BenchDb::create`] made (unless `keep`). Close every pool first.
    pub async fn remove(self, keep: bool) {
        if keep {
            eprintln!(
                "kept the benchmark database {} and {}",
                redact(&self.url),
                self.dir.display()
            );
            return;
        }
        if let Cleanup::Postgres { admin_url, name } = &self.cleanup
            && let Err(e) = admin_sql(
                admin_url,
                &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
            )
            .await
        {
            eprintln!("could not drop the benchmark database {name}: {e:#}");
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The URL of database `name` on the server of `url` (same user, host and options).
fn database_url(url: &str, name: &str) -> Result<String> {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    match base.rsplit_once('/') {
        Some((server, _)) if server.contains("://") && !server.ends_with('/') => {
            Ok(format!("{server}/{name}{query}"))
        }
        _ => bail!("--database must look like postgres://user@host:port/database"),
    }
}

/// Runs one administrative statement (CREATE/DROP DATABASE) on the server of `url`.
async fn admin_sql(url: &str, sql: &str) -> Result<()> {
    let admin = Store::connect(
        url,
        &ConnectOptions {
            max_connections: 1,
            ..ConnectOptions::default()
        },
    )
    .await
    .with_context(|| format!("cannot connect to {}", redact(url)))?;
    let result = admin.execute_raw(sql).await.with_context(|| sql.to_owned());
    admin.close().await;
    result
}

/// Connects with a pool as large as the server's and applies migrations and standard data.
/// Opens the benchmark's database as `tether serve` does (without `--durability full`).
pub async fn open_store(url: &str) -> Result<Store> {
    tether::database::open_store(url, false).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_urls_keep_server_and_options() {
        assert_eq!(
            database_url("postgres://u@h:5432/postgres", "x").unwrap(),
            "postgres://u@h:5432/x"
        );
        assert_eq!(
            database_url("postgres://u@h/db?sslmode=disable", "x").unwrap(),
            "postgres://u@h/x?sslmode=disable"
        );
        assert!(database_url("postgres://h", "x").is_err());
    }
}
