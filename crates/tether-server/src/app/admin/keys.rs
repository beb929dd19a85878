//! API keys (issue 19): an administrator makes one for a host system — shown once, stored only
//! as its SHA-256, scoped — lists them without their secrets, and revokes them. Making and
//! revoking are audited by the store in the change's transaction. A revoked key is refused on
//! the next request on every node: keys are read on every request, never cached
//! (`crate::auth::key_from_token`).

use crate::AppState;
use crate::app::views::{PersonRef, rfc3339};
use crate::auth::{Caller, new_api_key, token_hash};
use crate::error::{ApiError, ApiResult};
use serde::Serialize;
use tether_domain::integration::Scopes;
use tether_domain::people::Name;
use tether_store::StoreError;
use tether_store::api_keys::{ApiKey, NewApiKey};
use utoipa::ToSchema;

/// A key just made: the only answer that carries the key.
#[derive(Serialize, ToSchema)]
pub struct KeyCreated {
    pub id: String,
    /// The key itself (`tk_…`): shown this once, never again; send it as `Authorization:
    /// Bearer <key>`.
    pub key: String,
    pub name: String,
    pub scopes: Vec<String>,
}

/// A key as administrators see it later: never the key.
#[derive(Serialize, ToSchema)]
pub struct KeyOut {
    pub id: String,
    pub name: String,
    /// `records:write`, `users:write`, `webhooks`.
    pub scopes: Vec<String>,
    pub created_at: String,
    /// Who made the key (null once that person is gone).
    pub created_by: Option<PersonRef>,
    /// When the key was last used, to the minute; null if never.
    pub last_used_at: Option<String>,
    pub revoked: bool,
    pub revoked_at: Option<String>,
}

impl From<ApiKey> for KeyOut {
    fn from(k: ApiKey) -> KeyOut {
        KeyOut {
            id: k.id,
            name: k.name,
            scopes: k.scopes,
            created_at: rfc3339(k.created_at),
            created_by: k.created_by.map(|(id, name)| PersonRef { id, name }),
            last_used_at: k.last_used_at.map(rfc3339),
            revoked: k.revoked_at.is_some(),
            revoked_at: k.revoked_at.map(rfc3339),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct KeyList {
    pub items: Vec<KeyOut>,
}

/// Makes a key named `name` with `scopes`. Administrators only; audited (`api_key.created`).
pub async fn create_key(
    state: &AppState,
    admin: &Caller,
    name: Name,
    scopes: Scopes,
) -> ApiResult<KeyCreated> {
    admin.require_admin()?;
    let key = new_api_key();
    let stored = state
        .store
        .create_api_key(
            &NewApiKey {
                name: name.into_string(),
                key_hash: token_hash(&key),
                scopes: scopes.names(),
            },
            admin.id(),
        )
        .await?;
    Ok(KeyCreated {
        id: stored.id,
        key,
        name: stored.name,
        scopes: stored.scopes,
    })
}

/// Every key, revoked ones too, newest first. Administrators only.
pub async fn list_keys(state: &AppState, admin: &Caller) -> ApiResult<KeyList> {
    admin.require_admin()?;
    Ok(KeyList {
        items: state
            .store
            .api_keys()
            .await?
            .into_iter()
            .map(KeyOut::from)
            .collect(),
    })
}

/// Revokes a key: its next request is refused, on every node. Revoking a revoked key changes
/// nothing. Administrators only; audited (`api_key.revoked`).
pub async fn revoke_key(state: &AppState, admin: &Caller, id: &str) -> ApiResult<()> {
    admin.require_admin()?;
    match state.store.revoke_api_key(id, admin.id()).await {
        Ok(_) => Ok(()),
        Err(StoreError::NotFound(_)) => Err(ApiError::NotFound(format!(
            "there is no API key with id {id}"
        ))),
        Err(e) => Err(e.into()),
    }
}
