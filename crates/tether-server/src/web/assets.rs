//! Static assets (`crates/tether-server/assets/`), embedded in the binary with rust-embed.
//!
//! Asset addresses carry a version (`/assets/<version>/js/app.js`): a digest of every embedded
//! file, so a new build changes every address and browsers may cache the current ones forever
//! (`immutable`). ES modules import each other by relative path, so the version travels with
//! them. An address with an old version is still answered, but only with `no-cache`.

use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rust_embed::RustEmbed;
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

#[derive(RustEmbed)]
#[folder = "assets/"]
#[exclude = ".keep"]
struct Assets;

/// The digest of all embedded assets: the version segment of asset addresses.
///
/// Computed once from data compiled into the binary; it is a constant of the build, not
/// configuration, so a process-wide cell is the right home for it.
pub fn version() -> &'static str {
    static VERSION: OnceLock<String> = OnceLock::new();
    VERSION.get_or_init(|| {
        let mut names: Vec<String> = Assets::iter().map(|n| n.into_owned()).collect();
        names.sort();
        let mut digest = Sha256::new();
        for name in names {
            if let Some(file) = Assets::get(&name) {
                digest.update(name.as_bytes());
                digest.update(file.metadata.sha256_hash());
            }
        }
        digest
            .finalize()
            .iter()
            .take(6)
            .map(|b| format!("{b:02x}"))
            .collect()
    })
}

/// The address of an asset in this build.
pub fn url(path: &str) -> String {
    format!("/assets/{}/{path}", version())
}

fn content_type(path: &str) -> String {
    let ext = path.rsplit('.').next().unwrap_or("");
    match ext {
        "js" | "mjs" => "text/javascript; charset=utf-8".to_owned(),
        "css" => "text/css; charset=utf-8".to_owned(),
        "svg" => "image/svg+xml".to_owned(),
        "json" => "application/json".to_owned(),
        "html" => "text/html; charset=utf-8".to_owned(),
        _ => mime_guess::from_path(path)
            .first_or_octet_stream()
            .essence_str()
            .to_owned(),
    }
}

fn serve(path: &str, cache: &'static str, headers: &HeaderMap) -> Response {
    if let Some(json) = crate::i18n::catalog_json(path) {
        return serve_bytes(path, json.as_bytes(), cache, headers);
    }
    let Some(file) = Assets::get(path) else {
        return crate::error::problem(
            StatusCode::NOT_FOUND,
            "there is no such asset",
            serde_json::Map::new(),
        );
    };
    serve_bytes(path, &file.data, cache, headers)
}

/// Answers with `data`, its `ETag` a digest of the bytes (a 304 when the browser has them).
fn serve_bytes(path: &str, data: &[u8], cache: &'static str, headers: &HeaderMap) -> Response {
    let etag: String = Sha256::digest(data)
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect();
    let etag = format!("\"{etag}\"");
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    let mut res = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        data.to_vec().into_response()
    };
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&content_type(path)) {
        h.insert(header::CONTENT_TYPE, v);
    }
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    res
}

/// # `GET /assets/{version}/{*path}`
pub async fn asset(Path((asked, path)): Path<(String, String)>, headers: HeaderMap) -> Response {
    let cache = if asked == version() {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    serve(&path, cache, &headers)
}

/// # `GET /favicon.ico` (browsers ask for it whatever the page says)
pub async fn favicon(headers: HeaderMap) -> Response {
    serve("icon.svg", "public, max-age=86400", &headers)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_module_and_the_stylesheet_are_embedded() {
        for path in [
            "app.css",
            "icon.svg",
            "js/api.js",
            "js/chat.js",
            "js/panel.js",
        ] {
            assert!(Assets::get(path).is_some(), "{path} is embedded");
        }
        assert_eq!(version().len(), 12);
    }

    /// Every `from './x.js'` of every module names an embedded module (a renamed or missing
    /// file would otherwise only show as a broken page).
    #[test]
    fn module_imports_resolve() {
        for name in Assets::iter().filter(|n| n.ends_with(".js")) {
            let file = Assets::get(&name).unwrap();
            let text = String::from_utf8_lossy(&file.data).into_owned();
            for part in text.split("from './").skip(1) {
                let target = part.split('\'').next().unwrap();
                let path = format!("js/{target}");
                assert!(
                    Assets::get(&path).is_some(),
                    "{name} imports missing {path}"
                );
            }
        }
    }

    #[test]
    fn scripts_and_styles_get_their_types() {
        assert_eq!(content_type("js/app.js"), "text/javascript; charset=utf-8");
        assert_eq!(content_type("app.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("icon.svg"), "image/svg+xml");
        assert_eq!(content_type("x.png"), "image/png");
    }
}
