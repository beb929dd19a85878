//! Giving a record a new owner and deleting it: more than writing it.

use super::{Decision, DenyReason, Grant, Owner, RecordFacts, Subject, depth_covers};
use crate::privilege::Access;

/// May `subject` make `new_owner` the owner of a record of `record_type`: on creation
/// (`current` is `None`), or by changing the owner of a record now owned by `current`?
///
/// This is the one rule behind `POST` with an owner and `PATCH` with an owner. It needs a
/// write privilege for the type whose depth covers the new owner — what [`decide`] asks of a
/// record with that owner and no share — and, for a change, covers the current owner too.
/// Shares never count: a write share lets its holder edit a record, not give it away (to
/// themselves or anyone else). Callers ask only when the owner actually changes.
///
/// [`decide`]: super::decide
pub fn may_set_owner(
    subject: &Subject,
    record_type: &str,
    current: Option<&Owner>,
    new_owner: &Owner,
) -> Decision {
    if !subject.active {
        return Decision::Denied(DenyReason::Deactivated);
    }
    let Some(depth) = subject.privileges.depth(record_type, Access::Write) else {
        return Decision::Denied(DenyReason::NoPrivilege {
            record_type: record_type.to_owned(),
            access: Access::Write,
        });
    };
    if let Some(current) = current
        && !depth_covers(subject, depth, current)
    {
        return Decision::Denied(DenyReason::CurrentOwnerOutsideDepth {
            record_type: record_type.to_owned(),
            depth,
        });
    }
    if !depth_covers(subject, depth, new_owner) {
        return Decision::Denied(DenyReason::NewOwnerOutsideDepth {
            record_type: record_type.to_owned(),
            depth,
        });
    }
    Decision::Allowed(Grant::Depth(depth))
}

/// Whether `subject` may delete the record: an administrator, the owning user, or — for a
/// team's record — someone whose write privilege covers it. Deleting is more than writing: a
/// teammate may edit a colleague's record but not make it disappear, and a share (even for
/// write) never allows a delete.
pub fn may_delete(subject: &Subject, facts: RecordFacts<'_>) -> bool {
    if !subject.active {
        return false;
    }
    if subject.privileges.admin {
        return true;
    }
    match facts.owner {
        Owner::User { user_id } => *user_id == subject.user_id,
        Owner::Team { .. } => subject
            .privileges
            .depth(facts.record_type, Access::Write)
            .is_some_and(|depth| depth_covers(subject, depth, facts.owner)),
    }
}
