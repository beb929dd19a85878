//! The owners the caller may give a record to (issue 16): the caller's write scope for the
//! type, filtered once more through [`may_set_owner`] — the rule a change of owner applies —
//! so a picker offers nothing the server would refuse.

use crate::AppState;
use crate::app::guard::load_record;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use serde::Serialize;
use tether_domain::RecordId;
use tether_domain::access::{Decision, ReadScope, may_set_owner};
use tether_domain::{Access, Owner, TeamId, UserId};
use tether_store::dialect::fold;
use utoipa::ToSchema;

/// An owner the caller may give the record to.
#[derive(Serialize, ToSchema)]
pub struct OwnerOption {
    /// user or team
    pub kind: String,
    pub id: String,
    pub name: String,
    /// Whether this is the record's owner now.
    pub current: bool,
}

#[derive(Serialize, ToSchema)]
pub struct OwnerOptions {
    pub items: Vec<OwnerOption>,
}

/// Active users and teams whose name contains `needle` (any, when empty) that the caller may
/// make the record's owner: at most `n` of each, by name. 403 with the reason when the caller
/// may not change this record's owner at all (a share never allows it).
pub async fn options(
    state: &AppState,
    caller: &Caller,
    (ty, id): (&str, &RecordId),
    needle: &str,
    n: usize,
) -> ApiResult<OwnerOptions> {
    let view = load_record(state, caller, ty, id, Access::Write).await?;
    let current = view.record.owner.clone();
    // Asking about the current owner answers "may the caller change this owner at all".
    if let Decision::Denied(reason) = may_set_owner(&caller.subject, ty, Some(&current), &current) {
        return Err(ApiError::Forbidden(format!(
            "you cannot change this record's owner: {reason}"
        )));
    }
    let needle = fold(needle.trim());
    let (users, teams) = candidates(state, caller, ty, &needle).await?;
    let matches = |name: &str| needle.is_empty() || fold(name).contains(&needle);
    let allowed =
        |owner: &Owner| may_set_owner(&caller.subject, ty, Some(&current), owner).is_allowed();
    let mut user_items: Vec<OwnerOption> = users
        .into_iter()
        .filter(|u| u.active && matches(&u.name))
        .filter(|u| {
            allowed(&Owner::User {
                user_id: UserId::new(u.id.clone()),
            })
        })
        .map(|u| OwnerOption {
            kind: "user".into(),
            current: matches!(&current, Owner::User { user_id } if user_id.as_str() == u.id),
            id: u.id.into(),
            name: u.name,
        })
        .collect();
    user_items.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    let mut team_items: Vec<OwnerOption> = teams
        .into_iter()
        .filter(|(_, name)| matches(name))
        .filter(|(tid, _)| {
            allowed(&Owner::Team {
                team_id: TeamId::new(tid.clone()),
            })
        })
        .map(|(tid, name)| OwnerOption {
            kind: "team".into(),
            current: matches!(&current, Owner::Team { team_id } if team_id.as_str() == tid),
            id: tid,
            name,
        })
        .collect();
    team_items.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    let mut items: Vec<OwnerOption> = user_items.into_iter().take(n).collect();
    items.extend(team_items.into_iter().take(n));
    Ok(OwnerOptions { items })
}

/// The users and teams (id, name) the caller's write privilege for the type reaches.
async fn candidates(
    state: &AppState,
    caller: &Caller,
    ty: &str,
    needle: &str,
) -> ApiResult<(
    Vec<tether_store::people::UserSummary>,
    Vec<(String, String)>,
)> {
    let all_teams = || async { Ok::<_, ApiError>(state.store.team_names().await?) };
    Ok(match caller.subject.owner_scope(ty) {
        ReadScope::SharedOnly => (Vec::new(), Vec::new()),
        ReadScope::Owners { user_ids, team_ids } => {
            let users = state.store.users_by_ids(&user_ids).await?;
            let teams = all_teams()
                .await?
                .into_iter()
                .filter(|(id, _)| team_ids.iter().any(|w| w.as_str() == id))
                .collect();
            (users, teams)
        }
        ReadScope::All => (
            state.store.search_users(needle, 50).await?,
            all_teams().await?,
        ),
    })
}
