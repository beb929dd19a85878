//! Cross-cutting layers: metrics per route, security headers, panics and timeouts as problem
//! documents.

use crate::error::problem;
use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use serde_json::Map;
use std::sync::OnceLock;
use std::time::Instant;
use tower_http::set_header::SetResponseHeaderLayer;

/// The process's Prometheus recorder. The `metrics` facade is process-wide by design, so the
/// recorder is installed once per process however many servers it runs (tests run several).
pub fn metrics_handle() -> Option<&'static PrometheusHandle> {
    static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();
    HANDLE
        .get_or_init(|| PrometheusBuilder::new().install_recorder().ok())
        .as_ref()
}

/// Counts requests and their latency by route template and status.
pub async fn track(req: Request, next: Next) -> Response {
    let start = Instant::now();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".into());
    let method = req.method().to_string();
    let res = next.run(req).await;
    let status = res.status().as_u16().to_string();
    metrics::counter!("http_requests_total", "method" => method.clone(), "route" => route.clone(), "status" => status).increment(1);
    metrics::histogram!("http_request_duration_seconds", "method" => method, "route" => route)
        .record(start.elapsed().as_secs_f64());
    res
}

/// The span of one request in the logs: method and path only. The query is left out, because an
/// event socket carries its token there (`/api/v1/events?token=…`), and no header is recorded.
pub fn request_span(req: &Request) -> tracing::Span {
    tracing::debug_span!("request", method = %req.method(), path = %req.uri().path())
}

/// Largest total size of a request's headers (names and values); browsers send a few KiB.
const MAX_HEADER_BYTES: usize = 32 * 1024;

/// Refuses requests whose headers are larger than [`MAX_HEADER_BYTES`] with a 431 problem.
pub async fn header_limit(req: Request, next: Next) -> Response {
    let size: usize = req
        .headers()
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len())
        .sum();
    if size > MAX_HEADER_BYTES {
        return problem(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            &format!(
                "the request's headers are {} KiB; at most {} KiB are accepted",
                size / 1024,
                MAX_HEADER_BYTES / 1024
            ),
            Map::new(),
        );
    }
    next.run(req).await
}

/// Ends a request that takes longer than the configured limit with a 503 problem document
/// (the work in flight is dropped; a write either committed before or not at all).
pub async fn deadline(
    axum::extract::State(limit): axum::extract::State<std::time::Duration>,
    req: Request,
    next: Next,
) -> Response {
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(res) => res,
        Err(_) => crate::error::ApiError::Unavailable(format!(
            "the request took longer than {} s and was stopped; try again (a write retried with the same Idempotency-Key is stored at most once)",
            limit.as_secs_f64()
        ))
        .into_response(),
    }
}

/// The security headers every response carries, as tower-http layers: no sniffing, no
/// referrer to other sites; a policy that allows nothing and no caching unless the handler
/// set its own (pages, assets and attachments do). Framing: [`frame_options`].
pub fn security_headers() -> [SetResponseHeaderLayer<HeaderValue>; 4] {
    [
        SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ),
        SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
        ),
        SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ),
    ]
}

/// `X-Frame-Options: DENY` on every answer but those whose own policy lets some origins frame
/// them (the embedded panel and its notices: `frame-ancestors <origins>`). Browsers that know
/// `frame-ancestors` ignore the older header beside it; the rest would block a frame the
/// policy allows, so it is left off there rather than contradicting the policy.
pub async fn frame_options(mut res: Response) -> Response {
    let framable = res
        .headers()
        .get(header::CONTENT_SECURITY_POLICY)
        .and_then(|v| v.to_str().ok())
        .is_some_and(frames_allowed);
    if !framable {
        res.headers_mut()
            .insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    res
}

/// Whether a `Content-Security-Policy` lets some origin frame the page.
fn frames_allowed(policy: &str) -> bool {
    policy.split(';').map(str::trim).any(|directive| {
        directive
            .strip_prefix("frame-ancestors")
            .is_some_and(|sources| !sources.trim().is_empty() && sources.trim() != "'none'")
    })
}

/// A panic in a handler becomes a 500 problem document; the server keeps running.
pub fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("a request handler panicked");
    problem(
        StatusCode::INTERNAL_SERVER_ERROR,
        "something went wrong on our side; it has been logged, please try again",
        Map::new(),
    )
}

/// Unknown routes answer with a problem document, not an empty 404.
pub async fn not_found() -> Response {
    problem(
        StatusCode::NOT_FOUND,
        "no such endpoint; see /api/v1/openapi.json for the API",
        Map::new(),
    )
}

/// Known routes with the wrong method.
pub async fn method_not_allowed() -> Response {
    problem(
        StatusCode::METHOD_NOT_ALLOWED,
        "this endpoint does not accept that method; see /api/v1/openapi.json",
        Map::new(),
    )
}

#[cfg(test)]
mod tests {
    use super::frames_allowed;

    #[test]
    fn i19_only_a_policy_naming_frame_ancestors_lets_a_page_be_framed() {
        assert!(frames_allowed(
            "default-src 'self'; frame-ancestors https://a.example http://localhost:9000; form-action 'self'"
        ));
        assert!(frames_allowed("frame-ancestors https://a.example"));
        assert!(!frames_allowed(
            "default-src 'none'; frame-ancestors 'none'"
        ));
        assert!(!frames_allowed("default-src 'self'; frame-ancestors ;"));
        assert!(!frames_allowed("default-src 'self'"));
        assert!(!frames_allowed(""));
    }
}
