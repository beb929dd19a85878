//! The one answer to "may user U read / write record R" (SPEC R19).
//!
//! A [`Subject`] is everything about the asking user that the decision needs, loaded once per
//! request; [`RecordFacts`] is everything about the record. The decision is a pure function of
//! the two, so list endpoints decide for every row without another query, and the same
//! function backs the SQL filter that the store builds from [`Subject::read_scope`].

mod ownership;
mod reason;
mod scope;
#[cfg(test)]
mod tests;

pub use ownership::{may_delete, may_set_owner};
pub use reason::DenyReason;
pub use scope::ReadScope;

use crate::ids::{TeamId, UserId};
use crate::privilege::{Access, Depth, PrivilegeSet};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Who owns a record: a user or a team.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum Owner {
    User { user_id: UserId },
    Team { team_id: TeamId },
}

/// The asking user, as the access decision sees them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subject {
    pub user_id: UserId,
    pub active: bool,
    pub privileges: PrivilegeSet,
    /// Teams the user is a member or admin of.
    pub team_ids: BTreeSet<TeamId>,
    /// Users who share at least one team with the user (the user included).
    pub teammate_ids: BTreeSet<UserId>,
}

/// The record, as the access decision sees it.
#[derive(Clone, Copy, Debug)]
pub struct RecordFacts<'a> {
    pub record_type: &'a str,
    pub owner: &'a Owner,
    /// Access granted to this user by a share of this record, if any.
    pub shared: Option<Access>,
}

/// Why access was granted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Grant {
    /// The user's privilege depth covers the record.
    Depth(Depth),
    /// The record is shared with the user.
    Share,
}

/// The outcome of an access decision, with its reason either way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    Allowed(Grant),
    Denied(DenyReason),
}

impl Decision {
    pub fn is_allowed(&self) -> bool {
        matches!(self, Decision::Allowed(_))
    }
}

/// Does `depth` reach a record owned by `owner`, for `subject`?
fn depth_covers(subject: &Subject, depth: Depth, owner: &Owner) -> bool {
    match depth {
        Depth::All => true,
        Depth::Team => match owner {
            Owner::User { user_id } => {
                *user_id == subject.user_id || subject.teammate_ids.contains(user_id)
            }
            Owner::Team { team_id } => subject.team_ids.contains(team_id),
        },
        Depth::Own => matches!(owner, Owner::User { user_id } if *user_id == subject.user_id),
    }
}

/// May `subject` have `access` to the record described by `facts`?
///
/// Rules: a deactivated user may nothing; otherwise access is granted when the user's
/// privilege depth for the record type covers the record's owner, or when the record is shared
/// with the user for this access (a write share also grants read). Write implies read.
pub fn decide(subject: &Subject, access: Access, facts: RecordFacts<'_>) -> Decision {
    if !subject.active {
        return Decision::Denied(DenyReason::Deactivated);
    }
    let depth = subject.privileges.depth(facts.record_type, access);
    if let Some(depth) = depth
        && depth_covers(subject, depth, facts.owner)
    {
        return Decision::Allowed(Grant::Depth(depth));
    }
    let share_grants = matches!(
        (facts.shared, access),
        (Some(Access::Write), _) | (Some(Access::Read), Access::Read)
    );
    if share_grants {
        return Decision::Allowed(Grant::Share);
    }
    Decision::Denied(match depth {
        None => DenyReason::NoPrivilege {
            record_type: facts.record_type.to_owned(),
            access,
        },
        Some(depth) => DenyReason::OutsideDepth {
            record_type: facts.record_type.to_owned(),
            access,
            depth,
        },
    })
}
