//! The clients' side: event WebSockets opened for each signed-in user, and read until the
//! run stops, every frame counted.

use super::counters::Shared;
use crate::report::{Histogram, bar};
use anyhow::{Result, anyhow};
use futures_util::{StreamExt, TryStreamExt};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::net::TcpStream;
use tokio::sync::watch;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// The client configuration: small buffers, since a thousand clients live in this process.
fn client_config() -> WebSocketConfig {
    WebSocketConfig::default()
        .read_buffer_size(8 * 1024)
        .write_buffer_size(0)
        .max_message_size(Some(1 << 20))
}

/// Opens one event socket for `token` and waits for the server's first frame (`hello`).
pub async fn connect(events: &str, token: &str) -> Result<Socket> {
    let request = format!("{events}?token={token}").into_client_request()?;
    let host = request
        .uri()
        .authority()
        .map(|a| a.as_str().to_owned())
        .ok_or_else(|| anyhow!("no host in {events}"))?;
    let stream = TcpStream::connect(&host).await?;
    stream.set_nodelay(true)?;
    let (mut ws, _) = tokio_tungstenite::client_async_with_config(
        request,
        MaybeTlsStream::Plain(stream),
        Some(client_config()),
    )
    .await?;
    match tokio::time::timeout(Duration::from_secs(30), ws.next()).await {
        Ok(Some(Ok(Message::Text(_)))) => Ok(ws),
        Ok(Some(Ok(other))) => Err(anyhow!("expected a hello event, got {other:?}")),
        Ok(Some(Err(e))) => Err(e.into()),
        Ok(None) => Err(anyhow!("the server closed the event socket at once")),
        Err(_) => Err(anyhow!("no hello event within 30 s")),
    }
}

/// Opens one socket per token, `CONNECT_CONCURRENCY` at a time, with a progress bar; records
/// each connection's time to `hello` in `latency`.
pub async fn connect_all(
    events: &str,
    tokens: &[String],
    concurrency: usize,
    latency: &Histogram,
) -> Result<Vec<Socket>> {
    let pb = bar(tokens.len() as u64, "WebSocket clients");
    let sockets = futures_util::stream::iter(tokens)
        .map(|token| {
            let pb = pb.clone();
            async move {
                let started = Instant::now();
                let ws = connect(events, token)
                    .await
                    .map_err(|e| anyhow!("cannot open an event socket: {e}"))?;
                latency.record_duration(started.elapsed());
                pb.inc(1);
                Ok::<_, anyhow::Error>(ws)
            }
        })
        .buffer_unordered(concurrency.max(1))
        .try_collect()
        .await;
    pb.finish_and_clear();
    sockets
}

/// Reads a socket until `stop`, feeding every text frame to `shared`.
pub(super) async fn read_events(
    mut ws: Socket,
    shared: Arc<Shared>,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        tokio::select! {
            frame = ws.next() => match frame {
                Some(Ok(Message::Text(text))) => shared.received(text.as_str()),
                Some(Ok(Message::Close(_))) | None => {
                    if !*stop.borrow() {
                        shared.errors.add("websocket closed by the server", 1);
                    }
                    return;
                }
                Some(Ok(_)) => {}
                Some(Err(_)) => {
                    if !*stop.borrow() {
                        shared.errors.add("websocket error", 1);
                    }
                    return;
                }
            },
            _ = stop.changed() => {
                let _ = ws.close(None).await;
                return;
            }
        }
    }
}
