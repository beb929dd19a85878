//! Why an access is refused, as a stable code and as the sentence a 403 carries.

use crate::privilege::{Access, Depth};
use std::fmt;

/// Why access was refused. `Display` gives a sentence a person can act on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DenyReason {
    Deactivated,
    NoPrivilege {
        record_type: String,
        access: Access,
    },
    OutsideDepth {
        record_type: String,
        access: Access,
        depth: Depth,
    },
    /// Setting an owner: the write privilege does not reach the owner asked for.
    NewOwnerOutsideDepth {
        record_type: String,
        depth: Depth,
    },
    /// Changing an owner: the write privilege does not reach the record as it is now owned
    /// (the caller may write it only through a share, which never allows an owner change).
    CurrentOwnerOutsideDepth {
        record_type: String,
        depth: Depth,
    },
}

impl DenyReason {
    /// The stable `code` of the 403 problem document for this refusal (docs/api.md).
    pub fn code(&self) -> &'static str {
        match self {
            DenyReason::Deactivated => "auth.deactivated",
            DenyReason::NoPrivilege { access, .. } | DenyReason::OutsideDepth { access, .. } => {
                match access {
                    Access::Read => "record.read_denied",
                    Access::Write => "record.write_denied",
                }
            }
            DenyReason::NewOwnerOutsideDepth { .. }
            | DenyReason::CurrentOwnerOutsideDepth { .. } => "record.owner_denied",
        }
    }
}

/// What a privilege of `depth` reaches, in words.
fn reach(depth: Depth) -> &'static str {
    match depth {
        Depth::Own => "records you own",
        Depth::Team => "records of your teams",
        Depth::All => "all records",
    }
}

impl fmt::Display for DenyReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DenyReason::Deactivated => f.write_str("your account is deactivated"),
            DenyReason::NoPrivilege {
                record_type,
                access,
            } => write!(
                f,
                "you have no {} privilege for {record_type} records (needs {record_type}.{}:<own|team|all>)",
                access.as_str(),
                access.as_str()
            ),
            DenyReason::OutsideDepth {
                record_type,
                access,
                depth,
            } => write!(
                f,
                "your {record_type}.{}:{} privilege covers only {}, and this record is not shared with you for {}",
                access.as_str(),
                depth.as_str(),
                reach(*depth),
                access.as_str()
            ),
            DenyReason::NewOwnerOutsideDepth { record_type, depth } => write!(
                f,
                "your {record_type}.write:{} privilege covers only {}, and a record owned by the owner you chose would be outside it",
                depth.as_str(),
                reach(*depth)
            ),
            DenyReason::CurrentOwnerOutsideDepth { record_type, depth } => write!(
                f,
                "your {record_type}.write:{} privilege covers only {}, and this record is not one of them; a share lets you edit a record, never change its owner",
                depth.as_str(),
                reach(*depth)
            ),
        }
    }
}
