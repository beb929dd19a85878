//! What a delivery carries (API.md *Integration*, **Webhooks**): `{id, type, created_at,
//! record: {type, id, source?, external_id?}, data}`, `data` holding the chat and, per event,
//! the message (with its plain text, mentions as `@Name`), who did it, or the note. Rendered
//! once, when the event is queued, from what the store reads for a batch of events
//! (`Store::webhook_event_facts`); every attempt and every endpoint sends the same bytes.

use crate::app::views::rfc3339;
use serde::Serialize;
use tether_domain::markdown::{MentionResolver, plain_text};
use tether_domain::webhook::EventType;
use tether_domain::{ChatId, MessageId, RecordId, UserId};
use tether_store::webhooks::{EventFacts, RenderedEvent, StoredEvent};
use utoipa::ToSchema;

/// A delivery's JSON body.
#[derive(Debug, Serialize, ToSchema)]
pub struct Payload {
    /// The event's id, also sent as `Tether-Webhook-Id`: the same at every attempt, every
    /// endpoint and every redelivery, so a receiver can drop repeats.
    pub id: String,
    /// `chat.connected`, `chat.disconnected`, `message.created`, `chat.joined`,
    /// `transcript.saved` or `record.handed_over`.
    #[serde(rename = "type")]
    pub event_type: String,
    /// When it happened (RFC 3339).
    pub created_at: String,
    pub record: PayloadRecord,
    pub data: PayloadData,
}

/// The record an event is about; a host's record also names its source and external id.
#[derive(Debug, Serialize, ToSchema)]
pub struct PayloadRecord {
    #[serde(rename = "type")]
    pub record_type: String,
    pub id: RecordId,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PayloadData {
    pub chat: PayloadChat,
    /// `message.created`: the message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<PayloadMessage>,
    /// Who did it (connected, disconnected, joined, saved, handed over); null when an API key
    /// did (a hand-over by a synced owner change).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<Option<PayloadPerson>>,
    /// `transcript.saved`: the note the transcript was saved as.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<PayloadNote>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PayloadChat {
    pub id: ChatId,
    /// The chat's name, or its members' names when it has none.
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PayloadMessage {
    pub id: MessageId,
    pub sender: Option<PayloadPerson>,
    /// The markdown as written; mentions as `<@user_id>`.
    pub body: String,
    /// Plain text without markdown, mentions as `@Name`: what a host's note shows.
    pub text: String,
    pub created_at: String,
    /// The files sent with it (empty when none). A file's bytes are for the chat's members
    /// only: a host shows the names, and links to the chat for the files.
    pub attachments: Vec<PayloadAttachment>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PayloadAttachment {
    pub id: String,
    pub name: String,
    pub content_type: String,
    /// Bytes.
    pub size: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PayloadPerson {
    pub id: UserId,
    pub name: String,
    pub email: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PayloadNote {
    pub id: String,
    pub subject: String,
}

fn person(facts: &EventFacts, id: Option<&str>) -> Option<PayloadPerson> {
    let u = facts.people.get(id?)?;
    Some(PayloadPerson {
        id: u.id.clone(),
        name: u.name.clone(),
        email: u.email.clone(),
    })
}

fn chat_name(event: &StoredEvent, facts: &EventFacts) -> String {
    let Some(chat) = facts.chats.get(&event.chat_id) else {
        return tether_domain::viewer::LOCKED_CHAT_NAME.to_owned();
    };
    let names: Vec<(&str, &str)> = facts
        .members
        .get(&event.chat_id)
        .map(|ms| {
            ms.iter()
                .map(|m| (m.user_id.as_str(), m.name.as_str()))
                .collect()
        })
        .unwrap_or_default();
    // No viewer: every member is named.
    tether_domain::chat::display_name(chat.kind, chat.name.as_deref(), &names, "")
}

/// The payload of one stored event, as the store's facts say.
pub fn payload(event: &StoredEvent, event_id: &str, facts: &EventFacts) -> Payload {
    let kind = event.event_type.parse::<EventType>().ok();
    let record = facts.records.get(&event.record_id);
    let message = event
        .message_id
        .as_deref()
        .and_then(|id| facts.messages.get(id))
        .map(|m| {
            let people = MentionResolver::new(
                facts
                    .mentioned
                    .iter()
                    .map(|(id, name)| (id.clone(), name.clone())),
            );
            PayloadMessage {
                id: m.id.clone(),
                sender: person(facts, m.sender_id.as_ref().map(UserId::as_str)),
                text: plain_text(&m.body, Some(&people)),
                body: m.body.clone(),
                created_at: rfc3339(m.created_at),
                attachments: facts
                    .attachments
                    .get(m.id.as_str())
                    .map(|files| {
                        files
                            .iter()
                            .map(|f| PayloadAttachment {
                                id: f.id.as_str().to_owned(),
                                name: f.name.clone(),
                                content_type: f.content_type.clone(),
                                size: f.size,
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
            }
        });
    let by = match kind {
        Some(EventType::MessageCreated) | None => None,
        Some(_) => Some(person(facts, event.actor_id.as_deref())),
    };
    let note = event.note_id.as_deref().map(|id| PayloadNote {
        id: id.to_owned(),
        subject: facts.notes.get(id).cloned().unwrap_or_default(),
    });
    Payload {
        id: event_id.to_owned(),
        event_type: event.event_type.clone(),
        created_at: rfc3339(event.created_at),
        record: PayloadRecord {
            record_type: record.map(|r| r.record_type.clone()).unwrap_or_default(),
            id: event.record_id.clone(),
            source: record.and_then(|r| r.source.clone()),
            external_id: record.and_then(|r| r.external_id.clone()),
        },
        data: PayloadData {
            chat: PayloadChat {
                id: event.chat_id.clone(),
                name: chat_name(event, facts),
            },
            message,
            by,
            note,
        },
    }
}

/// Events rendered for queuing, each with a new event id.
pub fn render(events: &[StoredEvent], facts: &EventFacts) -> Vec<RenderedEvent> {
    events
        .iter()
        .map(|e| {
            let event_id = tether_store::new_id();
            let body = payload(e, &event_id, facts);
            RenderedEvent {
                seq: e.seq,
                // Strings and numbers only: serializing cannot fail.
                payload: serde_json::to_string(&body).unwrap_or_else(|_| "{}".into()),
                event_id,
                event_type: e.event_type.clone(),
                record_id: e.record_id.clone(),
            }
        })
        .collect()
}
