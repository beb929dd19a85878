//! The session cookie: reading its token from a request, and setting and ending it.

use super::SESSION_COOKIE;
use axum::http::{HeaderMap, header};
use axum_extra::extract::cookie::{Cookie, SameSite};
use std::time::Duration;

/// The session token a request's `Cookie` headers carry: the first non-empty
/// [`SESSION_COOKIE`], as the browser sent it (API, event socket and pages read it here).
pub fn session_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == SESSION_COOKIE && !c.value().is_empty())
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
