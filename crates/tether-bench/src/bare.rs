//! `bare`: the smallest server that can play the `chat` workload — the ceiling of this machine
//! for it. It speaks the same two requests as Tether (`POST /api/v1/chats/{id}/messages` with a
//! bearer token, answered 201 with the message; `GET /api/v1/events?token=` upgraded to a
//! WebSocket that says `hello` and then carries `message.created` events), but keeps nothing:
//! no database, no sessions (the token is the user id), no markdown, one `tokio::sync::broadcast`
//! channel per chat. The JSON it builds and parses is the same kind of work Tether does per
//! message, so what separates the two results is storage, authentication and rendering.
//!
//! HTTP/1.1 is parsed by hand (keep-alive, `Content-Length` bodies, nothing else) because the
//! `tether-bench` crate does not depend on axum; the WebSocket side is tokio-tungstenite, whose
//! server half axum also uses.

use super::fixture::{BenchChat, BenchUser, Fixture};
use anyhow::Result;
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{broadcast, mpsc, oneshot};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::handshake::server::{Request, Response};
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

/// Events buffered per chat before a slow receiver is told to resync (Tether queues 256 per
/// connection).
const CHANNEL: usize = 1024;
/// Largest request head or body accepted.
const MAX_REQUEST: usize = 1 << 20;
const RESYNC: &str = r#"{"type":"resync"}"#;

struct Chat {
    tx: broadcast::Sender<Arc<str>>,
    seq: AtomicU64,
}

struct State {
    chats: HashMap<String, Chat>,
    /// user id → the chats they are in.
    memberships: HashMap<String, Vec<String>>,
    next_id: AtomicU64,
}

/// A running bare server.
pub struct Bare {
    pub base: String,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl Bare {
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = self.task.await;
    }
}

/// Starts the server on a fresh port of 127.0.0.1 with `users` users (`u0`, `u1`, …) in the
/// chats of `plan` (`c0`, `c1`, …); the fixture's tokens are the user ids.
pub async fn start(users: usize, plan: &[Vec<usize>]) -> Result<(Bare, Fixture)> {
    let users: Vec<BenchUser> = (0..users)
        .map(|i| BenchUser {
            id: format!("u{i}"),
            email: format!("u{i}@bare"),
            token: format!("u{i}"),
        })
        .collect();
    let chats: Vec<BenchChat> = plan
        .iter()
        .enumerate()
        .map(|(c, members)| BenchChat {
            id: format!("c{c}"),
            members: members.clone(),
        })
        .collect();
    let mut memberships: HashMap<String, Vec<String>> = HashMap::new();
    for chat in &chats {
        for &m in &chat.members {
            if let Some(u) = users.get(m) {
                memberships
                    .entry(u.id.clone())
                    .or_default()
                    .push(chat.id.clone());
            }
        }
    }
    let state = Arc::new(State {
        chats: chats
            .iter()
            .map(|c| {
                let (tx, _) = broadcast::channel(CHANNEL);
                (
                    c.id.clone(),
                    Chat {
                        tx,
                        seq: AtomicU64::new(0),
                    },
                )
            })
            .collect(),
        memberships,
        next_id: AtomicU64::new(1),
    });
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let (stop, mut stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        loop {
            tokio::select! {
                accepted = listener.accept() => {
                    if let Ok((stream, _)) = accepted {
                        tokio::spawn(connection(stream, state.clone()));
                    }
                }
                _ = &mut stopped => return,
            }
        }
    });
    Ok((
        Bare {
            base,
            stop: Some(stop),
            task,
        },
        Fixture { users, chats },
    ))
}

async fn connection(stream: TcpStream, state: Arc<State>) {
    let _ = stream.set_nodelay(true);
    let mut head = [0u8; 4];
    match stream.peek(&mut head).await {
        Ok(n) if n >= 3 && head.starts_with(b"GET") => websocket(stream, state).await,
        Ok(n) if n > 0 => {
            let _ = http(stream, state).await;
        }
        _ => {}
    }
}

