//! Teams (SPEC R13, R19): created and changed by administrators; a change of members or team
//! admins moves people into and out of the team's channels, and changes who is whose teammate
//! (so the callers cached on every node are forgotten).

use crate::AppState;
use crate::app::Outcome;
use crate::app::outbox::Effect;
use crate::app::views::PersonRef;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use serde::Serialize;
use tether_domain::TeamId;
use tether_domain::UserId;
use tether_domain::people::Name;
use tether_store::StoreError;
use tether_store::people::TeamChange;
use tether_store::team_admin::TeamPatch;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct TeamMemberOut {
    pub user: PersonRef,
    pub is_admin: bool,
}

#[derive(Serialize, ToSchema)]
pub struct TeamOut {
    pub id: String,
    pub name: String,
    pub members: Vec<TeamMemberOut>,
}

impl From<tether_store::people::Team> for TeamOut {
    fn from(t: tether_store::people::Team) -> Self {
        TeamOut {
            id: t.id.into_string(),
            name: t.name,
            members: t
                .members
                .into_iter()
                .map(|m| TeamMemberOut {
                    user: PersonRef {
                        id: m.user_id,
                        name: m.name,
                    },
                    is_admin: m.is_admin,
                })
                .collect(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct TeamList {
    pub items: Vec<TeamOut>,
}

/// The team as changed, and the channel joins and leaves the change caused.
fn changed(admin: &Caller, change: TeamChange) -> Outcome<TeamOut> {
    let moves = Effect::ChannelMoves {
        joined: change.joined,
        left: change.left,
        by: PersonRef::from(admin),
    };
    Outcome::new(change.team.into(), vec![moves])
}

/// Creates a team with its admins and members. Administrators only; audited.
pub async fn create_team(
    state: &AppState,
    admin: &Caller,
    name: Name,
    admin_ids: &[UserId],
    member_ids: &[UserId],
) -> ApiResult<TeamOut> {
    admin.require_admin()?;
    let team = state
        .store
        .create_team(name.as_str(), admin_ids, member_ids, Some(admin.id()))
        .await?;
    // Teammates decide `team` access: every member's teammates changed.
    state.forget_callers(None);
    Ok(team.into())
}

/// Every team with its members; any signed-in user may read them.
pub async fn list_teams(state: &AppState) -> ApiResult<TeamList> {
    Ok(TeamList {
        items: state
            .store
            .list_teams()
            .await?
            .into_iter()
            .map(TeamOut::from)
            .collect(),
    })
}

/// Adds people to a team (and its channels). Administrators only; audited.
pub async fn add_members(
    state: &AppState,
    admin: &Caller,
    id: &TeamId,
    user_ids: &[UserId],
) -> ApiResult<Outcome<TeamOut>> {
    admin.require_admin()?;
    let change = state
        .store
        .add_team_members(id, user_ids, Some(admin.id()))
        .await?;
    state.forget_callers(None);
    Ok(changed(admin, change))
}

/// What a team change asks for (at least one of the two).
pub struct TeamEdit {
    pub name: Option<Name>,
    /// The complete new set of team admins (at least one). Former admins stay members; people
    /// not yet in the team join it.
    pub admin_ids: Option<Vec<UserId>>,
}

/// Renames a team or replaces its team admins. Administrators only (R19 gives team management
/// to administrators); audited (`team.updated`).
pub async fn update_team(
    state: &AppState,
    admin: &Caller,
    id: &TeamId,
    edit: TeamEdit,
) -> ApiResult<Outcome<TeamOut>> {
    admin.require_admin()?;
    if edit.name.is_none() && edit.admin_ids.is_none() {
        return Err(ApiError::Unprocessable {
            detail: "send a new name, a new set of admin_ids, or both".into(),
            errors: Vec::new(),
        });
    }
    let patch = TeamPatch {
        name: edit.name.map(Name::into_string),
        admin_ids: edit.admin_ids,
    };
    let change = state
        .store
        .update_team(id, &patch, Some(admin.id()))
        .await
        .map_err(|e| match e {
            StoreError::NotFound(_) => ApiError::NotFound(format!("there is no team with id {id}")),
            e => e.into(),
        })?;
    state.forget_callers(None);
    Ok(changed(admin, change))
}

/// Removes a person from a team and from the team's channels. The team's only team admin
/// cannot be removed (409). Administrators only; audited (`team.member_removed`).
pub async fn remove_member(
    state: &AppState,
    admin: &Caller,
    id: &TeamId,
    user_id: &UserId,
) -> ApiResult<Outcome<TeamOut>> {
    admin.require_admin()?;
    let change = state
        .store
        .remove_team_member(id, user_id, Some(admin.id()))
        .await
        .map_err(|e| match e {
            StoreError::NotFound("team") => {
                ApiError::NotFound(format!("there is no team with id {id}"))
            }
            StoreError::NotFound(_) => {
                ApiError::NotFound(format!("user {user_id} is not a member of this team"))
            }
            e => e.into(),
        })?;
    state.forget_callers(None);
    Ok(changed(admin, change))
}
