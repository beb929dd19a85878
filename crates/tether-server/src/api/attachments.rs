//! Attachments (SPEC R17): upload with a size limit and the content type read from the bytes
//! (never from the client's claim), download only for members of a chat that carries the file,
//! with headers that stop a browser from running or sniffing it.

use super::chats::require_collaboration;
use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::extract::ApiPath;
use axum::Json;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use object_store::ObjectStoreExt;
use object_store::path::Path as BlobPath;
use serde::Serialize;
use tether_store::chats::Attachment;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    // The upload enforces the configured attachment limit itself while reading.
    OpenApiRouter::new()
        .routes(routes!(upload))
        .layer(DefaultBodyLimit::disable())
        .routes(routes!(download))
}

#[derive(Serialize, ToSchema)]
pub struct UploadOut {
    pub id: String,
    pub name: String,
    pub size: i64,
    pub content_type: String,
    pub inline: bool,
}

/// A file name safe to store and to send back: the last path component, without control or
/// direction characters or quotes, at most 200 characters; `file` when nothing is left.
pub fn sanitize_file_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}'))
        .take(200)
        .collect();
    let trimmed = cleaned.trim().trim_start_matches('.').trim();
    if trimmed.is_empty() {
        "file".to_owned()
    } else {
        trimmed.to_owned()
    }
}

/// Types a browser would run or render as a page: never served as themselves.
fn is_active(mime: &str) -> bool {
    matches!(
        mime,
        "text/html"
            | "application/xhtml+xml"
            | "image/svg+xml"
            | "text/xml"
            | "application/xml"
            | "application/javascript"
            | "text/javascript"
    )
}

/// The content type of `bytes` by their signature; text when they are UTF-8, else binary.
/// Active types (HTML, SVG, XML, script) are stored as plain text or binary, so a download can
/// never run in the browser whatever headers a proxy adds or drops.
pub fn detect_content_type(bytes: &[u8]) -> String {
    let utf8 = std::str::from_utf8(bytes).is_ok();
    match infer::get(bytes).map(|k| k.mime_type()) {
        Some(mime) if !is_active(mime) => mime.to_owned(),
        _ if utf8 => "text/plain".to_owned(),
        _ => "application/octet-stream".to_owned(),
    }
}

/// Images a browser may show inline. SVG is not among them: it can carry script.
pub fn is_inline(content_type: &str) -> bool {
    matches!(
        content_type,
        "image/png" | "image/jpeg" | "image/gif" | "image/webp"
    )
}

/// # `POST /api/v1/attachments`
///
/// Uploads one file (multipart field `file`), up to 25 MiB by default (413 past it). Attach it
/// by sending its id in `attachment_ids` of a message.
#[utoipa::path(post, path = "/attachments", tag = "attachments", request_body(content_type = "multipart/form-data", description = "field `file`"),
    responses((status = 201, body = UploadOut), (status = 400), (status = 403), (status = 413), (status = 429)))]
async fn upload(
    State(state): State<AppState>,
    caller: Caller,
    mut multipart: Multipart,
) -> ApiResult<(StatusCode, Json<UploadOut>)> {
    require_collaboration(&state, &caller).await?;
    state.limit(&caller, crate::limits::Kind::Upload).await?;
    let max = state.config.max_attachment_bytes;
    let bad = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::PayloadTooLarge(format!(
                "the file is larger than {} MiB",
                max / (1024 * 1024)
            ))
        } else {
            ApiError::BadRequest(format!("the upload could not be read: {}", e.body_text()))
        }
    };
    while let Some(mut field) = multipart.next_field().await.map_err(bad)? {
        if field.name() != Some("file") {
            continue;
        }
        let name = sanitize_file_name(field.file_name().unwrap_or("file"));
        let mut bytes: Vec<u8> = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(bad)? {
            if bytes.len() + chunk.len() > max {
                return Err(ApiError::PayloadTooLarge(format!(
                    "the file is larger than {} MiB",
                    max / (1024 * 1024)
                )));
            }
            bytes.extend_from_slice(&chunk);
        }
        if bytes.is_empty() {
            return Err(ApiError::invalid("file", "the file is empty"));
        }
        let id = tether_store::new_id();
        let content_type = detect_content_type(&bytes);
        let inline = is_inline(&content_type);
        let size = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
        state
            .blobs
            .put(&BlobPath::from(id.as_str()), bytes.into())
            .await
            .map_err(|e| ApiError::Internal(anyhow::anyhow!("storing attachment: {e}")))?;
        let a = Attachment {
            id: id.clone(),
            uploader_id: caller.id().to_owned(),
            name: name.clone(),
            content_type: content_type.clone(),
            size,
            inline,
            storage_key: id.clone(),
            message_id: None,
            created_at: tether_store::now_ms(),
        };
        state.store.create_attachment(&a).await?;
        return Ok((
            StatusCode::CREATED,
            Json(UploadOut {
                id,
                name,
                size,
                content_type,
                inline,
            }),
        ));
    }
    Err(ApiError::BadRequest(
        "send the file as multipart/form-data in a field named `file`".into(),
    ))
}

