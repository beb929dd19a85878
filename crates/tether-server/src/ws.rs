//! `GET /api/v1/events`: the live-event WebSocket.
//!
//! Authenticated by `?token=` or the session cookie (then the `Origin` must be this server's,
//! so another site cannot open a socket with the user's cookie). Each connection has a small
//! read buffer (idle connections cost little), a bounded queue (see [`crate::events`]), a
//! heartbeat ping every 25 s, and a send timeout: a client that stops reading is disconnected
//! rather than holding anything up.

use crate::AppState;
use crate::auth::{SESSION_COOKIE, caller_from_token};
use crate::error::{ApiError, ApiResult};
use crate::events::{RESYNC, Subscription};
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, header};
use axum::response::Response;
use futures_util::{SinkExt, StreamExt};
use serde::Deserialize;
use std::sync::atomic::Ordering;
use std::time::Duration;

#[derive(Deserialize, utoipa::IntoParams)]
pub struct EventsQuery {
    /// A bearer token (browsers cannot set headers on a WebSocket).
    pub token: Option<String>,
}

const HEARTBEAT: Duration = Duration::from_secs(25);
const SEND_TIMEOUT: Duration = Duration::from_secs(10);

fn cookie_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| {
            let (name, value) = pair.trim().split_once('=')?;
            (name == SESSION_COOKIE && !value.is_empty()).then(|| value.to_owned())
        })
}

/// # `GET /api/v1/events`
///
/// Upgrades to a WebSocket that carries the events of API.md (`message.created`, …) to
/// exactly the users allowed to see them, and `resync` to a client that fell behind.
#[utoipa::path(get, path = "/events", tag = "events", params(EventsQuery),
    responses((status = 101, description = "switching to the WebSocket protocol"), (status = 401), (status = 403), (status = 429)))]
pub async fn events(
    State(state): State<AppState>,
    ws: WebSocketUpgrade,
    Query(q): Query<EventsQuery>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let caller = match (q.token, cookie_token(&headers)) {
        (Some(token), _) => caller_from_token(&state, &token).await?,
        (None, Some(token)) => {
            let origin = headers
                .get(header::ORIGIN)
                .and_then(|o| o.to_str().ok())
                .unwrap_or("");
            if origin != state.config.public_url {
                return Err(ApiError::Forbidden(
                    "a cookie-authenticated event socket must come from this server's own pages"
                        .into(),
                ));
            }
            caller_from_token(&state, &token).await?
        }
        (None, None) => {
            return Err(ApiError::Unauthorized(
                "sign in first, then connect with ?token=<token>".into(),
            ));
        }
    };
    crate::api::chats::require_collaboration(&state, &caller).await?;
    if state.hub.connections_of(caller.id()) >= state.config.max_connections_per_user {
        return Err(ApiError::TooManyRequests {
            detail: "you have too many open event connections; close some tabs".into(),
            retry_after_secs: 30,
        });
    }
    let sub = state.hub.subscribe(caller.id());
    let hub = state.hub.clone();
    let watch_state = state.clone();
    Ok(ws
        .read_buffer_size(4 * 1024)
        .write_buffer_size(4 * 1024)
        .max_message_size(64 * 1024)
        .on_upgrade(move |socket| async move {
            let (user, id) = (sub.user_id.clone(), sub.id);
            run(socket, sub, watch_state, caller).await;
            hub.unsubscribe(&user, id);
        }))
}

async fn send(
    sink: &mut futures_util::stream::SplitSink<WebSocket, Message>,
    msg: Message,
) -> bool {
    matches!(
        tokio::time::timeout(SEND_TIMEOUT, sink.send(msg)).await,
        Ok(Ok(()))
    )
}

/// What a client may send: `{"type": "watch", "record": {"type": "case", "id": "…"}}` to get
/// `timeline.changed` for a record it shows, and `unwatch` to stop.
#[derive(Deserialize)]
struct ClientMessage {
    #[serde(rename = "type")]
    kind: String,
    record: Option<RecordRef>,
}

#[derive(Deserialize)]
struct RecordRef {
    #[serde(rename = "type")]
    record_type: String,
    id: String,
}

async fn handle_client_message(
    state: &AppState,
    caller: &crate::auth::Caller,
    conn_id: u64,
    text: &str,
) -> Option<String> {
    let Ok(msg) = serde_json::from_str::<ClientMessage>(text) else {
        return Some(serde_json::json!({"type": "error", "detail": "send JSON like {\"type\": \"watch\", \"record\": {\"type\": \"case\", \"id\": \"…\"}}"}).to_string());
    };
    match (msg.kind.as_str(), msg.record) {
        ("watch", Some(r)) => {
            match crate::api::records::load_record(state, caller, &r.record_type, &r.id, tether_domain::Access::Read).await {
                Ok(_) => {
                    state.hub.watch(&r.id, caller.id(), conn_id);
                    Some(serde_json::json!({"type": "watching", "record": {"type": r.record_type, "id": r.id}}).to_string())
                }
                Err(e) => Some(serde_json::json!({"type": "error", "detail": e.to_string()}).to_string()),
            }
        }
        ("unwatch", r) => {
            state.hub.unwatch(r.as_ref().map(|r| r.id.as_str()), conn_id);
            None
        }
        _ => Some(serde_json::json!({"type": "error", "detail": "unknown message type; use watch or unwatch"}).to_string()),
    }
}

async fn run(
    socket: WebSocket,
    mut sub: Subscription,
    state: AppState,
    caller: crate::auth::Caller,
) {
    let (mut sink, mut stream) = socket.split();
    let hello = serde_json::json!({"type": "hello", "user_id": sub.user_id}).to_string();
    if !send(&mut sink, Message::Text(hello.into())).await {
        return;
    }
    let mut heartbeat = tokio::time::interval(HEARTBEAT);
    heartbeat.tick().await;
    let mut awaiting_pong = false;
    loop {
        tokio::select! {
            next = sub.rx.recv() => {
                let Some(payload) = next else { break };
                let text = if sub.lagged.swap(false, Ordering::Relaxed) {
                    while sub.rx.try_recv().is_ok() {}
                    RESYNC.to_owned()
                } else {
                    payload.to_string()
                };
                if !send(&mut sink, Message::Text(text.into())).await {
                    break;
                }
            }
            incoming = stream.next() => match incoming {
                Some(Ok(Message::Pong(_))) => awaiting_pong = false,
                Some(Ok(Message::Text(t))) => {
                    if let Some(reply) = handle_client_message(&state, &caller, sub.id, &t).await
                        && !send(&mut sink, Message::Text(reply.into())).await
                    {
                        break;
                    }
                }
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => break,
                Some(Ok(_)) => {}
            },
            _ = heartbeat.tick() => {
                if awaiting_pong {
                    break;
                }
                awaiting_pong = true;
                if !send(&mut sink, Message::Ping(Vec::new().into())).await {
                    break;
                }
            }
        }
    }
}
