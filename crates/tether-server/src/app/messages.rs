//! Messages (SPEC R17): send with markdown, mentions, importance and attachments; read a page;
//! edit and delete one's own; reactions; read markers. Every read respects the reader's
//! history window, and every event goes only to members who may see the message.

use crate::AppState;
use crate::app::Outcome;
use crate::app::guard::{member_chat, member_list_as_member};
use crate::app::outbox::{Effect, MessageChange, NotificationKind, message_audience};
use crate::app::views::{MessageOut, PersonRef, message_for, message_out, viewed};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use serde_json::json;
use tether_domain::chat::{
    Importance, InvalidBody, MAX_REACTIONS_PER_MESSAGE, MessageBody, Reaction, URGENT_DURATION_MS,
    URGENT_REPEAT_MS, may_see_message,
};
use tether_domain::invalid::{FieldError, Invalid};
use tether_domain::markdown::{MentionResolver, Rendered, render, renders_quickly};
use tether_domain::{ChatId, MessageId, UserId};
use tether_store::chats::{Member, Message, NewMessage, ReactionAdded};

/// Most attachments one message carries.
pub const MAX_ATTACHMENTS_PER_MESSAGE: usize = 10;

/// A page of messages, newest first, within the caller's history window: only those with a
/// lower `seq` than `before` when given. Cards are computed for this reader (R16).
pub async fn list_messages(
    state: &AppState,
    caller: &Caller,
    chat_id: &ChatId,
    before: Option<i64>,
    limit: i64,
) -> ApiResult<Vec<MessageOut>> {
    let (_, me) = member_chat(state, caller, chat_id).await?;
    let items = state
        .store
        .messages(chat_id, me.visible_from, before, limit)
        .await?;
    let facts =
        super::cards::CardFacts::read(state, &items, std::slice::from_ref(caller.id())).await?;
    Ok(items
        .iter()
        .map(|m| {
            viewed(
                m,
                facts.cards(&caller.subject, m),
                facts.hides_intro(&caller.subject, m),
            )
        })
        .collect())
}

fn parse_body(raw: &str, has_attachments: bool) -> ApiResult<MessageBody> {
    MessageBody::parse(raw, has_attachments).map_err(|e| match e {
        InvalidBody::TooLarge(_) => ApiError::PayloadTooLarge(e.to_string()),
        _ => ApiError::refused("body", e),
    })
}

fn resolver(members: &[Member]) -> MentionResolver {
    MentionResolver::new(members.iter().map(|m| (m.user_id.clone(), m.name.clone())))
}

/// Renders a body for the chat's `members`; a body past a render limit (table cells, parse
/// work, HTML size) is a 422 that names the limit. Sends and edits both come here. A body that
/// [`renders_quickly`] (a short one without a table, or a plain line: well under a
/// millisecond) is rendered on the request's own task, which saves two thread wake-ups per send (BENCHMARKS.md, issue 18, sixth round);
/// any other goes to the blocking pool, so that no async worker is held up for long.
async fn render_body(body: &MessageBody, members: &[Member]) -> ApiResult<Rendered> {
    let mentions = resolver(members);
    let rendered = if renders_quickly(body.as_str()) {
        render(body.as_str(), &mentions)
    } else {
        let source = body.as_str().to_owned();
        tokio::task::spawn_blocking(move || render(&source, &mentions))
            .await
            .map_err(|e| ApiError::Internal(e.into()))?
    };
    rendered.map_err(|limit| ApiError::invalid("body", Invalid::MessageLimit, limit.to_string()))
}

/// What a send asks for.
pub struct Send {
    /// Markdown, as typed.
    pub body: String,
    pub importance: Importance,
    pub attachment_ids: Vec<String>,
    /// Record-link URLs whose cards the sender removed in the composer.
    pub without_cards: Vec<String>,
    /// The client's key that makes a retry return the first message (Idempotency-Key).
    pub idempotency_key: Option<String>,
}

