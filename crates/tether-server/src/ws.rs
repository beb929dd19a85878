//! `GET /api/v1/events`: the live-event WebSocket.
//!
//! Authenticated by `?token=` or the session cookie (then the `Origin` must be this server's,
//! so another site cannot open a socket with the user's cookie). Each connection has a small
//! read buffer (idle connections cost little), a bounded queue (see [`crate::events`]), a
//! heartbeat ping every 25 s, and a send timeout: a client that stops reading is disconnected
//! rather than holding anything up.
//!
//! A socket lives no longer than its session: it is closed (code 4001) when the session
//! expires, when it signs out, and when the account is deactivated, on whichever node the
//! socket is ([`crate::events::Control::SessionEnded`] travels over the event bus and is never
//! shown to a client).

use crate::AppState;
use crate::auth::{caller_from_token, session_token};
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
#[into_params(parameter_in = Query)]
pub struct EventsQuery {
    /// A bearer token (browsers cannot set headers on a WebSocket).
    pub token: Option<String>,
    /// `embed`: the embedded panel's socket, authenticated by the embed session's cookie only
    /// (as the panel's other requests with `x-tether-session: embed`).
    pub session: Option<String>,
}

/// The close code a socket gets when its session ends (4000–4999 are the application's).
const CLOSE_SESSION_ENDED: u16 = 4001;

const HEARTBEAT: Duration = Duration::from_secs(25);
const SEND_TIMEOUT: Duration = Duration::from_secs(10);

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
    let embed = q.session.as_deref() == Some("embed");
    let caller = match (q.token, session_token(&headers, embed)) {
        (Some(token), _) => caller_from_token(&state, &token).await?,
        (None, Some(token)) => {
            let origin = headers
                .get(header::ORIGIN)
                .and_then(|o| o.to_str().ok())
                .unwrap_or("");
            let host = headers
                .get(header::HOST)
                .and_then(|h| h.to_str().ok())
                .unwrap_or("");
            if !same_origin(origin, &state.config.public_url, host) {
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
    crate::app::guard::require_collaboration(&state, &caller).await?;
    let Some(sub) = state.hub.subscribe_within(
        caller.id().as_str(),
        &caller.token_hash,
        state.config.max_connections_per_user,
    ) else {
        return Err(ApiError::TooManyRequests {
            detail: "you have too many open event connections; close some tabs".into(),
            retry_after_secs: 30,
        });
    };
    let hub = state.hub.clone();
    let watch_state = state.clone();
    // A client that goes away during the handshake must not keep a place in its limit.
    let (failed_hub, failed_user, failed_id) = (state.hub.clone(), sub.user_id.clone(), sub.id);
    Ok(ws
        .read_buffer_size(4 * 1024)
        .write_buffer_size(4 * 1024)
        .max_message_size(64 * 1024)
        .on_failed_upgrade(move |_| failed_hub.unsubscribe(&failed_user, failed_id))
        .on_upgrade(move |socket| async move {
            let (user, id) = (sub.user_id.clone(), sub.id);
            run(socket, sub, watch_state, caller).await;
            hub.unsubscribe(&user, id);
        }))
}

/// Whether a cookie-authenticated socket comes from Tether's own pages: its `Origin` is the
/// public URL, or names the very host the request was sent to (`localhost` and `127.0.0.1`
/// are different origins, and a browser may use either for the same server). Another site's
/// page always sends its own origin, which matches neither.
fn same_origin(origin: &str, public_url: &str, host: &str) -> bool {
    if origin.is_empty() {
        return false;
    }
    if origin == public_url {
        return true;
    }
    let Some((scheme, rest)) = origin.split_once("://") else {
        return false;
    };
    matches!(scheme, "http" | "https") && !host.is_empty() && rest.eq_ignore_ascii_case(host)
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

/// Most queued events written to a socket in one go.
const EVENTS_PER_WRITE: usize = 32;

/// Writes `first` and the events already queued behind it (up to [`EVENTS_PER_WRITE`]) with
/// one flush, so a client with several events waiting costs one system call, not one each; a
/// client that fell behind gets one `resync` instead of what is queued. False when the socket
/// failed or did not take the events within the send timeout.
async fn deliver(
    sink: &mut futures_util::stream::SplitSink<WebSocket, Message>,
    sub: &mut Subscription,
    first: crate::events::Utf8Bytes,
) -> bool {
    if sub.lagged.swap(false, Ordering::Relaxed) {
        // Skipped events are replaced by one resync.
        while sub.rx.try_recv().is_ok() {}
        return send(sink, Message::Text(RESYNC.into())).await;
    }
    let write = async {
        sink.feed(Message::Text(first)).await?;
        for _ in 1..EVENTS_PER_WRITE {
            let Ok(next) = sub.rx.try_recv() else { break };
            sink.feed(Message::Text(next)).await?;
        }
        sink.flush().await
    };
    matches!(tokio::time::timeout(SEND_TIMEOUT, write).await, Ok(Ok(())))
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
    id: tether_domain::RecordId,
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
            match crate::app::guard::load_record(state, caller, &r.record_type, &r.id, tether_domain::Access::Read).await {
                Ok(_) => {
                    state.hub.watch(r.id.as_str(), caller.id().as_str(), conn_id);
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

async fn close_ended(sink: &mut futures_util::stream::SplitSink<WebSocket, Message>, why: &str) {
    let frame = axum::extract::ws::CloseFrame {
        code: CLOSE_SESSION_ENDED,
        reason: why.into(),
    };
    let _ = send(sink, Message::Close(Some(frame))).await;
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
    let left = u64::try_from(caller.expires_at - tether_store::now_ms()).unwrap_or(0);
    let expiry = tokio::time::sleep(Duration::from_millis(left));
    tokio::pin!(expiry);
    loop {
        tokio::select! {
            () = &mut expiry => {
                close_ended(&mut sink, "your session has expired; sign in again").await;
                break;
            }
            () = sub.ended.notified() => {
                close_ended(&mut sink, "your session was ended; sign in again").await;
                break;
            }
            next = sub.rx.recv() => {
                let Some(first) = next else { break };
                if !deliver(&mut sink, &mut sub, first).await {
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

#[cfg(test)]
mod tests {
    use super::same_origin;

    #[test]
    fn only_this_servers_pages_may_use_the_cookie() {
        let public = "https://tether.example.com";
        assert!(same_origin(public, public, "tether.example.com"));
        // The address the browser used for this very request.
        assert!(same_origin(
            "http://localhost:8080",
            "http://127.0.0.1:8080",
            "localhost:8080"
        ));
        // Another site, a look-alike, a missing or odd origin.
        assert!(!same_origin(
            "https://evil.example",
            public,
            "tether.example.com"
        ));
        assert!(!same_origin(
            "https://tether.example.com.evil.example",
            public,
            "tether.example.com"
        ));
        assert!(!same_origin("", public, "tether.example.com"));
        assert!(!same_origin("null", public, "tether.example.com"));
        assert!(!same_origin(
            "file://tether.example.com",
            public,
            "tether.example.com"
        ));
        assert!(!same_origin("http://localhost:8080", public, ""));
    }
}
