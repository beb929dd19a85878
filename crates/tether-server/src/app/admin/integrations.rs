//! Integrations (issue 19, parts 2 and 3): an administrator registers a host system that signs
//! launch tokens — its key (an HS256 secret of at least 256 bits, or an RS256/EdDSA public key
//! whose PEM fixes the algorithm), the audience its tokens name, the origins that may frame the
//! embedded panel, and whether it may create agents Tether does not know (with which role).
//! The list never shows the secret. Creating and deleting are audited by the store; deleting
//! ends the integration's embed sessions.

use crate::AppState;
use crate::app::views::rfc3339;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use jsonwebtoken::{Algorithm, DecodingKey};
use serde::Serialize;
use tether_domain::integration::Source;
use tether_domain::invalid::{FieldError, Invalid};
use tether_domain::launch::{MIN_SECRET_BYTES, Origin, check_secret};
use tether_domain::people::Name;
use tether_store::StoreError;
use tether_store::integrations::{Integration, NewIntegration};
use utoipa::ToSchema;

/// How an integration's tokens are verified: the algorithm and its key, fixed when the
/// integration is made and never taken from a token's header.
pub enum LaunchKey {
    /// A shared secret (HS256).
    Secret(String),
    /// A public key in PEM (RS256 for RSA, EdDSA for Ed25519).
    PublicKey(String),
}

/// An integration to make, parsed.
pub struct NewHost {
    pub name: Name,
    pub source: Source,
    pub allowed_origins: Vec<Origin>,
    pub key: LaunchKey,
    pub audience: String,
    pub provision_users: bool,
    pub default_role: Option<String>,
}

/// An integration as administrators see it: never its secret.
#[derive(Serialize, ToSchema)]
pub struct IntegrationOut {
    pub id: String,
    pub name: String,
    pub source: String,
    pub allowed_origins: Vec<String>,
    /// `HS256`, `RS256` or `EdDSA`: the only algorithm its tokens are verified with.
    pub algorithm: String,
    pub audience: String,
    pub provision_users: bool,
    pub default_role: Option<String>,
    pub created_at: String,
}

impl From<Integration> for IntegrationOut {
    fn from(i: Integration) -> IntegrationOut {
        IntegrationOut {
            id: i.id,
            name: i.name,
            source: i.source,
            allowed_origins: i.allowed_origins,
            algorithm: i.algorithm,
            audience: i.audience,
            provision_users: i.provision_users,
            default_role: i.default_role,
            created_at: rfc3339(i.created_at),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct IntegrationList {
    pub items: Vec<IntegrationOut>,
}

/// The algorithm a stored integration's tokens are verified with.
pub fn algorithm(name: &str) -> Option<Algorithm> {
    match name {
        "HS256" => Some(Algorithm::HS256),
        "RS256" => Some(Algorithm::RS256),
        "EdDSA" => Some(Algorithm::EdDSA),
        _ => None,
    }
}

/// The key a stored integration's tokens are verified with, for its algorithm.
pub fn decoding_key(alg: Algorithm, material: &str) -> Option<DecodingKey> {
    match alg {
        Algorithm::HS256 => Some(DecodingKey::from_secret(material.as_bytes())),
        Algorithm::RS256 => DecodingKey::from_rsa_pem(material.as_bytes()).ok(),
        Algorithm::EdDSA => DecodingKey::from_ed_pem(material.as_bytes()).ok(),
        _ => None,
    }
}

/// The algorithm and the stored key material, or 422 naming the field.
fn key_material(key: LaunchKey) -> ApiResult<(Algorithm, String)> {
    match key {
        LaunchKey::Secret(secret) => {
            // `min` lets the page say the rule in the reader's language.
            check_secret(&secret).map_err(|m| {
                ApiError::fields(vec![
                    FieldError::new("secret", Invalid::TooShort, m).with("min", MIN_SECRET_BYTES),
                ])
            })?;
            Ok((Algorithm::HS256, secret))
        }
        LaunchKey::PublicKey(pem) => {
            let refuse = || {
                ApiError::invalid(
                    "public_key",
                    Invalid::Format,
                    "not an RSA or Ed25519 public key in PEM (-----BEGIN PUBLIC KEY-----)",
                )
            };
            if !pem.contains("PUBLIC KEY-----") || pem.contains("PRIVATE") {
                return Err(refuse());
            }
            [Algorithm::RS256, Algorithm::EdDSA]
                .into_iter()
                .find(|alg| decoding_key(*alg, &pem).is_some())
                .map(|alg| (alg, pem.clone()))
                .ok_or_else(refuse)
        }
    }
}

/// Registers a host system. Administrators only; audited (`integration.created`).
pub async fn create(state: &AppState, admin: &Caller, host: NewHost) -> ApiResult<IntegrationOut> {
    admin.require_admin()?;
    let (alg, key_material) = key_material(host.key)?;
    if host.provision_users {
        let Some(role) = &host.default_role else {
            return Err(ApiError::invalid(
                "default_role",
                Invalid::Missing,
                "an integration that creates agents names the role they get",
            ));
        };
        let roles = state.store.list_roles().await?;
        let found = roles.iter().find(|r| &r.name == role).ok_or_else(|| {
            ApiError::invalid(
                "default_role",
                Invalid::NotFound,
                format!("there is no role named {role}"),
            )
        })?;
        if found.privileges.iter().any(|p| p == "admin") {
            return Err(ApiError::invalid(
                "default_role",
                Invalid::Option,
                "agents created by a launch cannot be given a role that holds admin",
            ));
        }
    }
    let made = state
        .store
        .create_integration(
            &NewIntegration {
                name: host.name.into_string(),
                source: host.source.to_string(),
                allowed_origins: host
                    .allowed_origins
                    .iter()
                    .map(|o| o.as_str().to_owned())
                    .collect(),
                algorithm: format!("{alg:?}"),
                key_material,
                audience: host.audience,
                provision_users: host.provision_users,
                default_role: host.default_role,
            },
            admin.id(),
        )
        .await?;
    Ok(made.into())
}

/// Every integration, newest first, without secrets. Administrators only.
pub async fn list(state: &AppState, admin: &Caller) -> ApiResult<IntegrationList> {
    admin.require_admin()?;
    let items = state.store.integrations().await?;
    Ok(IntegrationList {
        items: items.into_iter().map(IntegrationOut::from).collect(),
    })
}

/// Deletes an integration: its tokens are refused from now on and its embed sessions end.
/// Administrators only; audited (`integration.deleted`).
pub async fn delete(state: &AppState, admin: &Caller, id: &str) -> ApiResult<()> {
    admin.require_admin()?;
    match state.store.delete_integration(id, admin.id()).await {
        Err(StoreError::NotFound(_)) => {
            Err(ApiError::NotFound("there is no such integration".into()))
        }
        other => {
            other?;
            // Its embed sessions are gone: every node reads sessions afresh.
            state.forget_callers(None);
            Ok(())
        }
    }
}