fn disposition(inline: bool, name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .filter(|c| *c != '\\')
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!(
        "{}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}",
        if inline { "inline" } else { "attachment" }
    )
}

/// # `GET /api/v1/attachments/{id}`
///
/// Downloads a file: for members of a chat that carries it (within their history window), or
/// its uploader before it is sent. Anyone else gets 404.
#[utoipa::path(get, path = "/attachments/{id}", tag = "attachments", params(("id" = String, Path)),
    responses((status = 200, description = "the file"), (status = 403), (status = 404)))]
async fn download(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Response> {
    require_collaboration(&state, &caller).await?;
    let a = state
        .store
        .attachment_for(&id, caller.id())
        .await?
        .ok_or_else(|| {
            ApiError::NotFound(format!("there is no attachment {id} that you can see"))
        })?;
    let bytes = state
        .blobs
        .get(&BlobPath::from(a.storage_key.as_str()))
        .await
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("reading attachment: {e}")))?
        .bytes()
        .await
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("reading attachment: {e}")))?;
    let mut res = Body::from(bytes).into_response();
    let h = res.headers_mut();
    let ct = HeaderValue::from_str(&a.content_type)
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    h.insert(header::CONTENT_TYPE, ct);
    if let Ok(v) = HeaderValue::from_str(&disposition(a.inline, &a.name)) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; sandbox"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=3600"),
    );
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_lose_paths_and_tricks() {
        assert_eq!(sanitize_file_name("../../etc/passwd"), "passwd");
        assert_eq!(sanitize_file_name("C:\\Users\\x\\report.pdf"), "report.pdf");
        assert_eq!(
            sanitize_file_name("invoice\u{202E}fdp.exe"),
            "invoicefdp.exe"
        );
        assert_eq!(sanitize_file_name("a\"b\u{0}c.txt"), "abc.txt");
        assert_eq!(sanitize_file_name("..."), "file");
        assert_eq!(sanitize_file_name(""), "file");
        assert_eq!(sanitize_file_name(".htaccess"), "htaccess");
    }

    #[test]
    fn content_types_come_from_the_bytes() {
        let png = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0];
        assert_eq!(detect_content_type(&png), "image/png");
        assert!(is_inline("image/png"));
        assert_eq!(detect_content_type(b"GIF89a......"), "image/gif");
        assert_eq!(detect_content_type(b"hello"), "text/plain");
        assert_eq!(
            detect_content_type(b"<html><script>x</script></html>"),
            "text/plain"
        );
        assert_eq!(
            detect_content_type(
                b"<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"/>"
            ),
            "text/plain"
        );
        assert_eq!(
            detect_content_type(&[0xff, 0xfe, 0x00, 0x81]),
            "application/octet-stream"
        );
        assert!(!is_inline("image/svg+xml"));
    }

    #[test]
    fn dispositions_quote_safely() {
        let d = disposition(false, "rapport å.pdf");
        assert!(
            d.starts_with(
                "attachment; filename=\"rapport _.pdf\"; filename*=UTF-8''rapport%20%C3%A5.pdf"
            ),
            "{d}"
        );
    }
}
