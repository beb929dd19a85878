//! Attachment files in the blob store (SPEC R17): uploading ([`upload`]), what a file is
//! ([`sniff`]), opening one for a member of a chat that carries it, and removing those whose
//! message was deleted or that waited unsent too long.
//!
//! Neither direction holds a whole file in memory: an upload is written to the object store in
//! parts of [`upload::PART_BYTES`] as it arrives (a local store stages it in a temporary file and
//! renames it into place at the end), and a download is streamed from the store. Each user's
//! unsent uploads are bounded (`Config::max_unsent_upload_bytes`); uploads left unsent past
//! `Config::unsent_upload_ttl` and the files of deleted messages are removed
//! ([`remove_discarded`], run by the message delete and the background purge).

pub mod sniff;
pub mod upload;

use crate::AppState;
use crate::app::guard::require_collaboration;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use object_store::ObjectStoreExt;
use object_store::path::Path as BlobPath;
use tether_domain::AttachmentId;
use tether_domain::MessageId;
use tether_store::chats::Attachment;

/// Removes discarded files (of deleted messages, or unsent too long): the bytes first, then
/// the row, so a file whose bytes could not be removed is tried again by the next purge. How
/// many were removed.
pub async fn remove_discarded(state: &AppState, files: &[Attachment]) -> usize {
    let mut removed = 0;
    for a in files {
        match state
            .blobs
            .delete(&BlobPath::from(a.storage_key.as_str()))
            .await
        {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
            Err(e) => {
                tracing::warn!(attachment = %a.id, error = %e, "removing an attachment's bytes failed");
                continue;
            }
        }
        match state.store.forget_attachment(&a.id).await {
            Ok(_) => removed += 1,
            Err(e) => {
                tracing::warn!(attachment = %a.id, error = %e, "removing an attachment's row failed");
            }
        }
    }
    removed
}

/// Removes the files of a message just deleted; whatever fails here is left to the purge.
pub async fn remove_message_files(state: &AppState, message_id: &MessageId) {
    match state.store.message_attachments(message_id).await {
        Ok(files) => {
            remove_discarded(state, &files).await;
        }
        Err(e) => {
            tracing::warn!(message = %message_id, error = %e, "listing a deleted message's files failed")
        }
    }
}

/// A file for the caller to download, with its bytes to stream: for members of a chat that
/// carries it (within their history window), or its uploader before it is sent. Anyone else
/// gets 404, as does a file of a deleted message or an upload removed unsent. Downloads per
/// user and minute are limited (429 past it).
pub async fn open(
    state: &AppState,
    caller: &Caller,
    id: &AttachmentId,
) -> ApiResult<(Attachment, object_store::GetResult)> {
    require_collaboration(state, caller).await?;
    state.limit(caller, crate::limits::Kind::Download).await?;
    let a = state
        .store
        .attachment_for(id, caller.id())
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
    Ok((a, file))
}
