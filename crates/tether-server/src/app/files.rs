//! Attachment files in the blob store: removing those whose message was deleted or that waited
//! unsent too long. Uploads and downloads are HTTP (`crate::api::attachments`).

use crate::AppState;
use object_store::ObjectStoreExt;
use object_store::path::Path as BlobPath;
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
pub async fn remove_message_files(state: &AppState, message_id: &str) {
    match state.store.message_attachments(message_id).await {
        Ok(files) => {
            remove_discarded(state, &files).await;
        }
        Err(e) => {
            tracing::warn!(message = %message_id, error = %e, "listing a deleted message's files failed")
        }
    }
}
