//! `GET /records/{type}/{id}/suggested-contacts` (SPEC R12); the ranking's facts are gathered
//! in `crate::app::suggestions`.

use crate::AppState;
use crate::app::suggestions::{self, SuggestionOut};
use crate::auth::Caller;
use crate::error::ApiResult;
use crate::extract::ApiPath;
use axum::Json;
use axum::extract::State;
use serde::Serialize;
use tether_domain::RecordId;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(suggested_contacts))
}

#[derive(Serialize, ToSchema)]
pub struct SuggestionList {
    pub items: Vec<SuggestionOut>,
}

/// # `GET /api/v1/records/{type}/{id}/suggested-contacts`
///
/// Up to ten people to involve (R12), best first, each with its reasons (in English, and as
/// codes with their facts). Start a chat with one by
/// `POST /api/v1/chats {member_ids: [user.id], record: {type, id}}` (a new connected chat, R9).
#[utoipa::path(get, path = "/records/{type}/{id}/suggested-contacts", tag = "collaboration", params(("type" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = SuggestionList), (status = 403), (status = 404), (status = 429)))]
async fn suggested_contacts(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((ty, id)): ApiPath<(String, RecordId)>,
) -> ApiResult<Json<SuggestionList>> {
    let items = suggestions::suggested_contacts(&state, &caller, &ty, &id).await?;
    Ok(Json(SuggestionList { items }))
}
