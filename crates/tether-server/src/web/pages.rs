//! The page shells of API.md *Web pages*. A shell is a few lines of HTML naming the signed-in
//! user and the page's entry module; everything else is drawn by that module from the API.
//!
//! A page request without a valid session cookie is redirected to `/login?next=<page>`.

use super::assets;
use crate::AppState;
use crate::auth::{Caller, caller_from_token, session_token};
use crate::error::ApiError;
use crate::i18n::{self, tr};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use std::fmt::Write as _;
use tether_domain::locale::Locale;

/// The policy of every page: scripts, styles and connections only to this origin (the event
/// WebSocket included), images also from `data:`/`blob:` (previews of files being attached).
const PAGE_CSP: &str = "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; \
     script-src 'self'; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; \
     base-uri 'none'; form-action 'self'";

/// Modules every signed-in page needs: fetched in parallel with the entry module.
const COMMON_MODULES: [&str; 7] = [
    "js/api.js",
    "js/dom.js",
    "js/i18n.js",
    "js/format.js",
    "js/events.js",
    "js/shell.js",
    "js/icons.js",
];

/// The signed-in user of a page request.
struct Viewer {
    caller: Caller,
    csrf_token: String,
    collaboration_enabled: bool,
    team_ids: Vec<String>,
    /// The UI language: the user's choice, else the browser's.
    locale: Locale,
    /// The user's chosen time zone (`None`: the browser's).
    time_zone: Option<String>,
}

/// The browser's language (`Accept-Language`), for pages without a user's choice.
fn browser_locale(headers: &HeaderMap) -> Locale {
    Locale::from_accept_language(
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    )
}

