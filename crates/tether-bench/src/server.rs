//! The server under test and its database: a fresh SQLite file in a temporary directory, or a
//! fresh PostgreSQL database `tether_bench_<id>` created on the server `--database` names and
//! dropped afterwards; the server itself runs inside this process, as a child process
//! (`tether serve`, the honest way to measure its memory), or elsewhere (`--url`).
//!
//! Memory and CPU are read from `/proc/<pid>/status` and `/proc/<pid>/stat` (Linux only; the
//! numbers are simply missing elsewhere).

use super::report::status_kib;
use anyhow::{Context, Result, anyhow, bail};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};
use tether_server::{AppState, Config};
use tether_store::{ConnectOptions, Store};
use tokio::sync::oneshot;

/// The servers a benchmark starts have no per-user rate limits: their synthetic users send and
/// search far faster than people do, on purpose (see BENCHMARKS.md).
const NO_LIMITS: tether_server::limits::Limits = tether_server::limits::Limits {
    sends: 0,
    searches: 0,
    uploads: 0,
    reactions: 0,
    downloads: 0,
};

/// Where the server under test runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Mode {
    /// Inside the benchmark process (shares its runtime and its two cores' worth of threads).
    InProcess,
    /// As a child process `tether serve` (its memory and CPU are its own).
    Child,
}

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
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => match url.get(s + 3..at).and_then(|c| c.split_once(':')) {
            Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
            None => url.to_owned(),
        },
        _ => url.to_owned(),
    }
}

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
pub async fn admin_sql(url: &str, sql: &str) -> Result<()> {
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
pub async fn open_store(url: &str) -> Result<Store> {
    let store = Store::connect(url, &ConnectOptions::default())
        .await
        .with_context(|| format!("cannot open database {}", redact(url)))?;
    store
        .prepare()
        .await
        .with_context(|| format!("cannot prepare database {}", redact(url)))?;
    Ok(store)
}

/// Memory of one process, in bytes.
#[derive(Clone, Copy, Debug, Default)]
pub struct Rss {
    pub now: u64,
    pub peak: u64,
}

/// Resident memory of process `pid` (VmRSS, VmHWM).
pub fn rss_of(pid: u32) -> Option<Rss> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    Some(Rss {
        now: status_kib(&status, "VmRSS:")? * 1024,
        peak: status_kib(&status, "VmHWM:")? * 1024,
    })
}

/// User plus system CPU seconds used so far by process `pid`. Assumes the usual 100 clock
/// ticks per second of Linux.
pub fn cpu_seconds(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name may hold spaces; the fields after it are fixed.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

/// Busy CPU seconds of the whole machine so far, every process counted (`/proc/stat`).
pub fn machine_busy_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let line = stat.lines().next()?.strip_prefix("cpu ")?;
    let v: Vec<f64> = line
        .split_whitespace()
        .filter_map(|x| x.parse().ok())
        .collect();
    // user, nice, system, idle, iowait, irq, softirq: everything but idle and iowait.
    let busy =
        v.first()? + v.get(1)? + v.get(2)? + v.get(5).unwrap_or(&0.0) + v.get(6).unwrap_or(&0.0);
    Some(busy / 100.0)
}

/// CPU use during a run: of the benchmark's own processes, and of everything else on the
/// machine (other builds and tests share these two cores and skew every number).
pub struct CpuWatch {
    started: std::time::Instant,
    machine: Option<f64>,
    ours: Vec<(u32, Option<f64>)>,
}

impl CpuWatch {
    /// Starts watching `pids` (duplicates are counted once).
    pub fn start(pids: &[u32]) -> CpuWatch {
        let mut unique = pids.to_vec();
        unique.sort_unstable();
        unique.dedup();
        CpuWatch {
            started: std::time::Instant::now(),
            machine: machine_busy_seconds(),
            ours: unique.into_iter().map(|p| (p, cpu_seconds(p))).collect(),
        }
    }

    /// Cores used on average by `pid` since the start.
    pub fn cores_of(&self, pid: u32) -> Option<f64> {
        let (_, before) = self.ours.iter().find(|(p, _)| *p == pid)?;
        let used = cpu_seconds(pid)? - (*before)?;
        Some(round2(
            used / self.started.elapsed().as_secs_f64().max(1e-9),
        ))
    }

