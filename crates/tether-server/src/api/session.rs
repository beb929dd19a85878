//! Session endpoints: sign in, sign out, who am I, my language and time zone, change my
//! password.

use crate::AppState;
use crate::auth::{self, CSRF_HEADER, Caller};
use crate::error::{ApiError, ApiResult};
use crate::extract::ApiJson;
use axum::Json;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::net::{IpAddr, SocketAddr};
use tether_domain::invalid::{FieldError, Invalid};
use tether_domain::locale::{Locale, TimeZoneName};
use tether_domain::people::{Email, Password};
use tether_domain::signin::{self, Failures, Refusal, Verdict};
use tether_store::audit::NewAudit;
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
    pub user: crate::app::admin::people::UserBrief,
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

/// A password check, throttled by the account it is for and the client's address.
pub(crate) struct Attempt {
    /// The account's e-mail address (normalized).
    pub email: String,
    pub ip: IpAddr,
}

impl Attempt {
    fn pair_key(&self) -> String {
        format!("pair:{} {}", self.ip, self.email)
    }
    fn addr_key(&self) -> String {
        format!("addr:{}", self.ip)
    }
    fn account_key(&self) -> String {
        format!("account:{}", self.email)
    }
    fn keys(&self) -> Vec<String> {
        vec![self.pair_key(), self.addr_key(), self.account_key()]
    }

    /// Applies [`signin::decide`] before the password is checked: 429 with `Retry-After` past
    /// the pair or address limit; otherwise waits as long as the rule says (an account under
    /// attack from many addresses) and lets the check go ahead.
    pub async fn throttle(&self, state: &AppState) -> ApiResult<()> {
        let window_ms = i64::try_from(state.config.login_window.as_millis()).unwrap_or(i64::MAX);
        let since = tether_store::now_ms() - window_ms;
        let (pair, pair_oldest) = state
            .store
            .login_failures_since(&self.pair_key(), since)
            .await?;
        let (address, addr_oldest) = state
            .store
            .login_failures_since(&self.addr_key(), since)
            .await?;
        let (account, _) = state
            .store
            .login_failures_since(&self.account_key(), since)
            .await?;
        let failures = Failures {
            pair,
            address,
            account,
        };
        match signin::decide(&failures, &state.config.sign_in) {
            Verdict::Refuse(refusal) => {
                let oldest = match refusal {
                    Refusal::Pair => pair_oldest,
                    Refusal::Address => addr_oldest,
                };
                Err(too_many(refusal.detail(), oldest, window_ms))
            }
            Verdict::Try { delay } => {
                if !delay.is_zero() {
                    tokio::time::sleep(delay).await;
                }
                Ok(())
            }
        }
    }

    /// Counts a failed check under the pair, the address and the account, with its audit entry.
    pub async fn failed(&self, state: &AppState, audit: &NewAudit) -> ApiResult<()> {
        state
            .store
            .record_login_failure(&self.keys(), Some(audit))
            .await?;
        Ok(())
    }
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
    let wrong = || {
        ApiError::Unauthorized("wrong e-mail or password".into()).with_code("auth.bad_credentials")
    };
    let email = Email::parse(&req.email).map_err(|_| wrong())?;
    let cfg = &state.config;
    let attempt = Attempt {
        email: email.as_str().to_owned(),
        ip: addr.ip(),
    };
    attempt.throttle(&state).await?;

    let creds = state.store.user_credentials(email.as_str()).await?;
    let hash = creds
        .as_ref()
        .map(|c| c.password_hash.clone())
        .unwrap_or_else(|| state.dummy_hash.to_string());
    let ok = state.hasher.verify(req.password, hash).await?;
    let creds = match creds {
        Some(c) if ok && c.active => c,
        other => {
            // A deactivated account with the right password is answered exactly like a wrong
            // password, and counted like one; only the audit log tells them apart.
            let reason = match other {
                None => "unknown_account",
                Some(c) if ok && !c.active => "deactivated",
                Some(_) => "wrong_password",
            };
            let entry = NewAudit::new(
                None,
                "session.sign_in_failed",
                json!({"email": attempt.email, "address": attempt.ip.to_string(), "reason": reason}),
            );
            attempt.failed(&state, &entry).await?;
            return Err(wrong());
        }
    };

    let token = auth::new_token();
    let csrf = auth::new_token();
    let ttl_ms = i64::try_from(cfg.session_ttl.as_millis()).unwrap_or(i64::MAX / 2);
    let expires_at = tether_store::now_ms() + ttl_ms;
    let entry = NewAudit::new(
        Some(&creds.id),
        "session.signed_in",
        json!({"user_id": creds.id, "email": creds.email, "address": attempt.ip.to_string()}),
    );
    state
        .store
        .start_session(
            &auth::token_hash(&token),
            &creds.id,
            &csrf,
            expires_at,
            &attempt.pair_key(),
            &entry,
        )
        .await?;

