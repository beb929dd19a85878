//! Beyond the reference product (SPEC R25, R26): hand-over of a record's chats to its new owner,
//! and saving a chat's transcript to a record's timeline.

use crate::AppState;
use crate::app::Outcome;
use crate::app::actor::Actor;
use crate::app::guard::{member_chat, record_context};
use crate::app::html::system_message;
use crate::app::outbox::{Added, Effect, RecordKey};
use crate::app::views::{ActivityOut, HandOver, PersonRef, chat_out};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use serde_json::json;
use tether_domain::chat::ChatKind;
use tether_domain::collab::{hands_over, record_label, transcript_line};
use tether_domain::invalid::Invalid;
use tether_domain::webhook::EventType;
use tether_domain::{ChatId, Owner};
use tether_store::Tx;
use tether_store::record_types::RecordType;
use tether_store::records::RecordChange;
use tether_store::webhooks::WebhookEvent;

/// R25: after an owner change, adds the new owner to each connected group chat (full history)
/// with a system message naming the record and who reassigned it — when the type's *hand over
/// chats* is on. With it off nothing happens here; the new owner sees the chats as joinable
/// (R14) because owners can write their records. Written on the owner change's transaction,
/// with a `record.handed_over` webhook event per chat handed over.
/// Returns what was done, `None` when no hand-over applies.
pub async fn hand_over(
    state: &AppState,
    tx: &mut Tx,
    actor: &Actor<'_>,
    rt: &RecordType,
    change: &RecordChange,
) -> ApiResult<Outcome<Option<HandOver>>> {
    let new_owner = match &change.after.owner {
        Owner::User { user_id } => Some(user_id.clone()),
        Owner::Team { .. } => None,
    };
    let changed = change.before.owner != change.after.owner;
    let Some(new_owner) = new_owner.filter(|_| hands_over(&rt.settings, true, changed)) else {
        return Ok(Outcome::quiet(None));
    };
    if !state.global_settings().await?.collaboration_enabled {
        return Ok(Outcome::quiet(None));
    }
    let Some(owner) = state.store.user(&new_owner).await?.filter(|u| u.active) else {
        return Ok(Outcome::quiet(None));
    };
    let mut handed = 0usize;
    let mut events = Vec::new();
    let label = record_label(&rt.def, change.after.number.as_deref());
    for chat_id in tx.connected_chat_ids(&change.after.id).await? {
        let Some(chat) = tx
            .chat(&chat_id)
            .await?
            .filter(|c| c.kind == ChatKind::Group)
        else {
            continue;
        };
        let sys = system_message(
            actor.user_id(),
            format!(
                "{} reassigned {label} to {}, who was added to this chat and can see the full history",
                actor.name(),
                owner.name
            ),
            json!({"event": "member.added", "user_ids": [owner.id],
                   "users": [{"id": owner.id, "name": owner.name}],
                   "hand_over": {"type": change.after.record_type, "id": change.after.id,
                                 "number": change.after.number}}),
        );
        let added = tx
            .add_members(&chat_id, &[(owner.id.clone(), 0)], actor.user_id(), &sys)
            .await?;
        let Some(written) = added.message_id else {
            continue;
        };
        tx.webhook_event(&WebhookEvent {
            kind: EventType::RecordHandedOver,
            chat_id: &chat_id,
            record_id: Some(&change.after.id),
            message_id: None,
            actor_id: actor.user_id(),
            note_id: None,
            at: tether_store::now_ms(),
        })
        .await?;
        handed += 1;
        let members = tx.members(&chat_id).await?;
        let person = PersonRef {
            id: owner.id.clone(),
            name: owner.name.clone(),
        };
        events.push(Effect::MembersAdded {
            chat_id: chat_id.clone(),
            users: vec![person],
            how: actor.person_ref().map_or(Added::BySync, Added::By),
            members: members.clone(),
        });
        events.push(Effect::ChatCreated {
            chat,
            members,
            users: vec![owner.id.clone()],
        });
        events.push(Effect::Written(written));
    }
    let done = HandOver {
        to: PersonRef {
            id: owner.id,
            name: owner.name,
        },
        chats: handed,
    };
    Ok(Outcome::new(Some(done), events))
}

