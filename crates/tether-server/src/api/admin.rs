//! Administration (SPEC R19, R22): users, roles, teams, settings, record types and the audit
//! log. Writes need the `admin` privilege; the people picker, teams and record types can be
//! read by any signed-in user, since every client needs them to render records.

use super::{PersonRef, limit, rfc3339};
use crate::AppState;
use crate::app::outbox::{Effect, publish};
use crate::auth::{Admin, Caller};
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use tether_domain::Privilege;
use tether_domain::csv;
use tether_domain::invalid::Invalid;
use tether_domain::people::{Email, Name, Password};
use tether_domain::record_type::{FieldDef, FieldKind, RecordTypeDef};
use tether_domain::settings::{GlobalSettings, RecordTypeSettings};
use tether_store::StoreError;
use tether_store::audit::{AUDIT_MAX, AuditFilter};
use tether_store::people::{NewUser, UserDetail, UserPatch};
use tether_store::record_types::RecordType;
use tether_store::team_admin::TeamPatch;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_user, list_users))
        .routes(routes!(update_user))
        .routes(routes!(set_user_password))
        .routes(routes!(create_role, list_roles))
        .routes(routes!(create_team, list_teams))
        .routes(routes!(add_team_members))
        .routes(routes!(update_team))
        .routes(routes!(remove_team_member))
        .routes(routes!(get_settings, put_settings))
        .routes(routes!(create_record_type, list_record_types))
        .routes(routes!(get_type_settings, put_type_settings))
        .routes(routes!(list_audit))
        .routes(routes!(export_audit))
}

#[derive(Serialize, ToSchema)]
pub struct UserBrief {
    pub id: String,
    pub name: String,
    pub email: String,
}

#[derive(Serialize, ToSchema)]
pub struct UserOut {
    pub id: String,
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

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    pub name: String,
    pub email: String,
    pub password: String,
    pub roles: Vec<String>,
    #[serde(default)]
    pub team_ids: Vec<String>,
}

/// # `POST /api/v1/users`
#[utoipa::path(post, path = "/users", tag = "admin", request_body = CreateUser,
    responses((status = 201, body = UserOut), (status = 403), (status = 409, description = "e-mail taken"), (status = 422)))]
