//! Messages (SPEC R17): send with markdown, mentions, importance and attachments; read a page;
//! edit and delete one's own; reactions; read markers. Every read respects the reader's
//! history window, and every event goes only to members who may see the message.

use super::outbox::{self, MessageChange, NotificationKind};
use super::{PersonRef, limit};
use crate::AppState;
use crate::api::guard::member_chat;
use crate::api::views::{MessageOut, message_for, message_out, viewed};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde::{Deserialize, Serialize};
use serde_json::json;
use tether_domain::chat::{
    Importance, InvalidBody, MAX_REACTIONS_PER_MESSAGE, MessageBody, Reaction, URGENT_DURATION_MS,
    URGENT_REPEAT_MS, may_see_message,
};
use tether_domain::invalid::{FieldError, Invalid};
use tether_domain::markdown::{MentionResolver, Rendered, render};
use tether_store::chats::{Member, Message, NewMessage, ReactionAdded};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_messages, send_message))
        .routes(routes!(edit_message, delete_message))
        .routes(routes!(add_reaction, remove_reaction))
        .routes(routes!(mark_read))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Only messages with a lower `seq` (the next page back).
    pub before: Option<i64>,
    pub limit: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct MessagePage {
    pub items: Vec<MessageOut>,
}

/// # `GET /api/v1/chats/{id}/messages?before=&limit=`
///
/// A page of messages, newest first, within the caller's history window.
#[utoipa::path(get, path = "/chats/{id}/messages", tag = "messages", params(("id" = String, Path), PageQuery),
    responses((status = 200, body = MessagePage), (status = 403), (status = 404)))]
