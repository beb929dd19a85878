//! Team channels (SPEC R13): every member of the team reads and posts. A channel is a chat of
//! kind `channel` whose members are kept equal to its team's members, so reading, posting,
//! read markers and events work exactly as for chats.

use super::messages::{MessagePage, PageQuery, SendMessage};
use crate::AppState;
use crate::app::channels;
use crate::app::guard::require_collaboration;
use crate::app::views::{ChatOut, MessageOut};
use crate::auth::Caller;
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde::{Deserialize, Serialize};
use tether_domain::ChatId;
use tether_domain::TeamId;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_channel))
        .routes(routes!(list_channels))
        .routes(routes!(channel_messages, post_channel_message))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateChannel {
    pub name: String,
}

#[derive(Serialize, ToSchema)]
pub struct ChannelCreated {
    pub id: String,
    pub name: String,
    pub team_id: String,
}

/// # `POST /api/v1/teams/{id}/channels`
#[utoipa::path(post, path = "/teams/{id}/channels", tag = "channels", params(("id" = String, Path)), request_body = CreateChannel,
    responses((status = 201, body = ChannelCreated), (status = 403), (status = 404), (status = 422)))]
async fn create_channel(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(team_id): ApiPath<TeamId>,
    ApiJson(req): ApiJson<CreateChannel>,
) -> ApiResult<(StatusCode, Json<ChannelCreated>)> {
    let chat = channels::create_channel(&state, &caller, &team_id, &req.name)
        .await?
        .publish(&state)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(ChannelCreated {
            id: chat.id.into_string(),
            name: chat.name.unwrap_or_default(),
            team_id: team_id.into_string(),
        }),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct ChannelList {
    pub items: Vec<ChatOut>,
}

/// # `GET /api/v1/channels`
///
/// The channels of the caller's teams, most recent activity first, with their records.
#[utoipa::path(get, path = "/channels", tag = "channels", responses((status = 200, body = ChannelList), (status = 403)))]
async fn list_channels(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<ChannelList>> {
    let items = channels::list_channels(&state, &caller).await?;
    Ok(Json(ChannelList { items }))
}

/// # `GET /api/v1/channels/{id}/messages`
#[utoipa::path(get, path = "/channels/{id}/messages", tag = "channels", params(("id" = String, Path), PageQuery),
    responses((status = 200, body = MessagePage), (status = 404)))]
async fn channel_messages(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<ChatId>,
    q: ApiQuery<PageQuery>,
) -> ApiResult<Json<MessagePage>> {
    require_collaboration(&state, &caller).await?;
    channels::require_channel(&state, &id).await?;
    super::messages::list_messages(State(state), caller, ApiPath(id), q).await
}

/// # `POST /api/v1/channels/{id}/messages`
#[utoipa::path(post, path = "/channels/{id}/messages", tag = "channels", params(("id" = String, Path)), request_body = SendMessage,
    responses((status = 201, body = MessageOut), (status = 404), (status = 413), (status = 422), (status = 429)))]
async fn post_channel_message(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<ChatId>,
    headers: HeaderMap,
    body: ApiJson<SendMessage>,
) -> ApiResult<(StatusCode, Json<MessageOut>)> {
    require_collaboration(&state, &caller).await?;
    channels::require_channel(&state, &id).await?;
    super::messages::send_message(State(state), caller, ApiPath(id), headers, body).await
}