async fn create_user(
    State(state): State<AppState>,
    Admin(admin): Admin,
    ApiJson(req): ApiJson<CreateUser>,
) -> ApiResult<(StatusCode, Json<UserOut>)> {
    let name = Name::parse("name", &req.name).map_err(|e| ApiError::refused("name", e))?;
    let email = Email::parse(&req.email).map_err(|e| ApiError::refused("email", e))?;
    let password = Password::parse(&req.password).map_err(|e| ApiError::refused("password", e))?;
    let password_hash = state.hasher.hash(password.expose().to_owned()).await?;
    let (user, joined) = state
        .store
        .create_user_in_teams(
            &NewUser {
                email: email.as_str().to_owned(),
                name: name.into_string(),
                password_hash,
                role_names: req.roles,
                team_ids: req.team_ids,
            },
            Some(admin.id()),
        )
        .await?;
    publish(
        &state,
        vec![Effect::ChannelMoves {
            joined,
            left: Vec::new(),
            by: PersonRef::from(&admin),
        }],
    )
    .await?;
    Ok((StatusCode::CREATED, Json(user.into())))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserQuery {
    /// Part of a name or e-mail address.
    pub q: Option<String>,
    /// Page size: 20 by default, at most 200.
    pub limit: Option<i64>,
    /// Administrators only: skip this many users (the next page starts at `next_offset`).
    pub offset: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct UserListItem {
    pub id: String,
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

/// # `GET /api/v1/users?q=`
///
/// The people picker: any signed-in user may search people by name or e-mail. Administrators
/// also get each user's roles and teams, and pages (`offset`, `next_offset`) for the Users page.
#[utoipa::path(get, path = "/users", tag = "admin", params(UserQuery), responses((status = 200, body = UserList), (status = 401), (status = 422)))]
async fn list_users(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<UserQuery>,
) -> ApiResult<Json<UserList>> {
    let text = q.q.as_deref().unwrap_or("").trim();
    let size = limit(q.limit, 20, 200);
    if caller.subject.privileges.admin {
        let offset = q.offset.unwrap_or(0);
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
        return Ok(Json(UserList {
            next_offset: more.then_some(offset + size),
            items: users
                .into_iter()
                .map(|u| UserListItem {
                    id: u.id,
                    name: u.name,
                    email: u.email,
                    active: u.active,
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
                })
                .collect(),
        }));
    }
    if q.offset.is_some_and(|o| o != 0) {
        return Err(ApiError::Forbidden(
            "paging through every user needs the admin privilege; search by name instead".into(),
        ));
    }
    let users = state.store.search_users(text, size).await?;
    Ok(Json(UserList {
        items: users
            .into_iter()
            .map(|u| UserListItem {
                id: u.id,
                name: u.name,
                email: u.email,
                active: u.active,
                roles: None,
                teams: None,
            })
            .collect(),
        next_offset: None,
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchUser {
    pub name: Option<String>,
    pub active: Option<bool>,
    pub roles: Option<Vec<String>>,
}

/// # `PATCH /api/v1/users/{id}`
///
/// Rename, (de)activate or change roles. Deactivation ends the user's sessions at once; their
/// history stays. An administrator cannot deactivate themselves.
#[utoipa::path(patch, path = "/users/{id}", tag = "admin", request_body = PatchUser, params(("id" = String, Path)),
    responses((status = 200, body = UserOut), (status = 403), (status = 404), (status = 409), (status = 422)))]
async fn update_user(
    State(state): State<AppState>,
    Admin(admin): Admin,
    ApiPath(id): ApiPath<String>,
    ApiJson(req): ApiJson<PatchUser>,
) -> ApiResult<Json<UserOut>> {
    if req.active == Some(false) && id == admin.id() {
        return Err(ApiError::conflict(
            "you cannot deactivate your own account; ask another administrator",
        ));
    }
    let name = req
        .name
        .as_deref()
        .map(|n| Name::parse("name", n).map_err(|e| ApiError::refused("name", e)))
        .transpose()?;
    let patch = UserPatch {
        name: name.map(Name::into_string),
        active: req.active,
        role_names: req.roles,
    };
    let user = state
        .store
        .update_user(&id, &patch, Some(admin.id()))
        .await?;
    state.forget_callers(Some(&id));
    if req.active == Some(false) {
        state.end_sessions(&id, None);
    }
    Ok(Json(user.into()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetPassword {
    /// 10–1,024 characters.
    pub new_password: String,
}

/// # `POST /api/v1/users/{id}/password`
///
/// Sets a user's password (a reset by an administrator). Ends all of that user's sessions at
/// once, on every node, with their event sockets. Audited (`user.password_changed`).
#[utoipa::path(post, path = "/users/{id}/password", tag = "admin", request_body = SetPassword, params(("id" = String, Path)),
    responses((status = 204, description = "set; all of the user's sessions have ended"), (status = 403), (status = 404), (status = 422), (status = 503)))]
async fn set_user_password(
    State(state): State<AppState>,
    Admin(admin): Admin,
    ApiPath(id): ApiPath<String>,
    ApiJson(req): ApiJson<SetPassword>,
) -> ApiResult<StatusCode> {
    let password =
        Password::parse(&req.new_password).map_err(|e| ApiError::refused("new_password", e))?;
    if state.store.user(&id).await?.is_none() {
        return Err(ApiError::NotFound(format!("there is no user with id {id}")));
    }
    let hash = state.hasher.hash(password.expose().to_owned()).await?;
    state
        .store
        .set_password(&id, &hash, None, Some(admin.id()), "administrator")
        .await?;
    state.forget_callers(Some(&id));
    state.end_sessions(&id, None);
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateRole {
    pub name: String,
    /// `admin`, `collab.use`, `collab.disconnect`, `<type>.read:<own|team|all>`, `<type>.write:<own|team|all>`; `*` as the type means every type.
    pub privileges: Vec<String>,
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

/// # `POST /api/v1/roles`
#[utoipa::path(post, path = "/roles", tag = "admin", request_body = CreateRole,
    responses((status = 201, body = RoleOut), (status = 403), (status = 409), (status = 422)))]
async fn create_role(
    State(state): State<AppState>,
    Admin(admin): Admin,
    ApiJson(req): ApiJson<CreateRole>,
) -> ApiResult<(StatusCode, Json<RoleOut>)> {
    let name = Name::parse("name", &req.name).map_err(|e| ApiError::refused("name", e))?;
    let privileges: Vec<Privilege> = req
        .privileges
        .iter()
        .map(|p| {
            p.parse::<Privilege>()
                .map_err(|e| ApiError::invalid("privileges", Invalid::Option, e.0))
        })
        .collect::<Result<_, _>>()?;
    let role = state
        .store
        .create_role(name.as_str(), &privileges, Some(admin.id()))
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(RoleOut {
            id: role.id,
            name: role.name,
            privileges: role.privileges,
        }),
    ))
}

/// # `GET /api/v1/roles`
#[utoipa::path(get, path = "/roles", tag = "admin", responses((status = 200, body = RoleList), (status = 403)))]
async fn list_roles(State(state): State<AppState>, _admin: Admin) -> ApiResult<Json<RoleList>> {
    let roles = state.store.list_roles().await?;
    Ok(Json(RoleList {
        items: roles
            .into_iter()
            .map(|r| RoleOut {
                id: r.id,
                name: r.name,
                privileges: r.privileges,
            })
            .collect(),
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTeam {
    pub name: String,
    #[serde(default)]
    pub admin_ids: Vec<String>,
    #[serde(default)]
    pub member_ids: Vec<String>,
}

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
            id: t.id,
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

/// # `POST /api/v1/teams`
#[utoipa::path(post, path = "/teams", tag = "admin", request_body = CreateTeam,
    responses((status = 201, body = TeamOut), (status = 403), (status = 409), (status = 422)))]
async fn create_team(
    State(state): State<AppState>,
    Admin(admin): Admin,
    ApiJson(req): ApiJson<CreateTeam>,
) -> ApiResult<(StatusCode, Json<TeamOut>)> {
    let name = Name::parse("name", &req.name).map_err(|e| ApiError::refused("name", e))?;
    let team = state
        .store
        .create_team(
            name.as_str(),
            &req.admin_ids,
            &req.member_ids,
            Some(admin.id()),
        )
        .await?;
    // Teammates decide `team` access: every member's teammates changed.
    state.forget_callers(None);
    Ok((StatusCode::CREATED, Json(team.into())))
}

/// # `GET /api/v1/teams`
#[utoipa::path(get, path = "/teams", tag = "admin", responses((status = 200, body = TeamList), (status = 401)))]
async fn list_teams(State(state): State<AppState>, _caller: Caller) -> ApiResult<Json<TeamList>> {
    Ok(Json(TeamList {
        items: state
            .store
            .list_teams()
            .await?
            .into_iter()
            .map(TeamOut::from)
            .collect(),
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddMembers {
    pub user_ids: Vec<String>,
}

/// # `POST /api/v1/teams/{id}/members`
#[utoipa::path(post, path = "/teams/{id}/members", tag = "admin", request_body = AddMembers, params(("id" = String, Path)),
    responses((status = 200, body = TeamOut), (status = 403), (status = 404), (status = 422)))]
async fn add_team_members(
    State(state): State<AppState>,
    Admin(admin): Admin,
    ApiPath(id): ApiPath<String>,
    ApiJson(req): ApiJson<AddMembers>,
) -> ApiResult<Json<TeamOut>> {
    let change = state
        .store
        .add_team_members(&id, &req.user_ids, Some(admin.id()))
        .await?;
    state.forget_callers(None);
    publish(
        &state,
        vec![Effect::ChannelMoves {
            joined: change.joined,
            left: change.left,
            by: PersonRef::from(&admin),
        }],
    )
    .await?;
    Ok(Json(change.team.into()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchTeam {
    /// A new name for the team.
    pub name: Option<String>,
    /// The complete new set of team admins (at least one). Former admins stay members; people
    /// not yet in the team join it.
    pub admin_ids: Option<Vec<String>>,
}

/// # `PATCH /api/v1/teams/{id}`
///
/// Renames a team or replaces its team admins. Administrators only (SPEC R19 gives team
/// management to administrators). Audited (`team.updated`).
#[utoipa::path(patch, path = "/teams/{id}", tag = "admin", request_body = PatchTeam, params(("id" = String, Path)),
    responses((status = 200, body = TeamOut), (status = 403), (status = 404), (status = 409, description = "name taken"), (status = 422)))]
async fn update_team(
    State(state): State<AppState>,
    Admin(admin): Admin,
    ApiPath(id): ApiPath<String>,
    ApiJson(req): ApiJson<PatchTeam>,
) -> ApiResult<Json<TeamOut>> {
    let name = req
        .name
        .as_deref()
        .map(|n| Name::parse("name", n).map_err(|e| ApiError::refused("name", e)))
        .transpose()?;
    if name.is_none() && req.admin_ids.is_none() {
        return Err(ApiError::Unprocessable {
            detail: "send a new name, a new set of admin_ids, or both".into(),
            errors: Vec::new(),
        });
    }
    let patch = TeamPatch {
        name: name.map(Name::into_string),
        admin_ids: req.admin_ids,
    };
    let change = state
        .store
        .update_team(&id, &patch, Some(admin.id()))
        .await
        .map_err(|e| match e {
            StoreError::NotFound(_) => ApiError::NotFound(format!("there is no team with id {id}")),
            e => e.into(),
        })?;
    state.forget_callers(None);
    publish(
        &state,
        vec![Effect::ChannelMoves {
            joined: change.joined,
            left: change.left,
            by: PersonRef::from(&admin),
        }],
    )
    .await?;
    Ok(Json(change.team.into()))
}

/// # `DELETE /api/v1/teams/{id}/members/{user_id}`
///
/// Removes a person from a team and from the team's channels. The team's only team admin
/// cannot be removed (409): make someone else a team admin first. Administrators only.
/// Audited (`team.member_removed`).
#[utoipa::path(delete, path = "/teams/{id}/members/{user_id}", tag = "admin", params(("id" = String, Path), ("user_id" = String, Path)),
    responses((status = 200, body = TeamOut), (status = 403), (status = 404), (status = 409)))]
async fn remove_team_member(
    State(state): State<AppState>,
    Admin(admin): Admin,
    ApiPath((id, user_id)): ApiPath<(String, String)>,
) -> ApiResult<Json<TeamOut>> {
    let change = state
        .store
        .remove_team_member(&id, &user_id, Some(admin.id()))
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
    publish(
        &state,
        vec![Effect::ChannelMoves {
            joined: change.joined,
            left: change.left,
            by: PersonRef::from(&admin),
        }],
    )
    .await?;
    Ok(Json(change.team.into()))
}

#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettingsDoc {
    /// The global switch of R1: off on a new installation.
    pub collaboration_enabled: bool,
}

/// # `GET /api/v1/settings`
///
/// Any signed-in user may read the global switch (clients show or hide collaboration by it).
#[utoipa::path(get, path = "/settings", tag = "admin", responses((status = 200, body = SettingsDoc), (status = 401)))]
async fn get_settings(
    State(state): State<AppState>,
    _caller: Caller,
) -> ApiResult<Json<SettingsDoc>> {
    let s = state.global_settings().await?;
    Ok(Json(SettingsDoc {
        collaboration_enabled: s.collaboration_enabled,
    }))
}

/// # `PUT /api/v1/settings`
#[utoipa::path(put, path = "/settings", tag = "admin", request_body = SettingsDoc, responses((status = 200, body = SettingsDoc), (status = 403), (status = 422)))]
async fn put_settings(
    State(state): State<AppState>,
    Admin(admin): Admin,
    ApiJson(req): ApiJson<SettingsDoc>,
) -> ApiResult<Json<SettingsDoc>> {
    let s = state
        .store
        .set_global_settings(
            &GlobalSettings {
                collaboration_enabled: req.collaboration_enabled,
            },
            Some(admin.id()),
        )
        .await?;
    state.forget_settings();
    Ok(Json(SettingsDoc {
        collaboration_enabled: s.collaboration_enabled,
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldIn {
    pub name: String,
    pub label: String,
    /// text, long_text, number, boolean, date, choice, lookup
    #[schema(value_type = String)]
    pub kind: FieldKind,
    #[serde(default)]
    pub required: bool,
    /// Options of a choice field.
    #[serde(default)]
    pub options: Vec<String>,
    /// Target record type of a lookup field.
    pub target: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateRecordType {
    pub name: String,
    pub display_name: String,
    pub primary_field: String,
    pub fields: Vec<FieldIn>,
    /// Prefix for record numbers (`WO` gives `WO-00001`), 2–5 capital letters.
    pub number_prefix: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct RecordTypeOut {
    pub name: String,
    pub display_name: String,
    pub primary_field: String,
    #[schema(value_type = Vec<Object>)]
    pub fields: Vec<FieldDef>,
    pub standard: bool,
    pub number_prefix: Option<String>,
    #[schema(value_type = Object)]
    pub settings: RecordTypeSettings,
    /// The states a record of this type may be in (an account is never resolved).
    pub states: Vec<String>,
}

impl From<RecordType> for RecordTypeOut {
    fn from(t: RecordType) -> Self {
        let states = tether_domain::record::states_for(&t.def.name)
            .iter()
            .map(|s| s.as_str().to_owned())
            .collect();
        RecordTypeOut {
            name: t.def.name,
            display_name: t.def.display_name,
            primary_field: t.def.primary_field,
            fields: t.def.fields,
            standard: t.def.standard,
            number_prefix: t.def.number_prefix,
            settings: t.settings,
            states,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct RecordTypeList {
    pub items: Vec<RecordTypeOut>,
}

/// # `POST /api/v1/record-types`
///
/// Adds a custom record type with typed fields; it starts with the default settings.
#[utoipa::path(post, path = "/record-types", tag = "admin", request_body = CreateRecordType,
    responses((status = 201, body = RecordTypeOut), (status = 403), (status = 409), (status = 422)))]
async fn create_record_type(
    State(state): State<AppState>,
    Admin(admin): Admin,
    ApiJson(req): ApiJson<CreateRecordType>,
) -> ApiResult<(StatusCode, Json<RecordTypeOut>)> {
    if let Some(p) = &req.number_prefix
        && !(2..=5).contains(&p.len())
    {
        return Err(ApiError::invalid(
            "number_prefix",
            Invalid::NumberPrefix,
            "must be 2–5 capital letters",
        ));
    }
    if req
        .number_prefix
        .as_deref()
        .is_some_and(|p| !p.chars().all(|c| c.is_ascii_uppercase()))
    {
        return Err(ApiError::invalid(
            "number_prefix",
            Invalid::NumberPrefix,
            "must be 2–5 capital letters",
        ));
    }
    let def = RecordTypeDef {
        name: req.name,
        display_name: req.display_name.trim().to_owned(),
        primary_field: req.primary_field,
        fields: req
            .fields
            .into_iter()
            .map(|f| FieldDef {
                name: f.name,
                label: f.label.trim().to_owned(),
                kind: f.kind,
                required: f.required,
                options: f.options,
                target: f.target,
                read_only: false,
            })
            .collect(),
        standard: false,
        number_prefix: req.number_prefix,
    };
    let existing = state.store.record_types().await?;
    let known: Vec<&str> = existing.iter().map(|t| t.def.name.as_str()).collect();
    def.check_definition(&known).map_err(ApiError::fields)?;
    let settings = RecordTypeSettings::defaults_for(&def);
    let created = state
        .store
        .create_record_type(&def, &settings, Some(admin.id()))
        .await?;
    Ok((StatusCode::CREATED, Json(created.into())))
}

/// # `GET /api/v1/record-types`
#[utoipa::path(get, path = "/record-types", tag = "admin", responses((status = 200, body = RecordTypeList), (status = 401)))]
async fn list_record_types(
    State(state): State<AppState>,
    _caller: Caller,
) -> ApiResult<Json<RecordTypeList>> {
    Ok(Json(RecordTypeList {
        items: state
            .store
            .record_types()
            .await?
            .into_iter()
            .map(RecordTypeOut::from)
            .collect(),
    }))
}

async fn record_type(state: &AppState, name: &str) -> ApiResult<RecordType> {
    state
        .store
        .record_type(name)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("there is no record type '{name}'")))
}

/// # `GET /api/v1/record-types/{type}/settings`
#[utoipa::path(get, path = "/record-types/{type}/settings", tag = "admin", params(("type" = String, Path)),
    responses((status = 200, body = Object), (status = 401), (status = 404)))]
async fn get_type_settings(
    State(state): State<AppState>,
    _caller: Caller,
    ApiPath(ty): ApiPath<String>,
) -> ApiResult<Json<RecordTypeSettings>> {
    Ok(Json(record_type(&state, &ty).await?.settings))
}

/// Overlays `patch` onto `base`, recursing into objects (a partial settings document changes
/// only what it names).
fn merge(base: &mut Value, patch: Value) {
    match (base, patch) {
        (Value::Object(b), Value::Object(p)) => {
            for (k, v) in p {
                match b.get_mut(&k) {
                    Some(slot) if slot.is_object() && v.is_object() => merge(slot, v),
                    _ => {
                        b.insert(k, v);
                    }
                }
            }
        }
        (b, p) => *b = p,
    }
}

/// # `PUT /api/v1/record-types/{type}/settings`
///
/// Replaces the type's collaboration settings. A partial document changes only the settings it
/// names (nested objects included); unknown names are refused. Audited (R22).
#[utoipa::path(put, path = "/record-types/{type}/settings", tag = "admin", params(("type" = String, Path)), request_body = Object,
    responses((status = 200, body = Object), (status = 403), (status = 404), (status = 422)))]
async fn put_type_settings(
    State(state): State<AppState>,
    Admin(admin): Admin,
    ApiPath(ty): ApiPath<String>,
    ApiJson(patch): ApiJson<Value>,
) -> ApiResult<Json<RecordTypeSettings>> {
    if !patch.is_object() {
        return Err(ApiError::Unprocessable {
            detail: "send the settings as a JSON object".into(),
            errors: Vec::new(),
        });
    }
    let current = record_type(&state, &ty).await?;
    let mut doc =
        serde_json::to_value(&current.settings).map_err(|e| ApiError::Internal(e.into()))?;
    merge(&mut doc, patch);
    let settings: RecordTypeSettings =
        serde_json::from_value(doc).map_err(|e| ApiError::Unprocessable {
            detail: format!("invalid settings: {e}"),
            errors: Vec::new(),
        })?;
    settings.check(&current.def).map_err(ApiError::fields)?;
    Ok(Json(
        state
            .store
            .set_record_type_settings(&ty, &settings, Some(admin.id()))
            .await?
            .settings,
    ))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Only entries about this record id.
    pub record: Option<String>,
    /// Only entries about this chat id.
    pub chat: Option<String>,
    /// Only entries by this person (user id).
    pub actor: Option<String>,
    /// Only this action (`settings.global_changed`, `record.shared`, …).
    pub action: Option<String>,
    /// Only entries before this time (RFC 3339), for paging back.
    pub before: Option<String>,
    /// `GET /audit`: 100 by default, at most 500. `GET /audit.csv`: 1,000 by default, at most 10,000.
    pub limit: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct AuditRecordRef {
    #[serde(rename = "type")]
    pub record_type: String,
    pub id: String,
    /// The record's number, when its type numbers records.
    pub number: Option<String>,
    /// The record's name now; null once the record is deleted.
    pub name: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct AuditChatRef {
    pub id: String,
    /// The chat's name now; null for a one-on-one chat, a deleted chat, or a channel of a team
    /// the caller is not in.
    pub name: Option<String>,
    /// `one_on_one`, `group` or `channel`; null for a deleted chat.
    pub kind: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct AuditItem {
    pub id: String,
    pub at: String,
    pub actor: Option<PersonRef>,
    pub action: String,
    pub record_type: Option<String>,
    pub record_id: Option<String>,
    pub chat_id: Option<String>,
    /// The record the entry is about, with its name.
    pub record: Option<AuditRecordRef>,
    /// The chat the entry is about, with its name.
    pub chat: Option<AuditChatRef>,
    #[schema(value_type = Object)]
    pub details: Value,
    /// Names of the people and teams that `details` names by id (`user_id`, `team_id`,
    /// `user_ids`, `team_ids`, `admin_ids`, …), by id.
    #[schema(value_type = Object)]
    pub names: BTreeMap<String, String>,
}

#[derive(Serialize, ToSchema)]
pub struct AuditList {
    pub items: Vec<AuditItem>,
}

/// Ids in an audit entry's details that name people or teams.
fn detail_ids(details: &Value) -> Vec<String> {
    const KEYS: [&str; 7] = [
        "user_id",
        "team_id",
        "user_ids",
        "team_ids",
        "admin_ids",
        "member_ids",
        "previous_admin_ids",
    ];
    let mut out = Vec::new();
    for k in KEYS {
        match details.get(k) {
            Some(Value::String(s)) => out.push(s.clone()),
            Some(Value::Array(a)) => {
                out.extend(a.iter().filter_map(Value::as_str).map(str::to_owned))
            }
            _ => {}
        }
    }
    out
}

/// The audit entries the filters select, with names resolved: the actor, record and chat in
/// the query itself, the people and teams named in details in one batched look-up.
async fn load_audit(
    state: &AppState,
    caller: &Caller,
    q: AuditQuery,
    default: i64,
    max: i64,
) -> ApiResult<Vec<AuditItem>> {
    let before = q
        .before
        .as_deref()
        .map(|b| super::parse_rfc3339("before", b))
        .transpose()?;
    let blank = |v: Option<String>| v.filter(|s| !s.trim().is_empty());
    let filter = AuditFilter {
        record_id: blank(q.record),
        chat_id: blank(q.chat),
        action: blank(q.action),
        actor_id: blank(q.actor),
        before,
        limit: limit(q.limit, default, max),
    };
    let entries = state.store.list_audit(&filter).await?;
    let mut ids: Vec<String> = entries
        .iter()
        .flat_map(|e| detail_ids(&e.details))
        .collect();
    ids.sort();
    ids.dedup();
    let names = state.store.names_by_ids(&ids).await?;
    Ok(entries
        .into_iter()
        .map(|e| {
            let own: BTreeMap<String, String> = detail_ids(&e.details)
                .into_iter()
                .filter_map(|id| names.get(&id).map(|n| (id, n.clone())))
                .collect();
            AuditItem {
                id: e.id,
                at: rfc3339(e.at),
                actor: e.actor.map(|a| PersonRef {
                    id: a.id,
                    name: a.name,
                }),
                action: e.action,
                record: match (&e.record_type, &e.record_id) {
                    (Some(t), Some(id)) => Some(AuditRecordRef {
                        record_type: t.clone(),
                        id: id.clone(),
                        number: e.record_number,
                        name: e.record_name,
                    }),
                    _ => None,
                },
                chat: e.chat_id.as_ref().map(|id| AuditChatRef {
                    id: id.clone(),
                    // A channel's name is for its team's members (R13), administrators
                    // included only when they are in the team.
                    name: match &e.chat_team_id {
                        Some(team)
                            if !caller.subject.team_ids.iter().any(|t| t.as_str() == team) =>
                        {
                            None
                        }
                        _ => e.chat_name,
                    },
                    kind: e.chat_kind,
                }),
                record_type: e.record_type,
                record_id: e.record_id,
                chat_id: e.chat_id,
                details: e.details,
                names: own,
            }
        })
        .collect())
}

/// # `GET /api/v1/audit?record=&chat=&actor=&action=&limit=`
///
/// The audit log (R22), newest first, with the names of people, records and chats.
/// Administrators only.
#[utoipa::path(get, path = "/audit", tag = "admin", params(AuditQuery), responses((status = 200, body = AuditList), (status = 403), (status = 422)))]
async fn list_audit(
    State(state): State<AppState>,
    Admin(admin): Admin,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> ApiResult<Json<AuditList>> {
    Ok(Json(AuditList {
        items: load_audit(&state, &admin, q, 100, 500).await?,
    }))
}

/// # `GET /api/v1/audit.csv?record=&chat=&actor=&action=&limit=`
///
/// The audit log as CSV (UTF-8, CRLF lines, a header row), with the same filters and check as
/// `GET /audit`, at most 10,000 entries. Cells a spreadsheet would run as a formula are
/// prefixed with `'`.
#[utoipa::path(get, path = "/audit.csv", tag = "admin", params(AuditQuery),
    responses((status = 200, content_type = "text/csv", body = String), (status = 403), (status = 422)))]
async fn export_audit(
    State(state): State<AppState>,
    Admin(admin): Admin,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> ApiResult<impl IntoResponse> {
    let items = load_audit(&state, &admin, q, 1_000, AUDIT_MAX).await?;
    let mut out = csv::line(&[
        "time",
        "actor",
        "actor_id",
        "action",
        "record_type",
        "record_id",
        "record_number",
        "record_name",
        "chat_id",
        "chat_name",
        "details",
    ]);
    for a in items {
        let (actor, actor_id) = a.actor.map(|p| (p.name, p.id)).unwrap_or_default();
        let rec = a.record.as_ref();
        let chat = a.chat.as_ref();
        let details = named_details(&a.details, &a.names);
        out.push_str(&csv::line(&[
            a.at.as_str(),
            actor.as_str(),
            actor_id.as_str(),
            a.action.as_str(),
            rec.map_or("", |r| r.record_type.as_str()),
            rec.map_or("", |r| r.id.as_str()),
            rec.and_then(|r| r.number.as_deref()).unwrap_or(""),
            rec.and_then(|r| r.name.as_deref()).unwrap_or(""),
            chat.map_or("", |c| c.id.as_str()),
            chat.and_then(|c| c.name.as_deref()).unwrap_or(""),
            details.as_str(),
        ]));
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"tether-audit.csv\"",
            ),
        ],
        out,
    ))
}

/// Details as `key: value` pairs, with ids of people and teams followed by their names.
fn named_details(details: &Value, names: &BTreeMap<String, String>) -> String {
    let show = |v: &Value| -> String {
        match v {
            Value::String(s) => match names.get(s) {
                Some(n) => format!("{n} ({s})"),
                None => s.clone(),
            },
            Value::Array(a) => a
                .iter()
                .map(|x| match x.as_str() {
                    Some(s) => names
                        .get(s)
                        .map_or_else(|| s.to_owned(), |n| format!("{n} ({s})")),
                    None => x.to_string(),
                })
                .collect::<Vec<_>>()
                .join("; "),
            other => other.to_string(),
        }
    };
    match details {
        Value::Object(m) => m
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| format!("{k}: {}", show(v)))
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}
