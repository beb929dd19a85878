//! Team channels (SPEC R13): every member of the team reads and posts. A channel is a chat of
//! kind `channel` whose members are kept equal to its team's members, so reading, posting,
//! read markers and events work exactly as for chats.

use crate::AppState;
use crate::app::Outcome;
use crate::app::guard::require_collaboration;
use crate::app::html::system_message;
use crate::app::outbox::Effect;
use crate::app::views::{ChatOut, chat_out, records_for_chats};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use serde_json::json;
use tether_domain::ChatId;
use tether_domain::TeamId;
use tether_domain::chat::{ChatKind, ChatName};
use tether_store::chats::Chat;

/// Creates a channel in a team the caller belongs to (administrators may use any team).
pub async fn create_channel(
    state: &AppState,
    caller: &Caller,
    team_id: &TeamId,
    name: &str,
) -> ApiResult<Outcome<Chat>> {
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
    let ids: Vec<tether_domain::UserId> = members.iter().map(|m| m.user_id.clone()).collect();
    let created = Effect::ChatCreated {
        chat: chat.clone(),
        members,
        users: ids,
    };
    Ok(Outcome::new(chat, vec![created]))
}

/// The channels of the caller's teams, most recent activity first, with their records.
pub async fn list_channels(state: &AppState, caller: &Caller) -> ApiResult<Vec<ChatOut>> {
    require_collaboration(state, caller).await?;
    let items = state
        .store
        .list_chats(caller.id(), None, &[ChatKind::Channel], None, 200)
        .await?;
    let ids: Vec<ChatId> = items.iter().map(|i| i.chat.id.clone()).collect();
    let mut records = records_for_chats(state, caller, &ids).await?;
    Ok(items
        .into_iter()
        .map(|i| {
            let id = i.chat.id.clone();
            let mut out = chat_out(i.chat, &i.members, i.unread, caller.id());
            out.records = records.remove(&id).unwrap_or_default();
            out
        })
        .collect())
}

/// 404 unless `id` is a channel (reading and posting are then a chat's, R2 included).
pub async fn require_channel(state: &AppState, id: &ChatId) -> ApiResult<()> {
    match state.store.chat(id).await? {
        Some(c) if c.kind == ChatKind::Channel => Ok(()),
        _ => Err(ApiError::NotFound(format!(
            "there is no channel {id} in your teams"
        ))),
    }
}
