//! What a run measured and how it is shown: a lock-free latency histogram, the JSON result
//! (`--json FILE`), the table printed at the end, and progress bars for the long phases.
//!
//! The histogram is log-linear (64 sub-buckets per power of two of microseconds, so about
//! 1.5 % resolution) and made of atomics, so a thousand client tasks record into one without
//! locks and the percentiles cover every sample, not a reservoir.

use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// log2 of the sub-buckets per power of two.
const SUB_BITS: u32 = 6;
const SUB: usize = 1 << SUB_BITS;
/// Enough buckets for values up to 2^57 µs.
const BUCKETS: usize = SUB * 53;

/// Latencies in microseconds, recorded concurrently.
pub struct Histogram {
    buckets: Box<[AtomicU64]>,
    count: AtomicU64,
    sum: AtomicU64,
    max: AtomicU64,
}

impl Default for Histogram {
    fn default() -> Self {
        Histogram {
            buckets: (0..BUCKETS).map(|_| AtomicU64::new(0)).collect(),
            count: AtomicU64::new(0),
            sum: AtomicU64::new(0),
            max: AtomicU64::new(0),
        }
    }
}

fn bucket_of(v: u64) -> usize {
    if v < (2 * SUB) as u64 {
        return v as usize;
    }
    let shift = 63 - v.leading_zeros() - SUB_BITS;
    let i = ((shift as usize) << SUB_BITS) + (v >> shift) as usize;
    i.min(BUCKETS - 1)
}

/// The middle of the values that fall into bucket `i`.
fn value_of(i: usize) -> u64 {
    if i < 2 * SUB {
        return i as u64;
    }
    let shift = (i >> SUB_BITS) - 1;
    let low = ((i - (shift << SUB_BITS)) as u64) << shift;
    low + (1u64 << shift) / 2
}

impl Histogram {
    pub fn record(&self, micros: u64) {
        if let Some(b) = self.buckets.get(bucket_of(micros)) {
            b.fetch_add(1, Ordering::Relaxed);
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        self.sum.fetch_add(micros, Ordering::Relaxed);
        self.max.fetch_max(micros, Ordering::Relaxed);
    }

    pub fn record_duration(&self, d: Duration) {
        self.record(u64::try_from(d.as_micros()).unwrap_or(u64::MAX));
    }

    pub fn count(&self) -> u64 {
        self.count.load(Ordering::Relaxed)
    }

    /// The value below which `q` (0–1) of the samples fall, in microseconds.
    fn quantile(&self, counts: &[u64], total: u64, q: f64) -> u64 {
        let rank = ((q * total as f64).ceil() as u64).clamp(1, total);
        let mut seen = 0;
        for (i, c) in counts.iter().enumerate() {
            seen += c;
            if seen >= rank {
                return value_of(i);
            }
        }
        self.max.load(Ordering::Relaxed)
    }

    /// p50, p90, p99 and max in milliseconds (zeros when nothing was recorded).
    pub fn summary(&self) -> Latency {
        let counts: Vec<u64> = self
            .buckets
            .iter()
            .map(|b| b.load(Ordering::Relaxed))
            .collect();
        let total: u64 = counts.iter().sum();
        let max = self.max.load(Ordering::Relaxed);
        if total == 0 {
            return Latency::default();
        }
        // A bucket's middle can lie above the largest value seen; never report more than it.
        let q = |x: f64| ms(self.quantile(&counts, total, x).min(max));
        Latency {
            p50: q(0.50),
            p90: q(0.90),
            p99: q(0.99),
            max: ms(max),
            mean: ms(self.sum.load(Ordering::Relaxed) / total),
            samples: total,
        }
    }
}

fn ms(micros: u64) -> f64 {
    micros as f64 / 1000.0
}

/// Latency percentiles in milliseconds.
#[derive(Clone, Debug, Default, Serialize, serde::Deserialize)]
pub struct Latency {
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
    pub max: f64,
    pub mean: f64,
    pub samples: u64,
}

/// Errors by kind ("http 500", "websocket closed", "undelivered", …).
#[derive(Default)]
pub struct Errors {
    kinds: std::sync::Mutex<BTreeMap<String, u64>>,
    total: AtomicU64,
}

impl Errors {
    pub fn add(&self, kind: impl Into<String>, n: u64) {
        if n == 0 {
            return;
        }
        self.total.fetch_add(n, Ordering::Relaxed);
        if let Ok(mut k) = self.kinds.lock() {
            *k.entry(kind.into()).or_default() += n;
        }
    }

