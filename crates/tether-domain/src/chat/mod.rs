//! Chats and messages (SPEC R2, R8, R11b, R17): kinds, names, history windows, message bodies
//! and importance, and who may see or change what.

use crate::invalid::{Invalid, InvalidValue};
use crate::people::{has_forbidden_control, invisible_in_name};
use serde::{Deserialize, Serialize};
use std::fmt;

/// What kind of conversation a chat is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ChatKind {
    /// Exactly two people, one chat per pair, members never change.
    OneOnOne,
    /// Two or more people, named or not; members can change.
    Group,
    /// A team's channel: every team member reads and posts.
    Channel,
}

impl ChatKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChatKind::OneOnOne => "one_on_one",
            ChatKind::Group => "group",
            ChatKind::Channel => "channel",
        }
    }
    pub fn parse(s: &str) -> Option<ChatKind> {
        match s {
            "one_on_one" => Some(ChatKind::OneOnOne),
            "group" => Some(ChatKind::Group),
            "channel" => Some(ChatKind::Channel),
            _ => None,
        }
    }
}

/// A stored kind that is none of the three: the database holds something this code never
/// wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownChatKind(pub String);

impl std::fmt::Display for UnknownChatKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unknown chat kind {:?}", self.0)
    }
}

impl std::error::Error for UnknownChatKind {}

impl TryFrom<String> for ChatKind {
    type Error = UnknownChatKind;

    fn try_from(s: String) -> Result<ChatKind, UnknownChatKind> {
        ChatKind::parse(&s).ok_or(UnknownChatKind(s))
    }
}

/// Most characters of a chat name.
pub const MAX_CHAT_NAME_CHARS: usize = 200;
/// Largest message body in bytes (28 KiB, as the chat clients agents know): 413 past it.
pub const MAX_MESSAGE_BYTES: usize = 28 * 1024;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InvalidChat {
    Empty(&'static str),
    TooLong(&'static str, usize),
    Control(&'static str),
    /// An invisible or text-direction character, and which.
    Invisible(&'static str, char),
}

impl fmt::Display for InvalidChat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InvalidChat::Empty(what) => write!(f, "{what} must not be empty"),
            InvalidChat::TooLong(what, n) => write!(f, "{what} is longer than {n} characters"),
            InvalidChat::Control(what) => {
                write!(f, "{what} contains control or text-direction characters")
            }
            InvalidChat::Invisible(what, c) => write!(
                f,
                "{what} contains an invisible or text-direction character (U+{:04X}); use visible characters only",
                u32::from(*c)
            ),
        }
    }
}

impl From<InvalidChat> for InvalidValue {
    fn from(e: InvalidChat) -> Self {
        let message = e.to_string();
        match e {
            InvalidChat::Empty(_) => InvalidValue::new(Invalid::Empty, message),
            InvalidChat::TooLong(_, n) => {
                InvalidValue::new(Invalid::TooLong, message).with("max", n)
            }
            InvalidChat::Control(_) | InvalidChat::Invisible(..) => {
                InvalidValue::new(Invalid::Characters, message)
            }
        }
    }
}

/// A chat's name: one line, 1–200 characters, nothing invisible (see
/// [`invisible_in_name`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChatName(String);

impl ChatName {
    pub fn parse(raw: &str) -> Result<ChatName, InvalidChat> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(InvalidChat::Empty("the chat name"));
        }
        if s.chars().count() > MAX_CHAT_NAME_CHARS {
            return Err(InvalidChat::TooLong("the chat name", MAX_CHAT_NAME_CHARS));
        }
        if has_forbidden_control(s) || s.contains('\n') {
            return Err(InvalidChat::Control("the chat name"));
        }
        if let Some(c) = invisible_in_name(s) {
            return Err(InvalidChat::Invisible("the chat name", c));
        }
        Ok(ChatName(s.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn into_string(self) -> String {
        self.0
    }
}

/// Why a message body is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InvalidBody {
    Empty,
    /// Over [`MAX_MESSAGE_BYTES`]: the HTTP layer answers 413.
    TooLarge(usize),
    Control,
}

impl fmt::Display for InvalidBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InvalidBody::Empty => {
                f.write_str("the message is empty; write some text or attach a file")
            }
            InvalidBody::TooLarge(n) => write!(
                f,
                "the message is {n} bytes; the limit is {MAX_MESSAGE_BYTES} bytes (28 KiB)"
            ),
            InvalidBody::Control => f.write_str("the message contains control characters"),
        }
    }
}

impl From<InvalidBody> for InvalidValue {
    fn from(e: InvalidBody) -> Self {
        let message = e.to_string();
        match e {
            InvalidBody::Empty => InvalidValue::new(Invalid::Empty, message),
            InvalidBody::TooLarge(_) => {
                InvalidValue::new(Invalid::TooLong, message).with("max", MAX_MESSAGE_BYTES)
            }
            InvalidBody::Control => InvalidValue::new(Invalid::Characters, message),
        }
    }
}

/// A message's markdown source: not blank unless it carries attachments, at most 28 KiB, no
/// control characters but tab and newlines, no direction overrides.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageBody(String);

