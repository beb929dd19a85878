//! The webhook receiver: `POST /hooks/tether`. Checks Tether's signature over the raw body,
//! refuses stale or forged deliveries, and writes the event to the ticket's notes — once,
//! however often it is delivered.

use crate::Host;
use crate::tickets::{Note, ticket};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use hmac::{Hmac, KeyInit, Mac};
use serde_json::Value;
use sha2::Sha256;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

/// How far a delivery's `Tether-Timestamp` may be from now, so a captured delivery cannot be
/// replayed later.
pub const TOLERANCE_SECS: u64 = 300;

/// Why a delivery was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// A header is missing or is no number or no `v1=<hex>`.
    Malformed,
    /// The timestamp is further than [`TOLERANCE_SECS`] from now.
    Stale,
    /// The signature is not the secret's over `<timestamp>.<body>`.
    Forged,
}

/// Checks a delivery: `Tether-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`
/// with `Tether-Timestamp` within [`TOLERANCE_SECS`] of `now`. The comparison takes the same
/// time however much of the signature matches.
pub fn verify(secret: &[u8], headers: &HeaderMap, body: &[u8], now: u64) -> Result<(), Refusal> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let timestamp = header("tether-timestamp").ok_or(Refusal::Malformed)?;
    let sent: u64 = timestamp.parse().map_err(|_| Refusal::Malformed)?;
    if sent.abs_diff(now) > TOLERANCE_SECS {
        return Err(Refusal::Stale);
    }
    let signature = header("tether-signature")
        .and_then(|s| s.strip_prefix("v1="))
        .and_then(hex)
        .ok_or(Refusal::Malformed)?;
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).map_err(|_| Refusal::Forged)?;
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    mac.verify_slice(&signature).map_err(|_| Refusal::Forged)
}

/// Bytes from lower- or upper-case hex.
fn hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| s.get(i..i + 2).and_then(|b| u8::from_str_radix(b, 16).ok()))
        .collect()
}

/// What a ticket's note says for `event` (a delivery's body), or `None` for an event this
/// helpdesk does not note.
pub fn note_text(event: &Value) -> Option<String> {
    let data = &event["data"];
    let chat = data["chat"]["name"].as_str().unwrap_or("a chat");
    let by = data["by"]["name"].as_str().unwrap_or("Someone");
    Some(match event["type"].as_str()? {
        "message.created" => {
            let message = &data["message"];
            let sender = message["sender"]["name"].as_str().unwrap_or("Someone");
            let text = message["text"].as_str().unwrap_or_default();
            let files: Vec<&str> = message["attachments"]
                .as_array()
                .map(|a| a.iter().filter_map(|f| f["name"].as_str()).collect())
                .unwrap_or_default();
            match (text.is_empty(), files.is_empty()) {
                (_, true) => format!("{sender} in “{chat}”: {text}"),
                (true, false) => format!("{sender} in “{chat}” sent {}", files.join(", ")),
                (false, false) => {
                    format!("{sender} in “{chat}”: {text} (with {})", files.join(", "))
                }
            }
        }
        "chat.connected" => format!("{by} connected the chat “{chat}”"),
        "chat.disconnected" => format!("{by} disconnected the chat “{chat}”"),
        "chat.joined" => format!("{by} joined the chat “{chat}”"),
        "transcript.saved" => {
            let subject = data["note"]["subject"].as_str().unwrap_or("a transcript");
            format!("{by} saved “{subject}” to the case in Tether")
        }
        "record.handed_over" => format!("The chat “{chat}” was handed over to the new owner"),
        _ => return None,
    })
}

