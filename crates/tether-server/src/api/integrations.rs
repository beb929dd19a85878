//! Integrations (API.md *Integration*): the HTTP side of `crate::app::admin::integrations`.
//! Only an administrator's session manages them.

use crate::AppState;
use crate::app::admin::integrations::{self, IntegrationList, LaunchKey, NewHost};
use crate::auth::Admin;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use tether_domain::integration::Source;
use tether_domain::invalid::Invalid;
use tether_domain::launch::Origin;
use tether_domain::people::Name;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_integration, list_integrations))
        .routes(routes!(delete_integration))
}

/// The most origins one integration may name.
const MAX_ORIGINS: usize = 20;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateIntegration {
    /// What the host system is (`Zendesk`): shown in the list and the audit log.
    pub name: String,
    /// The host system's name for its ids (`zendesk`): launch subjects and records are
    /// external ids under it.
    pub source: String,
    /// The origins (`https://acme.zendesk.com`) that may frame the embedded panel: the
    /// panel's `frame-ancestors` and the only targets of its `postMessage`.
    pub allowed_origins: Vec<String>,
    /// A shared secret of at least 32 bytes: tokens are HS256. Exactly one of `secret` and
    /// `public_key`.
    pub secret: Option<String>,
    /// A public key in PEM: tokens are RS256 (an RSA key) or EdDSA (an Ed25519 key).
    pub public_key: Option<String>,
    /// What the tokens' `aud` must be.
    pub audience: String,
    /// Whether a launch may create an agent Tether does not know.
    pub provision_users: bool,
    /// The role such an agent gets (needed when `provision_users`; never one holding admin).
    pub default_role: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct IntegrationCreated {
    pub id: String,
}

fn parse(req: CreateIntegration) -> ApiResult<NewHost> {
    let name = Name::parse("name", &req.name).map_err(|e| ApiError::refused("name", e))?;
    let source = Source::parse(&req.source).map_err(|e| ApiError::refused("source", e))?;
    if req.allowed_origins.is_empty() || req.allowed_origins.len() > MAX_ORIGINS {
        return Err(ApiError::invalid(
            "allowed_origins",
            Invalid::Range,
            format!("name 1 to {MAX_ORIGINS} origins that may frame the panel"),
        ));
    }
    let mut allowed_origins = Vec::with_capacity(req.allowed_origins.len());
    for o in &req.allowed_origins {
        let origin = Origin::parse(o).map_err(|e| {
            ApiError::invalid("allowed_origins", Invalid::Format, format!("{o}: {e}"))
        })?;
        if !allowed_origins.contains(&origin) {
            allowed_origins.push(origin);
        }
    }
    let key = match (req.secret, req.public_key) {
        (Some(secret), None) => LaunchKey::Secret(secret),
        (None, Some(pem)) => LaunchKey::PublicKey(pem),
        _ => {
            return Err(ApiError::invalid(
                "secret",
                Invalid::Missing,
                "give exactly one of secret (HS256) and public_key (RS256 or EdDSA)",
            ));
        }
    };
    let audience = req.audience.trim().to_owned();
    if audience.is_empty() || audience.len() > 200 || audience.chars().any(char::is_control) {
        return Err(ApiError::invalid(
            "audience",
            Invalid::Format,
            "the audience is 1 to 200 characters, as the tokens' aud names it",
        ));
    }
    Ok(NewHost {
        name,
        source,
        allowed_origins,
        key,
        audience,
        provision_users: req.provision_users,
        default_role: req.default_role.filter(|r| !r.is_empty()),
    })
}

/// # `POST /api/v1/integrations`
///
/// Registers a host system that signs launch tokens. Administrators only; audited. The secret
/// or key is never shown again.
#[utoipa::path(post, path = "/integrations", tag = "integration", request_body = CreateIntegration,
    responses((status = 201, body = IntegrationCreated), (status = 401), (status = 403), (status = 422)))]
async fn create_integration(
    State(state): State<AppState>,
    Admin(admin): Admin,
    ApiJson(req): ApiJson<CreateIntegration>,
) -> ApiResult<(StatusCode, Json<IntegrationCreated>)> {
    let made = integrations::create(&state, &admin, parse(req)?).await?;
    Ok((
        StatusCode::CREATED,
        Json(IntegrationCreated { id: made.id }),
    ))
}

/// # `GET /api/v1/integrations`
///
/// Every integration, newest first, never with its secret. Administrators only.
#[utoipa::path(get, path = "/integrations", tag = "integration",
    responses((status = 200, body = IntegrationList), (status = 401), (status = 403)))]
async fn list_integrations(
    State(state): State<AppState>,
    Admin(admin): Admin,
) -> ApiResult<Json<IntegrationList>> {
    Ok(Json(integrations::list(&state, &admin).await?))
}

/// # `DELETE /api/v1/integrations/{id}`
///
/// Deletes an integration: its tokens are refused and its embed sessions end. Administrators
/// only; audited.
#[utoipa::path(delete, path = "/integrations/{id}", tag = "integration", params(("id" = String, Path)),
    responses((status = 204), (status = 401), (status = 403), (status = 404)))]
async fn delete_integration(
    State(state): State<AppState>,
    Admin(admin): Admin,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<StatusCode> {
    integrations::delete(&state, &admin, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
