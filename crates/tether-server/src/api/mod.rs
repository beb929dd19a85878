//! The HTTP API of API.md, one module per resource, and the OpenAPI document that describes
//! it. Routes are registered through utoipa-axum, so a route without documentation cannot
//! exist: the served `/api/v1/openapi.json` lists exactly the routes the server answers.

pub mod admin;
pub mod attachments;
pub mod cards;
pub mod channels;
pub mod chats;
pub mod collab;
pub mod external;
pub mod handover;
pub mod integrations;
pub mod keys;
pub mod messages;
pub mod ops;
pub mod reach;
pub mod records;
pub mod search;
pub mod session;
pub mod suggestions;
pub mod webhooks;

use crate::AppState;
pub use crate::app::views::{PersonRef, rfc3339};
use crate::middleware;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::TraceLayer;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;

#[derive(OpenApi)]
#[openapi(
    info(title = "Tether API", version = "1", description = "Record-connected collaboration for customer-service teams. Errors are application/problem+json (RFC 9457)."),
    modifiers(&SecurityAddon),
    security(("bearer" = []), ("cookie" = []))
)]
struct ApiDoc;

struct SecurityAddon;

impl Modify for SecurityAddon {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "The token from POST /auth/login; on the integration endpoints (tag integration) also an API key (tk_…)",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "cookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                crate::auth::SESSION_COOKIE,
                "Session cookie from login; writes also need the x-csrf-token header",
            ))),
        );
    }
}

/// The API routes and their OpenAPI document (before the document is served).
pub fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi()).nest(
        "/api/v1",
        OpenApiRouter::new()
            .merge(session::routes())
            .merge(admin::routes())
            .merge(records::routes())
            .merge(external::routes())
            .merge(keys::routes())
            .merge(webhooks::routes())
            .merge(integrations::routes())
            .merge(reach::routes())
            .merge(chats::routes())
            .merge(messages::routes())
            .merge(attachments::routes())
            .merge(collab::routes())
            .merge(channels::routes())
            .merge(cards::routes())
            .merge(suggestions::routes())
            .merge(handover::routes())
            .merge(search::routes())
            .routes(utoipa_axum::routes!(crate::ws::events)),
    )
}

/// The served OpenAPI document.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let (_, api) = api_routes().split_for_parts();
    api
}

pub fn router(state: AppState) -> Router {
    let (api, doc) = api_routes().split_for_parts();
    let doc = std::sync::Arc::new(doc);
    let timeout = state.config.request_timeout;
    let body_limit = state.config.json_body_limit;
    let app = Router::new()
        .merge(api)
        .merge(ops::routes(doc))
        .merge(crate::web::routes())
        .fallback(middleware::not_found)
        .method_not_allowed_fallback(middleware::method_not_allowed)
        .layer(axum::middleware::from_fn(middleware::track))
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(axum::middleware::from_fn_with_state(
            timeout,
            middleware::deadline,
        ))
        .layer(axum::middleware::from_fn(middleware::header_limit));
    middleware::security_headers()
        .into_iter()
        .fold(app, Router::layer)
        .layer(axum::middleware::map_response(middleware::frame_options))
        .layer(CatchPanicLayer::custom(middleware::panic_response))
        .layer(TraceLayer::new_for_http().make_span_with(middleware::request_span))
        .with_state(state)
}

/// Epoch milliseconds of an RFC 3339 time given by a client.
pub fn parse_rfc3339(field: &str, s: &str) -> Result<i64, crate::error::ApiError> {
    use time::format_description::well_known::Rfc3339;
    time::OffsetDateTime::parse(s, &Rfc3339)
        .map(|t| i64::try_from(t.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX))
        .map_err(|_| {
            crate::error::ApiError::invalid(
                field,
                tether_domain::invalid::Invalid::Format,
                "must be an RFC 3339 time such as 2026-11-24T09:30:00Z",
            )
        })
}

/// The page size asked for, within bounds.
pub fn limit(asked: Option<i64>, default: i64, max: i64) -> i64 {
    asked.unwrap_or(default).clamp(1, max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_round_trip() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(
            parse_rfc3339("t", &rfc3339(1_700_000_000_123)).unwrap(),
            1_700_000_000_123
        );
        assert!(parse_rfc3339("t", "yesterday").is_err());
    }

    /// Every place of a schema that says "an object" also says what is in it: named properties,
    /// or the type of a map's values (issue 17: no untyped `Object` schemas).
    #[test]
    fn every_object_schema_says_what_it_holds() {
        fn walk(at: &str, v: &serde_json::Value, bare: &mut Vec<String>) {
            match v {
                serde_json::Value::Object(m) => {
                    let is_object = m.get("type").is_some_and(|t| {
                        t == "object"
                            || t.as_array()
                                .is_some_and(|a| a.iter().any(|x| x == "object"))
                    });
                    if is_object
                        && !m.contains_key("properties")
                        && !m.contains_key("additionalProperties")
                    {
                        bare.push(at.to_owned());
                    }
                    for (k, x) in m {
                        walk(&format!("{at}/{k}"), x, bare);
                    }
                }
                serde_json::Value::Array(a) => {
                    for (i, x) in a.iter().enumerate() {
                        walk(&format!("{at}/{i}"), x, bare);
                    }
                }
                _ => {}
            }
        }
        let doc = serde_json::to_value(openapi()).expect("the document serializes");
        let mut bare = Vec::new();
        walk("", &doc, &mut bare);
        assert!(
            bare.is_empty(),
            "object schemas without properties: {bare:#?}"
        );
    }
}
