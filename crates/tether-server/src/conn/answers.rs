//! What a connection is told outside the router: the refusal past the connection cap, and
//! problem documents in place of hyper's empty error answers.

use super::{LINGER, MAX_HEAD_BYTES, REFUSAL_READ, REFUSAL_RETRY_AFTER_SECS};
use axum::http::StatusCode;
use serde_json::json;
use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::Semaphore;

/// Answers a connection past the cap with a 503 problem and closes it.
pub(super) fn refuse(stream: TcpStream, refusals: &Arc<Semaphore>, cap: usize) {
    metrics::counter!("tether_connections_refused_total").increment(1);
    warn_refusals(cap);
    let Ok(slot) = refusals.clone().try_acquire_owned() else {
        return;
    };
    tokio::spawn(async move {
        let _slot = slot;
        let mut stream = stream;
        let answer = raw_problem(
            StatusCode::SERVICE_UNAVAILABLE,
            "this server has as many open connections as it accepts; try again in a few seconds",
            Some(REFUSAL_RETRY_AFTER_SECS),
        );
        // The request's head first (for a moment at most): HTTP clients take an answer that
        // comes before their request for a broken connection.
        let mut scratch = [0u8; 2048];
        let mut tail = [0u8; 4];
        let _ = tokio::time::timeout(REFUSAL_READ, async {
            loop {
                let n = stream.read(&mut scratch).await?;
                let Some(read) = scratch.get(..n).filter(|r| !r.is_empty()) else {
                    return Ok(());
                };
                for &b in read {
                    tail = [tail[1], tail[2], tail[3], b];
                    if &tail == b"\r\n\r\n" {
                        return Ok(());
                    }
                }
            }
        })
        .await
        .unwrap_or(Ok::<_, io::Error>(()));
        let _ = tokio::time::timeout(LINGER, async {
            stream.write_all(&answer).await?;
            stream.shutdown().await?;
            while stream.read(&mut scratch).await? > 0 {}
            Ok::<_, io::Error>(())
        })
        .await;
    });
}

/// Logs refusals at most once every 10 s, however many there are.
fn warn_refusals(cap: usize) {
    static LAST: AtomicU64 = AtomicU64::new(0);
    let now = tether_store::now_ms().unsigned_abs();
    let last = LAST.load(Ordering::Relaxed);
    if now.saturating_sub(last) >= 10_000
        && LAST
            .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
            .is_ok()
    {
        tracing::warn!(
            max_connections = cap,
            "refusing connections: the node holds as many open connections as --max-connections allows"
        );
    }
}

/// A problem document in place of hyper's automatic answer to a request it could not read:
/// `HTTP/1.1 <400|414|431> …`, no body (`content-length: 0`). Anything else is `None`.
pub(super) fn automatic_answer(buf: &[u8]) -> Option<Vec<u8>> {
    let status = buf.strip_prefix(b"HTTP/1.1 ")?.get(..3)?;
    let end = buf.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = buf.get(..end + 2)?;
    let empty = b"\r\ncontent-length: 0\r\n";
    if end + 4 != buf.len() || !head.windows(empty.len()).any(|w| w == empty) {
        return None;
    }
    let (status, detail) = match status {
        b"400" => (
            StatusCode::BAD_REQUEST,
            "the request is not valid HTTP/1.1: its request line or a header could not be read"
                .to_owned(),
        ),
        b"414" => (
            StatusCode::URI_TOO_LONG,
            "the request's address (path and query) is longer than 64 KiB, the most this server reads"
                .to_owned(),
        ),
        b"431" => (
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            format!(
                "the request's head is too large: at most {} KiB (request line and headers together) and 100 header fields are read",
                MAX_HEAD_BYTES / 1024
            ),
        ),
        _ => return None,
    };
    Some(raw_problem(status, &detail, None))
}

/// A whole HTTP/1.1 response carrying a problem document, for answers written on the socket
/// outside the router; the connection closes after it.
pub(super) fn raw_problem(
    status: StatusCode,
    detail: &str,
    retry_after_secs: Option<u64>,
) -> Vec<u8> {
    let reason = status.canonical_reason().unwrap_or("Error");
    let body = json!({
        "type": "about:blank",
        "title": reason,
        "status": status.as_u16(),
        "detail": detail,
        "code": crate::error::status_code(status),
    })
    .to_string();
    let mut head = format!(
        "HTTP/1.1 {} {reason}\r\ncontent-type: application/problem+json\r\ncontent-length: {}\r\nconnection: close\r\ncache-control: no-store\r\nx-content-type-options: nosniff\r\n",
        status.as_u16(),
        body.len()
    );
    if let Some(secs) = retry_after_secs {
        head.push_str(&format!("retry-after: {secs}\r\n"));
    }
    head.push_str("\r\n");
    let mut out = head.into_bytes();
    out.extend_from_slice(body.as_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_hypers_empty_error_answers_are_replaced() {
        let head = |status: &str| {
            format!(
                "HTTP/1.1 {status}\r\nconnection: close\r\ncontent-length: 0\r\ndate: Fri, 04 Dec 2026 18:36:58 GMT\r\n\r\n"
            )
        };
        for (status, code) in [
            ("400 Bad Request", "400"),
            ("414 URI Too Long", "414"),
            ("431 Request Header Fields Too Large", "431"),
        ] {
            let answer = automatic_answer(head(status).as_bytes()).map(String::from_utf8);
            let Some(Ok(answer)) = answer else {
                panic!("{status} is replaced");
            };
            assert!(answer.starts_with(&format!("HTTP/1.1 {code} ")), "{answer}");
            assert!(answer.contains("content-type: application/problem+json\r\n"));
            let (_, body) = answer.split_once("\r\n\r\n").unwrap_or_default();
            let doc: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
            assert_eq!(doc["status"].to_string(), code);
            assert!(doc["detail"].as_str().is_some_and(|d| !d.is_empty()));
        }
        // Other answers pass untouched: other statuses, bodies, a head split over writes.
        assert!(automatic_answer(head("404 Not Found").as_bytes()).is_none());
        let with_body = "HTTP/1.1 400 Bad Request\r\ncontent-length: 2\r\n\r\n{}";
        assert!(automatic_answer(with_body.as_bytes()).is_none());
        let h = head("431 Request Header Fields Too Large");
        assert!(automatic_answer(&h.as_bytes()[..20]).is_none());
        assert!(automatic_answer(format!("{h}HTTP/1.1 200 OK").as_bytes()).is_none());
    }
}
