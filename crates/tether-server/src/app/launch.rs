//! Signed launch (issue 19, part 2): a host system sends its agent to Tether's embedded panel
//! with a JWT it signed. The token is checked in this order, and the first failure is the
//! answer (a [`LaunchRefusal`], never a session):
//!
//! 1. its shape, and `iss` naming an integration (read from the unverified payload only to
//!    pick the key);
//! 2. the signature, with the integration's algorithm and key only — the header's `alg` must be
//!    that algorithm, so neither `none` nor an HS256 token "signed" with an RS256
//!    integration's public key verifies (algorithm confusion);
//! 3. `aud` equal to the integration's audience, `exp` present, not past and at most five
//!    minutes ahead (`tether_domain::launch::check_expiry`);
//! 4. `jti` present and unused: stored until the token expires, by one insert that only one
//!    node can win.
//!
//! Then the agent (`sub` as the user's external id under the integration's source, then
//! `email`; created only when the integration provisions people) is brought up to date through
//! the people upsert, the record through the records upsert (both part 1's use cases, as the
//! integration), and an embed session is started with a `session.launched` audit entry.

use crate::AppState;
use crate::app::admin::integrations::{algorithm, decoding_key};
use crate::app::admin::synced_people::{self, SyncedPerson};
use crate::app::records::external::{self, SyncItem};
use crate::auth::{self, Integrator};
use crate::error::ApiError;
use base64::Engine;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Validation, decode};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use tether_domain::integration::{ExternalId, ExternalUrl, Source};
use tether_domain::launch::{
    Agent, Candidate, LEEWAY_SECS, LaunchRefusal, check_expiry, match_agent,
};
use tether_domain::people::{Email, Name};
use tether_domain::{RecordId, UserId};
use tether_store::audit::NewAudit;

/// Why a launch failed: a refusal to show on the 401 page, or a fault of ours.
pub enum LaunchError {
    Refused(LaunchRefusal),
    Failed(ApiError),
}

impl From<LaunchRefusal> for LaunchError {
    fn from(r: LaunchRefusal) -> LaunchError {
        LaunchError::Refused(r)
    }
}

impl<E: Into<ApiError>> From<E> for LaunchError {
    fn from(e: E) -> LaunchError {
        LaunchError::Failed(e.into())
    }
}

/// A launch that succeeded: the session to set and the record to show.
pub struct Launched {
    pub token: String,
    pub record_type: String,
    pub record_id: RecordId,
}

/// The record a token names.
#[derive(Deserialize)]
struct RecordClaim {
    #[serde(rename = "type")]
    record_type: String,
    source: String,
    external_id: String,
    name: String,
    #[serde(default)]
    fields: Option<Map<String, Value>>,
    #[serde(default)]
    url: Option<String>,
}

/// A launch token's claims (`iss`, `aud` and `exp` are checked by the verification).
#[derive(Deserialize)]
struct Claims {
    exp: i64,
    jti: String,
    sub: String,
    email: String,
    name: String,
    record: RecordClaim,
}

/// The issuer, read from the unverified payload only to choose the key.
#[derive(Deserialize)]
struct Issuer {
    iss: String,
}

/// The most fields a token's record may carry.
const MAX_FIELDS: usize = 50;

fn issuer(token: &str) -> Result<String, LaunchRefusal> {
    let payload = token
        .split('.')
        .nth(1)
        .filter(|_| token.split('.').count() == 3)
        .ok_or(LaunchRefusal::Malformed)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .map_err(|_| LaunchRefusal::Malformed)?;
    let iss: Issuer = serde_json::from_slice(&bytes).map_err(|_| LaunchRefusal::Malformed)?;
    Ok(iss.iss)
}

