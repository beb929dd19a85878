use super::*;
use crate::ids::{TeamId, UserId};
use crate::privilege::Privilege;
use crate::privilege::{Access, Depth, PrivilegeSet};
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
