//! Connections from a hostile network (issue 15): half-sent requests, silent and idle
//! connections are closed in time, a flood of them does not stop `/healthz`, connections past
//! `Config::max_connections` get a 503 problem, event WebSockets live on, and what hyper
//! refuses before the router (414, 431, 400) is a problem document too. The timeouts are set
//! short through `Config` so that every test runs in seconds.

use crate::common::{TestApp, spawn_app_with};
use futures_util::{SinkExt, StreamExt};
use reqwest::Method;
use serde_json::Value;
use std::time::Duration;
use tether_server::Config;
use tether_store::Backend;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::{Instant, timeout};
use tokio_tungstenite::tungstenite::Message;

const HEADER_READ: Duration = Duration::from_secs(1);
const IDLE: Duration = Duration::from_secs(2);
/// Allowance for a loaded test machine on top of a timeout.
const SLACK: Duration = Duration::from_millis(1500);

fn short_timeouts(c: &mut Config) {
    c.header_read_timeout = HEADER_READ;
    c.idle_timeout = IDLE;
}

/// Waits until the server closes `stream` (end of file or reset), reading and discarding what
/// it sends; how long that took. Panics if it is still open after `within`.
async fn closed_within(stream: &mut TcpStream, within: Duration) -> Duration {
    let start = Instant::now();
    let mut buf = [0u8; 4096];
    loop {
        match timeout(
            within.saturating_sub(start.elapsed()),
            stream.read(&mut buf),
        )
        .await
        {
            Err(_) => panic!("the connection is still open after {within:?}"),
            Ok(Ok(0) | Err(_)) => return start.elapsed(),
            Ok(Ok(_)) => continue,
        }
    }
}

/// Sends `request` on a fresh connection and reads the whole answer (the server closes).
async fn exchange(app: &TestApp, request: &[u8]) -> (String, Value) {
    let mut stream = TcpStream::connect(app.addr).await.unwrap();
    // The server may answer and close before all of a huge request is written.
    let _ = stream.write_all(request).await;
    read_answer(&mut stream).await
}

/// Reads an answer up to the server's close: its head, and its body as JSON.
async fn read_answer(stream: &mut TcpStream) -> (String, Value) {
    let mut out = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        match timeout(Duration::from_secs(5), stream.read(&mut buf)).await {
            Err(_) => panic!(
                "no end of the answer within 5 s; so far: {}",
                String::from_utf8_lossy(&out)
            ),
            Ok(Ok(0) | Err(_)) => break,
            Ok(Ok(n)) => out.extend_from_slice(&buf[..n]),
        }
    }
    let text = String::from_utf8_lossy(&out).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    (
        head.to_ascii_lowercase(),
        serde_json::from_str(body).unwrap_or(Value::Null),
    )
}

/// Reads one keep-alive answer (head and `content-length` bytes of body); its status line.
async fn read_one(stream: &mut TcpStream) -> String {
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let n = timeout(Duration::from_secs(5), stream.read(&mut buf))
            .await
            .expect("an answer within 5 s")
            .unwrap();
        assert!(n > 0, "the connection closed before the answer");
        out.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&out).to_ascii_lowercase();
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length: "))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0);
            if body.len() >= length {
                return head.lines().next().unwrap_or("").to_owned();
            }
        }
    }
}

async fn healthz_status(app: &TestApp) -> u16 {
    app.send(Method::GET, "/healthz", None, None)
        .await
        .status
        .as_u16()
}

