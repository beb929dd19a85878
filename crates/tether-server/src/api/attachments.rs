//! Attachments (SPEC R17): upload with a size limit and the content type read from the bytes
//! (never from the client's claim), download only for members of a chat that carries the file,
//! with headers that stop a browser from running or sniffing it.
//!
//! Neither direction holds a whole file in memory (issue 15): an upload is written to the object
//! store in parts of [`PART_BYTES`] as it arrives (a local store stages it in a temporary file
//! and renames it into place at the end), and a download is streamed from the store. Each
//! user's unsent uploads are bounded (`Config::max_unsent_upload_bytes`); uploads left unsent
//! past `Config::unsent_upload_ttl` and the files of deleted messages are discarded and removed
//! ([`remove_discarded`], run by the message delete and the background purge).

use crate::AppState;
use crate::app::guard::require_collaboration;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::extract::ApiPath;
use axum::Json;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use object_store::path::Path as BlobPath;
use object_store::{ObjectStoreExt, WriteMultipart};
use serde::Serialize;
use tether_domain::invalid::Invalid;
use tether_store::chats::Attachment;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Bytes a multipart request carries besides its file: boundaries and part headers (with a file
/// name of a few KiB at most). A `Content-Length` past the limit plus this is refused unread.
const MULTIPART_OVERHEAD: u64 = 64 * 1024;
/// An upload is written in parts of this size: at most one part being filled and two being
/// written are in memory at a time. (Stores that want bigger parts, such as S3 with 5 MiB,
/// need this raised.)
pub const PART_BYTES: usize = 1024 * 1024;
/// The bytes at the start of a file that its type is read from.
pub const SNIFF_BYTES: usize = 64 * 1024;

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
    let mut s = Sniffer::default();
    s.push(bytes);
    s.content_type()
}

/// [`detect_content_type`] of a file that arrives in pieces: the signature is read from the
/// first [`SNIFF_BYTES`], and the whole file is checked to be UTF-8 as it passes, so no more
/// than those bytes are kept.
#[derive(Default)]
pub struct Sniffer {
    head: Vec<u8>,
    utf8: Utf8Check,
}

impl Sniffer {
    pub fn push(&mut self, bytes: &[u8]) {
        let room = SNIFF_BYTES.saturating_sub(self.head.len());
        self.head
            .extend_from_slice(bytes.get(..room.min(bytes.len())).unwrap_or_default());
        self.utf8.push(bytes);
    }

    /// The type of everything pushed so far.
    pub fn content_type(&self) -> String {
        match infer::get(&self.head).map(|k| k.mime_type()) {
            Some(mime) if !is_active(mime) => mime.to_owned(),
            _ if self.utf8.is_valid() => "text/plain".to_owned(),
            _ => "application/octet-stream".to_owned(),
        }
    }
}

/// Whether a byte stream cut anywhere is UTF-8, keeping at most the 3 bytes of a character cut
/// in two.
#[derive(Default)]
struct Utf8Check {
    /// The start of a character the last piece ended in.
    carry: Vec<u8>,
    invalid: bool,
}

impl Utf8Check {
    fn push(&mut self, mut bytes: &[u8]) {
        if self.invalid {
            return;
        }
        if let Some(&lead) = self.carry.first() {
            let len = match lead {
                0xF0.. => 4,
                0xE0.. => 3,
                _ => 2,
            };
            let need = (len - self.carry.len()).min(bytes.len());
            self.carry.extend_from_slice(&bytes[..need]);
            bytes = &bytes[need..];
            match std::str::from_utf8(&self.carry) {
                Ok(_) => self.carry.clear(),
                Err(e) if e.error_len().is_none() && bytes.is_empty() => return,
                Err(_) => {
                    self.invalid = true;
                    return;
                }
            }
        }
        match std::str::from_utf8(bytes) {
            Ok(_) => {}
            Err(e) if e.error_len().is_none() => {
                self.carry = bytes[e.valid_up_to()..].to_vec();
            }
            Err(_) => self.invalid = true,
        }
    }

