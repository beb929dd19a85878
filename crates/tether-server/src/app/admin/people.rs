//! People and roles (SPEC R19): users created, listed, changed and given passwords by an
//! administrator; the people picker any signed-in user searches; roles and their privileges.

use crate::AppState;
use crate::app::Outcome;
use crate::app::outbox::Effect;
use crate::app::views::PersonRef;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use serde::Serialize;
use tether_domain::Privilege;
use tether_domain::UserId;
use tether_domain::invalid::Invalid;
use tether_domain::people::{Email, Name, Password};
use tether_store::people::{NewUser, UserDetail, UserPatch};
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct UserBrief {
    pub id: UserId,
    pub name: String,
    pub email: String,
}

#[derive(Serialize, ToSchema)]
pub struct UserOut {
    pub id: UserId,
    pub name: String,
    pub email: String,
    pub active: bool,
    pub roles: Vec<String>,
    pub team_ids: Vec<String>,
}

impl From<UserDetail> for UserOut {
    fn from(u: UserDetail) -> Self {
        UserOut {
            id: u.id,
            name: u.name,
            email: u.email,
            active: u.active,
            roles: u.roles,
            team_ids: u.team_ids,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct UserListItem {
    pub id: UserId,
    pub name: String,
    pub email: String,
    pub active: bool,
    /// Administrators only: the user's role names.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub roles: Option<Vec<String>>,
    /// Administrators only: the user's teams.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub teams: Option<Vec<TeamRefOut>>,
}

#[derive(Serialize, ToSchema)]
pub struct TeamRefOut {
    pub id: String,
    pub name: String,
}

#[derive(Serialize, ToSchema)]
pub struct UserList {
    pub items: Vec<UserListItem>,
    /// Administrators only: the `offset` of the next page, absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_offset: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct RoleOut {
    pub id: String,
    pub name: String,
    pub privileges: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct RoleList {
    pub items: Vec<RoleOut>,
}

/// A new user, checked.
pub struct NewUserRequest {
    pub name: Name,
    pub email: Email,
    pub password: Password,
    /// Role names.
    pub roles: Vec<String>,
    pub team_ids: Vec<String>,
}

/// Creates a user in the roles and teams named (they join the teams' channels). Administrators
/// only; audited.
pub async fn create_user(
    state: &AppState,
    admin: &Caller,
    req: NewUserRequest,
) -> ApiResult<Outcome<UserOut>> {
    admin.require_admin()?;
    let password_hash = state.hasher.hash(req.password.expose().to_owned()).await?;
    let (user, joined) = state
        .store
        .create_user_in_teams(
            &NewUser {
                email: req.email.as_str().to_owned(),
                name: req.name.into_string(),
                password_hash,
                role_names: req.roles,
                team_ids: req.team_ids,
            },
            Some(admin.id()),
        )
        .await?;
    let moves = Effect::ChannelMoves {
        joined,
        left: Vec::new(),
        by: PersonRef::from(admin),
    };
    Ok(Outcome::new(user.into(), vec![moves]))
}

impl UserListItem {
    /// A user as the people picker shows them to anyone: no roles, no teams.
    fn brief(id: UserId, name: String, email: String, active: bool) -> UserListItem {
        UserListItem {
            id,
            name,
            email,
            active,
            roles: None,
            teams: None,
        }
    }
}

/// The people picker: any signed-in user may search people by name or e-mail (`size` of them).
/// Administrators also get each user's roles and teams, and pages from `offset`; anyone else
/// asking for a page past the first is refused.
pub async fn list_users(
    state: &AppState,
    caller: &Caller,
    text: &str,
    size: i64,
    offset: Option<i64>,
) -> ApiResult<UserList> {
    if caller.subject.privileges.admin {
        let offset = offset.unwrap_or(0);
        if offset < 0 {
            return Err(ApiError::invalid(
                "offset",
                Invalid::Range,
                "must be 0 or more",
            ));
        }
        // One more than asked tells whether there is a next page.
        let mut users = state
            .store
            .search_users_admin(text, size + 1, offset)
            .await?;
        let more = users.len() as i64 > size;
        users.truncate(usize::try_from(size).unwrap_or(0));
        return Ok(UserList {
            next_offset: more.then_some(offset + size),
            items: users
                .into_iter()
                .map(|u| UserListItem {
                    roles: Some(u.roles),
                    teams: Some(
                        u.teams
                            .into_iter()
                            .map(|t| TeamRefOut {
                                id: t.id,
                                name: t.name,
                            })
                            .collect(),
                    ),
                    ..UserListItem::brief(u.id, u.name, u.email, u.active)
                })
                .collect(),
        });
    }
    if offset.is_some_and(|o| o != 0) {
        return Err(ApiError::Forbidden(
            "paging through every user needs the admin privilege; search by name instead".into(),
        ));
    }
    let users = state.store.search_users(text, size).await?;
    Ok(UserList {
        items: users
            .into_iter()
            .map(|u| UserListItem::brief(u.id, u.name, u.email, u.active))
            .collect(),
        next_offset: None,
    })
}

/// What an administrator changes of a user; what is absent stays.
pub struct UserEdit {
    pub name: Option<Name>,
    pub active: Option<bool>,
    /// The complete new set of role names.
    pub roles: Option<Vec<String>>,
}

/// Renames, (de)activates or changes the roles of a user. Deactivation ends the user's
/// sessions at once; their history stays. An administrator cannot deactivate themselves.
pub async fn update_user(
    state: &AppState,
    admin: &Caller,
    id: &UserId,
    edit: UserEdit,
) -> ApiResult<UserOut> {
    admin.require_admin()?;
    if edit.active == Some(false) && id.as_str() == admin.id() {
        return Err(ApiError::conflict(
            "you cannot deactivate your own account; ask another administrator",
        ));
    }
    let patch = UserPatch {
        name: edit.name.map(Name::into_string),
        active: edit.active,
        role_names: edit.roles,
    };
    let user = state
        .store
        .update_user(id, &patch, Some(admin.id()))
        .await?;
    state.forget_callers(Some(id));
    if edit.active == Some(false) {
        state.end_sessions(id, None);
    }
    Ok(user.into())
}

/// Sets a user's password (a reset by an administrator) and ends all of that user's sessions,
/// on every node, with their event sockets. Audited (`user.password_changed`).
pub async fn set_password(
    state: &AppState,
    admin: &Caller,
    id: &UserId,
    password: Password,
) -> ApiResult<()> {
    admin.require_admin()?;
    if state.store.user(id).await?.is_none() {
        return Err(ApiError::NotFound(format!("there is no user with id {id}")));
    }
    let hash = state.hasher.hash(password.expose().to_owned()).await?;
    state
        .store
        .set_password(id, &hash, None, Some(admin.id()), "administrator")
        .await?;
    state.forget_callers(Some(id));
    state.end_sessions(id, None);
    Ok(())
}

/// Creates a role with its privileges. Administrators only; audited.
pub async fn create_role(
    state: &AppState,
    admin: &Caller,
    name: Name,
    privileges: &[Privilege],
) -> ApiResult<RoleOut> {
    admin.require_admin()?;
    let role = state
        .store
        .create_role(name.as_str(), privileges, Some(admin.id()))
        .await?;
    Ok(RoleOut {
        id: role.id,
        name: role.name,
        privileges: role.privileges,
    })
}

/// Every role. Administrators only.
pub async fn list_roles(state: &AppState, admin: &Caller) -> ApiResult<RoleList> {
    admin.require_admin()?;
    let roles = state.store.list_roles().await?;
    Ok(RoleList {
        items: roles
            .into_iter()
            .map(|r| RoleOut {
                id: r.id,
                name: r.name,
                privileges: r.privileges,
            })
            .collect(),
    })
}
