//! Launch tokens: the JWT that sends the agent from a ticket straight into Tether's panel for
//! it, signed here with the integration's shared secret (HS256) — never in the browser.

use crate::tickets::{Ticket, ticket};
use crate::{Config, Host};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

/// How long a token may wait to be used: Tether takes at most 5 minutes; it is used at once.
const LIFETIME_SECS: u64 = 120;

/// The claims of a launch for `ticket`, at `now` (Unix seconds).
pub fn claims(config: &Config, ticket: &Ticket, now: u64) -> Value {
    json!({
        "iss": config.integration_id,
        "aud": config.audience,
        "exp": now + LIFETIME_SECS,
        // One use only: Tether refuses a token whose jti it has seen.
        "jti": uuid::Uuid::now_v7().to_string(),
        "sub": config.agent.id,
        "email": config.agent.email,
        "name": config.agent.name,
        "record": {
            "type": "case",
            "source": config.source,
            "external_id": ticket.id,
            "name": ticket.title,
            "fields": {"priority": ticket.priority},
            "url": config.ticket_url(ticket.id),
        }
    })
}

/// The frame's address for `ticket`: Tether's launch with a new signed token.
pub fn launch_url(config: &Config, ticket: &Ticket) -> Result<String, jsonwebtoken::errors::Error> {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let token = encode(
        &Header::new(Algorithm::HS256),
        &claims(config, ticket, now),
        &EncodingKey::from_secret(config.secret.as_bytes()),
    )?;
    Ok(format!(
        "{}/embed/launch?token={token}",
        config.tether_url.trim_end_matches('/')
    ))
}

/// # `POST /api/tickets/{id}/launch` → `{url}`
///
/// A new launch address for ticket `id`, made when the page opens the panel (a token works
/// once, so it is never cached). A POST, so no link or prefetch can spend it.
pub(crate) async fn launch(
    State(host): State<Arc<Host>>,
    Path(id): Path<String>,
) -> Result<Json<Value>, StatusCode> {
    let ticket = ticket(&id).ok_or(StatusCode::NOT_FOUND)?;
    let url = launch_url(&host.config, ticket).map_err(|e| {
        eprintln!("cannot sign a launch token: {e}");
        StatusCode::INTERNAL_SERVER_ERROR
    })?;
    Ok(Json(json!({ "url": url })))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Agent;
    use crate::tickets::TICKETS;
    use jsonwebtoken::{DecodingKey, Validation, decode};

    fn config() -> Config {
        Config {
            tether_url: "https://tether.example.com/".into(),
            public_url: "https://helpdesk.example.com".into(),
            integration_id: "0193".into(),
            audience: "https://tether.example.com".into(),
            secret: "a-shared-secret-of-more-than-32-bytes-0123456789".into(),
            webhook_secret: "unused".into(),
            source: "host".into(),
            agent: Agent {
                id: "agent-7".into(),
                email: "sam@helpdesk.example".into(),
                name: "Sam Agent".into(),
            },
        }
    }

    #[test]
    fn a_launch_names_the_agent_and_the_ticket_and_lives_two_minutes() {
        let config = config();
        let claims = claims(&config, &TICKETS[0], 1_000);
        assert_eq!(claims["iss"], "0193");
        assert_eq!(claims["exp"], 1_120);
        assert_eq!(claims["sub"], "agent-7");
        assert_eq!(
            claims["record"],
            json!({"type": "case", "source": "host", "external_id": "1001",
                   "name": "Printer jams on tray 2", "fields": {"priority": "high"},
                   "url": "https://helpdesk.example.com/?ticket=1001"})
        );
        assert_ne!(
            claims["jti"],
            super::claims(&config, &TICKETS[0], 1_000)["jti"]
        );
    }

    #[test]
    fn the_launch_url_carries_a_token_signed_with_the_shared_secret() {
        let config = config();
        let url = launch_url(&config, &TICKETS[1]).unwrap_or_default();
        let token = url
            .strip_prefix("https://tether.example.com/embed/launch?token=")
            .unwrap_or_default();
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_audience(&[config.audience.as_str()]);
        let key = DecodingKey::from_secret(config.secret.as_bytes());
        let decoded = decode::<Value>(token, &key, &validation).map(|t| t.claims);
        assert_eq!(
            decoded.ok().map(|c| c["record"]["external_id"].clone()),
            Some(json!("1002"))
        );
    }
}
