//! Connecting an existing chat or a channel to a record (R11, R13).

use super::{ConnectionStep, connection_message};
use crate::AppState;
use crate::app::Outcome;
use crate::app::guard::{not_a_member, record_context};
use crate::app::outbox::{Connection, Effect, RecordKey};
use crate::app::views::{ChatOut, PersonRef, chat_view};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use serde_json::{Map, json};
use tether_domain::TeamId;
use tether_domain::chat::ChatKind;
use tether_domain::collab::{self};
use tether_domain::{ChatId, MessageId};
use tether_store::collab::ConnectionChange;

/// R11: connects one of the caller's group chats to the record. The caller must be a member of
/// the chat and able to write the record; connecting twice changes nothing. A one-on-one chat
/// is a conflict that offers a new connected chat with the other person; a channel is
/// connected as a channel.
pub async fn connect_chat(
    state: &AppState,
    caller: &Caller,
    record: &RecordKey,
    chat_id: &ChatId,
) -> ApiResult<Outcome<ChatOut>> {
    let (ty, id) = (&record.record_type, &record.id);
    let ctx = record_context(state, caller, ty, id).await?;
    let (chat, _) = state
        .store
        .chat_for_member(chat_id, caller.id())
        .await?
        .ok_or_else(|| not_a_member(chat_id))?;
    match chat.kind {
        ChatKind::OneOnOne => {
            let other = state
                .store
                .members(&chat.id)
                .await?
                .into_iter()
                .find(|m| m.user_id != caller.id());
            let mut extra = Map::new();
            extra.insert("offer".into(), json!("new_connected_chat"));
            extra.insert(
                "with".into(),
                json!(other.map(|m| PersonRef {
                    id: m.user_id,
                    name: m.name
                })),
            );
            return Err(ApiError::Conflict { detail: "a one-on-one chat cannot be connected to a record; start a new connected chat with this person instead".into(), extra });
        }
        ChatKind::Channel => {
            return Err(ApiError::conflict(
                "this is a channel; connect it with POST /records/{type}/{id}/channels",
            ));
        }
        ChatKind::Group => {}
    }
    if !ctx.can_write {
        return Err(ApiError::Forbidden(
            "connecting a chat needs write access to the record".into(),
        ));
    }
    let sys = connection_message(caller, &ctx, ConnectionStep::Connected, false);
    let change = ConnectionChange {
        chat_id: &chat.id,
        record_type: ty,
        record_id: id,
        actor_id: caller.id(),
        system: &sys,
        timeline_subject: "Chat connected",
    };
    let written = state.store.connect_chat(&change).await?;
    let events = connection_written(Connection::Added, &chat.id, record, written);
    Ok(Outcome::new(
        chat_view(state, caller, &chat.id).await?,
        events,
    ))
}

/// The events of a connection change that wrote its system message (`None`: nothing changed).
pub(super) fn connection_written(
    change: Connection,
    chat_id: &ChatId,
    record: &RecordKey,
    written: Option<MessageId>,
) -> Vec<Effect> {
    written
        .map(|message_id| Effect::ConnectionWritten {
            change,
            chat_id: chat_id.to_owned(),
            record: record.clone(),
            message_id,
        })
        .into_iter()
        .collect()
}

/// Which channel to connect (R13).
pub enum ChannelChoice {
    /// An existing channel of one of the caller's teams…
    Existing(ChatId),
    /// …or a new channel with this name in this team.
    New { team_id: TeamId, name: String },
}

/// R13: connects an existing channel of the caller's teams, or creates a channel in one of
/// them connected to the record. Needs write access to the record. `created` tells which.
pub async fn connect_channel(
    state: &AppState,
    caller: &Caller,
    record: &RecordKey,
    choice: ChannelChoice,
) -> ApiResult<Outcome<(ChatOut, bool)>> {
    let (ty, id) = (&record.record_type, &record.id);
    let ctx = record_context(state, caller, ty, id).await?;
    if !ctx.rt.settings.channels_enabled {
        return Err(ApiError::Forbidden(
            collab::GateDenied::ChannelsOff {
                record_type: ty.clone(),
            }
            .to_string(),
        ));
    }
    if !ctx.can_write {
        return Err(ApiError::Forbidden(
            "connecting a channel needs write access to the record".into(),
        ));
    }
    let mut events = Vec::new();
    let (channel_id, created) = match choice {
        ChannelChoice::Existing(cid) => {
            let chat = state
                .store
                .chat(&cid)
                .await?
                .filter(|c| c.kind == ChatKind::Channel);
            let member = state.store.member(&cid, caller.id()).await?;
            match (chat, member) {
                (Some(c), Some(_)) => (c.id, false),
                _ => {
                    return Err(ApiError::NotFound(format!(
                        "there is no channel {cid} in your teams"
                    )));
                }
            }
        }
        ChannelChoice::New { team_id, name } => {
            let made = crate::app::channels::create_channel(state, caller, &team_id, &name).await?;
            events = made.events;
            (made.value.id, true)
        }
    };
    let sys = connection_message(caller, &ctx, ConnectionStep::Connected, true);
    let change = ConnectionChange {
        chat_id: &channel_id,
        record_type: ty,
        record_id: id,
        actor_id: caller.id(),
        system: &sys,
        timeline_subject: "Channel connected",
    };
    let written = state.store.connect_chat(&change).await?;
    events.extend(connection_written(
        Connection::Added,
        &channel_id,
        record,
        written,
    ));
    let view = chat_view(state, caller, &channel_id).await?;
    Ok(Outcome::new((view, created), events))
}