    let cookie = auth::session_cookie(&token, cfg.session_ttl, cfg.secure_cookies());
    let body = LoginResponse {
        token,
        user: crate::app::admin::people::UserBrief {
            id: creds.id,
            name: creds.name,
            email: creds.email,
        },
        csrf_token: csrf,
        csrf_header: CSRF_HEADER.to_owned(),
        expires_at: super::rfc3339(expires_at),
    };
    let mut res = Json(body).into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie.to_string()) {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    Ok(res)
}

/// # `POST /api/v1/auth/logout`
///
/// Ends this session: its token stops working at once, on every node.
#[utoipa::path(post, path = "/auth/logout", tag = "session", responses((status = 204), (status = 401)))]
async fn logout(State(state): State<AppState>, caller: Caller) -> ApiResult<Response> {
    let entry = NewAudit::new(
        Some(caller.id()),
        "session.signed_out",
        json!({"user_id": caller.id()}),
    );
    state.store.end_session(&caller.token_hash, &entry).await?;
    state.forget_callers(Some(caller.id()));
    state.end_sessions(caller.id(), Some(&caller.token_hash));
    let mut res = StatusCode::NO_CONTENT.into_response();
    if let Ok(v) = HeaderValue::from_str(&auth::ended_session_cookie().to_string()) {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
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
    /// The UI language the user chose (`"en"`, `"sv"`); null: the browser's.
    pub locale: Option<String>,
    /// The IANA time zone the user chose for times in the UI; null: the browser's.
    pub time_zone: Option<String>,
    /// The largest file `POST /attachments` accepts, in bytes: clients refuse bigger files
    /// before sending them.
    pub max_attachment_bytes: u64,
}

/// # `GET /api/v1/me`
#[utoipa::path(get, path = "/me", tag = "session", responses((status = 200, body = MeResponse), (status = 401)))]
async fn me(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<MeResponse>> {
    let detail = state.store.user_detail(caller.id()).await?.ok_or_else(|| {
        ApiError::Unauthorized("your account no longer exists".into())
            .with_code("auth.account_gone")
    })?;
    let settings = state.global_settings().await?;
    let prefs = state
        .store
        .preferences(caller.id())
        .await?
        .unwrap_or_default();
    Ok(Json(MeResponse {
        id: detail.id,
        name: detail.name,
        email: detail.email,
        roles: detail.roles,
        privileges: caller.subject.privileges.to_strings(),
        team_ids: detail.team_ids,
        collaboration_enabled: settings.collaboration_enabled,
        max_attachment_bytes: u64::try_from(state.config.max_attachment_bytes).unwrap_or(u64::MAX),
        locale: prefs.locale,
        time_zone: prefs.time_zone,
    }))
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
}

/// Tells a member sent as `null` (`Some(None)`) from one left out (`None`).
fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// The caller's language and time zone as they are now.
#[derive(Serialize, ToSchema)]
pub struct Preferences {
    pub locale: Option<String>,
    pub time_zone: Option<String>,
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
/// Sets the caller's own UI language (`"en"` or `"sv"`) and time zone (an IANA name). Each
/// member is optional; `null` goes back to following the browser. An unknown language or
/// zone is 422 naming the field (`errors[].code` `locale.unsupported`, `time_zone.unknown`).
/// Only the caller's own row changes; no privilege is needed.
#[utoipa::path(patch, path = "/me", tag = "session", request_body = UpdateMe,
    responses((status = 200, body = Preferences), (status = 401), (status = 422, description = "an unknown language or time zone")))]
async fn update_me(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<UpdateMe>,
) -> ApiResult<Json<Preferences>> {
    let patch = parse_update(&req)?;
    let prefs = state
        .store
        .set_preferences(caller.id(), &patch)
        .await?
        .ok_or_else(|| {
            ApiError::Unauthorized("your account no longer exists".into())
                .with_code("auth.account_gone")
        })?;
    Ok(Json(Preferences {
        locale: prefs.locale,
        time_zone: prefs.time_zone,
    }))
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
    let attempt = Attempt {
        email: caller.user.email.clone(),
        ip: addr.ip(),
    };
    attempt.throttle(&state).await?;
    let creds = state
        .store
        .user_credentials(&caller.user.email)
        .await?
        .ok_or_else(|| {
            ApiError::Unauthorized("your account no longer exists".into())
                .with_code("auth.account_gone")
        })?;
    if !state
        .hasher
        .verify(req.current_password, creds.password_hash)
        .await?
    {
        let entry = NewAudit::new(
            Some(caller.id()),
            "user.password_change_failed",
            json!({"user_id": caller.id(), "address": attempt.ip.to_string()}),
        );
        attempt.failed(&state, &entry).await?;
        return Err(ApiError::fields(vec![FieldError::new(
            "current_password",
            Invalid::PasswordWrong,
            "this is not your current password",
        )]));
    }
    let hash = state.hasher.hash(new.expose().to_owned()).await?;
    state
        .store
        .set_password(
            caller.id(),
            &hash,
            Some(&caller.token_hash),
            Some(caller.id()),
            "self",
        )
        .await?;
    state.forget_callers(Some(caller.id()));
    state.end_other_sessions(caller.id(), &caller.token_hash);
    Ok(StatusCode::NO_CONTENT)
}
