//! Records' lifecycle states and timeline activity kinds.

use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// A record's state (SPEC concepts: active / resolved / cancelled).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordState {
    Active,
    Resolved,
    Cancelled,
}

impl RecordState {
    pub fn as_str(self) -> &'static str {
        match self {
            RecordState::Active => "active",
            RecordState::Resolved => "resolved",
            RecordState::Cancelled => "cancelled",
        }
    }
    /// The label shown to people ("State changed from Active to Resolved").
    pub fn label(self) -> &'static str {
        match self {
            RecordState::Active => "Active",
            RecordState::Resolved => "Resolved",
            RecordState::Cancelled => "Cancelled",
        }
    }
}

impl FromStr for RecordState {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "active" => Ok(RecordState::Active),
            "resolved" => Ok(RecordState::Resolved),
            "cancelled" => Ok(RecordState::Cancelled),
            other => Err(format!(
                "unknown state '{other}': use active, resolved or cancelled"
            )),
        }
    }
}

/// Every state, in the order a state selector lists them.
pub const ALL_STATES: [RecordState; 3] = [
    RecordState::Active,
    RecordState::Resolved,
    RecordState::Cancelled,
];

/// Records of these standard types are never *resolved*: an account, a contact or a knowledge
/// article is something that exists, not a request that gets answered.
const WITHOUT_RESOLUTION: [&str; 3] = ["account", "contact", "knowledge_article"];

/// The states a record of `record_type` may be in. Work items (cases, e-mails, conversations,
/// and custom types, which have no way to say otherwise yet) may be active, resolved or
/// cancelled; accounts, contacts and knowledge articles only active or cancelled.
pub fn states_for(record_type: &str) -> &'static [RecordState] {
    if WITHOUT_RESOLUTION.contains(&record_type) {
        &[RecordState::Active, RecordState::Cancelled]
    } else {
        &ALL_STATES
    }
}

/// Checks that `state` is one of `record_type`'s states; the error names the allowed ones.
pub fn check_state(record_type: &str, state: RecordState) -> Result<(), String> {
    let allowed = states_for(record_type);
    if allowed.contains(&state) {
        return Ok(());
    }
    let names: Vec<&str> = allowed.iter().map(|s| s.as_str()).collect();
    Err(format!(
        "a record of this type cannot be {}; its states are: {}",
        state.as_str(),
        names.join(", ")
    ))
}

/// The kinds of activity a person logs on a timeline. Chat-connection entries (R15) are
/// written by the server, never posted by a client.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActivityKind {
    Note,
    PhoneCall,
    Email,
    Task,
}

impl ActivityKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ActivityKind::Note => "note",
            ActivityKind::PhoneCall => "phone_call",
            ActivityKind::Email => "email",
            ActivityKind::Task => "task",
        }
    }
    /// Words for suggestion reasons: "Logged a phone call".
    pub fn label(self) -> &'static str {
        match self {
            ActivityKind::Note => "a note",
            ActivityKind::PhoneCall => "a phone call",
            ActivityKind::Email => "an email",
            ActivityKind::Task => "a task",
        }
    }
}

impl FromStr for ActivityKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "note" => Ok(ActivityKind::Note),
            "phone_call" => Ok(ActivityKind::PhoneCall),
            "email" => Ok(ActivityKind::Email),
            "task" => Ok(ActivityKind::Task),
            other => Err(format!(
                "unknown activity kind '{other}': use note, phone_call, email or task"
            )),
        }
    }
}

/// The kind of a timeline entry: an activity a person logged, or one the server wrote when a
/// chat was connected to the record or disconnected from it (R15). Stored and sent as its
/// name (`note`, `chat_connection`, …).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EntryKind {
    Logged(ActivityKind),
    ChatConnection,
    ChatDisconnection,
}

impl EntryKind {
    /// Every kind, logged ones first.
    pub const ALL: [EntryKind; 6] = [
        EntryKind::Logged(ActivityKind::Note),
        EntryKind::Logged(ActivityKind::PhoneCall),
        EntryKind::Logged(ActivityKind::Email),
        EntryKind::Logged(ActivityKind::Task),
        EntryKind::ChatConnection,
        EntryKind::ChatDisconnection,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Logged(kind) => kind.as_str(),
            EntryKind::ChatConnection => "chat_connection",
            EntryKind::ChatDisconnection => "chat_disconnection",
        }
    }

    /// The logged activity, when a person logged it.
    pub fn logged(self) -> Option<ActivityKind> {
        match self {
            EntryKind::Logged(kind) => Some(kind),
            _ => None,
        }
    }
}

impl FromStr for EntryKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "chat_connection" => Ok(EntryKind::ChatConnection),
            "chat_disconnection" => Ok(EntryKind::ChatDisconnection),
            other => other
                .parse()
                .map(EntryKind::Logged)
                .map_err(|_| format!("unknown timeline entry kind '{other}'")),
        }
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for EntryKind {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .enum_values(Some(EntryKind::ALL.iter().map(|k| k.as_str())))
            .description(Some(
                "What a timeline entry is: an activity a person logged, or a chat connected or disconnected (R15).",
            ))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for EntryKind {}

impl Serialize for EntryKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_and_kinds_round_trip() {
        for s in [
            RecordState::Active,
            RecordState::Resolved,
            RecordState::Cancelled,
        ] {
            assert_eq!(s.as_str().parse::<RecordState>().unwrap(), s);
        }
        for k in [
            ActivityKind::Note,
            ActivityKind::PhoneCall,
            ActivityKind::Email,
            ActivityKind::Task,
        ] {
            assert_eq!(k.as_str().parse::<ActivityKind>().unwrap(), k);
        }
        assert!("closed".parse::<RecordState>().is_err());
        assert!("chat_connection".parse::<ActivityKind>().is_err());
        for kind in EntryKind::ALL {
            assert_eq!(kind.as_str().parse::<EntryKind>(), Ok(kind));
        }
        assert!("chat_summary".parse::<EntryKind>().is_err());
    }

    #[test]
    fn an_account_has_no_resolved_state_and_a_case_has_all_three() {
        assert_eq!(states_for("case"), &ALL_STATES);
        assert_eq!(states_for("my_custom_type"), &ALL_STATES);
        for t in ["account", "contact", "knowledge_article"] {
            assert!(!states_for(t).contains(&RecordState::Resolved), "{t}");
            assert!(states_for(t).contains(&RecordState::Active), "{t}");
        }
        assert!(check_state("case", RecordState::Resolved).is_ok());
        let err = check_state("account", RecordState::Resolved).unwrap_err();
        assert!(err.contains("active, cancelled"), "{err}");
        assert!(check_state("account", RecordState::Cancelled).is_ok());
    }
}
