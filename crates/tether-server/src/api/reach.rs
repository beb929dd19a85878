//! Reaching records and handing them on (API.md *Records*, issue 16): the search over every
//! type the caller may read ([`records::search`]), a record's shares as a list and ending one
//! ([`records::shares`]), and the owners the caller may give a record to
//! ([`records::owners`]).

use super::limit;
use crate::AppState;
use crate::app::records;
use crate::app::records::owners::OwnerOptions;
use crate::app::records::search::RecordQuery;
use crate::app::records::shares::ShareList;
use crate::app::views::RecordList;
use crate::auth::Caller;
use crate::error::ApiResult;
use crate::extract::{ApiPath, ApiQuery};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use tether_domain::RecordId;
use tether_domain::UserId;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(search_records))
        .routes(routes!(list_shares))
        .routes(routes!(remove_share))
        .routes(routes!(owner_options))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RecordSearchQuery {
    /// A record number (`CAS-01042`), the beginning of a word of a name (one or two
    /// characters) or part of a name, or words of a text field.
    pub q: String,
    /// Results, 1–50 (default 20).
    pub limit: Option<i64>,
}

/// # `GET /api/v1/records?q=&limit=`
///
/// Searches every record type the caller may read, by number, name and text fields: one or
/// two characters match names one of whose words begins with them and numbers that begin with
/// them; longer texts match names and numbers anywhere and words of text fields. An exact
/// number first, then names starting with the text, then the rest, most recently changed
/// first. Each item carries its `type`, so a client can group them. One query, whatever the
/// number of types.
#[utoipa::path(get, path = "/records", tag = "records", params(RecordSearchQuery),
    responses((status = 200, body = RecordList), (status = 401), (status = 422)))]
async fn search_records(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<RecordSearchQuery>,
) -> ApiResult<Json<RecordList>> {
    let text = RecordQuery::parse(&q.q)?;
    let n = limit(q.limit, 20, 50);
    Ok(Json(
        records::search::search(&state, &caller, &text, n).await?,
    ))
}

/// # `GET /api/v1/records/{type}/{id}/shares`
///
/// The people the record is shared with, by name. Needs write access to the record, as adding
/// a share does (403 otherwise; 404 when there is no such record).
#[utoipa::path(get, path = "/records/{type}/{id}/shares", tag = "records", params(("type" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = ShareList), (status = 401), (status = 403), (status = 404)))]
async fn list_shares(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((ty, id)): ApiPath<(String, RecordId)>,
) -> ApiResult<Json<ShareList>> {
    Ok(Json(
        records::shares::list(&state, &caller, &ty, &id).await?,
    ))
}

/// # `DELETE /api/v1/records/{type}/{id}/shares/{user_id}`
///
/// Ends a user's share of the record. Needs write access to the record, as adding a share
/// does; audited. 404 when the user holds no share of it.
#[utoipa::path(delete, path = "/records/{type}/{id}/shares/{user_id}", tag = "records",
    params(("type" = String, Path), ("id" = String, Path), ("user_id" = String, Path)),
    responses((status = 204), (status = 401), (status = 403), (status = 404)))]
async fn remove_share(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((ty, id, user_id)): ApiPath<(String, RecordId, UserId)>,
) -> ApiResult<StatusCode> {
    records::shares::remove(&state, &caller, &ty, &id, &user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OwnerOptionsQuery {
    /// Part of a person's or team's name.
    pub q: Option<String>,
    /// Options, 1–50 (default 20).
    pub limit: Option<i64>,
}

/// # `GET /api/v1/records/{type}/{id}/owner-options?q=&limit=`
///
/// The users (active ones) and teams the caller may make the record's owner: those their
/// write privilege for the type reaches, and only when it also reaches the record as owned
/// now — the rule of `PATCH` with an owner. A share never allows an owner change: a caller who
/// can write the record only through a share gets 403 with the reason, as the `PATCH` would.
#[utoipa::path(get, path = "/records/{type}/{id}/owner-options", tag = "records",
    params(("type" = String, Path), ("id" = String, Path), OwnerOptionsQuery),
    responses((status = 200, body = OwnerOptions), (status = 401), (status = 403), (status = 404)))]
async fn owner_options(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((ty, id)): ApiPath<(String, RecordId)>,
    ApiQuery(q): ApiQuery<OwnerOptionsQuery>,
) -> ApiResult<Json<OwnerOptions>> {
    let n = usize::try_from(limit(q.limit, 20, 50)).unwrap_or(20);
    let needle = q.q.as_deref().unwrap_or("");
    Ok(Json(
        records::owners::options(&state, &caller, (&ty, &id), needle, n).await?,
    ))
}
