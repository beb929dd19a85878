//! What a planned conversation is, and what its planners share: one-on-ones ([`super::chats`]),
//! team channels ([`super::channels`]) and chats about cases ([`super::case_chats`]) are all
//! [`PlannedChat`]s, written by [`super::chats::create_conversations`].

use serde_json::Value;
use tether_domain::chat::ChatKind;
use tether_store::chats::SystemMessage;

/// One case in this many is a candidate for a chat about it, connected to it; the open ones
/// owned by someone get one.
pub(super) const CASES_PER_CHAT: usize = 20;
/// Messages per unit of scale in each team's *General* channel and in each topic's channel.
pub(super) const GENERAL_MESSAGES_PER_SCALE: usize = 4;
pub(super) const TOPIC_CHANNEL_MESSAGES_PER_SCALE: usize = 3;

/// A chat or channel to create, with everything said in it.
pub(super) struct PlannedChat {
    pub(super) kind: ChatKind,
    pub(super) name: Option<String>,
    /// The channel's team.
    pub(super) team_id: Option<String>,
    pub(super) creator: String,
    /// (id, name) of every member (a channel's are the team's, read by the store).
    pub(super) members: Vec<(String, String)>,
    pub(super) opening: Option<SystemMessage>,
    /// The case it is connected to: (record id, the system message of the connection).
    pub(super) connect: Option<(String, SystemMessage)>,
    /// (sender id, sender name, markdown body)
    pub(super) messages: Vec<(String, String, String)>,
    /// Members who have not read the last message yet.
    pub(super) unread_by: Vec<String>,
}

/// A system message as the server writes one (its HTML from the server's template).
pub(super) fn system(actor: &str, text: String, data: Value) -> SystemMessage {
    tether_server::app::html::system_message(Some(&tether_domain::UserId::from(actor)), text, data)
}

/// Up to `max` characters of `s`, cut at a word with "…".
pub(super) fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let cut: String = s.chars().take(max.saturating_sub(1)).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{}…", cut.trim_end_matches([',', ':', ';']))
}
