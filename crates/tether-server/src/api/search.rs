//! Search (API.md *Search*, SPEC R24, R27): the HTTP face of [`crate::app::search`].

use super::limit;
use crate::AppState;
use crate::app::search::{self, SearchResults, SearchText};
use crate::auth::Caller;
use crate::error::ApiResult;
use crate::extract::{ApiPath, ApiQuery};
use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use tether_domain::RecordId;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(search_all))
        .routes(routes!(search_record))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Words to find; every word must match, in any form ("printers" finds "printer").
    pub q: String,
    pub limit: Option<i64>,
}

impl SearchQuery {
    fn parse(&self) -> ApiResult<(SearchText, i64)> {
        Ok((SearchText::parse(&self.q)?, limit(self.limit, 30, 100)))
    }
}

/// # `GET /api/v1/search?q=`
///
/// Searches the messages of all the caller's chats and channels (R24), best match first.
#[utoipa::path(get, path = "/search", tag = "search", params(SearchQuery), responses((status = 200, body = SearchResults), (status = 403), (status = 422), (status = 429)))]
async fn search_all(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<SearchQuery>,
) -> ApiResult<Json<SearchResults>> {
    let (text, n) = q.parse()?;
    Ok(Json(search::everywhere(&state, &caller, &text, n).await?))
}

/// # `GET /api/v1/records/{type}/{id}/search?q=`
///
/// Searches the messages of the chats and channels connected to the record that the caller is a
/// member of (R24).
#[utoipa::path(get, path = "/records/{type}/{id}/search", tag = "search", params(("type" = String, Path), ("id" = String, Path), SearchQuery),
    responses((status = 200, body = SearchResults), (status = 403), (status = 404), (status = 422), (status = 429)))]
async fn search_record(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((ty, id)): ApiPath<(String, RecordId)>,
    ApiQuery(q): ApiQuery<SearchQuery>,
) -> ApiResult<Json<SearchResults>> {
    let (text, n) = q.parse()?;
    Ok(Json(
        search::in_record(&state, &caller, (&ty, &id), &text, n).await?,
    ))
}
