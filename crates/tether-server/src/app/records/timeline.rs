//! A record's timeline (SPEC R15): its activities, newest first, with the chat-connection
//! entries as the viewer may see them (the viewer rule, `tether_domain::viewer::view_chat`).

use crate::AppState;
use crate::app::guard::{disconnect_facts, load_record};
use crate::app::views::{ActivityOut, PersonRef, TimelineChat, rfc3339};
use crate::auth::Caller;
use crate::error::ApiResult;
use std::collections::{BTreeMap, BTreeSet};
use tether_domain::RecordId;
use tether_domain::UserId;
use tether_domain::access::decide;
use tether_domain::record::EntryKind;
use tether_domain::viewer::{ChatFacts, ViewerFacts};
use tether_domain::{Access, ChatId};
use tether_store::chats::Chat;
use tether_store::record_types::RecordType;
use tether_store::records::{Activity, RecordView};

/// The record's timeline, newest first, `before` a time for paging back; needs read access.
pub async fn timeline(
    state: &AppState,
    caller: &Caller,
    ty: &str,
    id: &RecordId,
    before: Option<i64>,
    limit: i64,
) -> ApiResult<Vec<ActivityOut>> {
    let view = load_record(state, caller, ty, id, Access::Read).await?;
    let items = state.store.timeline(id, before, limit).await?;
    let rt = super::load_type(state, ty).await?;
    with_chat_entries(state, caller, &rt, &view, items).await
}

/// Turns activities into timeline items, resolving chat-connection entries (R15) for the
/// viewer in a constant number of queries: the chats with the viewer's membership and last
/// sender, their members (for names), and the record's current connections; what the viewer
/// sees of each chat is `tether_domain::viewer::view_chat`. Without the type's *show chats on
/// timeline* setting, or without collaboration for the viewer, chat entries are left out.
async fn with_chat_entries(
    state: &AppState,
    caller: &Caller,
    rt: &RecordType,
    view: &RecordView,
    items: Vec<Activity>,
) -> ApiResult<Vec<ActivityOut>> {
    let global = state.global_settings().await?;
    let show = rt.settings.show_on_timeline
        && tether_domain::collab::record_gate(
            &global,
            caller.subject.privileges.collab_use,
            &rt.def.name,
            &rt.settings,
        )
        .is_ok();
    let chat_ids: Vec<ChatId> = if show {
        items
            .iter()
            .filter_map(|a| a.chat_id.clone())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect()
    } else {
        Vec::new()
    };
    let chats: BTreeMap<ChatId, (Chat, bool, Option<String>)> = state
        .store
        .chats_with_membership(&chat_ids, caller.id())
        .await?
        .into_iter()
        .map(|(c, m, n)| (c.id.clone(), (c, m, n)))
        .collect();
    let members = state.store.members_of(&chat_ids).await?;
    // The current connections with their last connector (R11a), and past disconnections (R15).
    let current: BTreeMap<ChatId, Option<String>> = if chat_ids.is_empty() {
        Default::default()
    } else {
        state
            .store
            .record_connections(&view.record.id, caller.id())
            .await?
            .into_iter()
            .map(|c| (c.chat.id, c.connected_by))
            .collect()
    };
    let disconnections = state
        .store
        .last_disconnections(&view.record.id, &chat_ids)
        .await?;
    let can_write = decide(&caller.subject, Access::Write, view.facts()).is_allowed();
    let join_ok = tether_domain::collab::may_join(&rt.def.name, &rt.settings, can_write).is_ok();
    let no_members = Vec::new();
    let mut out = Vec::new();
    for a in items {
        let Some(chat_id) = a.chat_id.clone() else {
            out.push(ActivityOut::from(a));
            continue;
        };
        let Some((chat, is_member, last_by_name)) = chats.get(&chat_id) else {
            continue;
        };
        let m = members.get(&chat_id).unwrap_or(&no_members);
        let names: Vec<(&str, &str)> = m
            .iter()
            .map(|x| (x.user_id.as_str(), x.name.as_str()))
            .collect();
        // The viewer rule decides what the caller sees of the chat (R2, R14, R15, R11a).
        let facts = ViewerFacts {
            is_member: *is_member,
            may_join: join_ok,
            show_on_timeline: rt.settings.show_on_timeline,
            connection: current
                .get(&chat_id)
                .map(|by| disconnect_facts(caller, view, &rt.settings, by.as_deref())),
        };
        let seen = tether_domain::viewer::view_chat(
            caller.id().as_str(),
            facts,
            ChatFacts {
                kind: chat.kind,
                name: chat.name.as_deref(),
                members: &names,
                last_sender: chat
                    .last_message_by
                    .as_deref()
                    .map(|id| (id, last_by_name.as_deref().unwrap_or_default())),
                last_at: chat.last_message_at,
            },
        );
        let connected = facts.connection.is_some();
        let timeline_chat = TimelineChat {
            id: chat_id.to_string(),
            name: seen.name,
            kind: chat.kind,
            connected_by: a.author.clone().map(|p| PersonRef {
                id: p.id,
                name: p.name,
            }),
            connected_at: rfc3339(a.at),
            last_message_by: seen.last_sender.map(|(id, name)| PersonRef {
                id: UserId::from(id),
                name: name.to_owned(),
            }),
            last_message_at: seen.last_at.map(rfc3339),
            is_member: *is_member,
            can_join: seen.access.can_join,
            connected,
            disconnected_by: None,
            disconnected_at: None,
            can_disconnect: seen.access.can_disconnect,
        };
        let mut timeline_chat = timeline_chat;
        if a.kind == EntryKind::ChatDisconnection {
            timeline_chat.disconnected_by = timeline_chat.connected_by.clone();
            timeline_chat.disconnected_at = Some(rfc3339(a.at));
            timeline_chat.can_disconnect = false;
        } else if !connected && let Some(d) = disconnections.get(&chat_id) {
            timeline_chat.disconnected_by = d.by.clone().map(|id| PersonRef {
                id: UserId::new(id),
                name: d.by_name.clone().unwrap_or_default(),
            });
            timeline_chat.disconnected_at = Some(rfc3339(d.at));
        }
        let mut item = ActivityOut::from(a);
        item.chat = Some(timeline_chat);
        out.push(item);
    }
    Ok(out)
}