    /// Cores used on average by every other process of the machine since the start.
    pub fn other_cores(&self) -> Option<f64> {
        let machine = machine_busy_seconds()? - self.machine?;
        let mut ours = 0.0;
        for (pid, before) in &self.ours {
            ours += cpu_seconds(*pid)? - (*before)?;
        }
        Some(round2(
            ((machine - ours) / self.started.elapsed().as_secs_f64().max(1e-9)).max(0.0),
        ))
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// The soft limit on open files of this process (children inherit it).
pub fn open_files_limit() -> Option<u64> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    let soft = line
        .trim_start_matches("Max open files")
        .split_whitespace()
        .next()?;
    if soft == "unlimited" {
        Some(u64::MAX)
    } else {
        soft.parse().ok()
    }
}

/// Fails with advice when a process of this tree cannot hold `needed` descriptors.
pub fn check_open_files(needed: u64, who: &str) -> Result<()> {
    if let Some(limit) = open_files_limit()
        && limit < needed
    {
        bail!(
            "{who} needs about {needed} open files but the limit is {limit}: raise it in the shell first \
             (`ulimit -n {needed}`; the hard limit is in /proc/self/limits), or ask for fewer connections"
        );
    }
    Ok(())
}

enum Running {
    InProcess {
        stop: Option<oneshot::Sender<()>>,
        task: tokio::task::JoinHandle<std::io::Result<()>>,
    },
    Child {
        child: tokio::process::Child,
        log: PathBuf,
    },
    External,
}

/// The `tether` binary, found beside this executable: both are built into the same target
/// directory (`cargo build --release -p tether -p tether-bench`).
fn tether_exe() -> Result<PathBuf> {
    let me = std::env::current_exe().context("cannot find the path of this executable")?;
    let exe = me.with_file_name(format!("tether{}", std::env::consts::EXE_SUFFIX));
    if !exe.is_file() {
        // A debug build looks beside itself in target/debug, a release build in target/release.
        let release = if me.parent().is_some_and(|d| d.ends_with("debug")) {
            ""
        } else {
            "--release "
        };
        bail!(
            "the server runs as a child process `tether serve`, and there is no tether binary beside {}: build it with `cargo build {release}-p tether`",
            me.display()
        );
    }
    Ok(exe)
}

/// A server under test, reachable at `base` (`http://127.0.0.1:port`).
pub struct Server {
    pub base: String,
    running: Running,
}

impl Server {
    /// Tether inside this process on a fresh port of 127.0.0.1, with `tweak` applied to the
    /// default configuration.
    pub async fn in_process(
        store: Store,
        data_dir: &Path,
        tweak: impl FnOnce(&mut Config),
    ) -> Result<Server> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let base = format!("http://{}", listener.local_addr()?);
        let mut config = Config::new(base.clone(), data_dir.to_path_buf());
        config.limits = NO_LIMITS;
        tweak(&mut config);
        let state = AppState::new(store, config)?;
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(tether_server::serve(listener, state, async move {
            let _ = stopped.await;
        }));
        Ok(Server {
            base,
            running: Running::InProcess {
                stop: Some(stop),
                task,
            },
        })
    }

    /// `tether serve` (the `tether` binary beside this one) over `database_url` as a child
    /// process, with the default configuration; waits until `/healthz` answers.
    pub async fn child(database_url: &str, data_dir: &Path) -> Result<Server> {
        Server::child_with(database_url, data_dir, &[]).await
    }

