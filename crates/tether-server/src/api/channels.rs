//! Team channels (SPEC R13): every member of the team reads and posts. A channel is a chat of
//! kind `channel` whose members are kept equal to its team's members, so reading, posting,
//! read markers and events work exactly as for chats.

use super::messages::{MessagePage, PageQuery, SendMessage};
use crate::AppState;
use crate::api::guard::require_collaboration;
use crate::api::html::system_message;
use crate::api::views::{ChatOut, MessageOut, chat_out};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde::{Deserialize, Serialize};
use serde_json::json;
use tether_domain::chat::{ChatKind, ChatName};
use tether_store::chats::Chat;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_channel))
        .routes(routes!(list_channels))
        .routes(routes!(channel_messages, post_channel_message))
}

/// Creates a channel in a team the caller belongs to (administrators may use any team).
pub async fn create_channel_for(
    state: &AppState,
    caller: &Caller,
    team_id: &str,
    name: &str,
) -> ApiResult<Chat> {
    require_collaboration(state, caller).await?;
    let team = state
        .store
        .team(team_id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("there is no team {team_id}")))?;
    if !caller.subject.privileges.admin && !team.members.iter().any(|m| m.user_id == caller.id()) {
        return Err(ApiError::Forbidden(format!(
            "you are not a member of {}; only its members can create its channels",
            team.name
        )));
    }
    let name = ChatName::parse(name).map_err(|e| ApiError::refused("name", e))?;
    let opening = system_message(
        Some(caller.id()),
        format!(
            "{} created the channel {} in {}",
            caller.user.name,
            name.as_str(),
            team.name
        ),
        json!({"event": "channel.created", "name": name.as_str(), "team": team.name}),
    );
    let chat = state
        .store
        .create_channel(team_id, name.as_str(), caller.id(), &opening)
        .await?;
    let members = state.store.members(&chat.id).await?;
    let ids: Vec<String> = members.iter().map(|m| m.user_id.clone()).collect();
    super::outbox::chat_created(state, &chat, &members, &ids);
    Ok(chat)
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
    ApiPath(team_id): ApiPath<String>,
    ApiJson(req): ApiJson<CreateChannel>,
) -> ApiResult<(StatusCode, Json<ChannelCreated>)> {
    let chat = create_channel_for(&state, &caller, &team_id, &req.name).await?;
    Ok((
        StatusCode::CREATED,
        Json(ChannelCreated {
            id: chat.id,
            name: chat.name.unwrap_or_default(),
            team_id,
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
    require_collaboration(&state, &caller).await?;
    let items = state
        .store
        .list_chats(caller.id(), None, &[ChatKind::Channel], None, 200)
        .await?;
    let ids: Vec<String> = items.iter().map(|i| i.chat.id.clone()).collect();
    let mut records = crate::api::views::records_for_chats(&state, &caller, &ids).await?;
    Ok(Json(ChannelList {
        items: items
            .into_iter()
            .map(|i| {
                let id = i.chat.id.clone();
                let mut out = chat_out(i.chat, &i.members, i.unread, caller.id());
                out.records = records
                    .remove(&id)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|r| json!(r))
                    .collect();
                out
            })
            .collect(),
    }))
}

async fn require_channel(state: &AppState, id: &str) -> ApiResult<()> {
    match state.store.chat(id).await? {
        Some(c) if c.kind == ChatKind::Channel => Ok(()),
        _ => Err(ApiError::NotFound(format!(
            "there is no channel {id} in your teams"
        ))),
    }
}

/// # `GET /api/v1/channels/{id}/messages`
#[utoipa::path(get, path = "/channels/{id}/messages", tag = "channels", params(("id" = String, Path), PageQuery),
    responses((status = 200, body = MessagePage), (status = 404)))]
async fn channel_messages(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    q: ApiQuery<PageQuery>,
) -> ApiResult<Json<MessagePage>> {
    require_collaboration(&state, &caller).await?;
    require_channel(&state, &id).await?;
    super::messages::list_messages(State(state), caller, ApiPath(id), q).await
}

/// # `POST /api/v1/channels/{id}/messages`
#[utoipa::path(post, path = "/channels/{id}/messages", tag = "channels", params(("id" = String, Path)), request_body = SendMessage,
    responses((status = 201, body = MessageOut), (status = 404), (status = 413), (status = 422), (status = 429)))]
async fn post_channel_message(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    headers: HeaderMap,
    body: ApiJson<SendMessage>,
) -> ApiResult<(StatusCode, Json<MessageOut>)> {
    require_collaboration(&state, &caller).await?;
    require_channel(&state, &id).await?;
    super::messages::send_message(State(state), caller, ApiPath(id), headers, body).await
}