    fn is_valid(&self) -> bool {
        !self.invalid && self.carry.is_empty()
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
    require_collaboration(&state, &caller).await?;
    state.limit(&caller, crate::limits::Kind::Upload).await?;
    let max = u64::try_from(state.config.max_attachment_bytes).unwrap_or(u64::MAX);
    let too_large = || {
        ApiError::PayloadTooLarge(format!(
            "the file is larger than {} MiB",
            max / (1024 * 1024)
        ))
    };
    // Refused before a byte of the body is read.
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > max.saturating_add(MULTIPART_OVERHEAD)) {
        return Err(too_large());
    }
    let bound = u64::try_from(state.config.max_unsent_upload_bytes).unwrap_or(u64::MAX);
    let waiting =
        u64::try_from(state.store.unsent_attachment_bytes(caller.id()).await?).unwrap_or(0);
    let room = bound.saturating_sub(waiting);
    let over_bound = || over_unsent_bound(&state, waiting, bound);
    if room == 0 || declared.is_some_and(|n| n > room.saturating_add(MULTIPART_OVERHEAD)) {
        return Err(over_bound());
    }
    let bad = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large()
        } else {
            ApiError::BadRequest(format!("the upload could not be read: {}", e.body_text()))
        }
    };
    let storing = |e: object_store::Error| ApiError::from_io_failure("storing an attachment", &e);
    while let Some(mut field) = multipart.next_field().await.map_err(bad)? {
        if field.name() != Some("file") {
            continue;
        }
        let name = sanitize_file_name(field.file_name().unwrap_or("file"));
        let id = tether_store::new_id();
        let path = BlobPath::from(id.as_str());
        let mut writer = WriteMultipart::new_with_chunk_size(
            state.blobs.put_multipart(&path).await.map_err(storing)?,
            PART_BYTES,
        );
        let mut sniffer = Sniffer::default();
        let mut size: u64 = 0;
        let read = async {
            while let Some(chunk) = field.chunk().await.map_err(bad)? {
                size = size.saturating_add(chunk.len() as u64);
                if size > max {
                    return Err(too_large());
                }
                if size > room {
                    return Err(over_bound());
                }
                sniffer.push(&chunk);
                writer.wait_for_capacity(2).await.map_err(storing)?;
                writer.put(chunk);
            }
            if size == 0 {
                return Err(ApiError::invalid(
                    "file",
                    Invalid::FileEmpty,
                    "the file is empty",
                ));
            }
            Ok(())
        }
        .await;
        if let Err(e) = read {
            // Removes what was written of it.
            let _ = writer.abort().await;
            return Err(e);
        }
        writer.finish().await.map_err(storing)?;
        let content_type = sniffer.content_type();
        let inline = is_inline(&content_type);
        let size = i64::try_from(size).unwrap_or(i64::MAX);
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
        // Checked again as it is stored: concurrent uploads of one user cannot pass the bound.
        let stored = state
            .store
            .create_attachment_within(&a, i64::try_from(bound).unwrap_or(i64::MAX))
            .await;
        if !matches!(stored, Ok(true)) {
            let _ = state.blobs.delete(&path).await;
            stored?;
            let waiting =
                u64::try_from(state.store.unsent_attachment_bytes(caller.id()).await?).unwrap_or(0);
            return Err(over_unsent_bound(&state, waiting, bound));
        }
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

/// 413 for an upload that would take the caller's unsent uploads past `bound`: how much waits,
/// and how to make room.
fn over_unsent_bound(state: &AppState, waiting: u64, bound: u64) -> ApiError {
    ApiError::PayloadTooLarge(format!(
        "your uploads not yet sent in a message take {} of the {} allowed, and this file does not fit; \
         send them in a message first (uploads left unsent are removed {} after upload)",
        mib(waiting),
        mib(bound),
        humane(state.config.unsent_upload_ttl)
    ))
}

/// `12.5 MiB`.
fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

/// `24 h`, `30 min`, `90 s`.
fn humane(d: std::time::Duration) -> String {
    let s = d.as_secs();
    if s >= 3600 && s.is_multiple_of(3600) {
        format!("{} h", s / 3600)
    } else if s >= 60 && s.is_multiple_of(60) {
        format!("{} min", s / 60)
    } else {
        format!("{s} s")
    }
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
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Response> {
    require_collaboration(&state, &caller).await?;
    state.limit(&caller, crate::limits::Kind::Download).await?;
    let a = state
        .store
        .attachment_for(&id, caller.id())
        .await?
        .ok_or_else(|| {
            ApiError::NotFound(format!("there is no attachment {id} that you can see"))
        })?;
    let file = state
        .blobs
        .get(&BlobPath::from(a.storage_key.as_str()))
        .await
        .map_err(|e| match e {
            object_store::Error::NotFound { .. } => {
                ApiError::NotFound(format!("the file of attachment {id} is gone"))
            }
            e => ApiError::Internal(anyhow::anyhow!("reading attachment: {e}")),
        })?;
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
    fn content_types_of_files_in_pieces_match_the_whole() {
        let mut png = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
        png.extend_from_slice(&[0xff; 100]);
        let samples: Vec<Vec<u8>> = vec![
            "Grüße, 😀 € ok".as_bytes().to_vec(),
            "a€".as_bytes()[..3].to_vec(), // cut inside the last character
            vec![b'a', 0xE2, 0x28, 0xA1, b'b'], // a bad continuation byte
            vec![0xF0, 0x9F, 0x98, 0x80, 0xFF], // an emoji, then a byte that is never UTF-8
            vec![0xC0, 0x80],              // overlong
            png,
            b"<svg/>".to_vec(),
            Vec::new(),
        ];
        for bytes in &samples {
            let whole = detect_content_type(bytes);
            if infer::get(bytes).is_none() {
                assert_eq!(
                    whole == "text/plain",
                    std::str::from_utf8(bytes).is_ok(),
                    "{bytes:?}"
                );
            }
            // Every cut in two, and one byte at a time.
            for cut in 0..=bytes.len() {
                let mut s = Sniffer::default();
                s.push(&bytes[..cut]);
                s.push(&bytes[cut..]);
                assert_eq!(s.content_type(), whole, "{bytes:?} cut at {cut}");
            }
            let mut s = Sniffer::default();
            for b in bytes {
                s.push(std::slice::from_ref(b));
            }
            assert_eq!(s.content_type(), whole, "{bytes:?} byte by byte");
        }
    }

    #[test]
    fn only_the_head_is_kept_for_the_signature() {
        let mut s = Sniffer::default();
        s.push(b"GIF89a");
        s.push(&vec![b'x'; 3 * SNIFF_BYTES]);
        assert_eq!(s.head.len(), SNIFF_BYTES);
        assert_eq!(s.content_type(), "image/gif");
        let mut s = Sniffer::default();
        s.push(&vec![b'x'; SNIFF_BYTES + 10]);
        s.push(&[0xFF]);
        assert_eq!(
            s.content_type(),
            "application/octet-stream",
            "a bad byte past the head still counts"
        );
    }

    #[test]
    fn ttls_read_as_people_write_them() {
        use std::time::Duration;
        assert_eq!(humane(Duration::from_secs(24 * 3600)), "24 h");
        assert_eq!(humane(Duration::from_secs(1800)), "30 min");
        assert_eq!(humane(Duration::from_secs(90)), "90 s");
        assert_eq!(mib(3 * 1024 * 1024 / 2), "1.5 MiB");
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