    pub fn total(&self) -> u64 {
        self.total.load(Ordering::Relaxed)
    }

    pub fn kinds(&self) -> BTreeMap<String, u64> {
        self.kinds.lock().map(|k| k.clone()).unwrap_or_default()
    }
}

/// The result of one run, as written by `--json`.
#[derive(Debug, Serialize)]
pub struct Report {
    pub workload: String,
    /// sqlite, postgres, bare (the built-in broadcast server) or external (`--url`).
    pub backend: String,
    /// in-process, child (a `tether serve` process) or url.
    pub server: String,
    pub params: Value,
    /// The workload's main rate: accepted messages/s (chat, bare), requests/s (panel),
    /// connections opened/s (idle).
    pub throughput_per_s: f64,
    /// Events received by clients per second (chat, bare).
    pub delivered_per_s: Option<f64>,
    pub latency_ms: Latency,
    pub errors: u64,
    pub error_kinds: BTreeMap<String, u64>,
    /// Peak resident memory of the server process (VmHWM); with an in-process server that
    /// process also runs the load generator. Null for `--url`.
    pub server_peak_rss_bytes: Option<u64>,
    /// Length of the measured window.
    pub duration_s: f64,
    pub machine: Machine,
    /// Workload-specific numbers (request latency, memory per connection, ratios, …).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Where the run took place.
#[derive(Clone, Debug, Serialize)]
pub struct Machine {
    pub cores: usize,
    pub cpu: String,
    pub memory_bytes: Option<u64>,
    pub tether_version: &'static str,
    pub profile: &'static str,
}

impl Machine {
    pub fn this() -> Machine {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let cpu = cpuinfo
            .lines()
            .find_map(|l| l.strip_prefix("model name"))
            .and_then(|l| l.split_once(':'))
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_else(|| "unknown".into());
        let memory_bytes = std::fs::read_to_string("/proc/meminfo")
            .ok()
            .and_then(|m| status_kib(&m, "MemTotal:"))
            .map(|k| k * 1024);
        Machine {
            cores: std::thread::available_parallelism().map_or(1, usize::from),
            cpu,
            memory_bytes,
            tether_version: env!("CARGO_PKG_VERSION"),
            profile: if cfg!(debug_assertions) {
                "debug"
            } else {
                "release"
            },
        }
    }
}

/// A `Key:   123 kB` line of a /proc status file, in KiB.
pub fn status_kib(text: &str, key: &str) -> Option<u64> {
    text.lines()
        .find_map(|l| l.strip_prefix(key))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
}

impl Report {
    /// Writes the JSON file, if one was asked for.
    pub fn write_json(&self, path: Option<&Path>) -> anyhow::Result<()> {
        if let Some(path) = path {
            let text = serde_json::to_string_pretty(self)?;
            std::fs::write(path, text + "\n")
                .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
        }
        Ok(())
    }

