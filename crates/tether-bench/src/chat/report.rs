//! What a chat or bare run reports: the result (as JSON with `--json`), its table, CPU per
//! message, and Tether's numbers as fractions of a bare result.

use crate::live::Outcome;
use crate::report::{Latency, Machine, Report, latency_line, num};
use anyhow::{Context, Result, bail};
use serde_json::{Value, json};

/// Adds Tether's throughput and deliveries as fractions of those of `b`, a bare result as JSON.
pub(super) fn add_ratio_to_bare(report: &mut Report, b: &Value) {
    let ratio = |key: &str| -> Value {
        let (t, c) = (report_number(report, key), b[key].as_f64().unwrap_or(0.0));
        if c > 0.0 {
            json!((t / c * 1000.0).round() / 1000.0)
        } else {
            Value::Null
        }
    };
    report.extra.insert(
        "ratio_to_bare".into(),
        json!({
            "throughput": ratio("throughput_per_s"),
            "delivered": ratio("delivered_per_s"),
            "bare_throughput_per_s": b["throughput_per_s"],
            "bare_p99_ms": b["latency_ms"]["p99"],
        }),
    );
}

/// The table row of the fractions of bare, when there are some.
pub(super) fn ratio_row(report: &Report) -> Option<(String, String)> {
    let r = report.extra.get("ratio_to_bare")?;
    Some((
        "of bare".into(),
        format!(
            "{} of {} msgs/s accepted, {} of deliveries",
            pct(&r["throughput"]),
            r["bare_throughput_per_s"]
                .as_f64()
                .map_or_else(|| "?".into(), num),
            pct(&r["delivered"])
        ),
    ))
}

fn pct(v: &Value) -> String {
    v.as_f64()
        .map_or_else(|| "?".into(), |x| format!("{:.0} %", x * 100.0))
}

fn report_number(r: &Report, key: &str) -> f64 {
    match key {
        "throughput_per_s" => r.throughput_per_s,
        "delivered_per_s" => r.delivered_per_s.unwrap_or(0.0),
        _ => 0.0,
    }
}

/// A bare result written earlier with `--json` (`--bare-json`).
pub(super) fn read_bare(path: &std::path::Path) -> Result<Value> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let v: Value = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a bench result", path.display()))?;
    if v["workload"] != "bare" {
        bail!(
            "{} holds a {} result, not bare",
            path.display(),
            v["workload"]
        );
    }
    Ok(v)
}

/// Cores process `pid` used during the window.
pub(super) fn cores_of(o: &Outcome, pid: u32) -> Option<f64> {
    o.cores
        .iter()
        .find(|(p, _)| *p == pid)
        .and_then(|(_, c)| *c)
}

/// Server CPU-seconds per 1,000 accepted messages, where the server's CPU was measured apart
/// from the load generator's (child servers).
pub(super) fn add_cpu_per_message(report: &mut Report) {
    let cores = report
        .extra
        .get("server_cores_used")
        .and_then(Value::as_f64);
    let accepted = report.extra.get("accepted").and_then(Value::as_f64);
    if let (Some(cores), Some(accepted)) = (cores, accepted)
        && accepted > 0.0
    {
        let per_1000 = cores * report.duration_s / accepted * 1000.0;
        report.extra.insert(
            "server_cpu_seconds_per_1000_messages".into(),
            json!((per_1000 * 1000.0).round() / 1000.0),
        );
    }
}

