//! R1: whether collaboration is available on a record type at all.

use crate::settings::{GlobalSettings, RecordTypeSettings};

/// Why collaboration is not available (R1). `Display` is the 403 detail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GateDenied {
    FeatureOff,
    NoCollabUse,
    ChatsOff { record_type: String },
    ChannelsOff { record_type: String },
}

impl GateDenied {
    /// The stable `code` of the 403 problem document for this refusal (docs/api.md).
    pub fn code(&self) -> &'static str {
        match self {
            GateDenied::FeatureOff => "collab.disabled",
            GateDenied::NoCollabUse => "collab.privilege_missing",
            GateDenied::ChatsOff { .. } => "collab.chats_off",
            GateDenied::ChannelsOff { .. } => "collab.channels_off",
        }
    }
}

impl std::fmt::Display for GateDenied {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GateDenied::FeatureOff => f.write_str("collaboration is turned off on this server; an administrator can enable it in the settings"),
            GateDenied::NoCollabUse => f.write_str("you need the collab.use privilege to use chats; ask an administrator"),
            GateDenied::ChatsOff { record_type } => write!(f, "chats are turned off for {record_type} records; an administrator can turn them on in the record type's settings"),
            GateDenied::ChannelsOff { record_type } => write!(f, "channels are turned off for {record_type} records; an administrator can turn them on in the record type's settings"),
        }
    }
}

/// R1 for one record type: the feature on, the privilege held, chats on for the type.
pub fn record_gate(
    global: &GlobalSettings,
    collab_use: bool,
    record_type: &str,
    settings: &RecordTypeSettings,
) -> Result<(), GateDenied> {
    if !global.collaboration_enabled {
        return Err(GateDenied::FeatureOff);
    }
    if !collab_use {
        return Err(GateDenied::NoCollabUse);
    }
    if !settings.chats_enabled {
        return Err(GateDenied::ChatsOff {
            record_type: record_type.to_owned(),
        });
    }
    Ok(())
}
