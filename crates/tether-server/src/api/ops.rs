//! Operations endpoints outside the versioned API: `/healthz`, `/metrics`, and the OpenAPI
//! document at `/api/v1/openapi.json`.

use crate::AppState;
use crate::error::problem;
use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Map, json};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub fn routes(doc: Arc<utoipa::openapi::OpenApi>) -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .route(
            "/api/v1/openapi.json",
            get(move || async move { Json(doc.as_ref().clone()) }),
        )
}

/// Longest time between two probe writes of `/healthz` (calls in between report the last
/// outcome, so a flood of health checks costs no writes).
const WRITE_PROBE_EVERY: Duration = Duration::from_secs(1);

/// # `GET /healthz`: 200 when the database answers a real query, writes commit and the event
/// bus (where configured) is connected; otherwise 503 naming what is down. No authentication.
///
/// Writes are failing from the first write the storage refused until one commits again; the
/// probe write here (at most one a second) finds out even when no client writes, as on a node a
/// load balancer took out of rotation.
async fn healthz(State(state): State<AppState>) -> Response {
    let mut down: Vec<String> = Vec::new();
    let database = match state.store.probe_read().await {
        Ok(()) => "ok".to_owned(),
        Err(e) => {
            tracing::warn!(error = %e, "health check: the database does not answer a query");
            down.push(format!("database: {e}"));
            format!("failing: {e}")
        }
    };
    if probe_due(&state) {
        // Its outcome lands in the store's write health, read below.
        let _ = state.store.probe_write().await;
    }
    let writes = match state.store.write_failure() {
        None => "ok".to_owned(),
        Some(f) => {
            let since =
                time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(f.since_ms) * 1_000_000)
                    .ok()
                    .and_then(|t| {
                        t.format(&time::format_description::well_known::Rfc3339)
                            .ok()
                    })
                    .unwrap_or_default();
            down.push(format!("writes: failing since {since}: {}", f.reason));
            format!("failing since {since}: {}", f.reason)
        }
    };
    let event_bus = match state.bus.down() {
        None => "ok".to_owned(),
        Some(why) => {
            down.push(format!("event bus: {why}"));
            why
        }
    };
    let checks = json!({"database": database, "writes": writes, "event_bus": event_bus});
    if down.is_empty() {
        return Json(json!({"status": "ok", "checks": checks})).into_response();
    }
    let mut extra = Map::new();
    extra.insert("code".into(), json!("unhealthy"));
    extra.insert("checks".into(), checks);
    let mut res = problem(
        StatusCode::SERVICE_UNAVAILABLE,
        &format!("not healthy: {}", down.join("; ")),
        extra,
    );
    res.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
    res
}

/// True when this call should write the probe row (none in the last [`WRITE_PROBE_EVERY`]).
fn probe_due(state: &AppState) -> bool {
    let mut last = state
        .last_write_probe
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let now = Instant::now();
    match *last {
        Some(at) if now.duration_since(at) < WRITE_PROBE_EVERY => false,
        _ => {
            *last = Some(now);
            true
        }
    }
}

/// # `GET /metrics`: Prometheus text.
async fn metrics(State(state): State<AppState>) -> Response {
    if let Some((batches, sends)) = state.store.send_batches() {
        metrics::counter!("tether_send_batches_total").absolute(batches);
        metrics::counter!("tether_sends_batched_total").absolute(sends);
    }
    let body = crate::middleware::metrics_handle()
        .map(|h| h.render())
        .unwrap_or_default();
    let mut res = body.into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4"),
    );
    res
}
