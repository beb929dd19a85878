//! Team membership rules for administration (SPEC glossary: a team has one or more team
//! admins). The store applies a change only after these say it keeps the team whole.

/// Why a team change is refused; the text is for the person who asked.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TeamRuleError {
    #[error("this person is not a member of the team")]
    NotMember,
    #[error(
        "this person is the team's only team admin; make someone else a team admin first, then remove them"
    )]
    LastAdmin,
    #[error("a team needs at least one team admin; choose one or more")]
    NoAdmins,
}

/// A member as these rules see them: (user id, is team admin).
pub type MemberFact<'a> = (&'a str, bool);

/// May `user_id` be removed from a team whose members are `members`? Refused for a
/// non-member and for the last team admin of a team.
pub fn may_remove_member(members: &[MemberFact<'_>], user_id: &str) -> Result<(), TeamRuleError> {
    let Some((_, is_admin)) = members.iter().find(|(id, _)| *id == user_id) else {
        return Err(TeamRuleError::NotMember);
    };
    let admins = members.iter().filter(|(_, a)| *a).count();
    if *is_admin && admins <= 1 {
        return Err(TeamRuleError::LastAdmin);
    }
    Ok(())
}

/// A new complete set of team admins must name at least one person.
pub fn check_admin_set(admin_ids: &[crate::UserId]) -> Result<(), TeamRuleError> {
    if admin_ids.iter().all(|a| a.as_str().trim().is_empty()) {
        Err(TeamRuleError::NoAdmins)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r19_a_plain_member_may_be_removed() {
        let m = [("a", true), ("b", false)];
        assert_eq!(may_remove_member(&m, "b"), Ok(()));
    }

    #[test]
    fn r19_an_admin_may_be_removed_while_another_admin_stays() {
        let m = [("a", true), ("b", true), ("c", false)];
        assert_eq!(may_remove_member(&m, "a"), Ok(()));
    }

    #[test]
    fn r19_the_last_admin_may_not_be_removed() {
        let m = [("a", true), ("b", false)];
        assert_eq!(may_remove_member(&m, "a"), Err(TeamRuleError::LastAdmin));
    }

    #[test]
    fn r19_a_non_member_cannot_be_removed() {
        let m = [("a", true)];
        assert_eq!(may_remove_member(&m, "z"), Err(TeamRuleError::NotMember));
        assert_eq!(may_remove_member(&[], "z"), Err(TeamRuleError::NotMember));
    }

    #[test]
    fn r19_an_admin_set_names_someone() {
        assert_eq!(check_admin_set(&[]), Err(TeamRuleError::NoAdmins));
        assert_eq!(check_admin_set(&[" ".into()]), Err(TeamRuleError::NoAdmins));
        assert_eq!(check_admin_set(&["a".into()]), Ok(()));
    }
}
