//! What an agents run prints and writes: the data set, the day's mix, a line per step with
//! its verdict, the supported number of agents, and the requests of the last step that passed.

use super::kinds::Action;
use super::window::{StepResult, Thresholds};
use super::{AgentsArgs, Stage};
use crate::report::{Latency, Machine, Report, latency_line, num};
use anyhow::Result;
use serde_json::{Map, Value, json};

/// Prints the run's table and writes its JSON (with `--json`).
pub(super) fn report(args: &AgentsArgs, stage: &Stage, steps: &[StepResult]) -> Result<()> {
    let (manifest, cached, server) = (&stage.manifest, stage.cached, &stage.server);
    let passed = steps.iter().rev().find(|s| s.tripped.is_empty());
    let last = steps.last();
    let shown = passed.or(last);
    let supported = passed.map_or(0, |s| s.agents);
    let mix: Vec<String> = Action::ALL
        .iter()
        .map(|a| format!("{} {} %", a.name(), a.weight()))
        .collect();
    let mut rows = vec![
        manifest.row(cached),
        (
            "day".into(),
            format!(
                "think {} s on average (exponential); {}",
                num(args.think),
                mix.join(", ")
            ),
        ),
        (
            "steps".into(),
            format!(
                "{} agents, then +{} every step; {} s to settle, {} s measured",
                args.start,
                args.step,
                num(args.ramp),
                num(args.step_seconds)
            ),
        ),
    ];
    for s in steps {
        rows.push((format!("{} agents", s.agents), s.line(&s.tripped)));
    }
    rows.push((
        "supported agents".into(),
        match (passed, last) {
            (Some(p), Some(l)) if l.tripped.is_empty() => format!(
                "≥ {} (every step passed; the data set has no more people, or --max)",
                p.agents
            ),
            (Some(p), Some(l)) => format!(
                "{} ({} agents tripped: {})",
                p.agents,
                l.agents,
                l.tripped.join("; ")
            ),
            _ => format!("fewer than {} (the first step tripped)", args.start),
        },
    ));
    if let Some(s) = shown {
        rows.push((
            format!("requests at {} agents", s.agents),
            format!(
                "{} /s, {} actions/s; {}",
                num(s.requests_per_s),
                num(s.actions_per_s),
                latency_line(&s.latency_ms)
            ),
        ));
        for (name, l) in &s.per_request_ms {
            if l.samples > 0 {
                rows.push((format!("  {name}"), latency_line(l)));
            }
        }
        rows.push((
            "  send → receive".into(),
            format!(
                "{}; {} events/s",
                latency_line(&s.delivery_ms),
                num(s.events_per_s)
            ),
        ));
    }
    let mut extra = Map::new();
    extra.insert("supported_agents".into(), json!(supported));
    extra.insert("steps".into(), serde_json::to_value(steps)?);
    extra.insert(
        "thresholds".into(),
        serde_json::to_value(Thresholds::default())?,
    );
    extra.insert("data_set".into(), manifest.summary(cached));
    extra.insert(
        "mix".into(),
        Value::Object(
            Action::ALL
                .iter()
                .map(|a| (a.name().to_owned(), json!(a.weight())))
                .collect(),
        ),
    );
    let report = Report {
        workload: "agents".into(),
        backend: stage.db.backend.into(),
        server: server.label().into(),
        params: json!({
            "records": args.data.records, "chats": args.data.chats, "messages": args.data.messages,
            "users": args.data.users, "seed": args.data.seed, "start": args.start, "step": args.step, "max": args.max, "ramp": args.ramp,
            "step_seconds": args.step_seconds, "think": args.think,
        }),
        throughput_per_s: shown.map_or(0.0, |s| s.requests_per_s),
        delivered_per_s: shown.map(|s| s.events_per_s),
        latency_ms: shown.map_or_else(Latency::default, |s| s.latency_ms.clone()),
        errors: shown.map_or(0, |s| s.errors),
        error_kinds: shown.map(|s| s.error_kinds.clone()).unwrap_or_default(),
        server_peak_rss_bytes: server.rss().map(|r| r.peak),
        duration_s: shown.map_or(0.0, |s| s.seconds),
        machine: Machine::this(),
        extra,
    };
    report.print("agents", &rows);
    report.write_json(args.common.json.as_deref())
}
