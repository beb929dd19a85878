//! Users and roles (API.md *Administration*): the HTTP side of `crate::app::admin::people`.

use super::super::limit;
use crate::AppState;
use crate::app::admin::people::{
    self, NewUserRequest, RoleList, RoleOut, UserEdit, UserList, UserOut,
};
use crate::auth::{Admin, Caller};
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use tether_domain::Privilege;
use tether_domain::UserId;
use tether_domain::invalid::Invalid;
use tether_domain::people::{Email, Name, Password};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_user, list_users))
        .routes(routes!(update_user))
        .routes(routes!(set_user_password))
        .routes(routes!(create_role, list_roles))
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
    let request = NewUserRequest {
        name: Name::parse("name", &req.name).map_err(|e| ApiError::refused("name", e))?,
        email: Email::parse(&req.email).map_err(|e| ApiError::refused("email", e))?,
        password: Password::parse(&req.password).map_err(|e| ApiError::refused("password", e))?,
        roles: req.roles,
        team_ids: req.team_ids,
    };
    let user = people::create_user(&state, &admin, request)
        .await?
        .publish(&state)
        .await?;
    Ok((StatusCode::CREATED, Json(user)))
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
    Ok(Json(
        people::list_users(&state, &caller, text, size, q.offset).await?,
    ))
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
    ApiPath(id): ApiPath<UserId>,
    ApiJson(req): ApiJson<PatchUser>,
) -> ApiResult<Json<UserOut>> {
    let name = req
        .name
        .as_deref()
        .map(|n| Name::parse("name", n).map_err(|e| ApiError::refused("name", e)))
        .transpose()?;
    let edit = UserEdit {
        name,
        active: req.active,
        roles: req.roles,
    };
    Ok(Json(people::update_user(&state, &admin, &id, edit).await?))
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
    ApiPath(id): ApiPath<UserId>,
    ApiJson(req): ApiJson<SetPassword>,
) -> ApiResult<StatusCode> {
    let password =
        Password::parse(&req.new_password).map_err(|e| ApiError::refused("new_password", e))?;
    people::set_password(&state, &admin, &id, password).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateRole {
    pub name: String,
    /// `admin`, `collab.use`, `collab.disconnect`, `<type>.read:<own|team|all>`, `<type>.write:<own|team|all>`; `*` as the type means every type.
    pub privileges: Vec<String>,
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
    let role = people::create_role(&state, &admin, name, &privileges).await?;
    Ok((StatusCode::CREATED, Json(role)))
}

/// # `GET /api/v1/roles`
#[utoipa::path(get, path = "/roles", tag = "admin", responses((status = 200, body = RoleList), (status = 403)))]
async fn list_roles(
    State(state): State<AppState>,
    Admin(admin): Admin,
) -> ApiResult<Json<RoleList>> {
    Ok(Json(people::list_roles(&state, &admin).await?))
}
