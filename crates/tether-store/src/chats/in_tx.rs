//! The statements a change writes inside its own transaction, as macros over the open
//! transaction `$tx`: a message with the chat's next sequence number, a system message, a new
//! chat with its members, and the text a chat filter matches. Other modules use them as
//! `crate::chats::insert_system_in_tx!` and the like, so their change and its system message
//! commit together.

use crate::dialect::fold;

/// Writes a message on `$tx` with the chat's next sequence number; evaluates to the message id
/// and its seq.
macro_rules! insert_message {
    ($tx:expr, chat = $chat:expr, kind = $kind:expr, sender = $sender:expr, body = $body:expr, html = $html:expr,
     importance = $imp:expr, data = $data:expr, key = $key:expr, fingerprint = $fp:expr, at = $at:expr) => {{
        let at: i64 = $at;
        let chat: &tether_domain::ChatId = $chat;
        let sender: Option<&str> = $sender;
        let (seq, members_version): (i64, i64) = sqlx::query_as(
            "UPDATE chats SET last_seq = last_seq + 1, last_activity_at = $2, \
             last_message_at = CASE WHEN $3 = 'system' THEN last_message_at ELSE $2 END, \
             last_message_by = CASE WHEN $3 = 'system' THEN last_message_by ELSE $4 END \
             WHERE id = $1 RETURNING last_seq, members_version",
        )
        .bind(chat.as_str())
        .bind(at)
        .bind($kind)
        .bind(sender)
        .fetch_one(&mut *$tx)
        .await?;
        let id = $crate::new_id();
        let data: Option<String> = $data;
        sqlx::query(
            "INSERT INTO messages (id, chat_id, seq, kind, sender_id, body, html, importance, data, created_at, idempotency_key, idempotency_fingerprint) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(&id)
        .bind(chat.as_str())
        .bind(seq)
        .bind($kind)
        .bind(sender)
        .bind($body)
        .bind($html)
        .bind($imp)
        .bind(data)
        .bind(at)
        .bind($key)
        .bind($fp)
        .execute(&mut *$tx)
        .await?;
        (id, seq, members_version)
    }};
}

/// Writes a [`SystemMessage`](super::SystemMessage) in chat `$chat` (a `&ChatId`) on `$tx`;
/// evaluates to its id.
macro_rules! insert_system {
    ($tx:expr, $chat:expr, $sys:expr, $at:expr) => {{
        let sys: &$crate::chats::SystemMessage = $sys;
        let (id, _, _) = $crate::chats::insert_message!(
            $tx,
            chat = $chat,
            kind = sys.kind,
            sender = sys.actor_id.as_ref().map(tether_domain::UserId::as_str),
            body = &sys.text,
            html = &sys.html,
            importance = "normal",
            data = Some(sys.data.to_string()),
            key = None::<&str>,
            fingerprint = None::<&str>,
            at = $at
        );
        tether_domain::MessageId::new(id)
    }};
}

/// Inserts chat `id` as `new` describes it (`pair`: a one-on-one chat's pair key) with its
/// members, inside a transaction.
macro_rules! insert_chat {
    ($tx:expr, $id:expr, $new:expr, $pair:expr, $at:expr) => {{
        let new: &$crate::chats::NewChat = $new;
        let id: &tether_domain::ChatId = $id;
        let at: i64 = $at;
        sqlx::query("INSERT INTO chats (id, kind, name, search_folded, pair_key, team_id, created_by, created_at, last_seq, last_activity_at) \
             VALUES ($1, $2, $3, '', $4, $5, $6, $7, 0, $7)")
            .bind(id.as_str()).bind(new.kind.as_str()).bind(new.name.as_deref()).bind($pair).bind(new.team_id.as_deref())
            .bind(new.created_by.as_str()).bind(at)
            .execute(&mut *$tx).await?;
        for (user, visible_from) in &new.members {
            sqlx::query("INSERT INTO chat_members (chat_id, user_id, joined_at, visible_from, last_read_seq, added_by) VALUES ($1, $2, $3, $4, 0, $5) ON CONFLICT DO NOTHING")
                .bind(id.as_str()).bind(user.as_str()).bind(at).bind(*visible_from).bind(new.created_by.as_str())
                .execute(&mut *$tx).await?;
        }
        $crate::chats::refresh_search_in_tx!($tx, id);
    }};
}

/// Recomputes the text a chat filter matches: its name and its members' names, folded.
macro_rules! refresh_search {
    ($tx:expr, $chat:expr) => {{
        let chat: &tether_domain::ChatId = $chat;
        let names: Vec<(String,)> = sqlx::query_as("SELECT u.name FROM chat_members cm JOIN users u ON u.id = cm.user_id WHERE cm.chat_id = $1 ORDER BY u.name")
            .bind(chat.as_str())
            .fetch_all(&mut *$tx)
            .await?;
        let (name,): (Option<String>,) = sqlx::query_as("SELECT name FROM chats WHERE id = $1").bind(chat.as_str()).fetch_one(&mut *$tx).await?;
        let text = $crate::chats::search_text(name.as_deref(), names.iter().map(|n| n.0.as_str()));
        sqlx::query("UPDATE chats SET search_folded = $1 WHERE id = $2").bind(text).bind(chat.as_str()).execute(&mut *$tx).await?;
    }};
}

pub(crate) use insert_chat as insert_chat_in_tx;
pub(crate) use insert_message;
pub(crate) use insert_system as insert_system_in_tx;
pub(crate) use refresh_search as refresh_search_in_tx;
pub(super) use {insert_chat, insert_system, refresh_search};

pub(crate) fn search_text<'a>(
    name: Option<&str>,
    members: impl Iterator<Item = &'a str>,
) -> String {
    let mut text = fold(name.unwrap_or(""));
    for m in members {
        text.push('\n');
        text.push_str(&fold(m));
    }
    text
}
