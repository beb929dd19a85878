//! The webhook endpoints' use cases (API.md *Integration*, **Webhooks**): an administrator's
//! session or an API key with the `webhooks` scope registers endpoints, lists them (never
//! their secrets), removes them, lists an endpoint's deliveries and sends one again.
//! Registering and removing are audited by the store in the change's transaction.

use crate::AppState;
use crate::app::actor::Actor;
use crate::app::views::{PersonRef, rfc3339};
use crate::auth::Integrator;
use crate::error::{ApiError, ApiResult};
use serde::Serialize;
use tether_domain::integration::Scope;
use tether_domain::webhook::{DeliveryStatus, EventTypes, WebhookSecret, WebhookUrl};
use tether_store::StoreError;
use tether_store::webhooks::{Delivery, DeliveryFilter, Endpoint, NewEndpoint};
use utoipa::ToSchema;

/// An endpoint to register, parsed at the edge.
pub struct NewWebhook {
    pub url: WebhookUrl,
    pub secret: WebhookSecret,
    pub events: EventTypes,
}

/// The API key an endpoint was registered with.
#[derive(Serialize, ToSchema)]
pub struct KeyRef {
    pub id: String,
    pub name: String,
}

/// An endpoint as it is listed: never its secret.
#[derive(Serialize, ToSchema)]
pub struct WebhookOut {
    pub id: String,
    pub url: String,
    /// The events it is sent: `chat.connected`, `chat.disconnected`, `message.created`,
    /// `chat.joined`, `transcript.saved`, `record.handed_over`.
    pub events: Vec<String>,
    pub created_at: String,
    /// The administrator who registered it (null when a key did, or once they are gone).
    pub created_by: Option<PersonRef>,
    /// The API key it was registered with.
    pub api_key: Option<KeyRef>,
    /// Deliveries waiting to be sent.
    pub pending: i64,
    /// Deliveries given up on (listed for 7 days).
    pub failed: i64,
}

