//! The page shells of API.md *Web pages*. A shell is a few lines of HTML naming the signed-in
//! user and the page's entry module; everything else is drawn by that module from the API.
//!
//! A page request without a valid session cookie is redirected to `/login?next=<page>`.

use super::shell::{Main, Nav, Page, Shell, ShellUser};
use crate::AppState;
use crate::auth::{Caller, caller_from_token, sign_in_token};
use crate::error::ApiError;
use crate::i18n::{self, tr};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Deserialize;
use tether_domain::ChatId;
use tether_domain::locale::Locale;

/// The policy of every page: scripts, styles and connections only to this origin (the event
/// WebSocket included), images also from `data:`/`blob:` (previews of files being attached).
pub(super) const PAGE_CSP: &str = "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; \
     script-src 'self'; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; \
     base-uri 'none'; form-action 'self'";

/// The signed-in user of a page request.
pub(super) struct Viewer {
    pub(super) caller: Caller,
    csrf_token: String,
    collaboration_enabled: bool,
    team_ids: Vec<String>,
    /// The UI language: the user's choice, else the browser's.
    pub(super) locale: Locale,
    /// The user's chosen time zone (`None`: the browser's).
    time_zone: Option<String>,
}

/// The browser's language (`Accept-Language`), for pages without a user's choice.
pub(super) fn browser_locale(headers: &HeaderMap) -> Locale {
    Locale::from_accept_language(
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    )
}

/// The viewer, `None` when not signed in (no cookie, expired, deactivated). Only the
/// sign-in session's cookie counts: an embed session opens the embedded panel only.
async fn viewer(state: &AppState, headers: &HeaderMap) -> Result<Option<Viewer>, ApiError> {
    viewer_with(state, headers, sign_in_token(headers)).await
}

/// The viewer of the session `token` names.
pub(super) async fn viewer_with(
    state: &AppState,
    headers: &HeaderMap,
    token: Option<String>,
) -> Result<Option<Viewer>, ApiError> {
    let Some(token) = token else {
        return Ok(None);
    };
    let caller = match caller_from_token(state, &token).await {
        Ok(c) => c,
        Err(e) if e.status() == StatusCode::UNAUTHORIZED => return Ok(None),
        Err(e) => return Err(e),
    };
    let Some(session) = state.store.session(&caller.token_hash).await? else {
        return Ok(None);
    };
    let team_ids = state
        .store
        .user_detail(caller.id())
        .await?
        .map(|d| d.team_ids)
        .unwrap_or_default();
    let collaboration_enabled = state.global_settings().await?.collaboration_enabled;
    let prefs = state
        .store
        .preferences(caller.id())
        .await?
        .unwrap_or_default();
    let locale = prefs
        .locale
        .as_deref()
        .and_then(|l| Locale::parse(l).ok())
        .unwrap_or_else(|| browser_locale(headers));
    Ok(Some(Viewer {
        caller,
        csrf_token: session.csrf_token,
        collaboration_enabled,
        team_ids,
        locale,
        time_zone: prefs.time_zone,
    }))
}

/// What the `next` parameter of the sign-in address percent-encodes: everything but letters,
/// digits and `-._~/`.
const NEXT_ESCAPED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/');

pub(super) fn render(page: Page, viewer: Option<&Viewer>, public_url: &str) -> Response {
    let shell = Shell {
        page: &page,
        public_url,
        user: viewer.map(|v| {
            let p = &v.caller.subject.privileges;
            ShellUser {
                id: v.caller.id().as_str(),
                name: &v.caller.user.name,
                csrf_token: &v.csrf_token,
                admin: p.admin,
                collaboration_enabled: v.collaboration_enabled,
                collab_use: p.collab_use,
                collab_disconnect: p.collab_disconnect,
                team_ids: v.team_ids.join(","),
                time_zone: v.time_zone.as_deref(),
            }
        }),
    };
    let html = match shell.render() {
        Ok(html) => html,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let mut res = (page.status, html).into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(PAGE_CSP),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// A page that could not be served (the database is down, …): readable, never blank. The
/// reason is the catalog's words for the error's code, else the error's detail.
pub(super) fn failure(state: &AppState, headers: &HeaderMap, e: ApiError) -> Response {
    let status = e.status();
    let locale = browser_locale(headers);
    let detail = match (e.inner(), locale) {
        (ApiError::Internal(err), _) => {
            tracing::error!(error = ?err, "page failed");
            tr(locale, "problem-internal", &[])
        }
        // The server's details are English sentences, often more precise than a code.
        (_, Locale::En) => e.to_string(),
        _ => i18n::problem_text(locale, e.code()).unwrap_or_else(|| e.to_string()),
    };
    let mut page = Page::new(locale, "page-title-error", "error", Nav::None);
    page.status = status;
    page.main = Main::Problem {
        heading: tr(locale, "page-error-heading", &[]),
        detail,
    };
    render(page, None, &state.config.public_url)
}

fn to_login(uri: &Uri) -> Response {
    let next = uri.path_and_query().map_or("/", |p| p.as_str());
    Redirect::to(&format!(
        "/login?next={}",
        utf8_percent_encode(next, NEXT_ESCAPED)
    ))
    .into_response()
}

/// Runs `show` for a signed-in viewer; anyone else goes to the sign-in page.
async fn signed_in(
    state: &AppState,
    headers: &HeaderMap,
    uri: &Uri,
    show: impl FnOnce(&Viewer) -> Page,
) -> Response {
    match viewer(state, headers).await {
        Ok(Some(v)) => render(show(&v), Some(&v), &state.config.public_url),
        Ok(None) => to_login(uri),
        Err(e) => failure(state, headers, e),
    }
}

#[derive(Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
}

/// Only a path of this site may be the target after sign-in (no open redirect; see
/// [`tether_domain::redirect`]).
fn safe_next(next: Option<&str>) -> &str {
    tether_domain::redirect::after_sign_in(next)
}

/// # `GET /login`
pub async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<LoginQuery>,
) -> Response {
    match viewer(&state, &headers).await {
        Ok(Some(_)) => Redirect::to(safe_next(q.next.as_deref())).into_response(),
        Ok(None) => {
            let mut page = Page::new(
                browser_locale(&headers),
                "page-title-login",
                "login",
                Nav::None,
            );
            page.main = Main::Empty;
            render(page, None, &state.config.public_url)
        }
        Err(e) => failure(&state, &headers, e),
    }
}

