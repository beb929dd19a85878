//! The server under test and its database: a fresh SQLite file in a temporary directory, or a
//! fresh PostgreSQL database `tether_bench_<id>` created on the server `--database` names and
//! dropped afterwards; the server itself runs inside this process, as a child process
//! (`tether serve`, the honest way to measure its memory), or elsewhere (`--url`).
//!
//! Memory and CPU are read from `/proc/<pid>/status` and `/proc/<pid>/stat` (Linux only; the
//! numbers are simply missing elsewhere).
//!
//! Here: where the server runs and its handle ([`Server`]); the database in `database`, what the
//! processes use (memory, CPU, open files) in `resources`.

mod database;
mod resources;

pub use database::{BenchDb, open_store, redact};
pub use resources::{CpuUse, CpuWatch, Rss, check_open_files, rss_of};

use anyhow::{Context, Result, anyhow, bail};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};
use tether_server::{AppState, Config};
use tether_store::Store;
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

    /// The processes whose CPU a run watches: this one and, for a child server, the server.
    pub fn watched_pids(&self) -> Vec<u32> {
        let mut pids = vec![std::process::id()];
        pids.extend(self.pid().filter(|p| *p != std::process::id()));
        pids
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
