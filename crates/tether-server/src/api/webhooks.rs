//! Webhook endpoints (API.md *Integration*, **Webhooks**): the HTTP side of
//! `crate::app::webhooks::manage`. Called with an administrator's session or an API key with
//! the `webhooks` scope (`crate::auth::Integrator`); the address, secret and event names are
//! parsed here into the domain's types (422 naming the field) before the use case runs.

use crate::AppState;
use crate::api::limit;
use crate::app::webhooks::manage::{
    self, DeliveryList, NewWebhook, Redelivered, WebhookList, WebhookOut,
};
use crate::app::webhooks::payload;
use crate::auth::Integrator;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use tether_domain::invalid::Invalid;
use tether_domain::webhook::{DeliveryStatus, EventTypes, WebhookSecret, WebhookUrl};
use tether_store::webhooks::DeliveryFilter;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// What a delivery POSTs to an endpoint: documented with the API's schemas, though no
/// endpoint of Tether answers it.
#[derive(utoipa::OpenApi)]
#[openapi(components(schemas(
    payload::Payload,
    payload::PayloadRecord,
    payload::PayloadData,
    payload::PayloadChat,
    payload::PayloadMessage,
    payload::PayloadPerson,
    payload::PayloadNote
)))]
struct DeliveryDoc;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(<DeliveryDoc as utoipa::OpenApi>::openapi())
        .routes(routes!(create_webhook, list_webhooks))
        .routes(routes!(delete_webhook))
        .routes(routes!(list_deliveries))
        .routes(routes!(redeliver))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateWebhook {
    /// Where deliveries are POSTed: an http or https address. Private addresses are allowed
    /// (the host system often runs beside Tether).
    pub url: String,
    /// Signs every delivery (`Tether-Signature`): 16-256 characters, random. Never shown again.
    pub secret: String,
    /// `chat.connected`, `chat.disconnected`, `message.created`, `chat.joined`,
    /// `transcript.saved`, `record.handed_over`: at least one.
    pub events: Vec<String>,
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeliveryQuery {
    /// Only deliveries of this status: `pending`, `delivered` or `failed`.
    pub status: Option<String>,
    /// Only deliveries made before this one (its id), for paging back.
    pub before: Option<String>,
    /// 50 by default, at most 200.
    pub limit: Option<i64>,
}

/// # `POST /api/v1/webhooks`
///
/// Registers an endpoint for a host system: Tether POSTs the chosen events about chats
/// connected to records to `url`, signed with `secret`. Needs `admin` or an API key with the
/// `webhooks` scope; audited (without the secret). At most 50 endpoints (409).
#[utoipa::path(post, path = "/webhooks", tag = "integration", request_body = CreateWebhook,
    responses((status = 201, body = WebhookOut), (status = 401), (status = 403), (status = 409), (status = 422)))]
async fn create_webhook(
    State(state): State<AppState>,
    by: Integrator,
    ApiJson(req): ApiJson<CreateWebhook>,
) -> ApiResult<(StatusCode, Json<WebhookOut>)> {
    let url = WebhookUrl::parse(&req.url);
    let secret = WebhookSecret::parse(&req.secret);
    let events = EventTypes::parse(&req.events);
    let new = match (url, secret, events) {
        (Ok(url), Ok(secret), Ok(events)) => NewWebhook {
            url,
            secret,
            events,
        },
        (url, secret, events) => {
            let mut errors = Vec::new();
            if let Err(e) = url {
                errors.push(e.at("url"));
            }
            if let Err(e) = secret {
                errors.push(e.at("secret"));
            }
            if let Err(e) = events {
                errors.push(e.at("events"));
            }
            return Err(ApiError::fields(errors));
        }
    };
    let created = manage::create(&state, &by, new).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// # `GET /api/v1/webhooks`
///
/// Every endpoint, oldest first: address, events, who registered it, how many deliveries wait
/// or failed — never the secret. Needs `admin` or an API key with the `webhooks` scope.
#[utoipa::path(get, path = "/webhooks", tag = "integration",
    responses((status = 200, body = WebhookList), (status = 401), (status = 403)))]
async fn list_webhooks(
    State(state): State<AppState>,
    by: Integrator,
) -> ApiResult<Json<WebhookList>> {
    Ok(Json(manage::list(&state, &by).await?))
}

/// # `DELETE /api/v1/webhooks/{id}`
///
/// Removes an endpoint; its waiting deliveries are not sent. Needs `admin` or an API key with
/// the `webhooks` scope; audited.
#[utoipa::path(delete, path = "/webhooks/{id}", tag = "integration", params(("id" = String, Path)),
    responses((status = 204), (status = 401), (status = 403), (status = 404)))]
async fn delete_webhook(
    State(state): State<AppState>,
    by: Integrator,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<StatusCode> {
    manage::delete(&state, &by, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// # `GET /api/v1/webhooks/{id}/deliveries?status=&before=&limit=`
///
/// An endpoint's deliveries, newest first: each event's type and record, its status
/// (`pending`, `delivered`, `failed`), attempts, the last answer or error and the next
/// attempt. Kept 7 days after they finish. Needs `admin` or an API key with the `webhooks`
/// scope.
#[utoipa::path(get, path = "/webhooks/{id}/deliveries", tag = "integration",
    params(("id" = String, Path), DeliveryQuery),
    responses((status = 200, body = DeliveryList), (status = 401), (status = 403), (status = 404), (status = 422)))]
async fn list_deliveries(
    State(state): State<AppState>,
    by: Integrator,
    ApiPath(id): ApiPath<String>,
    ApiQuery(q): ApiQuery<DeliveryQuery>,
) -> ApiResult<Json<DeliveryList>> {
    let status = match q.status.as_deref().filter(|s| !s.trim().is_empty()) {
        None => None,
        Some(s) => Some(DeliveryStatus::parse(s).ok_or_else(|| {
            ApiError::invalid(
                "status",
                Invalid::Option,
                "use pending, delivered or failed",
            )
        })?),
    };
    let filter = DeliveryFilter {
        status,
        before: q.before.as_deref().filter(|s| !s.trim().is_empty()),
        limit: limit(q.limit, 50, 200),
    };
    Ok(Json(manage::deliveries(&state, &by, &id, &filter).await?))
}

/// # `POST /api/v1/webhooks/{id}/deliveries/{delivery_id}/redeliver`
///
/// Sends a delivered or failed delivery's event again: a new delivery with the same payload
/// and event id (receivers drop repeats by `Tether-Webhook-Id`), sent at once, after the
/// record's waiting deliveries. 409 while it is still pending. Needs `admin` or an API key
/// with the `webhooks` scope.
#[utoipa::path(post, path = "/webhooks/{id}/deliveries/{delivery_id}/redeliver", tag = "integration",
    params(("id" = String, Path), ("delivery_id" = String, Path)),
    responses((status = 202, body = Redelivered), (status = 401), (status = 403), (status = 404), (status = 409)))]
async fn redeliver(
    State(state): State<AppState>,
    by: Integrator,
    ApiPath((id, delivery_id)): ApiPath<(String, String)>,
) -> ApiResult<(StatusCode, Json<Redelivered>)> {
    let again = manage::redeliver(&state, &by, &id, &delivery_id).await?;
    Ok((StatusCode::ACCEPTED, Json(again)))
}
