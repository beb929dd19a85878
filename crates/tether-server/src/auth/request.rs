//! Who is asking, read from a request: the bearer token or session cookie, and the extractors.

use super::{
    CSRF_HEADER, Caller, CallerData, Redacted, constant_time_eq, session_token, token_hash,
};
use crate::AppState;
use crate::error::ApiError;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{Method, header};

pub(super) fn bearer_token(parts: &Parts) -> Result<Option<String>, ApiError> {
    let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let value = value.to_str().map_err(|_| {
        ApiError::Unauthorized("the Authorization header is not readable text".into())
            .with_code("auth.malformed_header")
    })?;
    match value.split_once(' ') {
        Some((scheme, token))
            if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() =>
        {
            Ok(Some(token.trim().to_owned()))
        }
        _ => Err(ApiError::Unauthorized(
            "use the header Authorization: Bearer <token> from POST /api/v1/auth/login".into(),
        )
        .with_code("auth.malformed_header")),
    }
}

/// Resolves a token to a caller: unexpired session, active user, their access subject.
pub async fn caller_from_token(state: &AppState, token: &str) -> Result<Caller, ApiError> {
    let hash = token_hash(token);
    if let Some(caller) = state.hub.callers.get(&hash) {
        return Ok(caller);
    }
    let session = state.store.session(&hash).await?.ok_or_else(|| {
        ApiError::Unauthorized("your session has expired or was ended; sign in again".into())
            .with_code("auth.session_expired")
    })?;
    if !session.active {
        return Err(ApiError::Unauthorized("your account is deactivated".into())
            .with_code("auth.deactivated"));
    }
    let subject = state
        .store
        .subject(&session.user_id)
        .await?
        .ok_or_else(|| {
            ApiError::Unauthorized("your account no longer exists".into())
                .with_code("auth.account_gone")
        })?;
    // A session a launch started works in the host's sidebar only as far as the person's
    // roles go without administration (`launch::embed_subject`).
    let subject = if session.integration_id.is_some() {
        tether_domain::launch::embed_subject(subject)
    } else {
        subject
    };
    let caller = Caller::from(CallerData {
        user: session.user(),
        subject,
        token_hash: hash,
        expires_at: session.expires_at,
        csrf_token: Redacted(session.csrf_token),
    });
    state.hub.callers.put(&caller);
    Ok(caller)
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(token) = bearer_token(parts)? {
            if tether_domain::integration::is_api_key(&token) {
                return Err(super::key::refuse_key(state, &token).await);
            }
            return caller_from_token(state, &token).await;
        }
        // `?session=embed`: the embedded panel's attachment links, which cannot carry the
        // header its API calls send.
        let embed = parts
            .uri
            .query()
            .is_some_and(|q| q.split('&').any(|p| p == "session=embed"));
        let Some(token) = session_token(&parts.headers, embed) else {
            return Err(ApiError::Unauthorized("sign in first: POST /api/v1/auth/login, then send the token as Authorization: Bearer <token>".into()));
        };
        let caller = caller_from_token(state, &token).await?;
        let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        if !safe {
            let sent = parts
                .headers
                .get(CSRF_HEADER)
                .map(|v| v.as_bytes())
                .unwrap_or_default();
            if !constant_time_eq(sent, caller.csrf_token.0.as_bytes()) {
                return Err(ApiError::Forbidden(format!(
                    "cookie-authenticated writes need the {CSRF_HEADER} header with the csrf_token from login"
                )).with_code("auth.csrf"));
            }
        }
        Ok(caller)
    }
}

/// A caller who holds the `admin` privilege.
pub struct Admin(pub Caller);

impl FromRequestParts<AppState> for Admin {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let caller = Caller::from_request_parts(parts, state).await?;
        caller.require_admin()?;
        Ok(Admin(caller))
    }
}