/// 300 connections that send half a request and stop, one that trickles a header byte every
/// 200 ms and one that sends nothing: `/healthz` answers at once while they are held, and all
/// of them are closed once the header-read timeout has passed (not much later, and the
/// trickler despite never being idle).
async fn half_sent_requests_are_closed_in_time_while_healthz_answers(backend: Backend) {
    let app = spawn_app_with(backend, short_timeouts).await;
    let opened = Instant::now();
    let mut flood = Vec::new();
    for _ in 0..300 {
        let mut s = TcpStream::connect(app.addr).await.unwrap();
        s.write_all(b"GET /healthz HTTP/1.1\r\nHost: tether\r\nX-Half: ")
            .await
            .unwrap();
        flood.push(s);
    }
    let mut silent = TcpStream::connect(app.addr).await.unwrap();
    let mut trickler = TcpStream::connect(app.addr).await.unwrap();
    trickler
        .write_all(b"GET /healthz HTTP/1.1\r\n")
        .await
        .unwrap();
    let trickle = tokio::spawn(async move {
        let start = Instant::now();
        loop {
            tokio::time::sleep(Duration::from_millis(200)).await;
            if trickler.write_all(b"X").await.is_err() {
                return start.elapsed();
            }
            if start.elapsed() > Duration::from_secs(10) {
                panic!("the trickling connection is still open after 10 s");
            }
        }
    });

    let asked = Instant::now();
    assert_eq!(healthz_status(&app).await, 200);
    assert!(
        asked.elapsed() < Duration::from_secs(1),
        "/healthz took {:?} during the flood",
        asked.elapsed()
    );

    let deadline = HEADER_READ + SLACK;
    closed_within(&mut silent, deadline.saturating_sub(opened.elapsed())).await;
    for s in &mut flood {
        closed_within(s, deadline.saturating_sub(opened.elapsed())).await;
    }
    assert!(
        opened.elapsed() >= HEADER_READ - Duration::from_millis(100),
        "closed before the header-read timeout: {:?}",
        opened.elapsed()
    );
    let trickled = trickle.await.unwrap();
    assert!(
        trickled < deadline + Duration::from_millis(500),
        "the trickling connection was closed after {trickled:?}"
    );
    // And the server still serves.
    assert_eq!(healthz_status(&app).await, 200);
}

both_backends!(half_sent_requests_are_closed_in_time_while_healthz_answers);

/// A keep-alive connection outlives the header-read timeout while it waits for its next
/// request (that wait is the idle timeout's), and is closed once idle for the idle timeout.
#[tokio::test]
async fn idle_keep_alive_connections_are_closed_after_the_idle_timeout() {
    let app = spawn_app_with(Backend::Sqlite, short_timeouts).await;
    let mut s = TcpStream::connect(app.addr).await.unwrap();
    let request = b"GET /healthz HTTP/1.1\r\nHost: tether\r\n\r\n";
    s.write_all(request).await.unwrap();
    assert_eq!(read_one(&mut s).await, "http/1.1 200 ok");
    // Longer than the header-read timeout, shorter than the idle one: still open.
    tokio::time::sleep(HEADER_READ + Duration::from_millis(400)).await;
    s.write_all(request).await.unwrap();
    assert_eq!(read_one(&mut s).await, "http/1.1 200 ok");
    // Then silent: closed after the idle timeout.
    let took = closed_within(&mut s, IDLE + SLACK).await;
    assert!(
        took >= IDLE - Duration::from_millis(100),
        "closed after {took:?}"
    );
}

