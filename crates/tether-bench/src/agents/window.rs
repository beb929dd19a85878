//! What one step's window measured ([`Window`], filled by the agents while it is open), its
//! result ([`StepResult`]) and the thresholds a step must pass ([`Thresholds`], as in
//! Mattermost's capacity tests: mean request time, p99, error rate, server CPU).

use super::kinds::{Action, Req};
use crate::report::{Errors, Histogram, Latency, num};
use crate::server::{CpuUse, CpuWatch};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// What the agents record while a window is open.
pub(super) struct Window {
    started: Instant,
    by_req: Vec<Histogram>,
    /// Every request of every kind.
    all: Histogram,
    actions: Vec<AtomicU64>,
    pub(super) errors: Errors,
    /// Event frames the agents' sockets received.
    pub(super) events: AtomicU64,
    /// Send to `message.created` at each member, for messages sent in this window.
    pub(super) delivery: Histogram,
}

impl Default for Window {
    fn default() -> Self {
        Window {
            started: Instant::now(),
            by_req: Req::ALL.iter().map(|_| Histogram::default()).collect(),
            all: Histogram::default(),
            actions: Action::ALL.iter().map(|_| AtomicU64::new(0)).collect(),
            errors: Errors::default(),
            events: AtomicU64::new(0),
            delivery: Histogram::default(),
        }
    }
}

impl Window {
    /// A request of kind `req` answered successfully after `elapsed`.
    pub(super) fn answered(&self, req: Req, elapsed: std::time::Duration) {
        if let Some(h) = self.by_req.get(req.index()) {
            h.record_duration(elapsed);
        }
        self.all.record_duration(elapsed);
    }

    /// A request of kind `req` failed (`why`: its status or what went wrong).
    pub(super) fn failed(&self, req: Req, why: &str) {
        self.errors.add(format!("{}: {why}", req.name()), 1);
    }

    /// When the window opened, in µs since `clock`.
    pub(super) fn opened_at(&self, clock: Instant) -> u64 {
        u64::try_from(self.started.saturating_duration_since(clock).as_micros()).unwrap_or(0)
    }

