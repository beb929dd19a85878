//! Live events: what a client is told ([`Event`]), and the one place that decides who is told
//! what. A use case answers the [`Effect`]s of its change; [`publish`] — the only public way to
//! the bus — turns them into client events after the change committed:
//!
//! - a message event goes to the members whose history window covers the message (R2), each
//!   with the record cards and intro card they may see (R16) when the message has any;
//! - a chat's state goes to each member as that member sees the chat (`views::chat_out`);
//! - membership and connection events go to the chat's members, a record's timeline event to
//!   the connections watching the record.
//!
//! Node-internal events (sessions to forget, settings to re-read) are not here: they are
//! [`crate::events::Control`] and never reach a client.

mod publish;

pub use publish::{Added, Connection, MessageChange, message_audience, publish};

use crate::app::views::{ChatOut, MessageOut, PersonRef, ReactionOut};
use serde::Serialize;
use tether_domain::UserId;
use tether_domain::{ChatId, MessageId, RecordId};
use tether_store::chats::{Chat, Member, Message};
use tether_store::people::ChannelMove;

/// A record an event is about.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct RecordKey {
    #[serde(rename = "type")]
    pub record_type: String,
    pub id: RecordId,
}

impl RecordKey {
    pub fn new(record_type: &str, id: impl Into<RecordId>) -> RecordKey {
        RecordKey {
            record_type: record_type.to_owned(),
            id: id.into(),
        }
    }
}

/// Why a client is notified (a toast, the browser's notification).
#[derive(Clone, Copy, Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    Mention,
    Urgent,
}

/// Declares [`Event`] from one list: each variant with its wire `type`, written once. The macro
/// gives the variant its serde name, [`Event::kind`] its arm and [`Event::TYPES`] its entry, so
/// no second list of names can drift from the first.
macro_rules! events {
    ($($(#[$doc:meta])* $kind:literal => $variant:ident { $($fields:tt)* },)*) => {
        /// Every event the server sends a client over `/api/v1/events`, by its `type`.
        /// `docs/api.md` lists the same types (a test compares them with [`Event::TYPES`]).
        #[derive(Serialize)]
        #[serde(tag = "type")]
        pub enum Event {
            $($(#[$doc])* #[serde(rename = $kind)] $variant { $($fields)* },)*
        }

        impl Event {
            /// Every event `type` a client can receive from the bus, besides the socket's own
            /// `hello` and `resync`.
            pub const TYPES: &[&str] = &[$($kind),*];

            /// The event's `type`.
            pub fn kind(&self) -> &'static str {
                match self {
                    $(Event::$variant { .. } => $kind,)*
                }
            }
        }
    };
}

events! {
    /// A message, as the recipient sees it.
    "message.created" => MessageCreated {
        chat_id: ChatId,
        message: MessageOut,
    },
    "message.updated" => MessageUpdated {
        chat_id: ChatId,
        message: MessageOut,
    },
    "message.deleted" => MessageDeleted {
        chat_id: ChatId,
        message_id: MessageId,
        message: MessageOut,
    },
    "reaction.changed" => ReactionChanged {
        chat_id: ChatId,
        message_id: MessageId,
        reactions: Vec<ReactionOut>,
    },
    /// A chat the recipient is now in.
    "chat.created" => ChatCreated { chat: ChatOut },
    /// A chat's name or members changed.
    "chat.updated" => ChatUpdated { chat: ChatOut },
    "member.added" => MemberAdded {
        chat_id: ChatId,
        users: Vec<PersonRef>,
        #[serde(skip_serializing_if = "Option::is_none")]
        by: Option<PersonRef>,
        /// Set when the person joined from a record (R14).
        #[serde(skip_serializing_if = "Option::is_none")]
        joined_from: Option<RecordKey>,
    },
    "member.removed" => MemberRemoved {
        chat_id: ChatId,
        user: PersonRef,
        by: PersonRef,
    },
    "connection.added" => ConnectionAdded { chat_id: ChatId, record: RecordKey },
    "connection.removed" => ConnectionRemoved { chat_id: ChatId, record: RecordKey },
    /// The record's timeline changed: open record pages re-read it (R15).
    "timeline.changed" => TimelineChanged { record: RecordKey },
    "notification" => Notification {
        kind: NotificationKind,
        chat_id: ChatId,
        message_id: MessageId,
        /// Who wrote the message (not on reminders).
        #[serde(skip_serializing_if = "Option::is_none")]
        from: Option<PersonRef>,
        /// The head of the message as plain text, mentions as `@Name` (not on reminders).
        #[serde(skip_serializing_if = "Option::is_none")]
        text: Option<String>,
        /// An urgent message's repeated notice to those who have not read it yet.
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        reminder: bool,
    },
}

/// An event a use case caused, as it hands it to the outbox: the facts of the change. The
/// outbox turns each into the client events, computes who is told (R2: the members whose
/// history window covers a message) and what each of them sees (R16: record cards per
/// reader). Published only after the change committed ([`publish`]).
pub enum Effect {
    /// A message the store wrote or changed; its audience is read when published.
    Message {
        change: MessageChange,
        message: Message,
    },
    /// A message to exactly `audience` (members who may see it, see [`message_audience`]).
    MessageTo {
        change: MessageChange,
        message: Message,
        audience: Vec<UserId>,
    },
    /// The system message a change wrote in its own transaction, by id: exactly that one.
    Written(MessageId),
    MessageDeleted {
        message: Message,
        members: Vec<Member>,
    },
    ReactionsChanged {
        message: Message,
        members: Vec<Member>,
    },
    /// `users` are now in `chat` (its members after the change: `members`).
    ChatCreated {
        chat: Chat,
        members: Vec<Member>,
        users: Vec<UserId>,
    },
    /// The chat's state, to every member as each sees it.
    ChatUpdated {
        chat: Chat,
        members: Vec<Member>,
    },
    /// As `ChatUpdated`, with the chat and its members read when published.
    ChatChanged(ChatId),
    MembersAdded {
        chat_id: ChatId,
        users: Vec<PersonRef>,
        how: Added,
        members: Vec<Member>,
    },
    /// Told to `audience`: the members before the change, the removed person among them.
    MemberRemoved {
        chat_id: ChatId,
        user: PersonRef,
        by: PersonRef,
        audience: Vec<UserId>,
    },
    Connection {
        change: Connection,
        chat_id: ChatId,
        record: RecordKey,
        audience: Vec<UserId>,
    },
    /// A connection change with the system message it wrote: the chat's members (read when
    /// published) hear of both, then the record's open pages that its timeline changed.
    ConnectionWritten {
        change: Connection,
        chat_id: ChatId,
        record: RecordKey,
        message_id: MessageId,
    },
    TimelineChanged(RecordKey),
    Notification {
        kind: NotificationKind,
        message: Message,
        from: PersonRef,
        text: String,
        audience: Vec<UserId>,
    },
    /// An urgent message's repeated notice to `audience`, who have not read it yet.
    Reminder {
        chat_id: ChatId,
        message_id: MessageId,
        audience: Vec<UserId>,
    },
    /// Team membership moved people into or out of team channels.
    ChannelMoves {
        joined: Vec<ChannelMove>,
        left: Vec<ChannelMove>,
        by: PersonRef,
    },
    /// The events so far leave this node before the caller is answered (a node that dies after
    /// answering cannot take them along).
    Flush,
}

#[cfg(test)]
mod tests;
