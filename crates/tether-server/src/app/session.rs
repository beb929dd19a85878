//! The caller's session: sign in (throttled per account and address, SPEC's sign-in rule in
//! [`signin::decide`]), sign out, who am I, my language and time zone, and a change of my own
//! password. Tokens are 256-bit random values; only their SHA-256 is stored.

use crate::AppState;
use crate::app::admin::people::UserBrief;
use crate::auth::{self, Caller};
use crate::error::{ApiError, ApiResult};
use serde::Serialize;
use serde_json::json;
use std::net::IpAddr;
use tether_domain::UserId;
use tether_domain::invalid::{FieldError, Invalid};
use tether_domain::people::{Email, Password};
use tether_domain::signin::{self, Failures, Refusal, Verdict};
use tether_store::audit::NewAudit;
use tether_store::preferences::PreferencesPatch;
use utoipa::ToSchema;

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
struct Attempt {
    /// The account's e-mail address (normalized).
    email: String,
    ip: IpAddr,
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
    async fn throttle(&self, state: &AppState) -> ApiResult<()> {
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
    async fn failed(&self, state: &AppState, audit: &NewAudit) -> ApiResult<()> {
        state
            .store
            .record_login_failure(&self.keys(), Some(audit))
            .await?;
        Ok(())
    }
}

/// A new session: the bearer token (shown once), its CSRF token and when it ends.
pub struct SignedIn {
    pub token: String,
    pub csrf: String,
    pub expires_at: i64,
    pub user: UserBrief,
}

fn account_gone() -> ApiError {
    ApiError::Unauthorized("your account no longer exists".into()).with_code("auth.account_gone")
}

/// Signs in with e-mail and password from `ip`. A wrong password, an unknown address and a
/// deactivated account get the same 401, and count alike as failures; only the audit log
/// (`session.sign_in_failed` with its reason) tells them apart. Audited
/// (`session.signed_in`).
pub async fn sign_in(
    state: &AppState,
    email: &str,
    password: String,
    ip: IpAddr,
) -> ApiResult<SignedIn> {
    let wrong = || {
        ApiError::Unauthorized("wrong e-mail or password".into()).with_code("auth.bad_credentials")
    };
    let email = Email::parse(email).map_err(|_| wrong())?;
    let attempt = Attempt {
        email: email.as_str().to_owned(),
        ip,
    };
    attempt.throttle(state).await?;

    let creds = state.store.user_credentials(email.as_str()).await?;
    // An unknown address, and a person without a password (kept by a host system), are
    // checked against a real hash as long as a wrong password takes.
    let hash = creds
        .as_ref()
        .map(|c| c.password_hash.clone())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| state.dummy_hash.to_string());
    let ok = state.hasher.verify(password, hash).await?;
    let creds = match creds {
        Some(c) if ok && c.active => c,
        other => {
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
            attempt.failed(state, &entry).await?;
            return Err(wrong());
        }
    };

    let token = auth::new_token();
    let csrf = auth::new_token();
    let ttl_ms = i64::try_from(state.config.session_ttl.as_millis()).unwrap_or(i64::MAX / 2);
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
    Ok(SignedIn {
        token,
        csrf,
        expires_at,
        user: UserBrief {
            id: creds.id,
            name: creds.name,
            email: creds.email,
        },
    })
}

/// Ends the caller's session: its token stops working at once, on every node, with its event
/// sockets. Audited (`session.signed_out`).
pub async fn sign_out(state: &AppState, caller: &Caller) -> ApiResult<()> {
    let entry = NewAudit::new(
        Some(caller.id()),
        "session.signed_out",
        json!({"user_id": caller.id()}),
    );
    state.store.end_session(&caller.token_hash, &entry).await?;
    state.forget_callers(Some(caller.id()));
    state.end_sessions(caller.id(), Some(&caller.token_hash));
    Ok(())
}

#[derive(Serialize, ToSchema)]
pub struct MeResponse {
    pub id: UserId,
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
    /// Whether the user gets the e-mail digest of what they missed (`PATCH /me`).
    pub email_digest: bool,
    /// Whether this server sends e-mail at all (an SMTP host is configured).
    pub email_available: bool,
}

/// Who the caller is: name, roles, privileges, teams, whether collaboration is on (R1), their
/// language and time zone, and the largest attachment the server takes.
pub async fn me(state: &AppState, caller: &Caller) -> ApiResult<MeResponse> {
    let detail = state
        .store
        .user_detail(caller.id())
        .await?
        .ok_or_else(account_gone)?;
    let settings = state.global_settings().await?;
    let prefs = state
        .store
        .preferences(caller.id())
        .await?
        .unwrap_or_default();
    Ok(MeResponse {
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
        email_digest: state
            .store
            .email_digest(caller.id())
            .await?
            .ok_or_else(account_gone)?,
        email_available: state.config.email.smtp.is_some(),
    })
}

/// The caller's language, time zone and e-mail digest choice as they are now.
#[derive(Serialize, ToSchema)]
pub struct Preferences {
    pub locale: Option<String>,
    pub time_zone: Option<String>,
    pub email_digest: bool,
}

/// Sets the caller's own language and time zone (a checked patch) and, when given, whether
/// they get the e-mail digest (off drops what waited to be sent to them). Only the caller's
/// own row changes; no privilege is needed.
pub async fn set_preferences(
    state: &AppState,
    caller: &Caller,
    patch: &PreferencesPatch,
    email_digest: Option<bool>,
) -> ApiResult<Preferences> {
    let prefs = state
        .store
        .set_preferences(caller.id(), patch)
        .await?
        .ok_or_else(account_gone)?;
    let email_digest = match email_digest {
        Some(on) => state.store.set_email_digest(caller.id(), on).await?,
        None => state.store.email_digest(caller.id()).await?,
    }
    .ok_or_else(account_gone)?;
    Ok(Preferences {
        locale: prefs.locale,
        time_zone: prefs.time_zone,
        email_digest,
    })
}

/// Changes the caller's own password. The current password is checked, and throttled, like a
/// sign-in (a wrong one is 422 on `current_password` and counts as a failed sign-in). Ends
/// every other session of the caller at once, on every node; this one stays. Audited
/// (`user.password_changed`).
pub async fn change_password(
    state: &AppState,
    caller: &Caller,
    ip: IpAddr,
    current: String,
    new: &Password,
) -> ApiResult<()> {
    let attempt = Attempt {
        email: caller.user.email.clone(),
        ip,
    };
    attempt.throttle(state).await?;
    let creds = state
        .store
        .user_credentials(&caller.user.email)
        .await?
        .ok_or_else(account_gone)?;
    if !state.hasher.verify(current, creds.password_hash).await? {
        let entry = NewAudit::new(
            Some(caller.id()),
            "user.password_change_failed",
            json!({"user_id": caller.id(), "address": attempt.ip.to_string()}),
        );
        attempt.failed(state, &entry).await?;
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
            &caller.subject.user_id,
            &hash,
            Some(&caller.token_hash),
            Some(caller.id()),
            "self",
        )
        .await?;
    state.forget_callers(Some(caller.id()));
    state.end_other_sessions(caller.id(), &caller.token_hash);
    Ok(())
}