pub(crate) async fn list_messages(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<MessagePage>> {
    let (_, me) = member_chat(&state, &caller, &id).await?;
    let items = state
        .store
        .messages(&id, me.visible_from, q.before, limit(q.limit, 50, 200))
        .await?;
    let cards = super::cards::cards_for(&state, &caller.subject, &items).await?;
    let hidden = super::cards::hidden_intros(&state, &caller.subject, &items).await?;
    Ok(Json(MessagePage {
        items: items
            .iter()
            .zip(cards)
            .zip(hidden)
            .map(|((m, c), hide)| viewed(m, c, hide))
            .collect(),
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SendMessage {
    /// Markdown; mention a member with `<@user_id>`; `:shortcode:` emoji.
    pub body: String,
    /// normal, important or urgent
    pub importance: Option<String>,
    #[serde(default)]
    pub attachment_ids: Vec<String>,
    /// Record-link URLs whose cards the sender removed in the composer.
    #[serde(default)]
    pub without_cards: Vec<String>,
}

const MAX_ATTACHMENTS_PER_MESSAGE: usize = 10;

fn parse_body(raw: &str, has_attachments: bool) -> ApiResult<MessageBody> {
    MessageBody::parse(raw, has_attachments).map_err(|e| match e {
        InvalidBody::TooLarge(_) => ApiError::PayloadTooLarge(e.to_string()),
        _ => ApiError::refused("body", e),
    })
}

fn resolver(members: &[Member]) -> MentionResolver {
    MentionResolver::new(members.iter().map(|m| (m.user_id.clone(), m.name.clone())))
}

/// Renders a body for the chat's `members` on the blocking pool, so a costly body holds up no
/// async worker; a body past a render limit (table cells, parse work, HTML size) is a 422 that
/// names the limit. Sends and edits both come here.
async fn render_body(body: &MessageBody, members: &[Member]) -> ApiResult<Rendered> {
    let source = body.as_str().to_owned();
    let mentions = resolver(members);
    tokio::task::spawn_blocking(move || render(&source, &mentions))
        .await
        .map_err(|e| ApiError::Internal(e.into()))?
        .map_err(|limit| ApiError::invalid("body", Invalid::MessageLimit, limit.to_string()))
}

fn idempotency_key(headers: &HeaderMap) -> ApiResult<Option<String>> {
    match headers.get("idempotency-key") {
        None => Ok(None),
        Some(v) => {
            let key = v
                .to_str()
                .map_err(|_| {
                    ApiError::BadRequest("the Idempotency-Key header must be printable text".into())
                })?
                .trim();
            if key.is_empty() || key.len() > 200 {
                return Err(ApiError::BadRequest(
                    "the Idempotency-Key header must be 1–200 characters".into(),
                ));
            }
            Ok(Some(key.to_owned()))
        }
    }
}

/// What an Idempotency-Key is bound to: a digest of the chat and everything the send asks
/// for, so a retry must send the same message (API.md: the same key with a different body is
/// 422).
fn request_fingerprint(chat_id: &str, importance: Importance, req: &SendMessage) -> String {
    use sha2::{Digest, Sha256};
    let canonical = json!({
        "chat": chat_id,
        "body": req.body,
        "importance": importance.as_str(),
        "attachment_ids": req.attachment_ids,
        "without_cards": req.without_cards,
    });
    Sha256::digest(canonical.to_string().as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// # `POST /api/v1/chats/{id}/messages`
///
/// Sends a message. Mentioned members get a `notification`; an urgent message notifies every
/// member and repeats every 2 minutes for 20 minutes to those who have not read it. With an
/// `Idempotency-Key` header a retry returns the first message instead of sending a second.
#[utoipa::path(post, path = "/chats/{id}/messages", tag = "messages", request_body = SendMessage,
    params(("id" = String, Path), ("Idempotency-Key" = Option<String>, Header, description = "makes retries safe")),
    responses((status = 201, body = MessageOut), (status = 404), (status = 413), (status = 422), (status = 429)))]
pub(crate) async fn send_message(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    headers: HeaderMap,
    ApiJson(req): ApiJson<SendMessage>,
) -> ApiResult<(StatusCode, Json<MessageOut>)> {
    let members = crate::api::guard::members_as_member(&state, &caller, &id).await?;
    let key = idempotency_key(&headers)?;
    state.limit(&caller, crate::limits::Kind::Send).await?;
    let importance = match req.importance.as_deref() {
        None => Importance::Normal,
        Some(s) => Importance::parse(s).ok_or_else(|| {
            ApiError::invalid(
                "importance",
                Invalid::Option,
                "use normal, important or urgent",
            )
        })?,
    };
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
    let rendered = render_body(&body, &members).await?;
    let now = tether_store::now_ms();
    let urgent = importance == Importance::Urgent;
    let fingerprint = key
        .as_ref()
        .map(|_| request_fingerprint(&id, importance, &req));
    let sent = state
        .store
        .send_message(&NewMessage {
            chat_id: id.clone(),
            sender_id: caller.id().to_owned(),
            sender_name: caller.user.name.clone(),
            body: body.as_str().to_owned(),
            html: rendered.html,
            importance: importance.as_str().to_owned(),
            data: (!req.without_cards.is_empty())
                .then(|| json!({"without_cards": req.without_cards})),
            mentions: rendered.mentioned_user_ids.clone(),
            attachment_ids: req.attachment_ids,
            idempotency_fingerprint: fingerprint,
            idempotency_key: key,
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
    if !sent.replayed {
        let everyone = outbox::message_audience(&members, &m);
        outbox::message_to(&state, MessageChange::Created, &m, everyone.clone()).await?;
        let from = PersonRef::from(&caller);
        // People are names, never ids: the toast reads `@Name`, without markdown. Only the head
        // of the body is converted, so a long message costs no more than a short one here.
        let head: String = m.body.chars().take(2000).collect();
        let excerpt: String = tether_domain::markdown::plain_text(&head, Some(&resolver(&members)))
            .chars()
            .take(140)
            .collect();
        let mentioned: Vec<String> = rendered
            .mentioned_user_ids
            .into_iter()
            .filter(|u| u != caller.id() && everyone.contains(u))
            .collect();
        outbox::notification(
            &state,
            NotificationKind::Mention,
            &m,
            from.clone(),
            excerpt.clone(),
            mentioned,
        );
        if urgent {
            let others: Vec<String> = everyone.into_iter().filter(|u| u != caller.id()).collect();
            outbox::notification(&state, NotificationKind::Urgent, &m, from, excerpt, others);
        }
        // The events leave this node before the 201: a node that dies after answering cannot
        // take them along (other nodes' clients would miss the message without a resync).
        state.bus.flushed().await;
    }
    Ok((
        StatusCode::CREATED,
        Json(message_for(&state, &caller, &m).await?),
    ))
}

/// The caller's own, live message of this chat, or the reason why not.
async fn own_message(
    state: &AppState,
    caller: &Caller,
    chat_id: &str,
    message_id: &str,
) -> ApiResult<Message> {
    let (_, me) = member_chat(state, caller, chat_id).await?;
    let m = visible_message(state, &me, chat_id, message_id).await?;
    if m.sender_id.as_deref() != Some(caller.id()) || m.kind != "text" {
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
    chat_id: &str,
    message_id: &str,
) -> ApiResult<Message> {
    state
        .store
        .message(message_id)
        .await?
        .filter(|m| m.chat_id == chat_id && may_see_message(me.visible_from, m.created_at))
        .ok_or_else(|| ApiError::NotFound(format!("there is no message {message_id} in this chat")))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EditMessage {
    pub body: String,
}

/// # `PATCH /api/v1/chats/{id}/messages/{message_id}`
///
/// Edits one's own message; it is marked edited. An edit is checked as a send is: it counts
/// against the send limit and meets the same body and render limits.
#[utoipa::path(patch, path = "/chats/{id}/messages/{message_id}", tag = "messages", request_body = EditMessage,
    params(("id" = String, Path), ("message_id" = String, Path)),
    responses((status = 200, body = MessageOut), (status = 403), (status = 404), (status = 409), (status = 413), (status = 422), (status = 429)))]
async fn edit_message(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((id, message_id)): ApiPath<(String, String)>,
    ApiJson(req): ApiJson<EditMessage>,
) -> ApiResult<Json<MessageOut>> {
    let old = own_message(&state, &caller, &id, &message_id).await?;
    state.limit(&caller, crate::limits::Kind::Send).await?;
    let body = parse_body(&req.body, !old.attachments.is_empty())?;
    let members = state.store.members(&id).await?;
    let rendered = render_body(&body, &members).await?;
    let m = state
        .store
        .edit_message(
            &message_id,
            body.as_str(),
            &rendered.html,
            &rendered.mentioned_user_ids,
        )
        .await?;
    let audience = outbox::message_audience(&members, &m);
    outbox::message_to(&state, MessageChange::Updated, &m, audience).await?;
    Ok(Json(message_for(&state, &caller, &m).await?))
}

/// # `DELETE /api/v1/chats/{id}/messages/{message_id}`
///
/// Deletes one's own message, leaving a tombstone; its files are removed.
#[utoipa::path(delete, path = "/chats/{id}/messages/{message_id}", tag = "messages", params(("id" = String, Path), ("message_id" = String, Path)),
    responses((status = 204), (status = 403), (status = 404), (status = 409)))]
async fn delete_message(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((id, message_id)): ApiPath<(String, String)>,
) -> ApiResult<StatusCode> {
    own_message(&state, &caller, &id, &message_id).await?;
    let m = state.store.delete_message(&message_id).await?;
    super::attachments::remove_message_files(&state, &message_id).await;
    let members = state.store.members(&id).await?;
    outbox::message_deleted(&state, &m, &members);
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReactionIn {
    /// One emoji (skin tones and ZWJ sequences included) or the `:shortcode:` of one.
    pub emoji: String,
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

/// Adds or removes the caller's reaction: counted against the reactions limit, added only as
/// one real emoji ([`Reaction`]) and only while the message has fewer than
/// [`MAX_REACTIONS_PER_MESSAGE`] different reactions or already has this one.
async fn react(
    state: AppState,
    caller: Caller,
    id: String,
    message_id: String,
    emoji: String,
    add: bool,
) -> ApiResult<Json<MessageOut>> {
    let emoji = if add {
        Reaction::parse(&emoji)
            .map_err(|e| ApiError::invalid("emoji", Invalid::Format, e.to_string()))?
            .as_str()
            .to_owned()
    } else {
        reaction_to_remove(&emoji)?
    };
    let (_, me) = member_chat(&state, &caller, &id).await?;
    state.limit(&caller, crate::limits::Kind::React).await?;
    let m = visible_message(&state, &me, &id, &message_id).await?;
    if m.deleted_at.is_some() {
        return Err(ApiError::conflict("this message was deleted"));
    }
    let changed = if add {
        match state
            .store
            .add_reaction(&message_id, caller.id(), &emoji, MAX_REACTIONS_PER_MESSAGE)
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
            .set_reaction(&message_id, caller.id(), &emoji, false)
            .await?
    };
    if changed {
        let m = state
            .store
            .message(&message_id)
            .await?
            .ok_or_else(|| ApiError::NotFound("message".into()))?;
        let members = state.store.members(&id).await?;
        let out = message_out(&m);
        outbox::reactions_changed(&state, &m, &members);
        return Ok(Json(out));
    }
    Ok(Json(message_out(&m)))
}

/// # `POST /api/v1/chats/{id}/messages/{message_id}/reactions`
///
/// Adds the caller's reaction: one emoji. 409 when the message already has the most different
/// reactions a message can have and this is not one of them.
#[utoipa::path(post, path = "/chats/{id}/messages/{message_id}/reactions", tag = "messages", request_body = ReactionIn,
    params(("id" = String, Path), ("message_id" = String, Path)), responses((status = 200, body = MessageOut), (status = 404), (status = 409), (status = 422), (status = 429)))]
async fn add_reaction(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((id, message_id)): ApiPath<(String, String)>,
    ApiJson(req): ApiJson<ReactionIn>,
) -> ApiResult<Json<MessageOut>> {
    react(state, caller, id, message_id, req.emoji, true).await
}

/// # `DELETE /api/v1/chats/{id}/messages/{message_id}/reactions`
#[utoipa::path(delete, path = "/chats/{id}/messages/{message_id}/reactions", tag = "messages", request_body = ReactionIn,
    params(("id" = String, Path), ("message_id" = String, Path)), responses((status = 200, body = MessageOut), (status = 404), (status = 422), (status = 429)))]
async fn remove_reaction(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((id, message_id)): ApiPath<(String, String)>,
    ApiJson(req): ApiJson<ReactionIn>,
) -> ApiResult<Json<MessageOut>> {
    react(state, caller, id, message_id, req.emoji, false).await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReadIn {
    pub message_id: String,
}

#[derive(Serialize, ToSchema)]
pub struct ReadOut {
    pub unread: i64,
}

/// # `POST /api/v1/chats/{id}/read`
///
/// Moves the caller's read marker to this message (never backwards); answers the unread count.
#[utoipa::path(post, path = "/chats/{id}/read", tag = "messages", request_body = ReadIn, params(("id" = String, Path)),
    responses((status = 200, body = ReadOut), (status = 404)))]
async fn mark_read(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    ApiJson(req): ApiJson<ReadIn>,
) -> ApiResult<Json<ReadOut>> {
    let (_, me) = member_chat(&state, &caller, &id).await?;
    let m = visible_message(&state, &me, &id, &req.message_id).await?;
    state.store.mark_read(&id, caller.id(), m.seq).await?;
    let unread = state
        .store
        .unread_counts(caller.id(), std::slice::from_ref(&id))
        .await?
        .get(&id)
        .copied()
        .unwrap_or(0);
    Ok(Json(ReadOut { unread }))
}