impl MessageBody {
    pub fn parse(raw: &str, has_attachments: bool) -> Result<MessageBody, InvalidBody> {
        if raw.len() > MAX_MESSAGE_BYTES {
            return Err(InvalidBody::TooLarge(raw.len()));
        }
        if raw.trim().is_empty() && !has_attachments {
            return Err(InvalidBody::Empty);
        }
        if has_forbidden_control(raw) {
            return Err(InvalidBody::Control);
        }
        Ok(MessageBody(raw.trim_end().to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Most different reactions one message carries (R17). A reaction someone already gave may
/// always be added again by others; a new one past this is refused.
pub const MAX_REACTIONS_PER_MESSAGE: usize = 20;

/// Why a reaction is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a reaction is one emoji, such as 👍, 👍🏽 or 👩‍💻, or the :shortcode: of one, such as :tada:")]
pub struct InvalidReaction;

/// A reaction: exactly one emoji as Unicode lists them (skin tones, ZWJ sequences, flags and
/// keycaps included), or the `:shortcode:` of one. It is kept in the emoji's fully qualified
/// form, so `❤` and `❤️` are the same reaction. Letters, text-direction characters and runs of
/// several emoji are not reactions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reaction(&'static str);

impl Reaction {
    pub fn parse(raw: &str) -> Result<Reaction, InvalidReaction> {
        let s = raw.trim();
        let emoji = match s.strip_prefix(':').and_then(|r| r.strip_suffix(':')) {
            Some(code) => emojis::get_by_shortcode(code),
            None => emojis::get(s),
        };
        emoji.map(|e| Reaction(e.as_str())).ok_or(InvalidReaction)
    }
    pub fn as_str(&self) -> &'static str {
        self.0
    }
}

/// How important a message is (R17). Urgent messages re-notify unread members.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Importance {
    #[default]
    Normal,
    Important,
    Urgent,
}

impl Importance {
    pub fn as_str(self) -> &'static str {
        match self {
            Importance::Normal => "normal",
            Importance::Important => "important",
            Importance::Urgent => "urgent",
        }
    }
    pub fn parse(s: &str) -> Option<Importance> {
        match s {
            "normal" => Some(Importance::Normal),
            "important" => Some(Importance::Important),
            "urgent" => Some(Importance::Urgent),
            _ => None,
        }
    }
}

/// A stored importance that is none of the three (the database holds what this code never wrote).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownImportance(pub String);

impl std::fmt::Display for UnknownImportance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unknown message importance {:?}", self.0)
    }
}

impl std::error::Error for UnknownImportance {}

impl TryFrom<String> for Importance {
    type Error = UnknownImportance;

    fn try_from(s: String) -> Result<Importance, UnknownImportance> {
        Importance::parse(&s).ok_or(UnknownImportance(s))
    }
}

/// How long an urgent message keeps re-notifying, and how often (R17: every 2 minutes for 20).
pub const URGENT_REPEAT_MS: i64 = 2 * 60 * 1000;
pub const URGENT_DURATION_MS: i64 = 20 * 60 * 1000;

/// How much history a person added to a chat may see (R11b).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HistoryWindow {
    All,
    None,
    Days(u32),
}

impl HistoryWindow {
    /// Longest window in days that is not "all".
    pub const MAX_DAYS: u32 = 3650;

    /// The first moment (epoch ms) whose messages the member may see, when added at `now`.
    pub fn visible_from(self, now: i64) -> i64 {
        match self {
            HistoryWindow::All => 0,
            HistoryWindow::None => now,
            HistoryWindow::Days(d) => now - i64::from(d) * 24 * 3600 * 1000,
        }
    }
}

/// A member may see a message when it was created at or after their visibility point.
pub fn may_see_message(visible_from: i64, message_created_at: i64) -> bool {
    message_created_at >= visible_from
}

/// The name people see for an unnamed chat: the other members' names (one-on-one: the other
/// person; group: up to four names, then "+N").
pub fn display_name(
    kind: ChatKind,
    name: Option<&str>,
    member_names: &[(&str, &str)],
    viewer_id: &str,
) -> String {
    if let Some(n) = name.filter(|n| !n.is_empty()) {
        return n.to_owned();
    }
    let mut others: Vec<&str> = member_names
        .iter()
        .filter(|(id, _)| *id != viewer_id)
        .map(|(_, n)| *n)
        .collect();
    if kind == ChatKind::OneOnOne {
        return others
            .first()
            .map(|n| (*n).to_owned())
            .unwrap_or_else(|| "Just you".into());
    }
    others.sort_unstable();
    names_list(&others)
}

/// "Alice Berg, Bo Lind" — the R9 name of a connected chat without auto-naming, and of
/// unnamed groups.
pub fn names_list(names: &[&str]) -> String {
    const SHOWN: usize = 4;
    match names.len() {
        0 => "Just you".into(),
        n if n <= SHOWN => names.join(", "),
        n => format!("{} +{}", names[..SHOWN].join(", "), n - SHOWN),
    }
}

/// "A", "A and B", "A, B and C": people named in a sentence ("Olga started the chat with Per
/// and Lars"), every one of them, as the page's English list format writes them.
pub fn names_in_sentence(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// The pair key that makes a one-on-one chat unique per pair of people.
pub fn pair_key(a: &str, b: &str) -> String {
    if a <= b {
        format!("{a}:{b}")
    } else {
        format!("{b}:{a}")
    }
}

#[cfg(test)]
mod tests;
