//! Chats connected to cases: half of the data set's chats, each with the timeline entry a
//! connection makes, where the schema has chat connections.

use super::sql::{STATEMENTS_PER_TRANSACTION, Writer, flush, lit};
use super::{ChatEntry, DAY_MS, Rng};
use tether_store::Store;

/// Connects half of the chats to a case each, with the `chat_connection` timeline entry the
/// store writes for a connection (R15), where the schema has chat connections.
pub(super) async fn connect(
    store: &Store,
    rng: &mut Rng,
    users: &[(String, String)],
    chats: &[ChatEntry],
    cases: &[String],
) -> usize {
    if cases.is_empty() {
        return 0;
    }
    // Probe outside any transaction: a failed statement inside one would leave it open.
    if let Err(e) = store
        .execute_raw(
            "SELECT c.chat_id, a.chat_id FROM chat_connections c, activities a WHERE 1 = 0",
        )
        .await
    {
        tracing::info!(
            "chats are not connected to records in this data set (no chat connections in this schema): {e}"
        );
        return 0;
    }
    let now = tether_store::now_ms();
    let mut connections = Writer::new(
        "INSERT INTO chat_connections (chat_id, record_id, connected_by, connected_at)",
    );
    let mut timeline = Writer::new(
        "INSERT INTO activities (id, record_id, kind, subject, body, author_id, at, chat_id, data)",
    );
    let mut n = 0;
    for chat in chats.iter().step_by(2) {
        let (Some(case), Some(by)) = (
            cases.get(rng.skewed(cases.len())),
            chat.members.first().and_then(|&m| users.get(m as usize)),
        ) else {
            continue;
        };
        let at = now - rng.below(90) as i64 * DAY_MS - rng.below(86_400_000) as i64;
        connections.push(format!(
            "({}, {}, {}, {at})",
            lit(&chat.id),
            lit(case),
            lit(&by.0)
        ));
        timeline.push(format!(
            "({}, {}, 'chat_connection', 'Chat connected', NULL, {}, {at}, {}, NULL)",
            lit(&tether_store::new_id()),
            lit(case),
            lit(&by.0),
            lit(&chat.id)
        ));
        n += 1;
        if connections.statements() >= STATEMENTS_PER_TRANSACTION
            && let Err(e) = flush(store, &mut [&mut connections, &mut timeline]).await
        {
            tracing::warn!("could not connect chats to records: {e:#}");
            return 0;
        }
    }
    match flush(store, &mut [&mut connections, &mut timeline]).await {
        Ok(()) => n,
        Err(e) => {
            tracing::warn!("could not connect chats to records: {e:#}");
            0
        }
    }
}