/// Which part of a chat a transcript holds, and how its times read.
pub struct TranscriptRange {
    /// Only messages from this time on (epoch ms; 0: from the start)…
    pub from: i64,
    /// …and up to this time (`i64::MAX`: to the end).
    pub to: i64,
    /// The saver's IANA time zone; `None`: the zone they chose (`PATCH /me`), else UTC.
    pub time_zone: Option<String>,
}

/// Most messages one transcript holds.
const MAX_TRANSCRIPT_MESSAGES: i64 = 2000;
/// Longest transcript note, in characters (the note's body limit).
const MAX_TRANSCRIPT_CHARS: usize = 100_000;

/// R26: saves the messages of a chat connected to the record — all, or those of `range` — as
/// a note on the record's timeline, visible to everyone who can read the record. The caller
/// must be a member of the chat and able to write the record; only what the caller can see of
/// the chat (their history window) is saved.
pub async fn save_transcript(
    state: &AppState,
    caller: &Caller,
    chat_id: &ChatId,
    record: &RecordKey,
    range: TranscriptRange,
) -> ApiResult<Outcome<ActivityOut>> {
    let (chat, me) = member_chat(state, caller, chat_id).await?;
    let (ty, id) = (&record.record_type, &record.id);
    let ctx = record_context(state, caller, ty, id).await?;
    if !ctx.can_write {
        return Err(ApiError::Forbidden(
            "saving a transcript to this record needs write access to it".into(),
        ));
    }
    if state.store.connection(chat_id, id).await?.is_none() {
        return Err(ApiError::invalid(
            "record",
            Invalid::NotConnected,
            "this chat is not connected to the record; connect it from the record's panel first",
        ));
    }
    let (from, to) = (range.from, range.to);
    if from > to {
        return Err(ApiError::invalid(
            "from",
            Invalid::RangeOrder,
            "must not be after `to`",
        ));
    }
    // The zone asked for, else the one the saver chose in their settings, else UTC.
    let zone_name = match range.time_zone {
        Some(zone) => Some(zone),
        None => state
            .store
            .preferences(caller.id())
            .await?
            .and_then(|p| p.time_zone),
    };
    let zone = tether_domain::collab::transcript_zone(zone_name.as_deref())
        .map_err(|e| ApiError::invalid("time_zone", Invalid::TimeZoneUnknown, e))?;
    let messages = state
        .store
        .messages_in_range(chat_id, me.visible_from, from, to, MAX_TRANSCRIPT_MESSAGES)
        .await?;
    let members = state.store.members(chat_id).await?;
    let name = chat_out(chat, &members, 0, caller.id()).name;
    // Mentions read as names: the chat's members, and any other sender or mentioned person.
    let people = tether_domain::markdown::MentionResolver::new(
        members
            .iter()
            .map(|m| (m.user_id.clone(), m.name.clone()))
            .chain(
                messages
                    .iter()
                    .filter_map(|m| Some((m.sender_id.clone()?, m.sender_name.clone()?))),
            ),
    );
    let mut body = String::new();
    for m in messages
        .iter()
        .filter(|m| m.deleted_at.is_none() && m.kind != "intro")
    {
        let files: Vec<&str> = m.attachments.iter().map(|a| a.name.as_str()).collect();
        let sender = m.sender_name.as_deref().unwrap_or("System");
        let line = transcript_line(
            &tether_domain::collab::transcript_time(m.created_at, zone),
            if m.kind == "system" { "System" } else { sender },
            &tether_domain::collab::readable_mentions(&m.body, &people),
            &files,
        );
        if body.chars().count() + line.chars().count() + 1 > MAX_TRANSCRIPT_CHARS {
            body.push_str("… (transcript cut at 100,000 characters)");
            break;
        }
        body.push_str(&line);
        body.push('\n');
    }
    if body.is_empty() {
        return Err(ApiError::invalid(
            "from",
            Invalid::RangeEmpty,
            "there are no messages in that range",
        ));
    }
    let subject: String = format!("Chat transcript: {name}")
        .chars()
        .take(200)
        .collect();
    // With the `transcript.saved` webhook event, in one transaction.
    let activity = state
        .store
        .add_transcript_note(id, chat_id, &subject, body.trim_end(), caller.id())
        .await?;
    Ok(Outcome::new(
        activity.into(),
        vec![Effect::TimelineChanged(record.clone())],
    ))
}