impl From<Endpoint> for WebhookOut {
    fn from(e: Endpoint) -> WebhookOut {
        WebhookOut {
            id: e.id,
            url: e.url,
            events: e.events,
            created_at: rfc3339(e.created_at),
            created_by: e.created_by.map(|(id, name)| PersonRef { id, name }),
            api_key: e.api_key.map(|(id, name)| KeyRef { id, name }),
            pending: e.pending,
            failed: e.failed,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct WebhookList {
    pub items: Vec<WebhookOut>,
}

/// One delivery of an event to an endpoint.
#[derive(Serialize, ToSchema)]
pub struct DeliveryOut {
    pub id: String,
    /// The event's id: the payload's `id` and the `Tether-Webhook-Id` header, the same for
    /// every attempt and every redelivery.
    pub event_id: String,
    /// The event's `type`.
    #[serde(rename = "type")]
    pub event_type: String,
    /// The record the event is about (Tether's id).
    pub record_id: String,
    /// `pending` (not yet answered with a 2xx), `delivered` or `failed` (given up, or never
    /// queued: `last_error` says why).
    #[schema(value_type = String)]
    pub status: DeliveryStatus,
    /// Attempts made so far.
    pub attempts: i64,
    pub created_at: String,
    /// When it is tried next (pending only).
    pub next_attempt_at: Option<String>,
    pub last_attempt_at: Option<String>,
    /// The receiver's HTTP status at the last attempt (null when it did not answer).
    pub last_status: Option<i64>,
    /// Why the last attempt failed: the status and the head of the answer, a timeout, a
    /// refused connection.
    pub last_error: Option<String>,
    pub delivered_at: Option<String>,
    /// The delivery this one sends again.
    pub redelivery_of: Option<String>,
}

impl From<Delivery> for DeliveryOut {
    fn from(d: Delivery) -> DeliveryOut {
        DeliveryOut {
            id: d.id,
            event_id: d.event_id,
            event_type: d.event_type,
            record_id: d.record_id,
            status: d.status,
            attempts: d.attempts,
            created_at: rfc3339(d.created_at),
            next_attempt_at: d.next_attempt_at.map(rfc3339),
            last_attempt_at: d.last_attempt_at.map(rfc3339),
            last_status: d.last_status,
            last_error: d.last_error,
            delivered_at: d.delivered_at.map(rfc3339),
            redelivery_of: d.redelivery_of,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct DeliveryList {
    pub items: Vec<DeliveryOut>,
}

/// A delivery queued to send an event again.
#[derive(Serialize, ToSchema)]
pub struct Redelivered {
    /// The new delivery's id.
    pub id: String,
}

fn no_webhook(id: &str) -> ApiError {
    ApiError::NotFound(format!("there is no webhook endpoint with id {id}"))
}

/// Registers an endpoint. Needs `admin` or a key with `webhooks`; audited (`webhook.created`,
/// without the secret); 409 past `tether_domain::webhook::MAX_ENDPOINTS`.
pub async fn create(state: &AppState, by: &Integrator, new: NewWebhook) -> ApiResult<WebhookOut> {
    by.require(Scope::Webhooks)?;
    let actor = Actor::sync(by);
    let id = state
        .store
        .create_webhook(
            &NewEndpoint {
                url: new.url.as_str(),
                secret: new.secret.expose(),
                events: new.events.names(),
            },
            &actor.changed_by(),
        )
        .await?;
    state
        .store
        .webhooks()
        .await?
        .into_iter()
        .find(|e| e.id == id)
        .map(WebhookOut::from)
        .ok_or_else(|| no_webhook(&id))
}

/// Every endpoint, oldest first. Needs `admin` or a key with `webhooks`.
pub async fn list(state: &AppState, by: &Integrator) -> ApiResult<WebhookList> {
    by.require(Scope::Webhooks)?;
    Ok(WebhookList {
        items: state
            .store
            .webhooks()
            .await?
            .into_iter()
            .map(WebhookOut::from)
            .collect(),
    })
}

/// Removes an endpoint; its waiting deliveries are not sent. Needs `admin` or a key with
/// `webhooks`; audited (`webhook.deleted`).
pub async fn delete(state: &AppState, by: &Integrator, id: &str) -> ApiResult<()> {
    by.require(Scope::Webhooks)?;
    let actor = Actor::sync(by);
    match state.store.delete_webhook(id, &actor.changed_by()).await {
        Err(StoreError::NotFound(_)) => Err(no_webhook(id)),
        other => Ok(other?),
    }
}

/// An endpoint's deliveries, newest first. Needs `admin` or a key with `webhooks`.
pub async fn deliveries(
    state: &AppState,
    by: &Integrator,
    id: &str,
    filter: &DeliveryFilter<'_>,
) -> ApiResult<DeliveryList> {
    by.require(Scope::Webhooks)?;
    if !state.store.webhook_exists(id).await? {
        return Err(no_webhook(id));
    }
    Ok(DeliveryList {
        items: state
            .store
            .webhook_deliveries(id, filter)
            .await?
            .into_iter()
            .map(DeliveryOut::from)
            .collect(),
    })
}

/// Sends a finished delivery's event again to its endpoint: a new delivery with the same
/// payload and event id, due now, behind the record's waiting deliveries. 409 while it is
/// still pending. Needs `admin` or a key with `webhooks`.
pub async fn redeliver(
    state: &AppState,
    by: &Integrator,
    id: &str,
    delivery_id: &str,
) -> ApiResult<Redelivered> {
    by.require(Scope::Webhooks)?;
    if !state.store.webhook_exists(id).await? {
        return Err(no_webhook(id));
    }
    match state.store.redeliver_webhook(id, delivery_id).await {
        Ok(new) => Ok(Redelivered { id: new }),
        Err(StoreError::NotFound(_)) => Err(ApiError::NotFound(format!(
            "endpoint {id} has no delivery with id {delivery_id}"
        ))),
        Err(e) => Err(e.into()),
    }
}
