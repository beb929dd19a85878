//! Background work of a server process: urgent-message reminders (R17) and expiry of old
//! sessions and login failures. Every task is safe to run on several nodes at once: the store
//! hands each due reminder to exactly one of them.

use crate::AppState;
use serde_json::json;
use std::time::Duration;
use tether_domain::chat::URGENT_REPEAT_MS;
use tokio::sync::watch;

/// Runs until `stop` turns true.
pub async fn run(state: AppState, mut stop: watch::Receiver<bool>) {
    let mut reminders = tokio::time::interval(Duration::from_secs(10));
    let mut purge = tokio::time::interval(Duration::from_secs(3600));
    loop {
        tokio::select! {
            _ = stop.changed() => break,
            _ = reminders.tick() => remind(&state).await,
            _ = purge.tick() => {
                let window = i64::try_from(state.config.login_window.as_millis()).unwrap_or(i64::MAX);
                if let Err(e) = state.store.purge_expired(tether_store::now_ms() - window).await {
                    tracing::warn!(error = %e, "purging expired sessions failed");
                }
            }
        }
    }
}

/// Re-notifies members who have not read an urgent message yet.
pub async fn remind(state: &AppState) {
    match state
        .store
        .claim_due_reminders(tether_store::now_ms(), URGENT_REPEAT_MS)
        .await
    {
        Ok(due) => {
            for r in due {
                state.publish(
                    "notification",
                    json!({"kind": "urgent", "reminder": true, "chat_id": r.chat_id, "message_id": r.message_id}),
                    r.unread_user_ids,
                );
            }
        }
        Err(e) => tracing::warn!(error = %e, "urgent reminders failed"),
    }
}
