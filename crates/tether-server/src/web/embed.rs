//! The embedded panel (issue 19, parts 2 and 3): the signed launch that starts an embed
//! session, and the panel's page inside a host's frame.
//!
//! Only these pages may be framed, and only by the launching integration's allowed origins:
//! their `Content-Security-Policy` says `frame-ancestors <origins>` where every other page says
//! `'none'` ([`super::pages::PAGE_CSP`]). The page reads only the embed session's cookie, and
//! draws from the same API the record page uses, so it shows no more than the record page
//! would (R4, R16): the record read, the panel and the chats are checked as always.

use super::pages::{PAGE_CSP, browser_locale, failure, render, viewer_with};
use super::shell::{Main, Nav, Page};
use crate::AppState;
use crate::app::launch::{self, LaunchError};
use crate::auth::{embed_cookie, embed_token};
use crate::i18n::tr;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct LaunchQuery {
    token: Option<String>,
}

/// The policy of an embed page: the page policy, framed by `origins` only.
fn embed_csp(origins: &[String]) -> Option<HeaderValue> {
    let ancestors = if origins.is_empty() {
        "'none'".to_owned()
    } else {
        origins.join(" ")
    };
    HeaderValue::from_str(&PAGE_CSP.replace(
        "frame-ancestors 'none'",
        &format!("frame-ancestors {ancestors}"),
    ))
    .ok()
}

/// The 401 page of a refused launch or a missing embed session, saying `detail` in the
/// browser's language, framed by `origins` only.
fn notice(state: &AppState, headers: &HeaderMap, detail: &str, origins: &[String]) -> Response {
    let locale = browser_locale(headers);
    let mut page = Page::new(locale, "launch-title", "error", Nav::Embed);
    page.status = StatusCode::UNAUTHORIZED;
    page.main = Main::Problem {
        heading: tr(locale, "launch-refused-heading", &[]),
        detail: tr(locale, detail, &[]),
    };
    let mut res = render(page, None, &state.config.public_url);
    if let Some(csp) = embed_csp(origins) {
        res.headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    res
}

/// # `GET /embed/launch?token=<JWT>`
///
/// Verifies the host's token (`crate::app::launch`), sets the embed session's cookie and goes
/// to the record's embedded panel (303). A token that fails gets a 401 page saying why, in
/// the browser's language, and no cookie.
pub async fn launch(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<LaunchQuery>,
) -> Response {
    let token = q.token.unwrap_or_default();
    let previous = embed_token(&headers);
    match launch::launch(&state, &token, previous.as_deref()).await {
        Ok(done) => {
            let to = format!(
                "/embed/records/{}/{}",
                utf8_percent_encode(&done.record_type, NON_ALPHANUMERIC),
                utf8_percent_encode(done.record_id.as_str(), NON_ALPHANUMERIC)
            );
            let cookie = embed_cookie(&done.token, state.config.session_ttl);
            let mut res = Redirect::to(&to).into_response();
            if let Ok(v) = HeaderValue::from_str(&cookie.to_string()) {
                res.headers_mut().insert(header::SET_COOKIE, v);
            }
            res
        }
        Err(LaunchError::Refused(why)) => {
            tracing::info!(reason = why.code(), "launch refused");
            let origins = launch::refusal_frame_origins(&state, &token).await;
            notice(
                &state,
                &headers,
                &format!("launch-refused-{}", why.code()),
                &origins,
            )
        }
        Err(LaunchError::Failed(e)) => failure(&state, &headers, e),
    }
}

/// # `GET /embed/records/{type}/{id}` — the record's collaboration panel and chat control, in
/// a single column for a host's sidebar, framed only by the integration's allowed origins.
pub async fn record(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((ty, id)): Path<(String, String)>,
) -> Response {
    let token = embed_token(&headers);
    let viewer = match viewer_with(&state, &headers, token).await {
        Ok(v) => v,
        Err(e) => return failure(&state, &headers, e),
    };
    let integration = match &viewer {
        Some(v) => match state.store.session_integration(&v.caller.token_hash).await {
            Ok(i) => i,
            Err(e) => return failure(&state, &headers, e.into()),
        },
        None => None,
    };
    let (Some(v), Some(integration)) = (viewer, integration) else {
        // No embed session (it ended, or was never started here): launch again from the host,
        // as there is no sign-in inside a frame. Which host framed it is not known, so any
        // integration's origins may frame this notice, which holds nothing but the words.
        let origins: Vec<String> = match state.store.integrations().await {
            Ok(all) => all
                .into_iter()
                .flat_map(|i| i.allowed_origins)
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect(),
            Err(e) => return failure(&state, &headers, e.into()),
        };
        return notice(&state, &headers, "launch-no-session", &origins);
    };
    let page = Page::new(v.locale, "page-title-record", "embed", Nav::Embed)
        .with("record-type", ty)
        .with("record-id", id)
        .with("allowed-origins", integration.allowed_origins.join(" "))
        .with("source", integration.source.clone());
    let mut res = render(page, Some(&v), &state.config.public_url);
    if let Some(csp) = embed_csp(&integration.allowed_origins) {
        res.headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;
    use tether_domain::launch::LaunchRefusal;
    use tether_domain::locale::Locale;

    #[test]
    fn i19_every_launch_refusal_has_words_in_both_languages() {
        for locale in [Locale::En, Locale::Sv] {
            for key in [
                "launch-title",
                "launch-refused-heading",
                "launch-no-session",
            ] {
                assert_ne!(tr(locale, key, &[]), key, "{locale:?}");
            }
            for why in LaunchRefusal::ALL {
                let key = format!("launch-refused-{}", why.code());
                assert_ne!(tr(locale, &key, &[]), key, "{locale:?}");
            }
        }
    }

    #[test]
    fn i19_the_embed_policy_is_the_page_policy_framed_by_the_allowed_origins() {
        let csp = embed_csp(&["https://a.example".into(), "http://localhost:9000".into()])
            .and_then(|v| v.to_str().ok().map(str::to_owned))
            .unwrap_or_default();
        assert!(csp.contains("frame-ancestors https://a.example http://localhost:9000;"));
        assert!(!csp.contains("'none';  "));
        assert_eq!(
            csp.replace(
                "frame-ancestors https://a.example http://localhost:9000",
                "frame-ancestors 'none'"
            ),
            PAGE_CSP
        );
    }
}
