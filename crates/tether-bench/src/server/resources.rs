//! What the processes of a run use, read from `/proc` (Linux only; elsewhere the numbers are
//! simply missing): memory, CPU time of a process and of the whole machine, and the limit on
//! open files.

use crate::report::status_kib;
use anyhow::{Result, bail};

/// Memory of one process, in bytes.
#[derive(Clone, Copy, Debug, Default)]
pub struct Rss {
    pub now: u64,
    pub peak: u64,
    /// Of `now`: the process's own memory (heap, stacks), and mapped files (SQLite's memory
    /// map of the database); 0 where the kernel does not say.
    pub anon: u64,
    pub file: u64,
}

/// Resident memory of process `pid` (VmRSS, VmHWM).
pub fn rss_of(pid: u32) -> Option<Rss> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    Some(Rss {
        now: status_kib(&status, "VmRSS:")? * 1024,
        peak: status_kib(&status, "VmHWM:")? * 1024,
        anon: status_kib(&status, "RssAnon:").unwrap_or(0) * 1024,
        file: status_kib(&status, "RssFile:").unwrap_or(0) * 1024,
    })
}

/// User plus system CPU seconds used so far by process `pid`. Assumes the usual 100 clock
/// ticks per second of Linux.
fn cpu_seconds(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name may hold spaces; the fields after it are fixed.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

/// Busy CPU seconds of the whole machine so far, every process counted (`/proc/stat`).
fn machine_busy_seconds() -> Option<f64> {
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

/// CPU in cores during a watch: the server, the load generator, everything else.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct CpuUse {
    /// The `tether serve` process (null when the server runs inside the load generator).
    pub server_cores: Option<f64>,
    /// The load generator (with an in-process server, both).
    pub generator_cores: Option<f64>,
    /// Every other process: the database server (PostgreSQL), other work on the machine.
    pub other_cores: Option<f64>,
    /// Server and database together, as a share of the machine's cores. With an in-process
    /// server the generator is counted too (the figure is then pessimistic).
    pub server_side_share: Option<f64>,
}

impl CpuWatch {
    /// What the server (`server_pid`; this process when it runs in-process), this process and
    /// the rest of a machine of `machine_cores` used since the start.
    pub fn split(&self, server_pid: Option<u32>, machine_cores: usize) -> CpuUse {
        let me = std::process::id();
        let child = server_pid.filter(|p| *p != me);
        let generator = self.cores_of(me);
        let server = child.and_then(|p| self.cores_of(p));
        let other = self.other_cores();
        let server_side = match child {
            Some(_) => server.zip(other).map(|(s, o)| s + o),
            None => generator.zip(other).map(|(g, o)| g + o),
        };
        CpuUse {
            server_cores: server,
            generator_cores: generator,
            other_cores: other,
            server_side_share: server_side
                .map(|s| (s / machine_cores.max(1) as f64 * 1000.0).round() / 1000.0),
        }
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// The soft limit on open files of this process (children inherit it).
fn open_files_limit() -> Option<u64> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_has_memory_and_cpu() {
        let rss = rss_of(std::process::id()).unwrap();
        assert!(rss.now > 0 && rss.peak >= rss.now);
        assert!(cpu_seconds(std::process::id()).is_some());
        assert!(open_files_limit().unwrap() > 0);
    }
}