/// The report of a run's outcome: rates over the window, latencies and counts.
pub(super) fn to_report(
    workload: &str,
    backend: &str,
    server: &str,
    params: Value,
    o: &Outcome,
) -> Report {
    let secs = o.window.as_secs_f64();
    let mut extra = serde_json::Map::new();
    extra.insert("accepted".into(), json!(o.accepted));
    extra.insert("expected_deliveries".into(), json!(o.expected_deliveries));
    extra.insert("delivered".into(), json!(o.delivered));
    extra.insert("events_received".into(), json!(o.events_received));
    extra.insert("skipped_sends".into(), json!(o.skipped_sends));
    extra.insert("other_load_cores".into(), json!(o.other_cores));
    extra.insert("request_latency_ms".into(), json!(o.request_latency));
    extra.insert(
        "connect_seconds".into(),
        json!((o.connect_seconds * 100.0).round() / 100.0),
    );
    Report {
        workload: workload.into(),
        backend: backend.into(),
        server: server.into(),
        params,
        throughput_per_s: round1(o.accepted as f64 / secs),
        delivered_per_s: Some(round1(o.delivered as f64 / secs)),
        latency_ms: o.latency.clone(),
        errors: o.errors.total(),
        error_kinds: o.errors.kinds(),
        server_peak_rss_bytes: None,
        duration_s: secs,
        machine: Machine::this(),
        extra,
    }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// The table rows of a chat or bare report.
pub(super) fn rows(r: &Report) -> Vec<(String, String)> {
    let p = &r.params;
    let mut rows = vec![
        (
            "load".into(),
            format!(
                "{} clients in {} chats of {}, {}",
                p["clients"],
                p["chats"],
                p["members"],
                if p["rate"].as_f64().unwrap_or(0.0) > 0.0 {
                    format!(
                        "{} msgs/s offered, {}",
                        p["rate"],
                        match p["pattern"].as_str() {
                            Some("burst") => "in bursts (every chat at once)",
                            _ => "evenly spread over the chats",
                        }
                    )
                } else {
                    format!("{} senders flat out", p["senders"])
                }
            ),
        ),
        (
            "accepted (201)".into(),
            format!(
                "{} msgs/s ({} messages)",
                num(r.throughput_per_s),
                r.extra["accepted"]
            ),
        ),
        (
            "delivered".into(),
            format!(
                "{} events/s ({} of {} expected)",
                num(r.delivered_per_s.unwrap_or(0.0)),
                r.extra["delivered"],
                r.extra["expected_deliveries"]
            ),
        ),
        ("send → receive".into(), latency_line(&r.latency_ms)),
    ];
    if let Ok(l) = serde_json::from_value::<Latency>(r.extra["request_latency_ms"].clone()) {
        rows.push(("send → 201".into(), latency_line(&l)));
    }
    if r.extra["skipped_sends"].as_u64().unwrap_or(0) > 0 {
        rows.push((
            "skipped sends".into(),
            format!(
                "{} (the load generator could not keep the rate with --max-inflight requests out)",
                r.extra["skipped_sends"]
            ),
        ));
    }
    for (key, label) in [
        ("node_a_cores_used", "node A CPU"),
        ("node_b_cores_used", "node B CPU"),
        ("server_cores_used", "server CPU"),
        ("bench_cores_used", "load generator CPU"),
        ("process_cores_used", "process CPU (server + load)"),
    ] {
        if let Some(c) = r.extra.get(key).and_then(Value::as_f64) {
            rows.push((label.into(), format!("{c:.2} cores")));
        }
    }
    if let Some(n) = r.extra.get("sends_per_commit").and_then(Value::as_f64) {
        rows.push(("sends per commit".into(), format!("{n:.1} (mean)")));
    }
    if let Some(c) = r
        .extra
        .get("server_cpu_seconds_per_1000_messages")
        .and_then(Value::as_f64)
    {
        rows.push((
            "server CPU per 1,000 msgs".into(),
            format!("{c:.2} CPU-seconds"),
        ));
    }
    let mib = |key: &str| {
        r.extra
            .get(key)
            .and_then(Value::as_u64)
            .map(|b| format!("{:.1} MiB", b as f64 / 1_048_576.0))
    };
    if let (Some(start), Some(after)) =
        (mib("server_rss_start_bytes"), mib("server_rss_after_bytes"))
    {
        let settle = r
            .extra
            .get("settle_s")
            .and_then(Value::as_f64)
            .unwrap_or(0.0);
        rows.push((
            "server RSS".into(),
            format!("{start} before sign-ins, {after} {settle:.0} s after the run"),
        ));
    }
    rows
}
