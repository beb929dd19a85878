//! Session endpoints (API.md *Session*): sign in, sign out, who am I, my language and time
//! zone, change my password — the HTTP face of [`crate::app::session`], which adds the session
//! cookie.

use crate::AppState;
use crate::app::admin::people::UserBrief;
use crate::app::session::{self, MeResponse, Preferences};
use crate::auth::{self, CSRF_HEADER, Caller};
use crate::error::{ApiError, ApiResult};
use crate::extract::ApiJson;
use axum::Json;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use tether_domain::invalid::{FieldError, Invalid};
use tether_domain::locale::{Locale, TimeZoneName};
use tether_domain::people::Password;
use tether_store::preferences::PreferencesPatch;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(me, update_me))
        .routes(routes!(change_password))
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
    pub user: UserBrief,
    /// Value for the CSRF header on cookie-authenticated writes.
    pub csrf_token: String,
    /// Name of that header.
    pub csrf_header: String,
    pub expires_at: String,
}

/// # `POST /api/v1/auth/login`
///
/// Signs in with e-mail and password. Returns a bearer token and sets the session cookie.
/// A wrong password, an unknown address and a deactivated account get the same 401. Failed
/// attempts are counted (in the database, so every node counts the same) for the account from
/// this client address, for the address, and for the account from everywhere: past 10 for the
/// pair or 50 for the address within 15 minutes the answer is 429 with `Retry-After`, for that
/// address only; past 100 for the account its sign-ins are slowed down, never refused.
/// Sign-ins and failures are audited (`session.signed_in`, `session.sign_in_failed`).
#[utoipa::path(post, path = "/auth/login", tag = "session", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 401, description = "wrong e-mail or password"), (status = 429, description = "too many failed attempts from this address"), (status = 503, description = "every password-checking slot stayed busy; see Retry-After")))]
async fn login(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    ApiJson(req): ApiJson<LoginRequest>,
) -> ApiResult<Response> {
    let signed = session::sign_in(&state, &req.email, req.password, addr.ip()).await?;
    let cfg = &state.config;
    let cookie = auth::session_cookie(&signed.token, cfg.session_ttl, cfg.secure_cookies());
    let body = LoginResponse {
        token: signed.token,
        user: signed.user,
        csrf_token: signed.csrf,
        csrf_header: CSRF_HEADER.to_owned(),
        expires_at: super::rfc3339(signed.expires_at),
    };
    Ok(with_cookie(Json(body).into_response(), &cookie.to_string()))
}

fn with_cookie(mut res: Response, cookie: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(cookie) {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    res
}

/// # `POST /api/v1/auth/logout`
///
/// Ends this session: its token stops working at once, on every node.
#[utoipa::path(post, path = "/auth/logout", tag = "session", responses((status = 204), (status = 401)))]
async fn logout(State(state): State<AppState>, caller: Caller) -> ApiResult<Response> {
    session::sign_out(&state, &caller).await?;
    Ok(with_cookie(
        StatusCode::NO_CONTENT.into_response(),
        &auth::ended_session_cookie().to_string(),
    ))
}

/// # `GET /api/v1/me`
#[utoipa::path(get, path = "/me", tag = "session", responses((status = 200, body = MeResponse), (status = 401)))]
async fn me(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<MeResponse>> {
    Ok(Json(session::me(&state, &caller).await?))
}

/// A change to the caller's own settings. A member left out keeps its value; `null` clears it
/// (the UI then follows the browser).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMe {
    /// `"en"` or `"sv"`.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, example = "sv")]
    pub locale: Option<Option<String>>,
    /// An IANA time zone name, e.g. `Europe/Stockholm`.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, example = "Europe/Stockholm")]
    pub time_zone: Option<Option<String>>,
    /// Whether to get the e-mail digest of what one missed (mentions, urgent messages, being
    /// added to a chat, unread after the server's delay). On by default.
    #[serde(default)]
    pub email_digest: Option<bool>,
}

/// Tells a member sent as `null` (`Some(None)`) from one left out (`None`).
fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// Checks a patch: each value present must be a supported language or an IANA zone.
fn parse_update(req: &UpdateMe) -> ApiResult<PreferencesPatch> {
    let mut errors = Vec::new();
    let locale = match &req.locale {
        Some(Some(raw)) => match Locale::parse(raw) {
            Ok(l) => Some(Some(l.tag().to_owned())),
            Err(e) => {
                errors.push(FieldError::new("locale", Invalid::LocaleUnsupported, e.0));
                None
            }
        },
        Some(None) => Some(None),
        None => None,
    };
    let time_zone = match &req.time_zone {
        Some(Some(raw)) => match TimeZoneName::parse(raw) {
            Ok(z) => Some(Some(z.as_str().to_owned())),
            Err(e) => {
                errors.push(FieldError::new("time_zone", Invalid::TimeZoneUnknown, e.0));
                None
            }
        },
        Some(None) => Some(None),
        None => None,
    };
    if !errors.is_empty() {
        return Err(ApiError::fields(errors));
    }
    Ok(PreferencesPatch { locale, time_zone })
}

/// # `PATCH /api/v1/me`
///
/// Sets the caller's own UI language (`"en"` or `"sv"`) and time zone (an IANA name), and
/// whether they get the e-mail digest of what they missed (`email_digest`; turning it off
/// drops what was waiting to be sent). Each member is optional; `null` goes back to following
/// the browser (`email_digest` takes `true` or `false` only). An unknown language or zone is
/// 422 naming the field (`errors[].code` `locale.unsupported`, `time_zone.unknown`). Only the
/// caller's own row changes; no privilege is needed.
#[utoipa::path(patch, path = "/me", tag = "session", request_body = UpdateMe,
    responses((status = 200, body = Preferences), (status = 401), (status = 422, description = "an unknown language or time zone")))]
async fn update_me(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<UpdateMe>,
) -> ApiResult<Json<Preferences>> {
    let patch = parse_update(&req)?;
    Ok(Json(
        session::set_preferences(&state, &caller, &patch, req.email_digest).await?,
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePassword {
    pub current_password: String,
    /// 10–1,024 characters.
    pub new_password: String,
}

/// # `POST /api/v1/me/password`
///
/// Changes the caller's own password. The current password is checked, and throttled, like a
/// sign-in (a wrong one is 422 on `current_password` and counts as a failed sign-in). Ends
/// every other session of the caller at once, on every node, with their event sockets; this
/// session stays. Audited (`user.password_changed`).
#[utoipa::path(post, path = "/me/password", tag = "session", request_body = ChangePassword,
    responses((status = 204, description = "changed; the caller's other sessions have ended"), (status = 401), (status = 422, description = "the current password is wrong, or the new one is not allowed"), (status = 429), (status = 503)))]
async fn change_password(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    caller: Caller,
    ApiJson(req): ApiJson<ChangePassword>,
) -> ApiResult<StatusCode> {
    let new =
        Password::parse(&req.new_password).map_err(|e| ApiError::refused("new_password", e))?;
    session::change_password(&state, &caller, addr.ip(), req.current_password, &new).await?;
    Ok(StatusCode::NO_CONTENT)
}
