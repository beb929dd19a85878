//! Attachments (API.md *Attachments*): the HTTP side of uploads and downloads. The use cases
//! are `crate::app::files`; here a multipart body becomes a stream of chunks, and a download
//! gets headers that stop a browser from running or sniffing it.

use crate::AppState;
use crate::app::files::upload::{Chunks, UploadOut};
use crate::app::files::{self, upload};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::extract::ApiPath;
use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::multipart::{Field, MultipartError};
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Bytes a multipart request carries besides its file: boundaries and part headers (with a file
/// name of a few KiB at most). A `Content-Length` past the limit plus this is refused unread.
const MULTIPART_OVERHEAD: u64 = 64 * 1024;

pub fn routes() -> OpenApiRouter<AppState> {
    // The upload enforces the configured attachment limit itself while reading.
    OpenApiRouter::new()
        .routes(routes!(upload))
        .layer(DefaultBodyLimit::disable())
        .routes(routes!(download))
}

/// A multipart field read as chunks; its errors answered as the budget says (413 past the
/// limit) or 400.
struct FieldChunks<'a, 'b> {
    field: Field<'a>,
    budget: &'b upload::Budget,
}

fn unreadable(budget: &upload::Budget, e: MultipartError) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        budget.too_large()
    } else {
        ApiError::BadRequest(format!("the upload could not be read: {}", e.body_text()))
    }
}

impl Chunks for FieldChunks<'_, '_> {
    async fn next_chunk(&mut self) -> ApiResult<Option<Bytes>> {
        self.field
            .chunk()
            .await
            .map_err(|e| unreadable(self.budget, e))
    }
}

/// # `POST /api/v1/attachments`
///
/// Uploads one file (multipart field `file`), up to 25 MiB by default (413 past it, before the
/// body is read when `Content-Length` says so). Attach it by sending its id in
/// `attachment_ids` of a message. Uploads not sent yet count against a per-user bound (256 MiB
/// by default; 413 past it) and are removed after 24 hours by default.
#[utoipa::path(post, path = "/attachments", tag = "attachments", request_body(content_type = "multipart/form-data", description = "field `file`"),
    responses((status = 201, body = UploadOut), (status = 400), (status = 403), (status = 413), (status = 422), (status = 429)))]
async fn upload(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> ApiResult<(StatusCode, Json<UploadOut>)> {
    // The file is at least the declared length less the multipart framing.
    let at_least = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .map(|n| n.saturating_sub(MULTIPART_OVERHEAD));
    let budget = upload::budget(&state, &caller, at_least).await?;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| unreadable(&budget, e))?
    {
        if field.name() != Some("file") {
            continue;
        }
        let name = field.file_name().unwrap_or("file").to_owned();
        let mut chunks = FieldChunks {
            field,
            budget: &budget,
        };
        let out = upload::store(&state, &caller, &budget, &name, &mut chunks).await?;
        return Ok((StatusCode::CREATED, Json(out)));
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
/// its uploader before it is sent. Anyone else gets 404, as does a file of a deleted message or
/// an upload removed unsent. Downloads per user and minute are limited (429 past it).
#[utoipa::path(get, path = "/attachments/{id}", tag = "attachments", params(("id" = String, Path)),
    responses((status = 200, description = "the file"), (status = 403), (status = 404), (status = 429)))]
async fn download(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<tether_domain::AttachmentId>,
) -> ApiResult<Response> {
    let (a, file) = files::open(&state, &caller, &id).await?;
    let length = file.meta.size;
    // Streamed from the store: a download holds a few KiB in memory, not the file.
    let mut res = Body::from_stream(file.into_stream()).into_response();
    let h = res.headers_mut();
    let ct = HeaderValue::from_str(&a.content_type)
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    h.insert(header::CONTENT_TYPE, ct);
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
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
