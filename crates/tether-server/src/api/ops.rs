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

pub fn routes(doc: Arc<utoipa::openapi::OpenApi>) -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .route(
            "/api/v1/openapi.json",
            get(move || async move { Json(doc.as_ref().clone()) }),
        )
}

/// # `GET /healthz`: 200 when the database answers, 503 otherwise. No authentication.
async fn healthz(State(state): State<AppState>) -> Response {
    match state.store.ping().await {
        Ok(()) => Json(json!({"status": "ok"})).into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "health check: database unreachable");
            problem(
                StatusCode::SERVICE_UNAVAILABLE,
                "the database is unreachable",
                Map::new(),
            )
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
