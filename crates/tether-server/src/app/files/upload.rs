//! Uploading a file (SPEC R17): size-limited, written to the blob store in parts as it arrives
//! (never whole in memory), its type read from its bytes, and counted against the uploader's
//! bound on files not yet sent in a message.

use super::sniff::{Sniffer, is_inline, sanitize_file_name};
use crate::AppState;
use crate::app::guard::require_collaboration;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use axum::body::Bytes;
use object_store::path::Path as BlobPath;
use object_store::{ObjectStoreExt, WriteMultipart};
use serde::Serialize;
use std::future::Future;
use tether_domain::invalid::Invalid;
use tether_store::chats::Attachment;
use utoipa::ToSchema;

/// An upload is written in parts of this size: at most one part being filled and two being
/// written are in memory at a time. (Stores that want bigger parts, such as S3 with 5 MiB,
/// need this raised.)
pub const PART_BYTES: usize = 1024 * 1024;

/// A file arriving in pieces (a multipart field, say): the next piece, `None` at the end.
pub trait Chunks {
    fn next_chunk(&mut self) -> impl Future<Output = ApiResult<Option<Bytes>>> + Send;
}

#[derive(Serialize, ToSchema)]
pub struct UploadOut {
    pub id: String,
    pub name: String,
    pub size: i64,
    pub content_type: String,
    pub inline: bool,
}

/// How much one upload of the caller may hold: the attachment limit, and the room left under
/// their bound on unsent uploads.
pub struct Budget {
    max: u64,
    room: u64,
    waiting: u64,
    bound: u64,
}

impl Budget {
    /// 413 for a file past the attachment limit.
    pub fn too_large(&self) -> ApiError {
        ApiError::PayloadTooLarge(format!(
            "the file is larger than {} MiB",
            self.max / (1024 * 1024)
        ))
    }

    /// 413 for a file that would take the caller's unsent uploads past their bound: how much
    /// waits, and how to make room.
    fn over_bound(&self, state: &AppState) -> ApiError {
        over_unsent_bound(state, self.waiting, self.bound)
    }
}

/// Checks that the caller may upload now (collaboration, the upload rate) and how much: a file
/// known to be at least `at_least` bytes (from the request's declared length) that cannot fit
/// is refused here, before a byte of it is read.
pub async fn budget(state: &AppState, caller: &Caller, at_least: Option<u64>) -> ApiResult<Budget> {
    require_collaboration(state, caller).await?;
    state.limit(caller, crate::limits::Kind::Upload).await?;
    let max = u64::try_from(state.config.max_attachment_bytes).unwrap_or(u64::MAX);
    let bound = u64::try_from(state.config.max_unsent_upload_bytes).unwrap_or(u64::MAX);
    let waiting =
        u64::try_from(state.store.unsent_attachment_bytes(caller.id()).await?).unwrap_or(0);
    let budget = Budget {
        max,
        room: bound.saturating_sub(waiting),
        waiting,
        bound,
    };
    if at_least.is_some_and(|n| n > max) {
        return Err(budget.too_large());
    }
    if budget.room == 0 || at_least.is_some_and(|n| n > budget.room) {
        return Err(budget.over_bound(state));
    }
    Ok(budget)
}

/// Stores one file named `raw_name` (cleaned) as it arrives, within `budget`. What was written
/// of a file that fails (too large, over the bound, empty, unreadable) is removed.
pub async fn store(
    state: &AppState,
    caller: &Caller,
    budget: &Budget,
    raw_name: &str,
    chunks: &mut impl Chunks,
) -> ApiResult<UploadOut> {
    let storing = |e: object_store::Error| ApiError::from_io_failure("storing an attachment", &e);
    let name = sanitize_file_name(raw_name);
    let id = tether_store::new_id();
    let path = BlobPath::from(id.as_str());
    let mut writer = WriteMultipart::new_with_chunk_size(
        state.blobs.put_multipart(&path).await.map_err(storing)?,
        PART_BYTES,
    );
    let mut sniffer = Sniffer::default();
    let mut size: u64 = 0;
    let read = async {
        while let Some(chunk) = chunks.next_chunk().await? {
            size = size.saturating_add(chunk.len() as u64);
            if size > budget.max {
                return Err(budget.too_large());
            }
            if size > budget.room {
                return Err(budget.over_bound(state));
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
        id: id.as_str().into(),
        uploader_id: caller.id().clone(),
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
        .create_attachment_within(&a, i64::try_from(budget.bound).unwrap_or(i64::MAX))
        .await;
    if !matches!(stored, Ok(true)) {
        let _ = state.blobs.delete(&path).await;
        stored?;
        let waiting =
            u64::try_from(state.store.unsent_attachment_bytes(caller.id()).await?).unwrap_or(0);
        return Err(over_unsent_bound(state, waiting, budget.bound));
    }
    Ok(UploadOut {
        id,
        name,
        size,
        content_type,
        inline,
    })
}

/// 413 for an upload that would take the caller's unsent uploads past `bound`.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ttls_read_as_people_write_them() {
        use std::time::Duration;
        assert_eq!(humane(Duration::from_secs(24 * 3600)), "24 h");
        assert_eq!(humane(Duration::from_secs(1800)), "30 min");
        assert_eq!(humane(Duration::from_secs(90)), "90 s");
        assert_eq!(mib(3 * 1024 * 1024 / 2), "1.5 MiB");
    }
}