/// # `GET /` — my work: my records by type, my recent chats.
pub async fn home(State(state): State<AppState>, headers: HeaderMap, uri: Uri) -> Response {
    signed_in(&state, &headers, &uri, |v| {
        Page::new(v.locale, "page-title-home", "home", Nav::Home)
    })
    .await
}

/// # `GET /records/{type}` — every record of the type the user may read: filters, sort, pages,
/// and *New record*.
pub async fn records(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Path(ty): Path<String>,
) -> Response {
    signed_in(&state, &headers, &uri, |v| {
        Page::new(v.locale, "page-title-records", "records", Nav::None).with("record-type", ty)
    })
    .await
}

/// # `GET /records/{type}/{id}` — the record, its timeline and the collaboration panel.
pub async fn record(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Path((ty, id)): Path<(String, String)>,
) -> Response {
    signed_in(&state, &headers, &uri, |v| {
        Page::new(v.locale, "page-title-record", "record", Nav::None)
            .with("record-type", ty)
            .with("record-id", id)
    })
    .await
}

/// # `GET /chats` — the chat app (R20).
pub async fn chat_app(State(state): State<AppState>, headers: HeaderMap, uri: Uri) -> Response {
    signed_in(&state, &headers, &uri, |v| {
        Page::new(v.locale, "page-title-chats", "chats", Nav::Chats)
    })
    .await
}

/// # `GET /chats/{id}` — the chat app with one chat open.
pub async fn chat_app_with(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Path(id): Path<ChatId>,
) -> Response {
    signed_in(&state, &headers, &uri, |v| {
        Page::new(v.locale, "page-title-chats", "chats", Nav::Chats)
            .with("chat-id", id.into_string())
    })
    .await
}

/// # `GET /admin` — administration (R19, R22); administrators only.
pub async fn admin(State(state): State<AppState>, headers: HeaderMap, uri: Uri) -> Response {
    signed_in(&state, &headers, &uri, |v| {
        let l = v.locale;
        if v.caller.subject.privileges.admin {
            Page::new(l, "page-title-admin", "admin", Nav::Admin)
        } else {
            let mut page = Page::new(l, "page-title-admin", "error", Nav::Admin);
            page.status = StatusCode::FORBIDDEN;
            page.main = Main::Problem {
                heading: tr(l, "page-title-admin", &[]),
                detail: tr(l, "problem-admin-required", &[]),
            };
            page
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(safe_next(Some("/records/case/1")), "/records/case/1");
        assert_eq!(safe_next(Some("//evil.example/")), "/");
        assert_eq!(safe_next(Some("https://evil.example/")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(Some("/\t/evil.example")), "/");
        assert_eq!(safe_next(Some("/\n/x")), "/");
        assert_eq!(safe_next(None), "/");
    }

    fn location(uri: &'static str) -> String {
        let res = to_login(&Uri::from_static(uri));
        res.headers()[header::LOCATION]
            .to_str()
            .map(str::to_owned)
            .unwrap_or_default()
    }

    #[test]
    fn next_is_percent_encoded() {
        assert_eq!(
            location("/chats?x=1&y=2"),
            "/login?next=/chats%3Fx%3D1%26y%3D2"
        );
        assert_eq!(
            location("/records/case/a-b_c.d~e"),
            "/login?next=/records/case/a-b_c.d~e"
        );
    }

    /// `next` comes from the address the user followed: quotes, `&` and an already encoded
    /// `<script>` stay inside the one parameter. (A request address cannot hold a raw `<`.)
    #[test]
    fn a_hostile_next_is_percent_encoded() {
        assert_eq!(
            location("/x\"'&y?a='&b=%3Cscript%3E"),
            "/login?next=/x%22%27%26y%3Fa%3D%27%26b%3D%253Cscript%253E"
        );
    }
}
