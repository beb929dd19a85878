//! Keeping Tether in step: the agent and every ticket upserted by external id with an API key
//! (scopes `users:write` and `records:write`), so that Tether has each ticket before the agent
//! switches to it inside the frame. A real helpdesk does this when a ticket changes.

use crate::Config;
use crate::tickets::TICKETS;
use serde_json::json;

/// Why the sync stopped.
#[derive(Debug)]
pub enum SyncError {
    /// Tether could not be reached.
    Http(reqwest::Error),
    /// Tether refused a write: the path, the status and its problem document.
    Refused(String, u16, String),
}

impl std::fmt::Display for SyncError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SyncError::Http(e) => write!(f, "Tether cannot be reached: {e}"),
            SyncError::Refused(path, status, body) => {
                write!(f, "Tether answered {status} to PUT {path}: {body}")
            }
        }
    }
}

impl std::error::Error for SyncError {}

/// Path segment: everything but unreserved characters percent-encoded.
fn seg(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Upserts the agent (as an `agent`) and every ticket (owned by the agent) in Tether; answers
/// how many tickets were written. Repeating it changes nothing.
pub async fn sync_tickets(config: &Config, api_key: &str) -> Result<usize, SyncError> {
    let http = reqwest::Client::new();
    let base = format!("{}/api/v1", config.tether_url.trim_end_matches('/'));
    let put = async |path: String, body: serde_json::Value| -> Result<(), SyncError> {
        let res = http
            .put(format!("{base}{path}"))
            .bearer_auth(api_key)
            .json(&body)
            .send()
            .await
            .map_err(SyncError::Http)?;
        let status = res.status();
        if status.is_success() {
            return Ok(());
        }
        let text = res.text().await.unwrap_or_default();
        Err(SyncError::Refused(path, status.as_u16(), text))
    };
    let agent = &config.agent;
    put(
        format!(
            "/users/by-external/{}/{}",
            seg(&config.source),
            seg(&agent.id)
        ),
        json!({"name": agent.name, "email": agent.email, "roles": ["agent"]}),
    )
    .await?;
    for t in TICKETS {
        put(
            format!(
                "/records/case/by-external/{}/{}",
                seg(&config.source),
                seg(t.id)
            ),
            json!({
                "fields": {"title": t.title, "priority": t.priority, "description": t.description},
                "owner": {"email": agent.email},
                "url": config.ticket_url(t.id),
            }),
        )
        .await?;
    }
    Ok(TICKETS.len())
}
