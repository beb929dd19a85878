//! The one answer to "may user U read / write record R" (SPEC R19).
//!
//! A [`Subject`] is everything about the asking user that the decision needs, loaded once per
//! request; [`RecordFacts`] is everything about the record. The decision is a pure function of
//! the two, so list endpoints decide for every row without another query, and the same
//! function backs the SQL filter that the store builds from [`Subject::read_scope`].

use crate::ids::{TeamId, UserId};
use crate::privilege::{Access, Depth, PrivilegeSet};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;

/// Who owns a record: a user or a team.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Owner {
    User { user_id: UserId },
    Team { team_id: TeamId },
}

/// The asking user, as the access decision sees them.
#[derive(Clone, Debug)]
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

/// The set of records a subject may read of one type, in the form a store turns into SQL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReadScope {
    /// Nothing at all (deactivated, or neither privilege nor shares apply).
    SharedOnly,
    /// Records owned by these users or teams, plus shared ones.
    Owners {
        user_ids: Vec<UserId>,
        team_ids: Vec<TeamId>,
    },
    /// Every record of the type.
    All,
}

impl Subject {
    /// The scope the store filters list queries by, equivalent to calling [`decide`] with
    /// [`Access::Read`] on every record (shares are added by the store). Deactivated users get
    /// [`ReadScope::SharedOnly`] and the store must return nothing for them; the HTTP layer
    /// refuses them before any query anyway.
    pub fn read_scope(&self, record_type: &str) -> ReadScope {
        self.scope(record_type, Access::Read)
    }

    /// The owners the subject's *write* privilege for the type reaches — without shares, which
    /// never allow an owner change. These are exactly the owners [`may_set_owner`] accepts as
    /// the new owner, so an owner picker offers candidates from this scope only.
    /// [`ReadScope::SharedOnly`] here means: no owner at all.
    pub fn owner_scope(&self, record_type: &str) -> ReadScope {
        if !self.active {
            return ReadScope::SharedOnly;
        }
        self.scope(record_type, Access::Write)
    }

    fn scope(&self, record_type: &str, access: Access) -> ReadScope {
        match self.privileges.depth(record_type, access) {
            Some(Depth::All) => ReadScope::All,
            Some(Depth::Team) => {
                let mut user_ids: Vec<UserId> = self.teammate_ids.iter().cloned().collect();
                if !self.teammate_ids.contains(&self.user_id) {
                    user_ids.push(self.user_id.clone());
                }
                ReadScope::Owners {
                    user_ids,
                    team_ids: self.team_ids.iter().cloned().collect(),
                }
            }
            Some(Depth::Own) => ReadScope::Owners {
                user_ids: vec![self.user_id.clone()],
                team_ids: Vec::new(),
            },
            None => ReadScope::SharedOnly,
        }
    }
}

