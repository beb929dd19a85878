//! Who may disconnect and join a connected chat (R11a, R14), and who is handed it (R25).

use crate::settings::RecordTypeSettings;

/// The facts R11a needs about one user, one record and one connection.
#[derive(Clone, Copy, Debug)]
pub struct DisconnectFacts {
    pub owns_record: bool,
    pub owner_may_disconnect: bool,
    pub is_last_connector: bool,
    pub last_connector_may_disconnect: bool,
    pub holds_disconnect_privilege: bool,
}

impl DisconnectFacts {
    /// The facts for one viewer of one connection under the record type's `settings`.
    pub fn new(
        settings: &RecordTypeSettings,
        owns_record: bool,
        is_last_connector: bool,
        holds_disconnect_privilege: bool,
    ) -> Self {
        DisconnectFacts {
            owns_record,
            owner_may_disconnect: settings.owner_may_disconnect,
            is_last_connector,
            last_connector_may_disconnect: settings.last_connector_may_disconnect,
            holds_disconnect_privilege,
        }
    }
}

/// Which of the three R11a rights allowed a disconnect.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DisconnectRight {
    Owner,
    LastConnector,
    Privilege,
}

/// The sentence that names the three ways (R11a): every refusal says it.
pub const DISCONNECT_DENIED: &str = "you cannot disconnect this chat: only the record's owner (when the record type's \
     \"owner may disconnect\" setting is on), the last person who connected it (when \"last connector may disconnect\" is on), \
     or a holder of the collab.disconnect privilege can";

/// R11a: exactly three ways to disconnect a chat from a record.
pub fn may_disconnect(f: DisconnectFacts) -> Result<DisconnectRight, &'static str> {
    if f.owns_record && f.owner_may_disconnect {
        Ok(DisconnectRight::Owner)
    } else if f.is_last_connector && f.last_connector_may_disconnect {
        Ok(DisconnectRight::LastConnector)
    } else if f.holds_disconnect_privilege {
        Ok(DisconnectRight::Privilege)
    } else {
        Err(DISCONNECT_DENIED)
    }
}

/// Whether someone who is **not** a member of a chat connected to a record they can read sees
/// that connection from the record: as a timeline entry (R15, *show chats on timeline*) or as a
/// locked panel entry they may join (R3, R14). Only then may they disconnect it under R11a (the
/// record's owner, a holder of `collab.disconnect`); otherwise the connection stays as invisible
/// to them as the chat is (R2) and the answer is 404.
pub fn connection_seen_from_record(show_on_timeline: bool, may_join: bool) -> bool {
    show_on_timeline || may_join
}

/// Why someone cannot join a connected chat (R14).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JoinDenied {
    SettingOff { record_type: String },
    ReadOnly,
}

impl std::fmt::Display for JoinDenied {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            JoinDenied::SettingOff { record_type } => write!(
                f,
                "joining chats is turned off for {record_type} records; a member of the chat can add you instead"
            ),
            JoinDenied::ReadOnly => f.write_str("you can only read this record, and joining its chats needs write access; a member of the chat can add you instead"),
        }
    }
}

impl JoinDenied {
    /// A short machine-readable reason for clients (`setting_off`, `read_only`).
    pub fn code(&self) -> &'static str {
        match self {
            JoinDenied::SettingOff { .. } => "setting_off",
            JoinDenied::ReadOnly => "read_only",
        }
    }
}

/// R14: the type's *join chat* setting on, and write access to the record.
pub fn may_join(
    record_type: &str,
    settings: &RecordTypeSettings,
    can_write: bool,
) -> Result<(), JoinDenied> {
    if !settings.join_chat {
        return Err(JoinDenied::SettingOff {
            record_type: record_type.to_owned(),
        });
    }
    if !can_write {
        return Err(JoinDenied::ReadOnly);
    }
    Ok(())
}

/// R25: when a record passes to a new user owner and the type's *hand over chats* is on, the
/// new owner is added to the connected group chats (with the full history). Otherwise they see
/// those chats as joinable under R14's rules.
pub fn hands_over(
    settings: &RecordTypeSettings,
    new_owner_is_user: bool,
    owner_changed: bool,
) -> bool {
    settings.hand_over_chats && new_owner_is_user && owner_changed
}