    pub(super) fn acted(&self, action: Action) {
        if let Some(n) = self.actions.get(action.index()) {
            n.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// One step's outcome.
#[derive(Clone, Debug, Serialize)]
pub(super) struct StepResult {
    pub(super) agents: usize,
    pub(super) seconds: f64,
    pub(super) requests: u64,
    pub(super) requests_per_s: f64,
    pub(super) actions_per_s: f64,
    pub(super) latency_ms: Latency,
    pub(super) errors: u64,
    pub(super) error_rate: f64,
    pub(super) error_kinds: BTreeMap<String, u64>,
    pub(super) per_request_ms: BTreeMap<&'static str, Latency>,
    pub(super) actions: BTreeMap<&'static str, u64>,
    pub(super) events_per_s: f64,
    pub(super) delivery_ms: Latency,
    pub(super) cpu: CpuUse,
    /// The thresholds this step tripped (empty: it passed).
    pub(super) tripped: Vec<String>,
}

impl StepResult {
    /// The result of `window`, with `agents` agents at work; `cpu` watched this process and
    /// the server (`server_pid`, none when in-process) during it.
    pub(super) fn of(
        agents: usize,
        window: &Window,
        cpu: &CpuWatch,
        server_pid: Option<u32>,
        machine_cores: usize,
    ) -> StepResult {
        let seconds = window.started.elapsed().as_secs_f64().max(1e-9);
        let latency = window.all.summary();
        let errors = window.errors.total();
        let requests = latency.samples;
        let actions: BTreeMap<&'static str, u64> = Action::ALL
            .iter()
            .zip(&window.actions)
            .map(|(a, n)| (a.name(), n.load(Ordering::Relaxed)))
            .collect();
        StepResult {
            agents,
            seconds: round(seconds, 1),
            requests,
            requests_per_s: round(requests as f64 / seconds, 1),
            actions_per_s: round(actions.values().sum::<u64>() as f64 / seconds, 1),
            latency_ms: latency,
            errors,
            error_rate: errors as f64 / (requests + errors).max(1) as f64,
            error_kinds: window.errors.kinds(),
            per_request_ms: Req::ALL
                .iter()
                .zip(&window.by_req)
                .map(|(r, h)| (r.name(), h.summary()))
                .collect(),
            actions,
            events_per_s: round(window.events.load(Ordering::Relaxed) as f64 / seconds, 1),
            delivery_ms: window.delivery.summary(),
            cpu: cpu.split(server_pid, machine_cores),
            tripped: Vec::new(),
        }
    }

    /// A step whose agents could not be added (a sign-in or a socket refused): nothing was
    /// measured, and the step counts as tripped with the reason.
    pub(super) fn not_started(agents: usize, why: &anyhow::Error) -> StepResult {
        StepResult {
            agents,
            seconds: 0.0,
            requests: 0,
            requests_per_s: 0.0,
            actions_per_s: 0.0,
            latency_ms: Latency::default(),
            errors: 0,
            error_rate: 0.0,
            error_kinds: BTreeMap::new(),
            per_request_ms: BTreeMap::new(),
            actions: BTreeMap::new(),
            events_per_s: 0.0,
            delivery_ms: Latency::default(),
            cpu: CpuUse::default(),
            tripped: vec![format!("the step could not start: {why:#}")],
        }
    }

    pub(super) fn with_verdict(mut self, tripped: Vec<String>) -> StepResult {
        self.tripped = tripped;
        self
    }

    /// One line for the progress log.
    pub(super) fn line(&self, tripped: &[String]) -> String {
        format!(
            "{} agents: {} req/s, mean {} ms, p99 {} ms, errors {}, server side {} of the machine, generator {} cores — {}",
            self.agents,
            num(self.requests_per_s),
            num(self.latency_ms.mean),
            num(self.latency_ms.p99),
            self.errors,
            self.cpu
                .server_side_share
                .map_or("n/a".into(), |s| format!("{:.0} %", s * 100.0)),
            self.cpu.generator_cores.map_or("n/a".into(), num),
            if tripped.is_empty() {
                "passed".to_owned()
            } else {
                format!("tripped: {}", tripped.join("; "))
            }
        )
    }
}

fn round(x: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (x * f).round() / f
}

/// The lines a step must stay within.
#[derive(Clone, Debug, Serialize)]
pub(super) struct Thresholds {
    pub(super) mean_ms: f64,
    pub(super) p99_ms: f64,
    /// Errors per request made.
    pub(super) error_rate: f64,
    /// Server and database CPU as a share of the machine.
    pub(super) server_share: f64,
    /// Fewer requests than this in a window make its figures meaningless.
    pub(super) min_requests: u64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            mean_ms: 100.0,
            p99_ms: 1000.0,
            error_rate: 0.000_25,
            server_share: 0.85,
            min_requests: 100,
        }
    }
}

impl Thresholds {
    /// The thresholds `step` tripped, each said with its figure; empty when it passed.
    pub(super) fn check(&self, step: &StepResult) -> Vec<String> {
        let mut out = Vec::new();
        let l = &step.latency_ms;
        if l.samples < self.min_requests {
            out.push(format!(
                "only {} requests answered (fewer than {})",
                l.samples, self.min_requests
            ));
        }
        if l.mean > self.mean_ms {
            out.push(format!(
                "mean request {} ms > {} ms",
                num(l.mean),
                num(self.mean_ms)
            ));
        }
        if l.p99 > self.p99_ms {
            out.push(format!("p99 {} ms > {} ms", num(l.p99), num(self.p99_ms)));
        }
        if step.error_rate >= self.error_rate {
            out.push(format!(
                "errors {:.3} % ≥ {:.3} %",
                step.error_rate * 100.0,
                self.error_rate * 100.0
            ));
        }
        if let Some(share) = step.cpu.server_side_share
            && share > self.server_share
        {
            out.push(format!(
                "server side {:.0} % > {:.0} % of the machine",
                share * 100.0,
                self.server_share * 100.0
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(mean: f64, p99: f64, requests: u64, errors: u64, share: f64) -> StepResult {
        StepResult {
            agents: 1000,
            seconds: 60.0,
            requests,
            requests_per_s: requests as f64 / 60.0,
            actions_per_s: 0.0,
            latency_ms: Latency {
                p50: mean,
                p90: p99,
                p99,
                max: p99,
                mean,
                samples: requests,
            },
            errors,
            error_rate: errors as f64 / (requests + errors).max(1) as f64,
            error_kinds: BTreeMap::new(),
            per_request_ms: BTreeMap::new(),
            actions: BTreeMap::new(),
            events_per_s: 0.0,
            delivery_ms: Latency::default(),
            cpu: CpuUse {
                server_side_share: Some(share),
                ..CpuUse::default()
            },
            tripped: Vec::new(),
        }
    }

    #[test]
    fn a_step_that_could_not_start_is_tripped_with_its_reason() {
        let why = anyhow::anyhow!("sign-in refused: 503");
        let s = StepResult::not_started(3000, &why);
        assert_eq!(s.agents, 3000);
        assert_eq!(
            s.tripped,
            ["the step could not start: sign-in refused: 503"]
        );
        assert!(
            s.line(&s.tripped)
                .ends_with("tripped: the step could not start: sign-in refused: 503")
        );
    }

    #[test]
    fn a_step_within_every_line_passes() {
        let t = Thresholds::default();
        assert!(t.check(&step(40.0, 900.0, 10_000, 2, 0.80)).is_empty());
    }

    #[test]
    fn each_line_trips_on_its_own() {
        let t = Thresholds::default();
        let slow = t.check(&step(101.0, 900.0, 10_000, 0, 0.5));
        assert_eq!(slow.len(), 1, "{slow:?}");
        assert!(slow[0].starts_with("mean request"), "{slow:?}");
        assert!(t.check(&step(50.0, 1001.0, 10_000, 0, 0.5))[0].starts_with("p99"));
        // 3 errors in 10,003 requests is 0.03 %: over the 0.025 % line; 2 is 0.02 %: under.
        assert!(t.check(&step(50.0, 500.0, 10_000, 3, 0.5))[0].starts_with("errors"));
        assert!(t.check(&step(50.0, 500.0, 10_000, 2, 0.5)).is_empty());
        assert!(t.check(&step(50.0, 500.0, 10_000, 0, 0.86))[0].starts_with("server side"));
        assert!(t.check(&step(50.0, 500.0, 10, 0, 0.1))[0].starts_with("only 10"));
    }
}
