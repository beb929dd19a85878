//! What a panel run prints and writes: the data set, the load, each kind of request's rate and
//! latency (the finder's also per length of the text typed), the kinds left out, and CPU use.

use super::measure::{ByLength, Run};
use super::{Op, PanelArgs};
use crate::dataset::Manifest;
use crate::report::{Machine, Report, latency_line, num};
use crate::server::{CpuWatch, Server};
use anyhow::Result;
use serde_json::{Map, Value, json};
use std::sync::atomic::Ordering;
use std::time::Duration;

/// Table rows: what each line stands for, and its numbers.
type Rows = Vec<(String, String)>;

/// Prints the run's table and writes its JSON (with `--json`).
pub(super) fn report(
    args: &PanelArgs,
    manifest: &Manifest,
    cached: bool,
    backend: &str,
    server: &Server,
    run: &Run,
    cpu: &CpuWatch,
) -> Result<()> {
    let secs = Duration::from_secs_f64(args.seconds).as_secs_f64();
    let searcher_chats =
        run.searchers.iter().map(|a| a.chats.len()).sum::<usize>() / run.searchers.len().max(1);
    let mut rows: Rows = vec![
        manifest.row(cached),
        (
            "load".into(),
            format!(
                "{} request(s) in flight per kind, {} signed-in users; searches by {} users in {} chats on average",
                args.concurrency,
                run.agents.len(),
                run.searchers.len(),
                searcher_chats
            ),
        ),
    ];
    let per_request = per_request(run, secs, &mut rows);
    let mut extra = cpu_use(server, cpu, &mut rows);
    extra.insert("per_request".into(), Value::Object(per_request));
    extra.insert("data_set".into(), manifest.summary(cached));
    let report = Report {
        workload: "panel".into(),
        backend: backend.into(),
        server: server.label().into(),
        params: json!({
            "records": args.records, "chats": args.chats, "messages": args.messages, "users": args.users,
            "seed": args.seed, "seconds": args.seconds, "concurrency": args.concurrency, "sample_users": args.sample_users,
            "search_chats": args.search_chats, "searcher_mean_chats": searcher_chats, "only": args.only,
        }),
        throughput_per_s: ((run.all.count() as f64 / secs) * 10.0).round() / 10.0,
        delivered_per_s: None,
        latency_ms: run.all.summary(),
        errors: run.errors.total(),
        error_kinds: run.errors.kinds(),
        server_peak_rss_bytes: server.rss().map(|r| r.peak),
        duration_s: secs,
        machine: Machine::this(),
        extra,
    };
    rows.push((
        "all requests".into(),
        format!(
            "{} /s; {}",
            num(report.throughput_per_s),
            latency_line(&report.latency_ms)
        ),
    ));
    report.print("panel", &rows);
    report.write_json(args.common.json.as_deref())
}

/// A row per kind measured (and per length of the finder's text), then a row per kind left
/// out; returns the same as JSON, by kind.
fn per_request(run: &Run, secs: f64, rows: &mut Rows) -> Map<String, Value> {
    let mut per_request = run.missing.clone();
    for m in &run.measured {
        let l = m.latency.summary();
        let rate = m.ok.load(Ordering::Relaxed) as f64 / secs;
        rows.push((
            m.op.label().into(),
            format!("{} /s; {}", num(rate), latency_line(&l)),
        ));
        let mut entry = json!({"per_s": (rate * 10.0).round() / 10.0, "latency_ms": l});
        if m.op == Op::Finder {
            for ((_, key, label), h) in ByLength::CLASSES.iter().zip(&run.by_length.0) {
                let l = h.summary();
                rows.push((format!("  finder, {label}"), latency_line(&l)));
                entry[*key] = json!({"latency_ms": l});
            }
        }
        per_request.insert(m.op.name().into(), entry);
    }
    for (name, why) in &run.missing {
        rows.push((name.clone(), why.as_str().unwrap_or_default().to_owned()));
    }
    per_request
}

/// Rows of the server's (or, in-process, the whole process's) CPU use; returns the same as
/// JSON, with the load of everything else on the machine.
fn cpu_use(server: &Server, cpu: &CpuWatch, rows: &mut Rows) -> Map<String, Value> {
    let me = std::process::id();
    let mut extra = Map::new();
    let server_cores = server.pid().and_then(|p| cpu.cores_of(p));
    match server.pid() {
        Some(pid) if pid == me => {
            rows.push((
                "process CPU (server + load)".into(),
                format!("{:.2} cores", server_cores.unwrap_or(0.0)),
            ));
            extra.insert("process_cores_used".into(), json!(server_cores));
        }
        Some(_) => {
            rows.push((
                "server CPU".into(),
                format!("{:.2} cores", server_cores.unwrap_or(0.0)),
            ));
            extra.insert("server_cores_used".into(), json!(server_cores));
            extra.insert("bench_cores_used".into(), json!(cpu.cores_of(me)));
        }
        None => {}
    }
    extra.insert("other_load_cores".into(), json!(cpu.other_cores()));
    extra
}
