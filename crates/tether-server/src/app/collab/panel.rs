//! The record's collaboration panel in one call (R3–R7, R12, R13, R27).

use crate::app::guard::{disconnect_facts, record_context};
use crate::app::suggestions::SuggestionOut;
use crate::app::views::{RecordRefOut, records_for_chats};
use tether_domain::UserId;

use crate::AppState;
use crate::app::outbox::RecordKey;
use crate::app::views::{PersonRef, rfc3339};
use crate::auth::Caller;
use crate::error::ApiResult;
use serde::Serialize;

use tether_domain::ChatId;
use tether_domain::chat::ChatKind;
use tether_domain::collab::may_join;
use tether_domain::viewer::{self, ChatFacts, ChatVisibility, ViewerFacts};
use tether_store::chats::Chat;
use tether_store::dialect::fold;
use utoipa::ToSchema;

/// A chat entry of the panel (API.md).
#[derive(Serialize, ToSchema)]
pub struct PanelChat {
    pub id: String,
    pub name: String,
    pub kind: ChatKind,
    pub member_count: usize,
    pub last_activity_at: String,
    pub is_member: bool,
    /// Shown locked: the caller is not a member but may join (R14).
    pub locked: bool,
    pub can_join: bool,
    pub records: Vec<RecordRefOut>,
    /// For chats connected to this record: who connected it and when.
    pub connected_by: Option<PersonRef>,
    pub connected_at: Option<String>,
    /// Whether the caller may disconnect it from this record (R11a).
    pub can_disconnect: bool,
}

#[derive(Serialize, ToSchema)]
pub struct Panel {
    pub connected: Vec<PanelChat>,
    pub other_records: Vec<PanelChat>,
    pub other_chats: Vec<PanelChat>,
    /// Suggested contacts (R12), as `GET …/suggested-contacts` gives them.
    pub suggested_contacts: Vec<SuggestionOut>,
    pub channels: Vec<PanelChat>,
    /// Why the caller cannot join this record's chats, when they cannot (`setting_off`, `read_only`).
    pub join_denied: Option<String>,
    pub join_denied_reason: Option<String>,
}

/// R3–R7: the record's collaboration panel — chats connected to this record (member ones, plus
/// locked ones the caller may join), the caller's chats connected to other records, the 50 most
/// recent unconnected chats, suggested contacts and connected channels. `filter` (part of a
/// chat's name, any case) filters every chat section; with a filter the *Other chats* section
/// is not cut at 50, so every chat stays findable (R27).
pub async fn panel(
    state: &AppState,
    caller: &Caller,
    record: &RecordKey,
    filter: Option<&str>,
) -> ApiResult<Panel> {
    let (ty, id) = (record.record_type.as_str(), &record.id);
    let ctx = record_context(state, caller, ty, id).await?;
    let filter = filter.map(str::trim).filter(|f| !f.is_empty());
    let settings = &ctx.rt.settings;
    let join = may_join(ty, settings, ctx.can_write);
    let connections = state.store.record_connections(id, caller.id()).await?;
    let elsewhere = state
        .store
        .member_chats_by_connection(
            caller.id(),
            true,
            id,
            filter,
            if filter.is_some() { 500 } else { 50 },
        )
        .await?;
    let unconnected = state
        .store
        .member_chats_by_connection(
            caller.id(),
            false,
            id,
            filter,
            if filter.is_some() { 500 } else { 50 },
        )
        .await?;

    let mut ids: Vec<ChatId> = connections.iter().map(|c| c.chat.id.clone()).collect();
    ids.extend(elsewhere.iter().map(|c| c.id.clone()));
    ids.extend(unconnected.iter().map(|c| c.id.clone()));
    let members = state.store.members_of(&ids).await?;
    let records = records_for_chats(state, caller, &ids).await?;
    let no_members = Vec::new();
    let needle = filter.map(fold);
    let join_ok = join.is_ok();

    // The viewer rule decides everything the caller sees of each chat; `None` = hidden.
    let entry = |chat: &Chat,
                 is_member: bool,
                 connected: Option<(&Option<String>, &Option<String>, i64)>|
     -> Option<PanelChat> {
        let m = members.get(&chat.id).unwrap_or(&no_members);
        let names: Vec<(&str, &str)> = m
            .iter()
            .map(|x| (x.user_id.as_str(), x.name.as_str()))
            .collect();
        let facts = ViewerFacts {
            is_member,
            may_join: join_ok,
            show_on_timeline: settings.show_on_timeline,
            connection: connected
                .map(|(by, _, _)| disconnect_facts(caller, &ctx.view, settings, by.as_deref())),
        };
        let seen = viewer::view_chat(
            caller.id().as_str(),
            facts,
            ChatFacts {
                kind: chat.kind,
                name: chat.name.as_deref(),
                members: &names,
                last_sender: None,
                last_at: Some(chat.last_activity_at),
            },
        );
        let (Some(name), Some(member_count), Some(last_at)) =
            (seen.name, seen.member_count, seen.last_at)
        else {
            return None;
        };
        Some(PanelChat {
            id: chat.id.to_string(),
            name,
            kind: chat.kind,
            member_count,
            last_activity_at: rfc3339(last_at),
            is_member: seen.access.visibility == ChatVisibility::Member,
            locked: seen.access.visibility == ChatVisibility::Locked,
            can_join: seen.access.can_join,
            records: if seen.shows_records {
                records.get(&chat.id).cloned().unwrap_or_default()
            } else {
                Vec::new()
            },
            connected_by: connected.and_then(|(by, name, _)| {
                by.clone().map(|id| PersonRef {
                    id: UserId::new(id.as_str()),
                    name: name.clone().unwrap_or_default(),
                })
            }),
            connected_at: connected.map(|(_, _, at)| rfc3339(at)),
            can_disconnect: seen.access.can_disconnect,
        })
    };
    let matches = |e: &PanelChat| {
        needle
            .as_ref()
            .is_none_or(|n| fold(&e.name).contains(n.as_str()))
    };

    let suggested =
        crate::app::suggestions::seen_by(state, &ctx.rt, &ctx.view.record, &caller.subject).await?;
    let mut connected = Vec::new();
    let mut channels = Vec::new();
    for c in &connections {
        let Some(e) = entry(
            &c.chat,
            c.is_member,
            Some((&c.connected_by, &c.connected_by_name, c.connected_at)),
        ) else {
            continue;
        };
        if !matches(&e) {
            continue;
        }
        if c.chat.kind == ChatKind::Channel {
            if settings.channels_enabled {
                channels.push(e);
            }
        } else {
            connected.push(e);
        }
    }
    Ok(Panel {
        connected,
        other_records: elsewhere
            .iter()
            .filter_map(|c| entry(c, true, None))
            .collect(),
        other_chats: unconnected
            .iter()
            .filter_map(|c| entry(c, true, None))
            .collect(),
        suggested_contacts: suggested,
        channels,
        join_denied: join.as_ref().err().map(|e| e.code().to_owned()),
        join_denied_reason: join.err().map(|e| e.to_string()),
    })
}
