//! The session cookie: reading its token from a request, and setting and ending it.

use super::{EMBED_COOKIE, SESSION_COOKIE};
use axum::http::{HeaderMap, header};
use axum_extra::extract::cookie::{Cookie, SameSite};
use std::time::Duration;

/// The header with which the embedded panel's requests name the embed session: `embed`.
pub const SESSION_HEADER: &str = "x-tether-session";

/// The session token a request's `Cookie` headers carry, as the browser sent it (the API and
/// the event socket read it here). A request of the embedded panel (`x-tether-session:
/// embed`, or `?session=embed` on the event socket: `embed`) reads the embed session's
/// [`EMBED_COOKIE`] only: where the host is on the same site as Tether the browser sends the
/// person's sign-in cookie along, and the panel must act as the launched agent, with the CSRF
/// token its page carries. Any other reads the first non-empty [`SESSION_COOKIE`], else
/// [`EMBED_COOKIE`] (inside a host's frame on another site only the latter is sent).
pub fn session_token(headers: &HeaderMap, embed: bool) -> Option<String> {
    let embed = embed
        || headers
            .get(SESSION_HEADER)
            .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"embed"));
    if embed {
        named_token(headers, EMBED_COOKIE)
    } else {
        named_token(headers, SESSION_COOKIE).or_else(|| named_token(headers, EMBED_COOKIE))
    }
}

/// The sign-in session's token only: the pages other than the embedded panel read it, so an
/// embed session opens no other page.
pub fn sign_in_token(headers: &HeaderMap) -> Option<String> {
    named_token(headers, SESSION_COOKIE)
}

/// The embed session's token only (the embedded panel's pages).
pub fn embed_token(headers: &HeaderMap) -> Option<String> {
    named_token(headers, EMBED_COOKIE)
}

fn named_token(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name && !c.value().is_empty())
        .map(|c| c.value().to_owned())
}

/// The `Set-Cookie` of a sign-in: the session token for `ttl`, never readable by scripts,
/// sent by the browser on same-site navigations only, `Secure` when `secure`.
pub fn session_cookie(token: &str, ttl: Duration, secure: bool) -> Cookie<'static> {
    let mut cookie = session_cookie_with(
        token.to_owned(),
        i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX),
    );
    cookie.set_secure(secure);
    cookie
}

/// The `Set-Cookie` of a launch (issue 19): the embed session's token for `ttl`, never
/// readable by scripts, sent inside a host's frame (`SameSite=None`, which needs `Secure`) and
/// kept apart per top-level site (`Partitioned`: browsers refuse unpartitioned third-party
/// cookies). Only the embedded panel's pages read it as a page session.
pub fn embed_cookie(token: &str, ttl: Duration) -> Cookie<'static> {
    Cookie::build((EMBED_COOKIE, token.to_owned()))
        .path("/")
        .http_only(true)
        .secure(true)
        .same_site(SameSite::None)
        .partitioned(true)
        .max_age(time::Duration::seconds(
            i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX),
        ))
        .build()
}

/// The `Set-Cookie` of a sign-out: an empty session cookie that expires at once.
pub fn ended_session_cookie() -> Cookie<'static> {
    session_cookie_with(String::new(), 0)
}

/// The session cookie's attributes: the whole site, never readable by scripts, sent by the
/// browser on same-site navigations only.
fn session_cookie_with(value: String, max_age_secs: i64) -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .max_age(time::Duration::seconds(max_age_secs))
        .build()
}