/// May `subject` make `new_owner` the owner of a record of `record_type`: on creation
/// (`current` is `None`), or by changing the owner of a record now owned by `current`?
///
/// This is the one rule behind `POST` with an owner and `PATCH` with an owner. It needs a
/// write privilege for the type whose depth covers the new owner — what [`decide`] asks of a
/// record with that owner and no share — and, for a change, covers the current owner too.
/// Shares never count: a write share lets its holder edit a record, not give it away (to
/// themselves or anyone else). Callers ask only when the owner actually changes.
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::privilege::Privilege;
    use proptest::prelude::*;

    #[test]
    fn each_refusal_has_the_code_of_what_was_refused() {
        let ty = || "case".to_owned();
        let no = |access| DenyReason::NoPrivilege {
            record_type: ty(),
            access,
        };
        assert_eq!(no(Access::Read).code(), "record.read_denied");
        assert_eq!(no(Access::Write).code(), "record.write_denied");
        let outside = DenyReason::OutsideDepth {
            record_type: ty(),
            access: Access::Write,
            depth: Depth::Own,
        };
        assert_eq!(outside.code(), "record.write_denied");
        let owner = DenyReason::CurrentOwnerOutsideDepth {
            record_type: ty(),
            depth: Depth::Team,
        };
        assert_eq!(owner.code(), "record.owner_denied");
        assert_eq!(DenyReason::Deactivated.code(), "auth.deactivated");
    }

    #[test]
    fn only_owners_team_writers_and_administrators_may_delete() {
        fn facts(owner: &Owner) -> RecordFacts<'_> {
            RecordFacts {
                record_type: "case",
                owner,
                shared: None,
            }
        }
        let mine = Owner::User {
            user_id: UserId::new("u0"),
        };
        let colleague = Owner::User {
            user_id: UserId::new("u1"),
        };
        let team = Owner::Team {
            team_id: TeamId::new("t0"),
        };
        let writer = subject(&["case.write:team"], true);
        assert!(may_delete(&writer, facts(&mine)));
        assert!(
            !may_delete(&writer, facts(&colleague)),
            "a teammate's record: write, not delete"
        );
        assert!(may_delete(&writer, facts(&team)));
        assert!(!may_delete(
            &subject(&["case.read:all"], true),
            facts(&team)
        ));
        assert!(may_delete(&subject(&["admin"], true), facts(&colleague)));
        assert!(!may_delete(&subject(&["admin"], false), facts(&colleague)));
    }

    fn subject(privs: &[&str], active: bool) -> Subject {
        let ps: Vec<Privilege> = privs.iter().map(|p| p.parse().unwrap()).collect();
        Subject {
            user_id: UserId::new("u0"),
            active,
            privileges: PrivilegeSet::from_privileges(&ps),
            team_ids: [TeamId::new("t0")].into(),
            teammate_ids: [UserId::new("u0"), UserId::new("u1")].into(),
        }
    }

    fn owner_strategy() -> impl Strategy<Value = Owner> {
        prop_oneof![
            (0..4u8).prop_map(|i| Owner::User {
                user_id: UserId::new(format!("u{i}"))
            }),
            (0..3u8).prop_map(|i| Owner::Team {
                team_id: TeamId::new(format!("t{i}"))
            }),
        ]
    }

    fn depth_strategy() -> impl Strategy<Value = Depth> {
        prop_oneof![Just(Depth::Own), Just(Depth::Team), Just(Depth::All)]
    }

    fn access_strategy() -> impl Strategy<Value = Access> {
        prop_oneof![Just(Access::Read), Just(Access::Write)]
    }

    fn share_strategy() -> impl Strategy<Value = Option<Access>> {
        prop_oneof![
            Just(None),
            Just(Some(Access::Read)),
            Just(Some(Access::Write))
        ]
    }

    fn with_depth(access: Access, depth: Depth, active: bool) -> Subject {
        subject(
            &[&format!("case.{}:{}", access.as_str(), depth.as_str())],
            active,
        )
    }

    proptest! {
        /// `all` implies `team` implies `own`: whatever a smaller depth allows, a larger allows.
        #[test]
        fn greater_depth_never_allows_less(owner in owner_strategy(), access in access_strategy(),
                                           shared in share_strategy(),
                                           a in depth_strategy(), b in depth_strategy()) {
            let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
            let facts = RecordFacts { record_type: "case", owner: &owner, shared };
            let lo_ok = decide(&with_depth(access, lo, true), access, facts).is_allowed();
            let hi_ok = decide(&with_depth(access, hi, true), access, facts).is_allowed();
            prop_assert!(!lo_ok || hi_ok);
        }

        /// A deactivated user may nothing, whatever their privileges and shares.
        #[test]
        fn deactivated_user_may_nothing(owner in owner_strategy(), access in access_strategy(),
                                        shared in share_strategy(), depth in depth_strategy()) {
            let s = subject(&["*.read:all", "*.write:all", "admin", &format!("case.write:{}", depth.as_str())], false);
            let facts = RecordFacts { record_type: "case", owner: &owner, shared };
            prop_assert_eq!(decide(&s, access, facts), Decision::Denied(DenyReason::Deactivated));
        }

        /// Without privileges, sharing grants exactly what it says: read share → read only,
        /// write share → read and write, no share → nothing.
        #[test]
        fn sharing_grants_exactly_what_it_says(owner in owner_strategy(), access in access_strategy(),
                                                shared in share_strategy()) {
            let s = subject(&[], true);
            let facts = RecordFacts { record_type: "case", owner: &owner, shared };
            let allowed = decide(&s, access, facts).is_allowed();
            let expected = match (shared, access) {
                (None, _) => false,
                (Some(Access::Read), Access::Read) => true,
                (Some(Access::Read), Access::Write) => false,
                (Some(Access::Write), _) => true,
            };
            prop_assert_eq!(allowed, expected);
        }

        /// Write access implies read access.
        #[test]
        fn write_implies_read(owner in owner_strategy(), shared in share_strategy(),
                              depth in depth_strategy()) {
            let s = with_depth(Access::Write, depth, true);
            let facts = RecordFacts { record_type: "case", owner: &owner, shared };
            if decide(&s, Access::Write, facts).is_allowed() {
                prop_assert!(decide(&s, Access::Read, facts).is_allowed());
            }
        }

        /// The SQL scope agrees with the decision for every owner.
        #[test]
        fn read_scope_agrees_with_decide(owner in owner_strategy(), depth in proptest::option::of(depth_strategy())) {
            let s = match depth {
                Some(d) => with_depth(Access::Read, d, true),
                None => subject(&[], true),
            };
            let facts = RecordFacts { record_type: "case", owner: &owner, shared: None };
            let in_scope = match s.read_scope("case") {
                ReadScope::All => true,
                ReadScope::SharedOnly => false,
                ReadScope::Owners { user_ids, team_ids } => match &owner {
                    Owner::User { user_id } => user_ids.contains(user_id),
                    Owner::Team { team_id } => team_ids.contains(team_id),
                },
            };
            prop_assert_eq!(in_scope, decide(&s, Access::Read, facts).is_allowed());
        }
    }

    /// Any mix of case privileges (none, read, write at any depth, administrator), active or not.
    fn any_subject() -> impl Strategy<Value = Subject> {
        (
            proptest::option::of(depth_strategy()),
            proptest::option::of(depth_strategy()),
            any::<bool>(),
            any::<bool>(),
        )
            .prop_map(|(read, write, admin, active)| {
                let mut privs = Vec::new();
                if let Some(d) = read {
                    privs.push(format!("case.read:{}", d.as_str()));
                }
                if let Some(d) = write {
                    privs.push(format!("case.write:{}", d.as_str()));
                }
                if admin {
                    privs.push("admin".to_owned());
                }
                let refs: Vec<&str> = privs.iter().map(String::as_str).collect();
                subject(&refs, active)
            })
    }

    proptest! {
        /// A share, even for write, never allows a delete: the answer is the one without it.
        #[test]
        fn a_share_never_allows_a_delete(s in any_subject(), owner in owner_strategy(),
                                         shared in share_strategy()) {
            let with = RecordFacts { record_type: "case", owner: &owner, shared };
            let without = RecordFacts { shared: None, ..with };
            prop_assert_eq!(may_delete(&s, with), may_delete(&s, without));
        }

        /// Creating with an owner is allowed exactly when writing a record of that owner is,
        /// without any share (the rule `POST` always used).
        #[test]
        fn setting_an_owner_on_creation_is_writing_without_a_share(s in any_subject(),
                                                                   owner in owner_strategy()) {
            let facts = RecordFacts { record_type: "case", owner: &owner, shared: None };
            prop_assert_eq!(
                may_set_owner(&s, "case", None, &owner).is_allowed(),
                decide(&s, Access::Write, facts).is_allowed()
            );
        }

        /// Changing the owner needs privilege (not a share) over the record as it is owned now
        /// and over the new owner; no share ever enters the decision.
        #[test]
        fn an_owner_change_needs_privilege_over_both_owners(s in any_subject(),
                                                            current in owner_strategy(),
                                                            new in owner_strategy()) {
            let by_privilege = |o: &Owner| decide(&s, Access::Write,
                RecordFacts { record_type: "case", owner: o, shared: None }).is_allowed();
            prop_assert_eq!(
                may_set_owner(&s, "case", Some(&current), &new).is_allowed(),
                by_privilege(&current) && by_privilege(&new)
            );
        }

        /// The owner picker's scope offers exactly the owners a record may be given on
        /// creation: no candidate the PATCH would refuse, none it would accept left out.
        #[test]
        fn the_owner_scope_is_exactly_the_owners_that_may_be_set(s in any_subject(),
                                                                 owner in owner_strategy()) {
            let in_scope = match s.owner_scope("case") {
                ReadScope::All => true,
                ReadScope::SharedOnly => false,
                ReadScope::Owners { user_ids, team_ids } => match &owner {
                    Owner::User { user_id } => user_ids.contains(user_id),
                    Owner::Team { team_id } => team_ids.contains(team_id),
                },
            };
            prop_assert_eq!(in_scope, may_set_owner(&s, "case", None, &owner).is_allowed());
        }

        /// `all` implies `team` implies `own` for owner changes too.
        #[test]
        fn greater_depth_never_allows_less_owner_changes(current in owner_strategy(),
                                                         new in owner_strategy(),
                                                         a in depth_strategy(), b in depth_strategy()) {
            let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
            let lo_ok = may_set_owner(&with_depth(Access::Write, lo, true), "case", Some(&current), &new).is_allowed();
            let hi_ok = may_set_owner(&with_depth(Access::Write, hi, true), "case", Some(&current), &new).is_allowed();
            prop_assert!(!lo_ok || hi_ok);
        }
    }

    #[test]
    fn owner_changes_say_why_they_are_refused() {
        let mine = Owner::User {
            user_id: UserId::new("u0"),
        };
        let teammate = Owner::User {
            user_id: UserId::new("u1"),
        };
        let stranger = Owner::User {
            user_id: UserId::new("u3"),
        };
        let my_team = Owner::Team {
            team_id: TeamId::new("t0"),
        };
        let other_team = Owner::Team {
            team_id: TeamId::new("t1"),
        };
        let team_writer = subject(&["case.write:team"], true);
        let reason = |d: Decision| match d {
            Decision::Denied(r) => r.to_string(),
            Decision::Allowed(g) => panic!("allowed: {g:?}"),
        };
        // A team writer hands the team's case to a teammate (allowed), not to another team.
        assert_eq!(
            may_set_owner(&team_writer, "case", Some(&my_team), &teammate),
            Decision::Allowed(Grant::Depth(Depth::Team))
        );
        let r = reason(may_set_owner(
            &team_writer,
            "case",
            Some(&my_team),
            &other_team,
        ));
        assert!(
            r.contains("case.write:team") && r.contains("owner you chose"),
            "{r}"
        );
        // Nor can they take a stranger's case (which they could edit only through a share).
        let r = reason(may_set_owner(&team_writer, "case", Some(&stranger), &mine));
        assert!(r.contains("never change its owner"), "{r}");
        // Without a write privilege (a share holder), nothing: not even to themselves.
        let r = reason(may_set_owner(
            &subject(&["case.read:all"], true),
            "case",
            Some(&teammate),
            &mine,
        ));
        assert!(r.contains("no write privilege"), "{r}");
        // `own` depth cannot give one's own record away.
        let r = reason(may_set_owner(
            &with_depth(Access::Write, Depth::Own, true),
            "case",
            Some(&mine),
            &teammate,
        ));
        assert!(r.contains("records you own"), "{r}");
        assert_eq!(
            may_set_owner(&subject(&["case.write:all"], false), "case", None, &mine),
            Decision::Denied(DenyReason::Deactivated)
        );
    }

    #[test]
    fn a_write_share_on_a_teams_record_does_not_allow_deleting_it() {
        let team = Owner::Team {
            team_id: TeamId::new("t1"),
        };
        let shared = RecordFacts {
            record_type: "case",
            owner: &team,
            shared: Some(Access::Write),
        };
        assert!(decide(&subject(&[], true), Access::Write, shared).is_allowed());
        assert!(!may_delete(&subject(&[], true), shared));
        assert!(!may_delete(&subject(&["case.write:team"], true), shared));
        assert!(may_delete(&subject(&["case.write:all"], true), shared));
    }

    #[test]
    fn privileges_for_one_type_do_not_reach_another() {
        let s = subject(&["case.write:all"], true);
        let owner = Owner::User {
            user_id: UserId::new("u0"),
        };
        let facts = RecordFacts {
            record_type: "account",
            owner: &owner,
            shared: None,
        };
        let d = decide(&s, Access::Read, facts);
        assert!(matches!(
            d,
            Decision::Denied(DenyReason::NoPrivilege { .. })
        ));
        assert!(d != Decision::Allowed(Grant::Share), "no share was given");
    }

    #[test]
    fn own_depth_covers_only_own_records_and_team_depth_covers_teammates() {
        let own = with_depth(Access::Read, Depth::Own, true);
        let team = with_depth(Access::Read, Depth::Team, true);
        let teammate = Owner::User {
            user_id: UserId::new("u1"),
        };
        let stranger = Owner::User {
            user_id: UserId::new("u3"),
        };
        let my_team = Owner::Team {
            team_id: TeamId::new("t0"),
        };
        let other_team = Owner::Team {
            team_id: TeamId::new("t1"),
        };
        let f = |o| RecordFacts {
            record_type: "case",
            owner: o,
            shared: None,
        };
        assert!(!decide(&own, Access::Read, f(&teammate)).is_allowed());
        assert!(decide(&team, Access::Read, f(&teammate)).is_allowed());
        assert!(decide(&team, Access::Read, f(&my_team)).is_allowed());
        assert!(!decide(&team, Access::Read, f(&stranger)).is_allowed());
        assert!(!decide(&team, Access::Read, f(&other_team)).is_allowed());
        let denied = decide(&team, Access::Read, f(&other_team));
        match denied {
            Decision::Denied(reason) => {
                assert!(reason.to_string().contains("records of your teams"))
            }
            Decision::Allowed(_) => unreachable!(),
        }
    }
}
