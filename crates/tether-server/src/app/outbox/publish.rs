//! From a change's [`Effect`]s to client events on the bus: who is told, and what each sees.

use super::{Effect, Event, NotificationKind, RecordKey};
use crate::AppState;
use crate::app::views::{MessageOut, PersonRef, chat_out, message_out};
use crate::error::ApiResult;
use crate::events::Envelope;
use std::collections::BTreeSet;
use tether_domain::UserId;
use tether_domain::chat::may_see_message;
use tether_domain::{ChatId, MessageId};
use tether_store::chats::{Chat, Member, Message};
use tether_store::people::ChannelMove;

/// Publishes what a change caused, in order. The only way a use case's events reach the bus.
pub async fn publish(state: &AppState, effects: Vec<Effect>) -> ApiResult<()> {
    for effect in effects {
        match effect {
            Effect::Message { change, message } => {
                self::message(state, change, &message).await?;
            }
            Effect::MessageTo {
                change,
                message,
                audience,
            } => message_to(state, change, &message, audience).await?,
            Effect::Written(id) => written(state, &id).await?,
            Effect::MessageDeleted { message, members } => {
                message_deleted(state, &message, &members);
            }
            Effect::ReactionsChanged { message, members } => {
                reactions_changed(state, &message, &members);
            }
            Effect::ChatCreated {
                chat,
                members,
                users,
            } => chat_created(state, &chat, &members, &users),
            Effect::ChatUpdated { chat, members } => chat_updated(state, &chat, &members),
            Effect::ChatChanged(chat_id) => chat_updated_now(state, &chat_id).await?,
            Effect::MembersAdded {
                chat_id,
                users,
                how,
                members,
            } => members_added(state, &chat_id, users, how, &members),
            Effect::MemberRemoved {
                chat_id,
                user,
                by,
                audience,
            } => member_removed(state, &chat_id, user, by, audience),
            Effect::Connection {
                change,
                chat_id,
                record,
                audience,
            } => connection(state, change, &chat_id, record, &audience),
            Effect::ConnectionWritten {
                change,
                chat_id,
                record,
                message_id,
            } => publish_connection(state, change, &chat_id, &record, &message_id).await?,
            Effect::TimelineChanged(record) => {
                timeline_changed(state, &record.record_type, record.id.as_str())
            }
            Effect::Notification {
                kind,
                message,
                from,
                text,
                audience,
            } => notification(state, kind, &message, from, text, audience),
            Effect::ChannelMoves { joined, left, by } => {
                publish_channel_moves(state, &joined, &left, &by).await?;
            }
            Effect::Reminder {
                chat_id,
                message_id,
                audience,
            } => reminder(state, &chat_id, &message_id, audience),
            Effect::Flush => state.bus.flushed().await,
        }
    }
    Ok(())
}

/// The one way a client event reaches the bus.
fn emit(state: &AppState, event: &Event, audience: Vec<UserId>) {
    if audience.is_empty() {
        return;
    }
    match serde_json::to_string(event) {
        Ok(payload) => state.bus.publish(Envelope::to_users(
            payload,
            audience.into_iter().map(String::from).collect(),
        )),
        Err(e) => tracing::error!(kind = event.kind(), error = %e, "an event did not serialize"),
    }
}

/// Whether a message was written or changed.
#[derive(Clone, Copy, Debug)]
pub enum MessageChange {
    Created,
    Updated,
}

impl MessageChange {
    fn event(self, m: &Message, message: MessageOut) -> Event {
        let chat_id = m.chat_id.clone();
        match self {
            MessageChange::Created => Event::MessageCreated { chat_id, message },
            MessageChange::Updated => Event::MessageUpdated { chat_id, message },
        }
    }
}

/// The members who may see `m`: those whose history window includes it (R2).
pub fn message_audience(members: &[Member], m: &Message) -> Vec<UserId> {
    members
        .iter()
        .filter(|x| may_see_message(x.visible_from, m.created_at))
        .map(|x| x.user_id.clone())
        .collect()
}

/// Tells the chat's members who may see it about message `m` (read from the store now).
async fn message(state: &AppState, change: MessageChange, m: &Message) -> ApiResult<()> {
    let members = state.store.members(&m.chat_id).await?;
    message_to(state, change, m, message_audience(&members, m)).await
}

/// Tells the members about the message the store just wrote with id `message_id` (a system
/// message a change wrote in its own transaction), exactly that one.
async fn written(state: &AppState, message_id: &MessageId) -> ApiResult<()> {
    if let Some(m) = state.store.message(message_id).await? {
        message(state, MessageChange::Created, &m).await?;
    }
    Ok(())
}

