//! A new group chat connected to a record from the start, with its intro card (R9, R10).

use super::{ConnectionStep, connection_message};
use crate::AppState;
use crate::app::Outcome;
use crate::app::guard::{RecordContext, record_context};
use crate::app::html::IntroCardHtml;
use crate::app::outbox::{Connection, Effect, MessageChange, RecordKey};
use crate::app::views::RecordOut;
use crate::app::views::{ChatOut, chat_view};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use askama::Template;
use serde_json::{Value, json};
use tether_domain::chat::{ChatKind, ChatName};
use tether_domain::collab::{self};
use tether_store::chats::{NewChat, SystemMessage};
use tether_store::collab::NewConnectedChat;

/// R9, R10: a new group chat connected to the record, named per the type's setting, with an
/// intro card when enabled and asked for, and its timeline entry (R15).
pub async fn create_connected_chat(
    state: &AppState,
    caller: &Caller,
    record: &RecordKey,
    others: Vec<tether_store::people::UserSummary>,
    name: Option<ChatName>,
    send_intro: bool,
) -> ApiResult<Outcome<ChatOut>> {
    let (ty, id) = (&record.record_type, &record.id);
    let ctx = record_context(state, caller, ty, id).await?;
    if !ctx.can_write {
        return Err(ApiError::Forbidden(
            "starting a chat connected to this record needs write access to it".into(),
        ));
    }
    let mut member_names: Vec<&str> = others.iter().map(|u| u.name.as_str()).collect();
    member_names.push(&caller.user.name);
    let name = match name {
        Some(n) => Some(n.into_string()),
        None => collab::connected_chat_name(&ctx.rt.settings, &ctx.view.record.name, &member_names),
    };
    let mut members = vec![(caller.id().clone(), 0)];
    members.extend(others.iter().map(|u| (u.id.clone(), 0)));
    let started = connection_message(caller, &ctx, ConnectionStep::Started, false);
    let intro = if send_intro && ctx.rt.settings.intro_message.enabled {
        Some(intro_message(state, caller, &ctx).await?)
    } else {
        None
    };
    let (chat, opening) = state
        .store
        .create_connected_chat(&NewConnectedChat {
            chat: &NewChat {
                kind: ChatKind::Group,
                name,
                team_id: None,
                created_by: caller.id().clone(),
                members,
            },
            record_type: ty,
            record_id: id,
            started: &started,
            intro: intro.as_ref(),
            timeline_subject: "Chat connected",
        })
        .await?;
    let all = state.store.members(&chat.id).await?;
    let ids: Vec<tether_domain::UserId> = all.iter().map(|m| m.user_id.clone()).collect();
    let mut events = vec![Effect::ChatCreated {
        chat: chat.clone(),
        members: all,
        users: ids.clone(),
    }];
    // The opening messages in one read, oldest first, to the members just read (all of them see
    // the whole history of a chat they started in). The intro card differs per reader (R10):
    // the outbox gives each member their own event.
    let mut messages = state.store.messages_by_ids(&opening).await?;
    messages.sort_by_key(|m| m.seq);
    events.extend(messages.into_iter().map(|message| Effect::MessageTo {
        change: MessageChange::Created,
        message,
        audience: ids.clone(),
    }));
    events.push(Effect::Connection {
        change: Connection::Added,
        chat_id: chat.id.clone(),
        record: record.clone(),
        audience: ids,
    });
    events.push(Effect::TimelineChanged(record.clone()));
    Ok(Outcome::new(
        chat_view(state, caller, &chat.id).await?,
        events,
    ))
}

/// The R10 card: the configured fields as they are now, the record's link, kind `intro`.
async fn intro_message(
    state: &AppState,
    caller: &Caller,
    ctx: &RecordContext,
) -> ApiResult<SystemMessage> {
    let r = &ctx.view.record;
    let lookup_ids: Vec<String> = ctx
        .rt
        .settings
        .intro_message
        .fields
        .iter()
        .filter_map(|f| r.fields.get(f).and_then(Value::as_str))
        .map(str::to_owned)
        .collect();
    let names = crate::app::views::readable_record_names(state, caller, &lookup_ids).await?;
    let fields = collab::intro_fields(
        &ctx.rt.def,
        &ctx.rt.settings,
        &r.fields,
        r.state,
        &r.owner_name,
        &names,
    );
    let url = RecordOut::url_of(state, &r.record_type, r.id.as_str());
    let title = match &r.number {
        Some(n) => format!("{n} {}", r.name),
        None => r.name.clone(),
    };
    let html = IntroCardHtml {
        url: &url,
        title: &title,
        fields: &fields,
    }
    .render()?;
    Ok(SystemMessage {
        kind: "intro",
        actor_id: Some(caller.id().clone()),
        text: format!("{}: {title}", ctx.rt.def.display_name),
        html,
        data: json!({"card": {"kind": "record", "app": "Tether", "url": url, "record_type": ctx.rt.def.display_name, "type": r.record_type, "id": r.id, "title": title, "fields": fields}}),
    })
}