    /// The readable table on stdout.
    pub fn print(&self, title: &str, rows: &[(String, String)]) {
        let mut all: Vec<(String, String)> = vec![
            (
                "backend".into(),
                format!("{} ({})", self.backend, self.server),
            ),
            (
                "machine".into(),
                format!(
                    "{} cores, {}, {} build",
                    self.machine.cores, self.machine.cpu, self.machine.profile
                ),
            ),
            ("measured".into(), format!("{:.1} s", self.duration_s)),
        ];
        all.extend(rows.iter().cloned());
        if let Some(other) = self.extra.get("other_load_cores").and_then(Value::as_f64)
            && other >= 0.15
        {
            all.push((
                "other processes".into(),
                format!(
                    "{other:.2} cores busy with other work during the window: these numbers are low"
                ),
            ));
        }
        all.push((
            "errors".into(),
            if self.errors == 0 {
                "0".into()
            } else {
                let kinds: Vec<String> = self
                    .error_kinds
                    .iter()
                    .map(|(k, n)| format!("{k}: {n}"))
                    .collect();
                format!("{} ({})", self.errors, kinds.join(", "))
            },
        ));
        all.push((
            "server peak RSS".into(),
            self.server_peak_rss_bytes.map_or_else(|| "n/a".into(), mib),
        ));
        let width = all
            .iter()
            .map(|(k, _)| k.chars().count())
            .max()
            .unwrap_or(0);
        let rule = "─".repeat(
            width
                + 2
                + all
                    .iter()
                    .map(|(_, v)| v.chars().count())
                    .max()
                    .unwrap_or(0)
                    .min(90),
        );
        println!();
        println!("tether bench {title}");
        println!("{rule}");
        for (k, v) in &all {
            println!("{k:<width$}  {v}");
        }
        println!("{rule}");
    }
}

/// `p50 1.2 · p90 3.4 · p99 9.9 · max 20.1 ms`.
pub fn latency_line(l: &Latency) -> String {
    if l.samples == 0 {
        return "no samples".into();
    }
    format!(
        "p50 {} · p90 {} · p99 {} · max {} ms ({} samples)",
        num(l.p50),
        num(l.p90),
        num(l.p99),
        num(l.max),
        l.samples
    )
}

/// A number with few but enough digits.
pub fn num(x: f64) -> String {
    if x >= 100.0 {
        format!("{x:.0}")
    } else if x >= 10.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.2}")
    }
}

pub fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

/// A progress bar on stderr (drawn only on a terminal).
pub fn bar(len: u64, what: &str) -> ProgressBar {
    let pb = ProgressBar::new(len);
    if let Ok(style) = ProgressStyle::with_template(
        "{msg:>22} [{elapsed_precise}] {wide_bar} {pos}/{len} ({per_sec}, eta {eta})",
    ) {
        pb.set_style(style);
    }
    pb.set_message(what.to_owned());
    pb
}

/// A spinner with a message, for phases whose length is a time rather than a count.
pub fn timer(seconds: u64, what: &str) -> ProgressBar {
    let pb = ProgressBar::new(seconds);
    if let Ok(style) =
        ProgressStyle::with_template("{msg:>22} [{elapsed_precise}] {wide_bar} {pos}/{len} s")
    {
        pb.set_style(style);
    }
    pb.set_message(what.to_owned());
    pb
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_continuous_and_close() {
        let mut last = 0;
        for v in [0u64, 1, 127, 128, 129, 255, 256, 1000, 65_000, 1 << 40] {
            let i = bucket_of(v);
            assert!(i >= last);
            last = i;
            let back = value_of(i);
            let err = back.abs_diff(v) as f64 / (v.max(1) as f64);
            assert!(err < 0.02, "{v} -> {i} -> {back}");
        }
    }

    #[test]
    fn percentiles_of_a_uniform_spread() {
        let h = Histogram::default();
        for v in 1..=10_000u64 {
            h.record(v);
        }
        let s = h.summary();
        assert!((s.p50 - 5.0).abs() < 0.1, "{s:?}");
        assert!((s.p99 - 9.9).abs() < 0.2, "{s:?}");
        assert_eq!(s.max, 10.0);
        assert_eq!(s.samples, 10_000);
    }
}