/// Tells `audience` (members who may see it, from [`message_audience`]) about `m`. A message
/// with record links or an intro card is projected for each recipient (R16), so each gets their
/// own event, from facts read once for all of them; others share one.
async fn message_to(
    state: &AppState,
    change: MessageChange,
    m: &Message,
    audience: Vec<UserId>,
) -> ApiResult<()> {
    let one = std::slice::from_ref(m);
    let facts = crate::app::cards::CardFacts::read(state, one, &audience).await?;
    if !facts.differ_by_reader() {
        emit(state, &change.event(m, message_out(m)), audience);
        return Ok(());
    }
    for subject in state.store.subjects(&audience).await? {
        let out =
            crate::app::views::viewed(m, facts.cards(&subject, m), facts.hides_intro(&subject, m));
        emit(state, &change.event(m, out), vec![subject.user_id]);
    }
    Ok(())
}

/// Tells the members who could see `m` that it was deleted.
fn message_deleted(state: &AppState, m: &Message, members: &[Member]) {
    let event = Event::MessageDeleted {
        chat_id: m.chat_id.clone(),
        message_id: m.id.clone(),
        message: message_out(m),
    };
    emit(state, &event, message_audience(members, m));
}

/// Tells the members who can see `m` its reactions now.
fn reactions_changed(state: &AppState, m: &Message, members: &[Member]) {
    let event = Event::ReactionChanged {
        chat_id: m.chat_id.clone(),
        message_id: m.id.clone(),
        reactions: message_out(m).reactions,
    };
    emit(state, &event, message_audience(members, m));
}

/// Gives each of `users` the chat they are now in, as they see it.
fn chat_created(state: &AppState, chat: &Chat, members: &[Member], users: &[UserId]) {
    for user in users {
        let event = Event::ChatCreated {
            chat: chat_out(chat.clone(), members, 0, user),
        };
        emit(state, &event, vec![user.clone()]);
    }
}

/// Sends every member a chat's current state, as each of them sees it.
fn chat_updated(state: &AppState, chat: &Chat, members: &[Member]) {
    for m in members {
        let event = Event::ChatUpdated {
            chat: chat_out(chat.clone(), members, 0, &m.user_id),
        };
        emit(state, &event, vec![m.user_id.clone()]);
    }
}

/// [`chat_updated`] with the chat and its members read now.
async fn chat_updated_now(state: &AppState, chat_id: &ChatId) -> ApiResult<()> {
    let Some(chat) = state.store.chat(chat_id).await? else {
        return Ok(());
    };
    let members = state.store.members(chat_id).await?;
    chat_updated(state, &chat, &members);
    Ok(())
}

/// Tells a chat's members (`members`, after the change) that `users` joined it: added by `by`,
/// or joined from a record themselves (R14).
fn members_added(
    state: &AppState,
    chat_id: &ChatId,
    users: Vec<PersonRef>,
    how: Added,
    members: &[Member],
) {
    let (by, joined_from) = match how {
        Added::By(p) => (Some(p), None),
        Added::JoinedFrom(r) => (None, Some(r)),
        Added::BySync => (None, None),
    };
    let event = Event::MemberAdded {
        chat_id: chat_id.to_owned(),
        users,
        by,
        joined_from,
    };
    emit(state, &event, ids(members));
}

/// How people came into a chat.
pub enum Added {
    By(PersonRef),
    JoinedFrom(RecordKey),
    /// By a host system's sync made with an API key (a record handed over to its new owner).
    BySync,
}

/// Tells `audience` — the members before the change, the removed person among them — that
/// `user` left or was removed by `by`.
fn member_removed(
    state: &AppState,
    chat_id: &ChatId,
    user: PersonRef,
    by: PersonRef,
    audience: Vec<UserId>,
) {
    let event = Event::MemberRemoved {
        chat_id: chat_id.to_owned(),
        user,
        by,
    };
    emit(state, &event, audience);
}

/// Whether a chat was connected to a record or disconnected from it.
#[derive(Clone, Copy, Debug)]
pub enum Connection {
    Added,
    Removed,
}

/// Tells a chat's members that it was connected to `record` or disconnected from it.
fn connection(
    state: &AppState,
    change: Connection,
    chat_id: &ChatId,
    record: RecordKey,
    members: &[UserId],
) {
    let chat_id = chat_id.to_owned();
    let event = match change {
        Connection::Added => Event::ConnectionAdded { chat_id, record },
        Connection::Removed => Event::ConnectionRemoved { chat_id, record },
    };
    emit(state, &event, members.to_vec());
}

