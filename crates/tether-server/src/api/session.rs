//! Session endpoints: sign in, sign out, who am I.

use crate::AppState;
use crate::auth::{self, CSRF_HEADER, Caller, SESSION_COOKIE};
use crate::error::{ApiError, ApiResult};
use crate::extract::ApiJson;
use axum::Json;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use tether_domain::people::Email;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(me))
}

#[derive(Deserialize, ToSchema)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

#[derive(Serialize, ToSchema)]
pub struct LoginResponse {
    /// Bearer token for `Authorization: Bearer <token>`.
    pub token: String,
    pub user: super::admin::UserBrief,
    /// Value for the CSRF header on cookie-authenticated writes.
    pub csrf_token: String,
    /// Name of that header.
    pub csrf_header: String,
    pub expires_at: String,
}

fn too_many(detail: &str, oldest: Option<i64>, window_ms: i64) -> ApiError {
    let now = tether_store::now_ms();
    let retry = oldest
        .map(|o| (o + window_ms - now).max(1000) / 1000)
        .unwrap_or(60);
    ApiError::TooManyRequests {
        detail: detail.to_owned(),
        retry_after_secs: u64::try_from(retry).unwrap_or(60),
    }
}

/// # `POST /api/v1/auth/login`
///
/// Signs in with e-mail and password. Returns a bearer token and sets the session cookie.
/// Failed attempts are counted per account and per client address (in the database, so every
/// node counts the same); past the limit the answer is 429 with `Retry-After`.
#[utoipa::path(post, path = "/auth/login", tag = "session", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 401, description = "wrong e-mail or password"), (status = 429, description = "too many failed attempts")))]
async fn login(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    ApiJson(req): ApiJson<LoginRequest>,
) -> ApiResult<Response> {
    let wrong = || ApiError::Unauthorized("wrong e-mail or password".into());
    let email = Email::parse(&req.email).map_err(|_| wrong())?;
    let cfg = &state.config;
    let window_ms = i64::try_from(cfg.login_window.as_millis()).unwrap_or(i64::MAX);
    let since = tether_store::now_ms() - window_ms;
    let account_key = format!("account:{email}");
    let addr_key = format!("addr:{}", addr.ip());
    let (n, oldest) = state
        .store
        .login_failures_since(&account_key, since)
        .await?;
    if n >= cfg.login_failures_per_account {
        return Err(too_many(
            "too many failed sign-ins for this account; wait and try again",
            oldest,
            window_ms,
        ));
    }
    let (n, oldest) = state.store.login_failures_since(&addr_key, since).await?;
    if n >= cfg.login_failures_per_address {
        return Err(too_many(
            "too many failed sign-ins from your address; wait and try again",
            oldest,
            window_ms,
        ));
    }

    let creds = state.store.user_credentials(email.as_str()).await?;
    let hash = creds
        .as_ref()
        .map(|c| c.password_hash.clone())
        .unwrap_or_else(|| state.dummy_hash.to_string());
    let ok = state.hasher.verify(req.password, hash).await?;
    let creds = match creds {
        Some(c) if ok => c,
        _ => {
            state
                .store
                .record_login_failure(&[account_key, addr_key])
                .await?;
            return Err(wrong());
        }
    };
    if !creds.active {
        return Err(ApiError::Unauthorized(
            "your account is deactivated; ask an administrator".into(),
        ));
    }
    state.store.clear_login_failures(&account_key).await?;

    let token = auth::new_token();
    let csrf = auth::new_token();
    let ttl_ms = i64::try_from(cfg.session_ttl.as_millis()).unwrap_or(i64::MAX / 2);
    let expires_at = tether_store::now_ms() + ttl_ms;
    state
        .store
        .create_session(&auth::token_hash(&token), &creds.id, &csrf, expires_at)
        .await?;

    let cookie = format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{}",
        cfg.session_ttl.as_secs(),
        if cfg.secure_cookies() { "; Secure" } else { "" }
    );
    let body = LoginResponse {
        token,
        user: super::admin::UserBrief {
            id: creds.id,
            name: creds.name,
            email: creds.email,
        },
        csrf_token: csrf,
        csrf_header: CSRF_HEADER.to_owned(),
        expires_at: super::rfc3339(expires_at),
    };
    let mut res = Json(body).into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    Ok(res)
}

/// # `POST /api/v1/auth/logout`
///
/// Ends this session: its token stops working at once, on every node.
#[utoipa::path(post, path = "/auth/logout", tag = "session", responses((status = 204), (status = 401)))]
async fn logout(State(state): State<AppState>, caller: Caller) -> ApiResult<Response> {
    state.store.delete_session(&caller.token_hash).await?;
    state.forget_callers(Some(caller.id()));
    state.end_sessions(caller.id(), Some(&caller.token_hash));
    let mut res = StatusCode::NO_CONTENT.into_response();
    res.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static("tether_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"),
    );
    Ok(res)
}

#[derive(Serialize, ToSchema)]
pub struct MeResponse {
    pub id: String,
    pub name: String,
    pub email: String,
    pub roles: Vec<String>,
    pub privileges: Vec<String>,
    pub team_ids: Vec<String>,
    /// Whether an administrator has enabled collaboration (R1).
    pub collaboration_enabled: bool,
}

/// # `GET /api/v1/me`
#[utoipa::path(get, path = "/me", tag = "session", responses((status = 200, body = MeResponse), (status = 401)))]
async fn me(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<MeResponse>> {
    let detail = state
        .store
        .user_detail(caller.id())
        .await?
        .ok_or_else(|| ApiError::Unauthorized("your account no longer exists".into()))?;
    let settings = state.global_settings().await?;
    Ok(Json(MeResponse {
        id: detail.id,
        name: detail.name,
        email: detail.email,
        roles: detail.roles,
        privileges: caller.subject.privileges.to_strings(),
        team_ids: detail.team_ids,
        collaboration_enabled: settings.collaboration_enabled,
    }))
}