/// `GET /api/v1/events?token=<user>`: hello, then the events of the user's chats.
// The handshake callback's error type is tungstenite's, large by its design.
#[allow(clippy::result_large_err)]
async fn websocket(stream: TcpStream, state: Arc<State>) {
    let mut user: Option<String> = None;
    let callback = |req: &Request, res: Response| {
        user = req
            .uri()
            .query()
            .and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix("token=")))
            .map(str::to_owned);
        Ok(res)
    };
    let config = WebSocketConfig::default()
        .read_buffer_size(4 * 1024)
        .write_buffer_size(4 * 1024)
        .max_message_size(Some(64 * 1024));
    let Ok(ws) =
        tokio_tungstenite::accept_hdr_async_with_config(stream, callback, Some(config)).await
    else {
        return;
    };
    let Some(user) = user else { return };
    let (mut sink, mut incoming) = ws.split();
    let hello = json!({"type": "hello", "user_id": user}).to_string();
    if sink.send(Message::Text(hello.into())).await.is_err() {
        return;
    }
    let chats: &[String] = state.memberships.get(&user).map_or(&[], Vec::as_slice);
    let mut receivers: Vec<broadcast::Receiver<Arc<str>>> = chats
        .iter()
        .filter_map(|c| state.chats.get(c))
        .map(|c| c.tx.subscribe())
        .collect();
    // One chat (the usual case): read its channel directly. Several: funnel them into one queue.
    let (funnel_tx, mut funnel) = mpsc::channel::<Arc<str>>(CHANNEL);
    let mut direct = if receivers.len() == 1 {
        receivers.pop()
    } else {
        None
    };
    let forwarders: Vec<_> = receivers
        .into_iter()
        .map(|mut rx| {
            let tx = funnel_tx.clone();
            tokio::spawn(async move {
                loop {
                    let item = match rx.recv().await {
                        Ok(p) => p,
                        Err(broadcast::error::RecvError::Lagged(_)) => Arc::from(RESYNC),
                        Err(broadcast::error::RecvError::Closed) => return,
                    };
                    if tx.send(item).await.is_err() {
                        return;
                    }
                }
            })
        })
        .collect();
    drop(funnel_tx);
    loop {
        let next: Option<Arc<str>> = tokio::select! {
            got = async {
                match direct.as_mut() {
                    Some(rx) => match rx.recv().await {
                        Ok(p) => Some(p),
                        Err(broadcast::error::RecvError::Lagged(_)) => Some(Arc::from(RESYNC)),
                        Err(broadcast::error::RecvError::Closed) => None,
                    },
                    None => funnel.recv().await,
                }
            } => got,
            frame = incoming.next() => match frame {
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => break,
                Some(Ok(_)) => continue,
            },
        };
        let Some(payload) = next else { break };
        if sink
            .send(Message::Text(payload.to_string().into()))
            .await
            .is_err()
        {
            break;
        }
    }
    for f in forwarders {
        f.abort();
    }
}

/// Keep-alive HTTP/1.1: one request at a time, `Content-Length` bodies.
async fn http(mut stream: TcpStream, state: Arc<State>) -> std::io::Result<()> {
    let mut buf: Vec<u8> = Vec::with_capacity(4096);
    let mut chunk = [0u8; 8192];
    loop {
        let head_end = loop {
            if let Some(i) = find(&buf, b"\r\n\r\n") {
                break i + 4;
            }
            if buf.len() > MAX_REQUEST {
                return Ok(());
            }
            let n = stream.read(&mut chunk).await?;
            if n == 0 {
                return Ok(());
            }
            buf.extend_from_slice(chunk.get(..n).unwrap_or_default());
        };
        let head = String::from_utf8_lossy(buf.get(..head_end).unwrap_or_default()).into_owned();
        let mut lines = head.split("\r\n");
        let request_line = lines.next().unwrap_or_default();
        let mut parts = request_line.split(' ');
        let (method, path) = (
            parts.next().unwrap_or_default(),
            parts.next().unwrap_or_default(),
        );
        let mut length = 0usize;
        let mut token = None;
        for line in lines {
            if let Some((name, value)) = line.split_once(':') {
                let value = value.trim();
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.parse().unwrap_or(0);
                } else if name.eq_ignore_ascii_case("authorization") {
                    token = value.strip_prefix("Bearer ").map(str::to_owned);
                }
            }
        }
        if length > MAX_REQUEST {
            return Ok(());
        }
        while buf.len() < head_end + length {
            let n = stream.read(&mut chunk).await?;
            if n == 0 {
                return Ok(());
            }
            buf.extend_from_slice(chunk.get(..n).unwrap_or_default());
        }
        let body = buf.get(head_end..head_end + length).unwrap_or_default();
        let (status, answer) = handle(&state, method, path, token.as_deref(), body);
        let reason = match status {
            201 => "Created",
            401 => "Unauthorized",
            404 => "Not Found",
            _ => "Bad Request",
        };
        let response = format!(
            "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{answer}",
            answer.len()
        );
        stream.write_all(response.as_bytes()).await?;
        buf.drain(..head_end + length);
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// `POST /api/v1/chats/{id}/messages`: broadcast to the chat, answer with the message.
fn handle(
    state: &State,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: &[u8],
) -> (u16, String) {
    let chat_id = path
        .strip_prefix("/api/v1/chats/")
        .and_then(|rest| rest.strip_suffix("/messages"));
    let (Some(chat_id), "POST") = (chat_id, method) else {
        return (404, r#"{"status":404,"title":"Not Found"}"#.into());
    };
    let Some(user) = token.filter(|t| state.memberships.contains_key(*t)) else {
        return (401, r#"{"status":401,"title":"Unauthorized"}"#.into());
    };
    let Some(chat) = state.chats.get(chat_id) else {
        return (404, r#"{"status":404,"title":"Not Found"}"#.into());
    };
    let Ok(req) = serde_json::from_slice::<Value>(body) else {
        return (400, r#"{"status":400,"title":"Bad Request"}"#.into());
    };
    let text = req["body"].as_str().unwrap_or_default();
    let message = json!({
        "id": format!("m{}", state.next_id.fetch_add(1, Ordering::Relaxed)),
        "chat_id": chat_id,
        "seq": chat.seq.fetch_add(1, Ordering::Relaxed) + 1,
        "kind": "text",
        "sender": {"id": user},
        "body": text,
        "created_at": tether_store::now_ms(),
    });
    let event = json!({"type": "message.created", "chat_id": chat_id, "message": message});
    let _ = chat.tx.send(Arc::from(event.to_string()));
    (201, message.to_string())
}