/// Tells the record's open pages to re-read the timeline (R15: timelines update live). The event
/// carries nothing but the record's type and id; access was checked when the page started
/// watching, and the page re-reads through the API.
fn timeline_changed(state: &AppState, ty: &str, record_id: &str) {
    let event = Event::TimelineChanged {
        record: RecordKey::new(ty, record_id),
    };
    match serde_json::to_string(&event) {
        Ok(payload) => state.bus.publish(Envelope::to_watchers(payload, record_id)),
        Err(e) => tracing::error!(error = %e, "an event did not serialize"),
    }
}

/// Notifies `audience` of message `message_id` in `chat_id` (a mention, an urgent message).
fn notification(
    state: &AppState,
    kind: NotificationKind,
    m: &Message,
    from: PersonRef,
    text: String,
    audience: Vec<UserId>,
) {
    let event = Event::Notification {
        kind,
        chat_id: m.chat_id.clone(),
        message_id: m.id.clone(),
        from: Some(from),
        text: Some(text),
        reminder: false,
    };
    emit(state, &event, audience);
}

/// Reminds `audience` — members who have not read it — of urgent message `message_id`.
fn reminder(state: &AppState, chat_id: &ChatId, message_id: &MessageId, audience: Vec<UserId>) {
    let event = Event::Notification {
        kind: NotificationKind::Urgent,
        chat_id: chat_id.to_owned(),
        message_id: message_id.to_owned(),
        from: None,
        text: None,
        reminder: true,
    };
    emit(state, &event, audience);
}

fn ids(members: &[Member]) -> Vec<UserId> {
    members.iter().map(|m| m.user_id.clone()).collect()
}

/// Tells the chat's members about a connection change and the system message it wrote
/// (`message_id`), then the record's open pages that its timeline changed.
async fn publish_connection(
    state: &AppState,
    change: Connection,
    chat_id: &ChatId,
    record: &RecordKey,
    message_id: &MessageId,
) -> ApiResult<()> {
    let members = state.store.member_ids(chat_id).await?;
    connection(state, change, chat_id, record.clone(), &members);
    written(state, message_id).await?;
    timeline_changed(state, &record.record_type, record.id.as_str());
    Ok(())
}

/// Tells the people concerned that team membership moved someone into or out of team
/// channels: the remaining members get `member.added` / `member.removed`, a person who joined
/// gets `chat.created`, a person who left gets `member.removed` (their client drops the chat),
/// and every member the chat's new state. No system message is written: the team change is in
/// the audit log.
async fn publish_channel_moves(
    state: &AppState,
    joined: &[ChannelMove],
    left: &[ChannelMove],
    by: &PersonRef,
) -> ApiResult<()> {
    let ids: Vec<ChatId> = joined
        .iter()
        .chain(left)
        .map(|m| m.chat_id.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    if ids.is_empty() {
        return Ok(());
    }
    // Three queries whatever the number of people and channels: the chats, their members now,
    // and the names of those who left.
    let chats: std::collections::BTreeMap<ChatId, Chat> = state
        .store
        .chats_with_membership(&ids, &by.id)
        .await?
        .into_iter()
        .map(|(c, _, _)| (c.id.clone(), c))
        .collect();
    let members = state.store.members_of(&ids).await?;
    let leavers: Vec<UserId> = left.iter().map(|m| m.user_id.clone()).collect();
    let leaver_names: std::collections::BTreeMap<UserId, String> = state
        .store
        .users_by_ids(&leavers)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    let none = Vec::new();
    let by_ref = by.clone();
    for m in joined {
        let (Some(chat), now) = (
            chats.get(&m.chat_id),
            members.get(&m.chat_id).unwrap_or(&none),
        ) else {
            continue;
        };
        let Some(person) = now.iter().find(|x| x.user_id == m.user_id) else {
            continue;
        };
        let person = PersonRef {
            id: person.user_id.clone(),
            name: person.name.clone(),
        };
        members_added(
            state,
            &m.chat_id,
            vec![person],
            Added::By(by_ref.clone()),
            now,
        );
        chat_created(state, chat, now, std::slice::from_ref(&m.user_id));
    }
    for m in left {
        let now = members.get(&m.chat_id).unwrap_or(&none);
        let mut audience: Vec<UserId> = now.iter().map(|x| x.user_id.clone()).collect();
        audience.push(m.user_id.clone());
        let name = leaver_names.get(&m.user_id).cloned().unwrap_or_default();
        let user = PersonRef {
            id: m.user_id.clone(),
            name,
        };
        member_removed(state, &m.chat_id, user, by_ref.clone(), audience);
    }
    for (id, chat) in &chats {
        chat_updated(state, chat, members.get(id).unwrap_or(&none));
    }
    Ok(())
}
