//! Changes to who holds `admin` (SPEC R19): every path that changes a person's roles — an
//! administrator's user edit (`PATCH /users/{id}`) and a host system's user upsert
//! (`PUT /users/by-external/…`) — asks these rules, so the installation always keeps an
//! administrator, and an API key never makes or unmakes one.

/// Why a change of roles is refused; the text is for the person who asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RoleRuleError {
    #[error(
        "this person is the last active administrator; make someone else an administrator first"
    )]
    LastAdmin,
    #[error(
        "an API key cannot change an administrator or give the admin privilege; an administrator must do this"
    )]
    AdminByKey,
}

/// The facts of one change of a person's roles.
#[derive(Clone, Copy, Debug)]
pub struct RoleChange {
    /// The person is active and holds `admin` through their roles now.
    pub is_active_admin: bool,
    /// They hold `admin` through the roles they will have (only `is_active_admin`'s roles
    /// when the roles do not change).
    pub admin_after: bool,
    /// Other active people who hold `admin` (counted inside the change's transaction).
    pub other_active_admins: usize,
}

/// May the change stand? Refused when it takes `admin` from the last active administrator.
pub fn keeps_an_admin(change: RoleChange) -> Result<(), RoleRuleError> {
    if change.is_active_admin && !change.admin_after && change.other_active_admins == 0 {
        return Err(RoleRuleError::LastAdmin);
    }
    Ok(())
}

/// May an API key change this person? Not when they hold `admin` (`holds_admin`) or would
/// after the change (`admin_after`): a leaked key must not be a way to an administrator's
/// account or to a new one.
pub fn key_may_change(holds_admin: bool, admin_after: bool) -> Result<(), RoleRuleError> {
    if holds_admin || admin_after {
        Err(RoleRuleError::AdminByKey)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(is_active_admin: bool, admin_after: bool, others: usize) -> RoleChange {
        RoleChange {
            is_active_admin,
            admin_after,
            other_active_admins: others,
        }
    }

    #[test]
    fn r19_the_last_admin_keeps_admin() {
        assert_eq!(
            keeps_an_admin(change(true, false, 0)),
            Err(RoleRuleError::LastAdmin)
        );
    }

    #[test]
    fn r19_an_admin_may_lose_admin_while_another_stays() {
        assert_eq!(keeps_an_admin(change(true, false, 1)), Ok(()));
        assert_eq!(keeps_an_admin(change(true, true, 0)), Ok(()));
        assert_eq!(keeps_an_admin(change(false, false, 0)), Ok(()));
        assert_eq!(keeps_an_admin(change(false, true, 0)), Ok(()));
    }

    #[test]
    fn r19_a_key_changes_no_administrator_and_makes_none() {
        assert_eq!(key_may_change(false, false), Ok(()));
        assert_eq!(key_may_change(true, true), Err(RoleRuleError::AdminByKey));
        assert_eq!(key_may_change(true, false), Err(RoleRuleError::AdminByKey));
        assert_eq!(key_may_change(false, true), Err(RoleRuleError::AdminByKey));
    }
}