/// # `POST /hooks/tether`
///
/// 204 once the event is noted (or was noted before, or names no ticket of this helpdesk);
/// 400 for a delivery without the signature's headers or with a body that is no event; 401 for
/// a stale or forged one. Anything but 2xx makes Tether try again later.
pub(crate) async fn receive(
    State(host): State<Arc<Host>>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    match verify(host.config.webhook_secret.as_bytes(), &headers, &body, now) {
        Ok(()) => {}
        Err(Refusal::Malformed) => return StatusCode::BAD_REQUEST,
        Err(Refusal::Stale | Refusal::Forged) => return StatusCode::UNAUTHORIZED,
    }
    // Parsed only now: the signature is over the bytes as they came.
    let Ok(event) = serde_json::from_slice::<Value>(&body) else {
        return StatusCode::BAD_REQUEST;
    };
    note(&host, &event);
    StatusCode::NO_CONTENT
}

/// Writes `event` to its ticket's notes, if it names one of this helpdesk's tickets.
fn note(host: &Host, event: &Value) {
    let record = &event["record"];
    if record["source"].as_str() != Some(host.config.source.as_str()) {
        return;
    }
    let (Some(ticket), Some(id), Some(text)) = (
        record["external_id"].as_str().and_then(ticket),
        event["id"].as_str(),
        note_text(event),
    ) else {
        return;
    };
    let note = Note {
        at: event["created_at"].as_str().unwrap_or_default().to_owned(),
        event: event["type"].as_str().unwrap_or_default().to_owned(),
        text,
    };
    host.desk.add(id, ticket.id, note);
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn signed(secret: &[u8], timestamp: &str, body: &[u8]) -> HeaderMap {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret).unwrap_or_else(|_| unreachable!());
        mac.update(format!("{timestamp}.").as_bytes());
        mac.update(body);
        let hex: String = mac
            .finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let mut headers = HeaderMap::new();
        for (name, value) in [
            ("tether-timestamp", timestamp.to_owned()),
            ("tether-signature", format!("v1={hex}")),
        ] {
            if let Ok(v) = HeaderValue::from_str(&value) {
                headers.insert(name, v);
            }
        }
        headers
    }

    #[test]
    fn a_delivery_is_taken_only_with_the_secrets_fresh_signature_over_its_body() {
        let body = br#"{"id":"e1","type":"chat.connected"}"#;
        let headers = signed(b"secret", "1000", body);
        assert_eq!(verify(b"secret", &headers, body, 1000), Ok(()));
        assert_eq!(
            verify(b"secret", &headers, body, 1000 + TOLERANCE_SECS),
            Ok(())
        );
        assert_eq!(verify(b"other", &headers, body, 1000), Err(Refusal::Forged));
        assert_eq!(
            verify(b"secret", &headers, b"{\"id\":\"e2\"}", 1000),
            Err(Refusal::Forged)
        );
        assert_eq!(
            verify(b"secret", &headers, body, 1001 + TOLERANCE_SECS),
            Err(Refusal::Stale)
        );
        assert_eq!(
            verify(b"secret", &HeaderMap::new(), body, 1000),
            Err(Refusal::Malformed)
        );
    }

    #[test]
    fn notes_say_who_did_what_in_which_chat() {
        let event = serde_json::json!({
            "type": "message.created",
            "data": {"chat": {"name": "Printer jams"},
                     "message": {"sender": {"name": "Olga Berg"}, "text": "Tray 2 again, @Bo Lind?"}}
        });
        assert_eq!(
            note_text(&event).as_deref(),
            Some("Olga Berg in “Printer jams”: Tray 2 again, @Bo Lind?")
        );
        let file = serde_json::json!({
            "type": "message.created",
            "data": {"chat": {"name": "Printer jams"},
                     "message": {"sender": {"name": "Bo Lind"}, "text": "",
                                 "attachments": [{"name": "jam.png"}, {"name": "log.txt"}]}}
        });
        assert_eq!(
            note_text(&file).as_deref(),
            Some("Bo Lind in “Printer jams” sent jam.png, log.txt")
        );
        assert_eq!(note_text(&serde_json::json!({"type": "other"})), None);
    }
}