/// Past `max_connections` a connection is answered with a 503 problem document and
/// `Retry-After`, and closed; once connections close there is room again.
#[tokio::test]
async fn connections_past_the_cap_get_a_503_problem() {
    let app = spawn_app_with(Backend::Sqlite, |c| {
        c.max_connections = 10;
        c.header_read_timeout = Duration::from_secs(30);
    })
    .await;
    let mut held = Vec::new();
    for _ in 0..10 {
        held.push(TcpStream::connect(app.addr).await.unwrap());
    }
    // The server has accepted them all (the accept loop takes them in order).
    tokio::time::sleep(Duration::from_millis(300)).await;

    let (head, doc) = exchange(&app, b"GET /healthz HTTP/1.1\r\nHost: tether\r\n\r\n").await;
    assert!(head.starts_with("http/1.1 503 "), "{head}");
    assert!(
        head.contains("content-type: application/problem+json"),
        "{head}"
    );
    assert!(head.contains("retry-after: 5"), "{head}");
    assert_eq!(doc["status"], 503);
    assert!(
        doc["detail"]
            .as_str()
            .is_some_and(|d| d.contains("open connections")),
        "{doc}"
    );
    // An ordinary client sees the same answer.
    let res = app.send(Method::GET, "/healthz", None, None).await;
    res.problem(503, "try again");

    drop(held);
    let mut status = 0;
    for _ in 0..50 {
        status = healthz_status(&app).await;
        if status == 200 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(status, 200, "room again after the held connections closed");
}

/// An event WebSocket is not cut by the header-read timeout, and lives as long as something
/// moves on it (here the client's pings; in production the server's own, every 25 s, below
/// the default 60 s idle timeout); one on which nothing moves is closed after the idle timeout.
#[tokio::test]
async fn event_websockets_live_while_traffic_moves_and_close_when_idle() {
    let app = spawn_app_with(Backend::Sqlite, short_timeouts).await;
    let admin = app.enable_collaboration().await;
    let url = format!("ws://{}/api/v1/events?token={admin}", app.addr);
    let (mut ws, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    let start = Instant::now();
    let mut last_ping = start;
    // Three idle timeouts long, a ping every 500 ms: the socket stays open.
    while start.elapsed() < 3 * IDLE {
        ws.send(Message::Ping(Vec::new().into())).await.unwrap();
        last_ping = Instant::now();
        let until = Instant::now() + Duration::from_millis(500);
        while let Ok(next) = tokio::time::timeout_at(until, ws.next()).await {
            match next {
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => {
                    panic!("the socket closed after {:?}", start.elapsed())
                }
                Some(Ok(_)) => continue,
            }
        }
    }
    // Nothing moves (after the pong of the last ping): closed after the idle timeout.
    let quiet = last_ping;
    loop {
        match tokio::time::timeout(IDLE + SLACK, ws.next()).await {
            Err(_) => panic!("the idle socket is still open after {:?}", quiet.elapsed()),
            Ok(Some(Ok(Message::Close(_))) | Some(Err(_)) | None) => break,
            Ok(Some(Ok(_))) => continue,
        }
    }
    assert!(
        quiet.elapsed() >= IDLE - Duration::from_millis(100),
        "closed after {:?}",
        quiet.elapsed()
    );
}

/// What hyper refuses before the router sees it gets a problem document, not an empty body:
/// an address over 64 KiB (414), more than 100 header fields or a head over 128 KiB (431), a
/// header that is not HTTP (400).
#[tokio::test]
async fn requests_refused_before_the_router_get_problem_documents() {
    let app = spawn_app_with(Backend::Sqlite, |_| {}).await;
    let long_uri = format!(
        "GET /api/v1/search?q={} HTTP/1.1\r\nHost: tether\r\n\r\n",
        "a".repeat(70 * 1024)
    );
    let many_headers = format!(
        "GET /healthz HTTP/1.1\r\nHost: tether\r\n{}\r\n",
        (0..150)
            .map(|i| format!("X-{i}: a\r\n"))
            .collect::<String>()
    );
    let huge_head = format!(
        "GET /healthz HTTP/1.1\r\nHost: tether\r\n{}\r\n",
        (0..40)
            .map(|i| format!("X-{i}: {}\r\n", "a".repeat(4000)))
            .collect::<String>()
    );
    for (request, status, needle) in [
        (long_uri.as_bytes(), 414, "64 KiB"),
        (many_headers.as_bytes(), 431, "100 header fields"),
        (huge_head.as_bytes(), 431, "128 KiB"),
        (
            b"GET /healthz HTTP/1.1\r\nHo st: tether\r\n\r\n".as_slice(),
            400,
            "not valid HTTP/1.1",
        ),
    ] {
        let (head, doc) = exchange(&app, request).await;
        assert!(head.starts_with(&format!("http/1.1 {status} ")), "{head}");
        assert!(
            head.contains("content-type: application/problem+json"),
            "{status}: {head}"
        );
        assert_eq!(doc["status"], status, "{doc}");
        assert!(
            doc["detail"].as_str().is_some_and(|d| d.contains(needle)),
            "{status}: {doc}"
        );
    }
    assert_eq!(healthz_status(&app).await, 200);
}