impl Send {
    /// What an idempotency key is bound to: a digest of the chat and everything the send asks
    /// for, so a retry must send the same message (the same key with a different body is 422).
    fn fingerprint(&self, chat_id: &ChatId) -> String {
        use sha2::{Digest, Sha256};
        let canonical = json!({
            "chat": chat_id,
            "body": self.body,
            "importance": self.importance.as_str(),
            "attachment_ids": self.attachment_ids,
            "without_cards": self.without_cards,
        });
        Sha256::digest(canonical.to_string().as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

/// Sends a message. Mentioned members are notified; an urgent message notifies every member and
/// repeats every 2 minutes for 20 minutes to those who have not read it. With an idempotency
/// key a retry returns the first message instead of sending a second (and causes no event).
pub async fn send_message(
    state: &AppState,
    caller: &Caller,
    chat_id: &ChatId,
    req: Send,
) -> ApiResult<Outcome<MessageOut>> {
    let list = member_list_as_member(state, caller, chat_id).await?;
    state.limit(caller, crate::limits::Kind::Send).await?;
    if req.attachment_ids.len() > MAX_ATTACHMENTS_PER_MESSAGE {
        return Err(ApiError::fields(vec![
            FieldError::new(
                "attachment_ids",
                Invalid::TooMany,
                format!("at most {MAX_ATTACHMENTS_PER_MESSAGE} attachments per message"),
            )
            .with("max", MAX_ATTACHMENTS_PER_MESSAGE),
        ]));
    }
    let body = parse_body(&req.body, !req.attachment_ids.is_empty())?;
    let rendered = render_body(&body, &list.members).await?;
    let now = tether_store::now_ms();
    let urgent = req.importance == Importance::Urgent;
    let fingerprint = req
        .idempotency_key
        .as_ref()
        .map(|_| req.fingerprint(chat_id));
    let sent = state
        .store
        .send_message(&NewMessage {
            chat_id: chat_id.to_owned(),
            sender_id: caller.id().clone(),
            sender_name: caller.user.name.clone(),
            body: body.as_str().to_owned(),
            html: rendered.html,
            importance: req.importance,
            data: (!req.without_cards.is_empty())
                .then(|| json!({"without_cards": req.without_cards})),
            mentions: rendered.mentioned_user_ids.clone(),
            attachment_ids: req.attachment_ids,
            idempotency_fingerprint: fingerprint,
            idempotency_key: req.idempotency_key,
            remind_until: urgent.then_some(now + URGENT_DURATION_MS),
            remind_every_ms: URGENT_REPEAT_MS,
        })
        .await
        .map_err(|e| match e {
            tether_store::StoreError::Invalid(m) => {
                ApiError::invalid("attachment_ids", Invalid::NotFound, m)
            }
            tether_store::StoreError::KeyReused(m) => {
                ApiError::invalid("Idempotency-Key", Invalid::Duplicate, m)
            }
            other => other.into(),
        })?;
    let m = sent.message;
    let mut events = Vec::new();
    if let Some(version) = sent.members_version {
        // Who hears it is the member list the write saw, or a newer one: a list kept from an
        // earlier send is read again when the members changed since (R2, on any node).
        let now_members = state
            .member_lists
            .at_least(&state.store, chat_id, list, version)
            .await?;
        let members = now_members.as_deref().map_or(&[][..], |l| &l.members[..]);
        let everyone = message_audience(members, &m);
        let from = PersonRef::from(caller);
        let mentioned: Vec<UserId> = rendered
            .mentioned_user_ids
            .into_iter()
            .map(UserId::new)
            .filter(|u| u != caller.id() && everyone.contains(u))
            .collect();
        // People are names, never ids: the toast reads `@Name`, without markdown. Only the head
        // of the body is converted, so a long message costs no more than a short one here; and
        // only when someone gets a toast (most messages mention no one and are not urgent).
        let excerpt = if mentioned.is_empty() && !urgent {
            String::new()
        } else {
            let head: String = m.body.chars().take(2000).collect();
            tether_domain::markdown::plain_text(&head, Some(&resolver(members)))
                .chars()
                .take(140)
                .collect()
        };
        events.push(Effect::MessageTo {
            change: MessageChange::Created,
            message: m.clone(),
            audience: everyone.clone(),
        });
        if !mentioned.is_empty() {
            events.push(Effect::Notification {
                kind: NotificationKind::Mention,
                message: m.clone(),
                from: from.clone(),
                text: excerpt.clone(),
                audience: mentioned,
            });
        }
        if urgent {
            let others: Vec<UserId> = everyone.into_iter().filter(|u| u != caller.id()).collect();
            events.push(Effect::Notification {
                kind: NotificationKind::Urgent,
                message: m.clone(),
                from,
                text: excerpt,
                audience: others,
            });
        }
        // The events leave this node before the 201: a node that dies after answering cannot
        // take them along (other nodes' clients would miss the message without a resync).
        events.push(Effect::Flush);
    }
    let out = message_for(state, caller, &m).await?;
    Ok(Outcome::new(out, events))
}

/// The caller's own, live message of this chat, or the reason why not.
async fn own_message(
    state: &AppState,
    caller: &Caller,
    chat_id: &ChatId,
    message_id: &MessageId,
) -> ApiResult<Message> {
    let (_, me) = member_chat(state, caller, chat_id).await?;
    let m = visible_message(state, &me, chat_id, message_id).await?;
    if m.sender_id.as_ref() != Some(caller.id()) || m.kind != "text" {
        return Err(ApiError::Forbidden(
            "you can only change your own messages".into(),
        ));
    }
    if m.deleted_at.is_some() {
        return Err(ApiError::conflict("this message was deleted"));
    }
    Ok(m)
}

async fn visible_message(
    state: &AppState,
    me: &Member,
    chat_id: &ChatId,
    message_id: &MessageId,
) -> ApiResult<Message> {
    state
        .store
        .message(message_id)
        .await?
        .filter(|m| m.chat_id == *chat_id && may_see_message(me.visible_from, m.created_at))
        .ok_or_else(|| ApiError::NotFound(format!("there is no message {message_id} in this chat")))
}

/// Edits one's own message; it is marked edited. An edit is checked as a send is: it counts
/// against the send limit and meets the same body and render limits.
pub async fn edit_message(
    state: &AppState,
    caller: &Caller,
    chat_id: &ChatId,
    message_id: &MessageId,
    body: &str,
) -> ApiResult<Outcome<MessageOut>> {
    let old = own_message(state, caller, chat_id, message_id).await?;
    state.limit(caller, crate::limits::Kind::Send).await?;
    let body = parse_body(body, !old.attachments.is_empty())?;
    let members = state.store.members(chat_id).await?;
    let rendered = render_body(&body, &members).await?;
    let m = state
        .store
        .edit_message(
            message_id,
            caller.id(),
            body.as_str(),
            &rendered.html,
            &rendered.mentioned_user_ids,
        )
        .await?;
    let audience = message_audience(&members, &m);
    let out = message_for(state, caller, &m).await?;
    let updated = Effect::MessageTo {
        change: MessageChange::Updated,
        message: m,
        audience,
    };
    Ok(Outcome::new(out, vec![updated]))
}

/// Deletes one's own message, leaving a tombstone; its files are removed.
pub async fn delete_message(
    state: &AppState,
    caller: &Caller,
    chat_id: &ChatId,
    message_id: &MessageId,
) -> ApiResult<Outcome<()>> {
    own_message(state, caller, chat_id, message_id).await?;
    let message = state.store.delete_message(message_id, caller.id()).await?;
    super::files::remove_message_files(state, message_id).await;
    let members = state.store.members(chat_id).await?;
    Ok(Outcome::new(
        (),
        vec![Effect::MessageDeleted { message, members }],
    ))
}

/// Longest reaction text a removal looks for.
const MAX_REACTION_BYTES: usize = 64;

/// What to remove: the reaction as stored when `raw` is one, else `raw` as given, so that
/// reactions stored before reactions had to be emoji can still be taken back.
fn reaction_to_remove(raw: &str) -> ApiResult<String> {
    if let Ok(reaction) = Reaction::parse(raw) {
        return Ok(reaction.as_str().to_owned());
    }
    let raw = raw.trim();
    if raw.is_empty() || raw.len() > MAX_REACTION_BYTES {
        return Err(ApiError::invalid(
            "emoji",
            Invalid::Missing,
            "send the reaction to remove",
        ));
    }
    Ok(raw.to_owned())
}

/// Adds (`add`) or removes the caller's reaction: counted against the reactions limit, added
/// only as one real emoji ([`Reaction`]) and only while the message has fewer than
/// [`MAX_REACTIONS_PER_MESSAGE`] different reactions or already has this one.
pub async fn react(
    state: &AppState,
    caller: &Caller,
    chat_id: &ChatId,
    message_id: &MessageId,
    emoji: &str,
    add: bool,
) -> ApiResult<Outcome<MessageOut>> {
    let emoji = if add {
        Reaction::parse(emoji)
            .map_err(|e| ApiError::invalid("emoji", Invalid::Format, e.to_string()))?
            .as_str()
            .to_owned()
    } else {
        reaction_to_remove(emoji)?
    };
    let (_, me) = member_chat(state, caller, chat_id).await?;
    state.limit(caller, crate::limits::Kind::React).await?;
    let m = visible_message(state, &me, chat_id, message_id).await?;
    if m.deleted_at.is_some() {
        return Err(ApiError::conflict("this message was deleted"));
    }
    let changed = if add {
        match state
            .store
            .add_reaction(message_id, caller.id(), &emoji, MAX_REACTIONS_PER_MESSAGE)
            .await?
        {
            ReactionAdded::Added => true,
            ReactionAdded::AlreadyThere => false,
            ReactionAdded::TooMany => {
                return Err(ApiError::conflict(format!(
                    "this message already has {MAX_REACTIONS_PER_MESSAGE} different reactions, the most a message can have; add one of those instead"
                )));
            }
        }
    } else {
        state
            .store
            .set_reaction(message_id, caller.id(), &emoji, false)
            .await?
    };
    if !changed {
        return Ok(Outcome::quiet(message_out(&m)));
    }
    // The message as read above with its reactions now (one query, not the whole message
    // again: a reaction changes nothing else).
    let message = Message {
        reactions: state.store.reactions(message_id).await?,
        ..m
    };
    let members = state.store.members(chat_id).await?;
    let out = message_out(&message);
    Ok(Outcome::new(
        out,
        vec![Effect::ReactionsChanged { message, members }],
    ))
}

/// Moves the caller's read marker to this message (never backwards); answers the unread count.
pub async fn mark_read(
    state: &AppState,
    caller: &Caller,
    chat_id: &ChatId,
    message_id: &MessageId,
) -> ApiResult<i64> {
    let (_, me) = member_chat(state, caller, chat_id).await?;
    let m = visible_message(state, &me, chat_id, message_id).await?;
    state.store.mark_read(chat_id, caller.id(), m.seq).await?;
    Ok(state
        .store
        .unread_counts(caller.id(), &[chat_id.to_owned()])
        .await?
        .get(chat_id)
        .copied()
        .unwrap_or(0))
}
