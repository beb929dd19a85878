//! Chats, members (with the point from which each sees history), messages, reactions,
//! mentions, read markers and urgent reminders.
//!
//! Membership changes and the system message that announces them are written in one
//! transaction, so no member ever sees one without the other. Every message takes the next
//! per-chat sequence number (`chats.last_seq`), which orders pages and read markers.

mod attachments;
mod edits;
mod in_tx;
mod messages;
mod read;
mod send;
mod write;

// What a send carries: defined with the send queue (`crate::outgoing`), which the store
// handle holds.
pub use crate::outgoing::{Attachment, NewMessage};
pub(crate) use in_tx::{
    insert_chat_in_tx, insert_message, insert_system_in_tx, refresh_search_in_tx, search_text,
};
pub use read::MemberList;

use serde::Serialize;
use serde_json::Value;
use tether_domain::chat::ChatKind;
use tether_domain::{ChatId, MessageId, UserId};

/// What [`Store::add_reaction`](crate::Store::add_reaction) did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReactionAdded {
    Added,
    /// The user had already given this reaction: nothing changed.
    AlreadyThere,
    /// The message has as many different reactions as allowed: nothing changed.
    TooMany,
}

/// A chat as stored.
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct Chat {
    #[sqlx(try_from = "String")]
    pub id: ChatId,
    /// Decoded when read: a row with a kind this code never wrote is an error, not a group.
    #[sqlx(try_from = "String")]
    pub kind: ChatKind,
    pub name: Option<String>,
    pub team_id: Option<String>,
    pub created_by: Option<String>,
    pub created_at: i64,
    pub last_seq: i64,
    pub last_message_at: Option<i64>,
    pub last_message_by: Option<String>,
    pub last_activity_at: i64,
}

/// One member of a chat.
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct Member {
    #[sqlx(try_from = "String")]
    pub chat_id: ChatId,
    #[sqlx(try_from = "String")]
    pub user_id: UserId,
    pub name: String,
    pub active: bool,
    pub joined_at: i64,
    pub visible_from: i64,
    pub last_read_seq: i64,
}

/// A chat in someone's list, with what that person needs to show it.
#[derive(Clone, Debug)]
pub struct ChatListItem {
    pub chat: Chat,
    pub visible_from: i64,
    pub last_read_seq: i64,
    pub unread: i64,
    pub members: Vec<Member>,
}

/// A system message to write with a change (kind `system`, or `intro` for R10 cards).
#[derive(Clone, Debug)]
pub struct SystemMessage {
    pub kind: &'static str,
    pub actor_id: Option<UserId>,
    /// Plain text shown to members ("Olga Berg added Bo Lind").
    pub text: String,
    pub html: String,
    /// Structured details for clients (`{"event": "member.added", …}`).
    pub data: Value,
}

/// What [`Store::add_members`](crate::Store::add_members) wrote.
#[derive(Clone, Debug, Default)]
pub struct MembersAdded {
    /// Who was added (people already in the chat are not).
    pub users: Vec<UserId>,
    /// The system message, when someone was added.
    pub message_id: Option<MessageId>,
}

/// What [`Store::remove_member`](crate::Store::remove_member) wrote.
#[derive(Clone, Debug)]
pub struct MemberRemoved {
    /// The system message.
    pub message_id: MessageId,
    /// Who were members just before, the removed person among them.
    pub members_before: Vec<UserId>,
}

/// A chat to create.
#[derive(Clone, Debug)]
pub struct NewChat {
    pub kind: ChatKind,
    pub name: Option<String>,
    pub team_id: Option<String>,
    pub created_by: UserId,
    /// (user id, visible_from)
    pub members: Vec<(UserId, i64)>,
}

/// A stored message with its reactions and attachments.
#[derive(Clone, Debug, Serialize)]
pub struct Message {
    pub id: MessageId,
    pub chat_id: ChatId,
    pub seq: i64,
    pub kind: String,
    pub sender_id: Option<UserId>,
    pub sender_name: Option<String>,
    pub body: String,
    pub html: String,
    pub importance: tether_domain::chat::Importance,
    pub data: Option<Value>,
    pub created_at: i64,
    pub edited_at: Option<i64>,
    pub deleted_at: Option<i64>,
    /// emoji → user ids, in the order first reacted.
    pub reactions: Vec<(String, Vec<String>)>,
    pub attachments: Vec<Attachment>,
}
/// Outcome of a send: the message, and whether it already existed (an idempotent retry).
#[derive(Clone, Debug)]
pub struct Sent {
    pub message: Message,
    pub replayed: bool,
    /// The chat's member-list version the write saw (`None` for a replay, which wrote
    /// nothing): a member list read at this version or later is the message's audience.
    pub members_version: Option<i64>,
}

/// A due reminder of an urgent message: who has not read it yet.
#[derive(Clone, Debug)]
pub struct DueReminder {
    pub message_id: MessageId,
    pub chat_id: ChatId,
    pub unread_user_ids: Vec<UserId>,
}
