//! Disconnecting a chat or a channel from a record (R11a).

use super::{ConnectionStep, connection_message};
use crate::AppState;
use crate::app::Outcome;
use crate::app::guard::{RecordContext, disconnect_facts, record_context};
use crate::app::outbox::{Connection, RecordKey};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use tether_domain::ChatId;
use tether_domain::chat::ChatKind;
use tether_domain::collab::{DISCONNECT_DENIED, may_join};
use tether_domain::viewer::{self, ViewerFacts};
use tether_store::chats::Chat;
use tether_store::collab::ConnectionChange;

/// R11a for one connection, by the viewer rule: 404 where the record does not show the caller
/// the connection — of a chat they are not in, they learn nothing, not even that it exists (R2);
/// a channel's non-members are outside its team (R13) — and 403 naming the three ways where it
/// does but they hold none of them. A non-member sees it through its timeline entry or a locked
/// entry they may join, and then R11a decides as for members: the owner or a holder of
/// `collab.disconnect` may disconnect a chat they are not in.
async fn check_disconnect(
    state: &AppState,
    caller: &Caller,
    ctx: &RecordContext,
    chat: &Chat,
) -> ApiResult<()> {
    let is_member = state.store.member(&chat.id, caller.id()).await?.is_some();
    let connection = state
        .store
        .connection(&chat.id, &ctx.view.record.id)
        .await?;
    let settings = &ctx.rt.settings;
    let access = viewer::chat_access(
        chat.kind,
        ViewerFacts {
            is_member,
            may_join: may_join(&ctx.rt.def.name, settings, ctx.can_write).is_ok(),
            show_on_timeline: settings.show_on_timeline,
            connection: connection
                .map(|(by, _)| disconnect_facts(caller, &ctx.view, settings, by.as_deref())),
        },
    );
    if !access.connection_seen {
        let what = if chat.kind == ChatKind::Channel {
            "channel"
        } else {
            "chat"
        };
        return Err(ApiError::NotFound(if is_member {
            format!("that {what} is not connected to this record")
        } else if what == "channel" {
            format!("there is no channel {} that you are a member of", chat.id)
        } else {
            "there is no such chat connected to this record that you can see".into()
        }));
    }
    if !access.can_disconnect {
        return Err(ApiError::Forbidden(DISCONNECT_DENIED.into()));
    }
    Ok(())
}

/// R11a: disconnects a chat (`channel`: a channel) from the record — only the record's owner
/// (setting *owner may disconnect*), the last connector (setting *last connector may
/// disconnect*) or a holder of `collab.disconnect`. The chat and its messages stay.
pub async fn disconnect(
    state: &AppState,
    caller: &Caller,
    record: &RecordKey,
    chat_id: &ChatId,
    channel: bool,
) -> ApiResult<Outcome<()>> {
    let (ty, id) = (record.record_type.as_str(), &record.id);
    let ctx = record_context(state, caller, ty, id).await?;
    let chat = state
        .store
        .chat(chat_id)
        .await?
        .filter(|c| (c.kind == ChatKind::Channel) == channel);
    let Some(chat) = chat else {
        return Err(ApiError::NotFound(format!(
            "there is no such {} connected to this record",
            if channel { "channel" } else { "chat" }
        )));
    };
    check_disconnect(state, caller, &ctx, &chat).await?;
    let sys = connection_message(caller, &ctx, ConnectionStep::Disconnected, channel);
    let change = ConnectionChange {
        chat_id: &chat.id,
        record_type: ty,
        record_id: id,
        actor_id: caller.id(),
        system: &sys,
        timeline_subject: "Chat disconnected",
    };
    let written = state.store.disconnect_chat(&change).await?;
    Ok(Outcome::new(
        (),
        super::connect::connection_written(Connection::Removed, &chat.id, record, written),
    ))
}