fn refusal(kind: &ErrorKind) -> LaunchRefusal {
    match kind {
        ErrorKind::InvalidSignature | ErrorKind::InvalidAlgorithm => LaunchRefusal::BadSignature,
        ErrorKind::ExpiredSignature => LaunchRefusal::Expired,
        ErrorKind::InvalidAudience => LaunchRefusal::WrongAudience,
        ErrorKind::InvalidIssuer => LaunchRefusal::UnknownIssuer,
        _ => LaunchRefusal::Malformed,
    }
}

/// The origins that may frame the page refusing `token`: those of the integration its
/// (unverified) issuer names, so the host shows the reason inside its sidebar; none when the
/// token names no integration. The refusal page carries nothing but the reason, so a forged
/// issuer gains nothing but the sight of it framed where the integration's host may frame.
pub async fn refusal_frame_origins(state: &AppState, token: &str) -> Vec<String> {
    let Ok(iss) = issuer(token) else {
        return Vec::new();
    };
    match state.store.integration(&iss).await {
        Ok(Some(i)) => i.allowed_origins,
        Ok(None) => Vec::new(),
        Err(e) => {
            tracing::warn!(error = %e, "reading the integration of a refused launch failed");
            Vec::new()
        }
    }
}

/// # The launch (`GET /embed/launch?token=`)
///
/// `previous` is the embed session token the browser sent along (its cookie), ended when the
/// new session starts.
pub async fn launch(
    state: &AppState,
    token: &str,
    previous: Option<&str>,
) -> Result<Launched, LaunchError> {
    if token.len() > 16 * 1024 {
        return Err(LaunchRefusal::Malformed.into());
    }
    let iss = issuer(token)?;
    let host = state
        .store
        .integration_key(&iss)
        .await?
        .ok_or(LaunchRefusal::UnknownIssuer)?;
    let integration = host.integration;
    let alg = algorithm(&integration.algorithm).ok_or(LaunchRefusal::UnknownIssuer)?;
    let key = decoding_key(alg, &host.key_material).ok_or(LaunchRefusal::UnknownIssuer)?;
    let mut validation = Validation::new(alg);
    validation.algorithms = vec![alg];
    validation.leeway = LEEWAY_SECS.unsigned_abs();
    validation.set_audience(&[&integration.audience]);
    validation.set_issuer(&[&integration.id]);
    validation.set_required_spec_claims(&["exp", "aud", "iss"]);
    let claims = decode::<Claims>(token, &key, &validation)
        .map_err(|e| refusal(e.kind()))?
        .claims;
    let now = tether_store::now_ms() / 1000;
    check_expiry(now, claims.exp)?;
    let jti = claims.jti.trim();
    if jti.is_empty() || jti.len() > 200 {
        return Err(LaunchRefusal::Malformed.into());
    }
    let keep_until = claims.exp.saturating_add(LEEWAY_SECS).saturating_mul(1000);
    if !state
        .store
        .use_launch_jti(&integration.id, jti, keep_until)
        .await?
    {
        return Err(LaunchRefusal::Replayed.into());
    }

    // The claims, parsed at the edge.
    let malformed = |_| LaunchRefusal::Malformed;
    let source = Source::parse(&integration.source).map_err(malformed)?;
    let sub = ExternalId::parse(&claims.sub).map_err(malformed)?;
    let email = Email::parse(&claims.email).map_err(malformed)?;
    let name = Name::parse("name", &claims.name).map_err(malformed)?;
    let r = claims.record;
    if r.source != integration.source {
        return Err(LaunchRefusal::RecordRefused.into());
    }
    let external_id = ExternalId::parse(&r.external_id).map_err(malformed)?;
    let url = r
        .url
        .as_deref()
        .map(ExternalUrl::parse)
        .transpose()
        .map_err(|_| LaunchRefusal::RecordRefused)?;
    let rt = state
        .store
        .record_type(&r.record_type)
        .await?
        .ok_or(LaunchRefusal::RecordRefused)?;
    let mut fields = r.fields.unwrap_or_default();
    if fields.len() > MAX_FIELDS {
        return Err(LaunchRefusal::RecordRefused.into());
    }
    fields.insert(rt.def.primary_field.clone(), Value::String(r.name));

    // The agent.
    let agent = find_agent(
        state,
        source.as_str(),
        &sub,
        &email,
        integration.provision_users,
    )
    .await?;
    let as_host = |agent: UserId| Integrator::Launch {
        integration_id: integration.id.clone(),
        name: integration.name.clone(),
        agent,
    };
    let roles = match &agent {
        Agent::Known(_) => None,
        Agent::Create => Some(integration.default_role.clone().into_iter().collect()),
    };
    let person = synced_people::upsert(
        state,
        &as_host(UserId::new("")),
        SyncedPerson {
            source: source.clone(),
            external_id: sub,
            name,
            email,
            roles,
        },
    )
    .await
    .map_err(|e| match e.status().as_u16() {
        // A changed address that another user has, say: the agent is not signed in.
        409 | 422 => LaunchError::Refused(LaunchRefusal::UnknownAgent),
        // The store's rule for host systems: a launch touches no administrator and makes none
        // (a default role that has gained `admin` since the integration was made, say).
        403 => LaunchError::Refused(LaunchRefusal::Administrator),
        _ => LaunchError::Failed(e),
    })?;
    let agent_id = person.value().id.clone();
    if !person.value().active {
        return Err(LaunchRefusal::Deactivated.into());
    }

    // The record.
    let by = as_host(agent_id.clone());
    let synced = external::put(
        state,
        &by,
        &rt,
        SyncItem {
            source,
            external_id,
            fields,
            owner: None,
            state: None,
            url,
        },
    )
    .await
    .map_err(|e| {
        if e.status().is_client_error() {
            LaunchError::Refused(LaunchRefusal::RecordRefused)
        } else {
            LaunchError::Failed(e)
        }
    })?
    .publish(state)
    .await?;
    let record_id = RecordId::new(synced.record.id.clone());

    // The session.
    let session = auth::new_token();
    let csrf = auth::new_token();
    let ttl_ms = i64::try_from(state.config.session_ttl.as_millis()).unwrap_or(i64::MAX / 2);
    let audit = NewAudit::new(
        Some(&agent_id),
        "session.launched",
        json!({"integration_id": integration.id, "integration": integration.name}),
    )
    .record(&rt.def.name, record_id.as_str());
    let replaces = previous.map(auth::token_hash);
    let ended = state
        .store
        .start_embed_session(
            &auth::token_hash(&session),
            &agent_id,
            &csrf,
            tether_store::now_ms() + ttl_ms,
            &integration.id,
            replaces.as_deref(),
            &audit,
        )
        .await?;
    if let (Some(user), Some(hash)) = (ended, replaces.as_deref()) {
        state.end_sessions(&user, Some(hash));
        state.forget_callers(Some(&user));
    }
    Ok(Launched {
        token: session,
        record_type: rt.def.name.clone(),
        record_id,
    })
}

/// Whom the launch signs in (`tether_domain::launch::match_agent` over what the store knows).
async fn find_agent(
    state: &AppState,
    source: &str,
    sub: &ExternalId,
    email: &Email,
    provisions: bool,
) -> Result<Agent<UserId>, LaunchError> {
    let by_external = match state.store.user_by_external(source, sub.as_str()).await? {
        Some(u) => Some(candidate(state, u.id, u.active).await?),
        None => None,
    };
    let by_email = match state
        .store
        .users_by_emails(&[email.as_str().to_owned()])
        .await?
        .into_iter()
        .next()
    {
        Some((_, id, active)) => Some(candidate(state, id, active).await?),
        None => None,
    };
    Ok(match_agent(by_external, by_email, provisions)?)
}

async fn candidate(
    state: &AppState,
    id: UserId,
    active: bool,
) -> Result<Candidate<UserId>, LaunchError> {
    let admin = state
        .store
        .subject(&id)
        .await?
        .is_some_and(|s| s.privileges.admin);
    Ok(Candidate { id, active, admin })
}
