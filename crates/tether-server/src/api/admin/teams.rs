//! Teams (API.md *Administration*): the HTTP side of `crate::app::admin::teams`.

use crate::AppState;
use crate::app::admin::teams::{self, TeamEdit, TeamList, TeamOut};
use crate::auth::{Admin, Caller};
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use tether_domain::TeamId;
use tether_domain::UserId;
use tether_domain::people::Name;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_team, list_teams))
        .routes(routes!(add_team_members))
        .routes(routes!(update_team))
        .routes(routes!(remove_team_member))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTeam {
    pub name: String,
    #[serde(default)]
    pub admin_ids: Vec<UserId>,
    #[serde(default)]
    pub member_ids: Vec<UserId>,
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
    let team = teams::create_team(&state, &admin, name, &req.admin_ids, &req.member_ids).await?;
    Ok((StatusCode::CREATED, Json(team)))
}

/// # `GET /api/v1/teams`
#[utoipa::path(get, path = "/teams", tag = "admin", responses((status = 200, body = TeamList), (status = 401)))]
async fn list_teams(State(state): State<AppState>, _caller: Caller) -> ApiResult<Json<TeamList>> {
    Ok(Json(teams::list_teams(&state).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddMembers {
    pub user_ids: Vec<UserId>,
}

/// # `POST /api/v1/teams/{id}/members`
#[utoipa::path(post, path = "/teams/{id}/members", tag = "admin", request_body = AddMembers, params(("id" = String, Path)),
    responses((status = 200, body = TeamOut), (status = 403), (status = 404), (status = 422)))]
async fn add_team_members(
    State(state): State<AppState>,
    Admin(admin): Admin,
    ApiPath(id): ApiPath<TeamId>,
    ApiJson(req): ApiJson<AddMembers>,
) -> ApiResult<Json<TeamOut>> {
    let team = teams::add_members(&state, &admin, &id, &req.user_ids)
        .await?
        .publish(&state)
        .await?;
    Ok(Json(team))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchTeam {
    /// A new name for the team.
    pub name: Option<String>,
    /// The complete new set of team admins (at least one). Former admins stay members; people
    /// not yet in the team join it.
    pub admin_ids: Option<Vec<UserId>>,
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
    ApiPath(id): ApiPath<TeamId>,
    ApiJson(req): ApiJson<PatchTeam>,
) -> ApiResult<Json<TeamOut>> {
    let name = req
        .name
        .as_deref()
        .map(|n| Name::parse("name", n).map_err(|e| ApiError::refused("name", e)))
        .transpose()?;
    let edit = TeamEdit {
        name,
        admin_ids: req.admin_ids,
    };
    let team = teams::update_team(&state, &admin, &id, edit)
        .await?
        .publish(&state)
        .await?;
    Ok(Json(team))
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
    ApiPath((id, user_id)): ApiPath<(TeamId, UserId)>,
) -> ApiResult<Json<TeamOut>> {
    let team = teams::remove_member(&state, &admin, &id, &user_id)
        .await?
        .publish(&state)
        .await?;
    Ok(Json(team))
}