    /// As [`Server::child`], with more `tether serve` arguments (`--nats …` for a node of
    /// several).
    pub async fn child_with(
        database_url: &str,
        data_dir: &Path,
        extra: &[String],
    ) -> Result<Server> {
        let exe = tether_exe()?;
        let port = {
            let probe = std::net::TcpListener::bind("127.0.0.1:0")?;
            probe.local_addr()?.port()
        };
        let base = format!("http://127.0.0.1:{port}");
        let log = data_dir.join("server.log");
        let log_file = std::fs::File::create(&log)
            .with_context(|| format!("cannot create {}", log.display()))?;
        let child = tokio::process::Command::new(exe)
            .arg("serve")
            .arg("--database")
            .arg(database_url)
            .arg("--listen")
            .arg(format!("127.0.0.1:{port}"))
            .arg("--data-dir")
            .arg(data_dir)
            .args([
                "--limit-sends",
                "0",
                "--limit-searches",
                "0",
                "--limit-uploads",
                "0",
            ])
            .args(extra)
            .env(
                "TETHER_LOG",
                std::env::var("TETHER_BENCH_SERVER_LOG").unwrap_or_else(|_| "warn".into()),
            )
            .env_remove("TETHER_ADMIN_EMAIL")
            .env_remove("TETHER_ADMIN_PASSWORD")
            .env_remove("TETHER_NATS_URL")
            .env_remove("TETHER_PUBLIC_URL")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::from(log_file))
            .kill_on_drop(true)
            .spawn()
            .context("cannot start `tether serve`")?;
        let mut server = Server {
            base,
            running: Running::Child { child, log },
        };
        server.wait_ready(Duration::from_secs(60)).await?;
        Ok(server)
    }

    /// A server someone else runs.
    pub fn external(url: &str) -> Server {
        Server {
            base: url.trim_end_matches('/').to_owned(),
            running: Running::External,
        }
    }

    async fn wait_ready(&mut self, within: Duration) -> Result<()> {
        let http = reqwest::Client::new();
        let started = Instant::now();
        loop {
            if let Ok(r) = http.get(format!("{}/healthz", self.base)).send().await
                && r.status().is_success()
            {
                return Ok(());
            }
            if let Running::Child { child, log } = &mut self.running
                && let Ok(Some(status)) = child.try_wait()
            {
                bail!("`tether serve` exited ({status}): {}", log_tail(log));
            }
            if started.elapsed() > within {
                bail!(
                    "the server at {} did not answer /healthz within {within:?}",
                    self.base
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// in-process, child or url.
    pub fn label(&self) -> &'static str {
        match self.running {
            Running::InProcess { .. } => "in-process",
            Running::Child { .. } => "child",
            Running::External => "url",
        }
    }

    /// The server's process, when it is on this machine and known.
    pub fn pid(&self) -> Option<u32> {
        match &self.running {
            Running::InProcess { .. } => Some(std::process::id()),
            Running::Child { child, .. } => child.id(),
            Running::External => None,
        }
    }

    /// Mean sends per commit since the server started (group commit, `tether_sends_batched_total`
    /// over `tether_send_batches_total` from `/metrics`); `None` when the server does not say.
    pub async fn sends_per_commit(&self) -> Option<f64> {
        let text = reqwest::get(format!("{}/metrics", self.base))
            .await
            .ok()?
            .text()
            .await
            .ok()?;
        let value = |name: &str| -> Option<f64> {
            text.lines()
                .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.trim().parse().ok())
        };
        let (batches, sends) = (
            value("tether_send_batches_total")?,
            value("tether_sends_batched_total")?,
        );
        (batches > 0.0).then(|| ((sends / batches) * 10.0).round() / 10.0)
    }

    pub fn rss(&self) -> Option<Rss> {
        self.pid().and_then(rss_of)
    }

    /// Stops the server (in-process: gracefully; child: killed).
    pub async fn stop(self) -> Result<()> {
        match self.running {
            Running::InProcess { mut stop, task } => {
                if let Some(stop) = stop.take() {
                    let _ = stop.send(());
                }
                match tokio::time::timeout(Duration::from_secs(10), task).await {
                    Ok(Ok(Ok(()))) | Err(_) => Ok(()),
                    Ok(Ok(Err(e))) => Err(anyhow!("the server failed: {e}")),
                    Ok(Err(e)) => Err(anyhow!("the server task failed: {e}")),
                }
            }
            Running::Child { mut child, .. } => {
                let _ = child.kill().await;
                Ok(())
            }
            Running::External => Ok(()),
        }
    }
}

fn log_tail(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    let tail = lines[lines.len().saturating_sub(5)..].join(" | ");
    if tail.is_empty() {
        "no output".into()
    } else {
        tail
    }
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

    #[test]
    fn passwords_are_hidden() {
        assert_eq!(redact("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert_eq!(redact("postgres://u@h/db"), "postgres://u@h/db");
    }

    #[test]
    fn this_process_has_memory_and_cpu() {
        let rss = rss_of(std::process::id()).unwrap();
        assert!(rss.now > 0 && rss.peak >= rss.now);
        assert!(cpu_seconds(std::process::id()).is_some());
        assert!(open_files_limit().unwrap() > 0);
    }
}