/// The viewer, `None` when not signed in (no cookie, expired, deactivated).
async fn viewer(state: &AppState, headers: &HeaderMap) -> Result<Option<Viewer>, ApiError> {
    let Some(token) = session_token(headers) else {
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

/// Escapes text for HTML content and quoted attribute values.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Percent-encodes a path for the `next` query parameter.
fn encode_component(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().next())
        .take(2)
        .flat_map(char::to_uppercase)
        .collect()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Nav {
    None,
    Home,
    Chats,
    Admin,
}

/// What a shell shows.
struct Page {
    /// The language of the page's words (`<html lang>`, the catalog the modules load).
    locale: Locale,
    title: String,
    /// The entry module under `assets/js/` (without `.js`).
    entry: &'static str,
    nav: Nav,
    /// Extra `data-` attributes of `<body>` (name without the prefix, value).
    data: Vec<(&'static str, String)>,
    /// Server-rendered content of `<main>` (before the module draws, or without script).
    main: String,
    status: StatusCode,
}

impl Page {
    /// A page titled with the catalog's `title_key`.
    fn new(locale: Locale, title_key: &str, entry: &'static str, nav: Nav) -> Page {
        Page {
            locale,
            title: tr(locale, title_key, &[]),
            entry,
            nav,
            data: Vec::new(),
            main: format!(
                "<p class=\"loading\" role=\"status\">{}</p>",
                esc(&tr(locale, "page-loading", &[]))
            ),
            status: StatusCode::OK,
        }
    }

    fn with(mut self, key: &'static str, value: impl Into<String>) -> Page {
        self.data.push((key, value.into()));
        self
    }
}

fn topbar(out: &mut String, v: &Viewer, nav: Nav) {
    let l = v.locale;
    let link = |out: &mut String, href: &str, label: &str, current: bool, extra: &str| {
        let _ = write!(
            out,
            "<a href=\"{href}\"{}>{label}{extra}</a>",
            if current {
                " aria-current=\"page\""
            } else {
                ""
            }
        );
    };
    let name = &v.caller.user.name;
    let _ = write!(
        out,
        "<header class=\"topbar\"><a class=\"brand\" href=\"/\"><img src=\"{}\" alt=\"\" width=\"24\" height=\"24\"><span>Tether</span></a><nav class=\"mainnav\" aria-label=\"{}\">",
        assets::url("icon.svg"),
        esc(&tr(l, "nav-main", &[]))
    );
    link(
        out,
        "/",
        &esc(&tr(l, "nav-my-work", &[])),
        nav == Nav::Home,
        "",
    );
    link(
        out,
        "/chats",
        &esc(&tr(l, "nav-chats", &[])),
        nav == Nav::Chats,
        "<span class=\"count\" id=\"nav-unread\" hidden></span>",
    );
    if v.caller.subject.privileges.admin {
        link(
            out,
            "/admin",
            &esc(&tr(l, "nav-admin", &[])),
            nav == Nav::Admin,
            "",
        );
    }
    let _ = write!(
        out,
        "</nav><div class=\"topbar-end\"><span id=\"live-status\" class=\"live\" role=\"status\" hidden></span>\
         <button type=\"button\" id=\"notify-btn\" class=\"btn ghost small\" hidden>{}</button>\
         <span class=\"me\"><span class=\"avatar\" aria-hidden=\"true\">{}</span><span class=\"me-name\">{}</span></span>\
         <button type=\"button\" id=\"signout\" class=\"btn ghost small\">{}</button></div></header>",
        esc(&tr(l, "shell-enable-notifications", &[])),
        esc(&initials(name)),
        esc(name),
        esc(&tr(l, "shell-sign-out", &[]))
    );
}

fn render(page: Page, viewer: Option<&Viewer>, public_url: &str) -> Response {
    let mut out = String::with_capacity(4096);
    let _ = write!(
        out,
        "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{} · Tether</title><link rel=\"icon\" href=\"{}\" type=\"image/svg+xml\">\
         <link rel=\"stylesheet\" href=\"{}\">\
         <meta name=\"tether-catalog\" content=\"{catalog}\">\
         <link rel=\"preload\" href=\"{catalog}\" as=\"fetch\" crossorigin>",
        esc(&page.title),
        assets::url("icon.svg"),
        assets::url("app.css"),
        lang = page.locale.tag(),
        catalog = esc(&i18n::catalog_url(page.locale)),
    );
    if let Some(v) = viewer {
        let _ = write!(
            out,
            "<meta name=\"csrf-token\" content=\"{}\">",
            esc(&v.csrf_token)
        );
        for m in COMMON_MODULES {
            let _ = write!(
                out,
                "<link rel=\"modulepreload\" href=\"{}\">",
                assets::url(m)
            );
        }
    }
    let _ = write!(
        out,
        "<script type=\"module\" src=\"{}\"></script></head>",
        assets::url(&format!("js/{}.js", page.entry))
    );
    let _ = write!(
        out,
        "<body data-page=\"{}\" data-public-url=\"{}\"",
        page.entry,
        esc(public_url)
    );
    if let Some(v) = viewer {
        let p = &v.caller.subject.privileges;
        let flag = |b: bool| if b { "1" } else { "0" };
        let _ = write!(
            out,
            " data-user-id=\"{}\" data-user-name=\"{}\" data-admin=\"{}\" data-collab=\"{}\" data-collab-use=\"{}\" data-collab-disconnect=\"{}\" data-team-ids=\"{}\"",
            esc(v.caller.id()),
            esc(&v.caller.user.name),
            flag(p.admin),
            flag(v.collaboration_enabled),
            flag(p.collab_use),
            flag(p.collab_disconnect),
            esc(&v.team_ids.join(","))
        );
        if let Some(zone) = &v.time_zone {
            let _ = write!(out, " data-time-zone=\"{}\"", esc(zone));
        }
    }
    for (k, val) in &page.data {
        let _ = write!(out, " data-{k}=\"{}\"", esc(val));
    }
    let _ = write!(
        out,
        "><a class=\"skip-link\" href=\"#main\">{}</a>",
        esc(&tr(page.locale, "page-skip-to-content", &[]))
    );
    if let Some(v) = viewer {
        topbar(&mut out, v, page.nav);
    }
    let _ = write!(
        out,
        "<main id=\"main\" tabindex=\"-1\" class=\"page-{}\">{}<noscript><p class=\"notice\">{}</p></noscript></main>\
         <div id=\"toasts\" class=\"toasts\" aria-live=\"polite\"></div></body></html>",
        page.entry,
        page.main,
        esc(&tr(page.locale, "page-needs-javascript", &[]))
    );
    let mut res = (page.status, out).into_response();
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
fn failure(state: &AppState, headers: &HeaderMap, e: ApiError) -> Response {
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
    page.main = format!(
        "<section class=\"card narrow\"><h1>{}</h1><p class=\"error\" role=\"alert\">{}</p><p><a href=\"/\">{}</a></p></section>",
        esc(&tr(locale, "page-error-heading", &[])),
        esc(&detail),
        esc(&tr(locale, "page-back-to-my-work", &[]))
    );
    render(page, None, &state.config.public_url)
}

fn to_login(uri: &Uri) -> Response {
    let next = uri.path_and_query().map_or("/", |p| p.as_str());
    Redirect::to(&format!("/login?next={}", encode_component(next))).into_response()
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
            page.main = String::new();
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
    Path(id): Path<String>,
) -> Response {
    signed_in(&state, &headers, &uri, |v| {
        Page::new(v.locale, "page-title-chats", "chats", Nav::Chats).with("chat-id", id)
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
            page.main = format!(
                "<section class=\"card narrow\"><h1>{}</h1><p class=\"error\" role=\"alert\">{}</p><p><a href=\"/\">{}</a></p></section>",
                esc(&tr(l, "page-title-admin", &[])),
                esc(&tr(l, "problem-admin-required", &[])),
                esc(&tr(l, "page-back-to-my-work", &[]))
            );
            page
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_for_html() {
        assert_eq!(
            esc("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }

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

    #[test]
    fn next_is_percent_encoded() {
        assert_eq!(encode_component("/chats?x=1&y=2"), "/chats%3Fx%3D1%26y%3D2");
        assert_eq!(initials("Alice berg Lind"), "AB");
    }
}
