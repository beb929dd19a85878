//! The records a subject reaches, in the form a store turns into SQL.

use super::Subject;
use crate::ids::{TeamId, UserId};
use crate::privilege::{Access, Depth};

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
    ///
    /// [`decide`]: super::decide
    pub fn read_scope(&self, record_type: &str) -> ReadScope {
        self.scope(record_type, Access::Read)
    }

    /// The owners the subject's *write* privilege for the type reaches — without shares, which
    /// never allow an owner change. These are exactly the owners [`may_set_owner`] accepts as
    /// the new owner, so an owner picker offers candidates from this scope only.
    /// [`ReadScope::SharedOnly`] here means: no owner at all.
    ///
    /// [`may_set_owner`]: super::may_set_owner
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
