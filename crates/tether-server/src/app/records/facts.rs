//! The checks of a record write that need the database — an owner exists (a user active), a
//! lookup names a record the actor may read — split into reading ([`WriteFacts::read`]: one
//! record's or a whole batch's facts in a constant number of queries) and deciding, in memory,
//! per record ([`WriteFacts::check_owner`], [`WriteFacts::check_lookups`]). A single create
//! or change reads the facts of one record; a bulk upsert those of all its rows at once; both
//! decide with the same functions and answer the same errors.

use crate::AppState;
use crate::app::actor::Actor;
use crate::error::{ApiError, ApiResult};
use std::collections::{BTreeMap, BTreeSet};
use tether_domain::access::decide;
use tether_domain::invalid::{FieldError, Invalid};
use tether_domain::{Access, Owner, RecordId, UserId};
use tether_store::people::UserSummary;

/// A lookup a write asks for: (field, target type, target id).
pub type Lookup = (String, String, String);

/// What the owner and lookup checks of some writes need to know.
pub struct WriteFacts {
    users: BTreeMap<UserId, UserSummary>,
    teams: BTreeSet<String>,
    /// (type, id) of the lookup targets that exist and the actor may read.
    readable: BTreeSet<(String, String)>,
}

impl WriteFacts {
    /// Reads the facts about `owners` and `lookups`: at most one query for the users, one for
    /// the teams and one for the lookup targets, however many there are.
    pub async fn read<'o, 'l>(
        state: &AppState,
        actor: &Actor<'_>,
        owners: impl IntoIterator<Item = &'o Owner>,
        lookups: impl IntoIterator<Item = &'l Lookup>,
    ) -> ApiResult<WriteFacts> {
        let mut user_ids = BTreeSet::new();
        let mut team_ids = BTreeSet::new();
        for owner in owners {
            match owner {
                Owner::User { user_id } => user_ids.insert(user_id.clone()),
                Owner::Team { team_id } => team_ids.insert(team_id.to_string()),
            };
        }
        let users = if user_ids.is_empty() {
            BTreeMap::new()
        } else {
            let ids: Vec<UserId> = user_ids.into_iter().collect();
            state
                .store
                .users_by_ids(&ids)
                .await?
                .into_iter()
                .map(|u| (u.id.clone(), u))
                .collect()
        };
        let teams = if team_ids.is_empty() {
            BTreeSet::new()
        } else {
            state
                .store
                .team_names()
                .await?
                .into_iter()
                .map(|(id, _)| id)
                .filter(|id| team_ids.contains(id))
                .collect()
        };
        let ids: Vec<RecordId> = lookups
            .into_iter()
            .map(|(_, _, id)| RecordId::new(id.as_str()))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let readable = if ids.is_empty() {
            BTreeSet::new()
        } else {
            state
                .store
                .record_views(&ids, Some(actor.viewer()))
                .await?
                .into_iter()
                .filter(|v| decide(actor.subject(), Access::Read, v.facts()).is_allowed())
                .map(|v| (v.record.record_type, v.record.id.into_string()))
                .collect()
        };
        Ok(WriteFacts {
            users,
            teams,
            readable,
        })
    }

    /// The owner exists (and, for a user, is active): 422 naming `owner` otherwise.
    pub fn check_owner(&self, owner: &Owner) -> ApiResult<()> {
        match owner {
            Owner::User { user_id } => match self.users.get(user_id) {
                Some(u) if u.active => Ok(()),
                Some(u) => Err(ApiError::fields(vec![
                    FieldError::new(
                        "owner",
                        Invalid::Deactivated,
                        "that user is deactivated and cannot own records",
                    )
                    .with("name", u.name.clone()),
                ])),
                None => Err(ApiError::invalid(
                    "owner",
                    Invalid::NotFound,
                    format!("there is no user with id {user_id}"),
                )),
            },
            Owner::Team { team_id } if self.teams.contains(team_id.as_str()) => Ok(()),
            Owner::Team { team_id } => Err(ApiError::invalid(
                "owner",
                Invalid::NotFound,
                format!("there is no team with id {team_id}"),
            )),
        }
    }

    /// Every lookup names a record of the field's target type that the actor may read. One the
    /// actor may not read is answered exactly as a missing one (same status, same detail), so a
    /// lookup field is no way to learn which ids exist — nor to pin another user's record with
    /// a link that blocks its delete.
    pub fn check_lookups(&self, lookups: &[Lookup]) -> ApiResult<()> {
        let errors: Vec<FieldError> = lookups
            .iter()
            .filter(|(_, t, id)| !self.readable.contains(&(t.clone(), id.clone())))
            .map(|(field, t, id)| {
                FieldError::new(
                    field.clone(),
                    Invalid::NotFound,
                    format!("there is no {t} record with id {id}"),
                )
            })
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(ApiError::fields(errors))
        }
    }
}
