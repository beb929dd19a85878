//! Background work of a server process: urgent-message reminders (R17), expiry of old
//! sessions and login failures, removal of old unsent uploads and of deleted messages'
//! files, and the e-mail digest of what people missed (its own task, `app::digest::run`,
//! started and stopped with these). Every task is safe to run on several nodes at once: the store hands each due reminder
//! to exactly one of them, and the file purge's steps are idempotent.

use crate::AppState;
use crate::app::outbox::Effect;
use std::time::Duration;
use tether_domain::chat::URGENT_REPEAT_MS;
use tokio::sync::watch;

/// Runs until `stop` turns true.
pub async fn run(state: AppState, mut stop: watch::Receiver<bool>) {
    // Its SMTP exchanges may take seconds: on a task of its own, not in this loop.
    let digest = tokio::spawn(crate::app::digest::run(state.clone(), stop.clone()));
    let mut reminders = tokio::time::interval(Duration::from_secs(10));
    let mut purge = tokio::time::interval(Duration::from_secs(3600));
    // A few times per TTL, so an upload goes at most a quarter TTL late (and at least every
    // 10 minutes, to catch the files of deleted messages whose removal failed).
    let mut files = tokio::time::interval(
        (state.config.unsent_upload_ttl / 4)
            .clamp(Duration::from_secs(1), Duration::from_secs(600)),
    );
    loop {
        tokio::select! {
            _ = stop.changed() => break,
            _ = reminders.tick() => remind(&state).await,
            _ = files.tick() => purge_files(&state).await,
            _ = purge.tick() => {
                let window = i64::try_from(state.config.login_window.as_millis()).unwrap_or(i64::MAX);
                if let Err(e) = state.store.purge_expired(tether_store::now_ms() - window).await {
                    tracing::warn!(error = %e, "purging expired sessions failed");
                }
            }
        }
    }
    let _ = digest.await;
}

/// Re-notifies members who have not read an urgent message yet.
pub async fn remind(state: &AppState) {
    match state
        .store
        .claim_due_reminders(tether_store::now_ms(), URGENT_REPEAT_MS)
        .await
    {
        Ok(due) => {
            let events = due
                .into_iter()
                .map(|r| Effect::Reminder {
                    chat_id: r.chat_id,
                    message_id: r.message_id,
                    audience: r.unread_user_ids,
                })
                .collect();
            if let Err(e) = crate::app::outbox::publish(state, events).await {
                tracing::warn!(error = %e, "urgent reminders were not published");
            }
        }
        Err(e) => tracing::warn!(error = %e, "urgent reminders failed"),
    }
}

/// Files removed per purge run at most; the rest wait for the next one.
const PURGE_FILES: i64 = 10_000;

/// Discards the uploads left unsent longer than `Config::unsent_upload_ttl`, then removes the
/// discarded files (theirs and those of deleted messages): bytes, then rows. Several nodes may
/// run it at once: each step is idempotent.
pub async fn purge_files(state: &AppState) {
    let ttl = i64::try_from(state.config.unsent_upload_ttl.as_millis()).unwrap_or(i64::MAX);
    let before = tether_store::now_ms().saturating_sub(ttl);
    if let Err(e) = state.store.discard_unsent_attachments(before).await {
        tracing::warn!(error = %e, "discarding old unsent uploads failed");
    }
    let mut left = PURGE_FILES;
    while left > 0 {
        let files = match state.store.discarded_attachments(left.min(500)).await {
            Ok(files) => files,
            Err(e) => {
                tracing::warn!(error = %e, "listing discarded files failed");
                return;
            }
        };
        let removed = crate::app::files::remove_discarded(state, &files).await;
        if removed < files.len() || files.is_empty() {
            // Done, or stuck on a file that will not go: tried again next time.
            return;
        }
        left -= i64::try_from(files.len()).unwrap_or(left);
    }
}
