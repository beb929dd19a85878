//! API keys as credentials (issue 19): a key is a bearer token that starts with
//! [`KEY_PREFIX`], so a request says which it carries without a second lookup. A key is read
//! from the database on every request — never cached — so a revoked key is refused at once on
//! every node. A key is no person's session: [`super::Caller`] refuses it (403), and only the
//! integration endpoints take it, through [`Integrator`].

use super::{Caller, new_token, token_hash};
use crate::AppState;
use crate::error::ApiError;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use tether_domain::integration::{KEY_PREFIX, Scope, Scopes, key_allows};
use tether_domain::{Subject, UserId};

/// A new API key: the prefix and 256 random bits.
pub fn new_api_key() -> String {
    format!("{KEY_PREFIX}{}", new_token())
}

/// The key a request is made with: which one, what it may do.
#[derive(Clone, Debug)]
pub struct KeyCaller {
    pub id: String,
    pub name: String,
    pub scopes: Scopes,
    /// The administrator who made the key (the owner of a record it creates without one).
    pub created_by: Option<UserId>,
}

/// 401 for a key that is unknown or revoked (the same answer for both).
fn unknown_key() -> ApiError {
    ApiError::Unauthorized(
        "this API key is not valid: it was revoked or never existed; ask an administrator for a new one".into(),
    )
    .with_code("api_key.invalid")
}

/// Resolves a key (`tk_…`) to the key it is, or 401. Notes its use (at most once a minute per
/// key); a failure to note it does not fail the request.
pub async fn key_from_token(state: &AppState, token: &str) -> Result<KeyCaller, ApiError> {
    let grant = state
        .store
        .api_key_grant(&token_hash(token))
        .await?
        .ok_or_else(unknown_key)?;
    // A stored scope this version does not know makes the key unusable, not wider.
    let scopes = Scopes::parse(&grant.scopes).map_err(|_| unknown_key())?;
    let now = tether_store::now_ms();
    let stale = grant
        .last_used_at
        .is_none_or(|at| at < now - tether_store::api_keys::LAST_USED_PRECISION_MS);
    if stale && let Err(e) = state.store.touch_api_key(&grant.id, now).await {
        tracing::warn!(error = %e, "could not note an API key's use");
    }
    Ok(KeyCaller {
        id: grant.id,
        name: grant.name,
        scopes,
        created_by: grant.created_by,
    })
}

/// The bearer token of a request, when it is an API key.
fn bearer_key(parts: &Parts) -> Result<Option<String>, ApiError> {
    Ok(super::request::bearer_token(parts)?.filter(|t| tether_domain::integration::is_api_key(t)))
}

/// Who calls an integration use case: an administrator's session or an API key (the HTTP
/// endpoints), or the command line (`tether import`, with the operator's authority over the
/// database, as `tether admin` has). The handler says what the call needs
/// ([`Integrator::require`]); the use case writes as the host system
/// ([`Integrator::sync_subject`]), attributing the change to the person or the key.
#[derive(Clone, Debug)]
pub enum Integrator {
    Person(Caller),
    Key(KeyCaller),
    /// `tether import`: `default_owner` owns new records that name no owner.
    CommandLine {
        default_owner: Option<UserId>,
    },
    /// A signed launch (`GET /embed/launch`): the integration whose verified token names the
    /// agent and the record; `agent` owns a record the launch creates.
    Launch {
        integration_id: String,
        name: String,
        agent: UserId,
    },
}

impl FromRequestParts<AppState> for Integrator {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(token) = bearer_key(parts)? {
            return Ok(Integrator::Key(key_from_token(state, &token).await?));
        }
        Ok(Integrator::Person(
            Caller::from_request_parts(parts, state).await?,
        ))
    }
}

impl Integrator {
    /// 403 unless the caller may do what needs `scope`: a key that has the scope, or a person
    /// who holds `admin`. The detail names what is missing.
    pub fn require(&self, scope: Scope) -> Result<(), ApiError> {
        match self {
            Integrator::Key(key) => key_allows(&key.scopes, scope)
                .map_err(|e| ApiError::Forbidden(e.to_string()).with_code("api_key.scope_missing")),
            Integrator::Person(caller) if caller.subject.privileges.admin => Ok(()),
            Integrator::CommandLine { .. } | Integrator::Launch { .. } => Ok(()),
            Integrator::Person(_) => Err(ApiError::Forbidden(format!(
                "this needs the admin privilege, or an API key with the scope '{scope}'"
            ))
            .with_code("admin.required")),
        }
    }

    /// What a host system's changes are written with (`*.write:all`, nothing else), as the
    /// administrator or for the key (`tether_domain::integration::sync_subject`).
    pub fn sync_subject(&self) -> Subject {
        let user_id = match self {
            Integrator::Person(caller) => caller.id().clone(),
            Integrator::Key(key) => UserId::new(format!("api-key:{}", key.id)),
            Integrator::CommandLine { .. } => UserId::new("command-line"),
            Integrator::Launch { integration_id, .. } => {
                UserId::new(format!("integration:{integration_id}"))
            }
        };
        tether_domain::integration::sync_subject(user_id)
    }
}

/// Refuses a key where a person's session is needed: 401 for a key that is not valid, 403 for
/// one that is (a key is not a session, whatever its scopes).
pub(super) async fn refuse_key(state: &AppState, token: &str) -> ApiError {
    match key_from_token(state, token).await {
        Err(e) => e,
        Ok(_) => ApiError::Forbidden(
            "an API key works only on the integration endpoints (records and people by external id); this endpoint needs a person's session".into(),
        )
        .with_code("api_key.not_a_session"),
    }
}
