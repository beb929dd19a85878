//! API keys (API.md *Integration*): the HTTP side of `crate::app::admin::keys`. Only an
//! administrator's session manages keys; a key cannot (it is no session).

use crate::AppState;
use crate::app::admin::keys::{self, KeyCreated, KeyList};
use crate::auth::Admin;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use tether_domain::integration::Scopes;
use tether_domain::people::Name;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_key, list_keys))
        .routes(routes!(revoke_key))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateKey {
    /// What the key is for (`Zendesk sync`): shown in the key list and the audit log.
    pub name: String,
    /// `records:write`, `users:write`, `webhooks`: at least one.
    pub scopes: Vec<String>,
}

/// # `POST /api/v1/api-keys`
///
/// Makes an API key for a host system. The answer is the only one that carries the key: it is
/// stored as its SHA-256 and never shown again. Administrators only; audited.
#[utoipa::path(post, path = "/api-keys", tag = "integration", request_body = CreateKey,
    responses((status = 201, body = KeyCreated), (status = 401), (status = 403), (status = 422)))]
async fn create_key(
    State(state): State<AppState>,
    Admin(admin): Admin,
    ApiJson(req): ApiJson<CreateKey>,
) -> ApiResult<(StatusCode, Json<KeyCreated>)> {
    let name = Name::parse("name", &req.name).map_err(|e| ApiError::refused("name", e))?;
    let scopes = Scopes::parse(&req.scopes).map_err(|e| ApiError::refused("scopes", e))?;
    let created = keys::create_key(&state, &admin, name, scopes).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// # `GET /api/v1/api-keys`
///
/// Every key, revoked ones too, newest first: name, scopes, who made it and when, when it was
/// last used, whether it is revoked — never the key. Administrators only.
#[utoipa::path(get, path = "/api-keys", tag = "integration",
    responses((status = 200, body = KeyList), (status = 401), (status = 403)))]
async fn list_keys(State(state): State<AppState>, Admin(admin): Admin) -> ApiResult<Json<KeyList>> {
    Ok(Json(keys::list_keys(&state, &admin).await?))
}

/// # `DELETE /api/v1/api-keys/{id}`
///
/// Revokes a key: every node refuses it from the next request on (401). Administrators only;
/// audited. Revoking a revoked key answers 204 too.
#[utoipa::path(delete, path = "/api-keys/{id}", tag = "integration", params(("id" = String, Path)),
    responses((status = 204), (status = 401), (status = 403), (status = 404)))]
async fn revoke_key(
    State(state): State<AppState>,
    Admin(admin): Admin,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<StatusCode> {
    keys::revoke_key(&state, &admin, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
