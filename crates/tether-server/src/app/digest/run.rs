//! The digest task, one per node: every `Settings::poll` it scans what became due (queuing
//! what is still unread, `Store::scan_digest`), then claims the people whose e-mail is due and
//! sends each one's. Everything it knows is in the database: a node that stops (or dies)
//! mid-send leaves its claims to run out, and any node sends those e-mails then.

use super::Settings;
use super::compose::prepare;
use super::mail::{SendError, send};
use crate::AppState;
use futures_util::StreamExt;
use lettre::{AsyncSmtpTransport, Tokio1Executor};
use tether_store::digest::{ClaimedDigest, DigestOutcome};
use tether_store::now_ms;
use tokio::sync::watch;

/// People one node claims, and sends to, at once: each claim is held only as long as one
/// e-mail can take, so a node claims no more than it sends at the same time.
const AT_ONCE: usize = 8;
/// Such batches in one round at most (the rest wait for the next round).
const BATCHES_PER_ROUND: usize = 50;
/// Windows one round scans at most (a node catching up goes on next round).
const WINDOWS_PER_ROUND: usize = 20;

/// Runs until `stop` turns true; returns at once when e-mail is off (no SMTP host).
pub async fn run(state: AppState, mut stop: watch::Receiver<bool>) {
    let settings = state.config.email.clone();
    let Some(smtp) = settings.smtp.clone() else {
        tracing::info!("e-mail digests are off: no SMTP host is configured");
        return;
    };
    let transport = match smtp.transport() {
        Ok(t) => t,
        Err(e) => {
            tracing::error!(error = %e, "e-mail digests are off");
            return;
        }
    };
    tracing::info!(host = %smtp.host, port = smtp.port, tls = ?smtp.tls, "e-mail digests on");
    loop {
        tokio::select! {
            _ = stop.changed() => return,
            _ = round(&state, &settings, &transport) => {}
        }
        tokio::select! {
            _ = stop.changed() => return,
            _ = tokio::time::sleep(settings.poll) => {}
        }
    }
}

/// One round: scan, then send what is due.
async fn round(
    state: &AppState,
    settings: &Settings,
    transport: &AsyncSmtpTransport<Tokio1Executor>,
) {
    let delay = millis(settings.delay);
    let settle = millis(settings.settle.min(settings.delay));
    for _ in 0..WINDOWS_PER_ROUND {
        match state.store.scan_digest(now_ms(), settle, delay).await {
            Ok(step) => {
                if step.queued > 0 {
                    metrics::counter!("tether_digest_items_queued_total")
                        .increment(u64::try_from(step.queued).unwrap_or(0));
                }
                if !step.behind {
                    break;
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "e-mail digest: scanning failed");
                break;
            }
        }
    }
    if let Err(e) = send_due(state, transport).await {
        tracing::warn!(error = %e, "e-mail digest: claiming failed");
    }
}

/// Claims the people whose e-mail is due, a few at a time, and sends theirs at once; answers
/// how many were claimed.
pub async fn send_due(
    state: &AppState,
    transport: &AsyncSmtpTransport<Tokio1Executor>,
) -> tether_store::Result<usize> {
    let settings = &state.config.email;
    let hold = i64::try_from(settings.hold().as_millis()).unwrap_or(i64::MAX);
    let limit = i64::try_from(AT_ONCE).unwrap_or(8);
    let mut total = 0;
    for _ in 0..BATCHES_PER_ROUND {
        let now = now_ms();
        let claimed = state
            .store
            .claim_digests(now, now.saturating_add(hold), limit)
            .await?;
        let n = claimed.len();
        total += n;
        futures_util::stream::iter(claimed)
            .for_each_concurrent(AT_ONCE, |person| handle(state, settings, transport, person))
            .await;
        if n < AT_ONCE {
            break;
        }
    }
    Ok(total)
}

/// Composes and sends one person's e-mail, and records how it went.
async fn handle(
    state: &AppState,
    settings: &Settings,
    transport: &AsyncSmtpTransport<Tokio1Executor>,
    person: ClaimedDigest,
) {
    let Some(smtp) = &settings.smtp else { return };
    let facts = match state.store.digest_facts(&person.user_id).await {
        Ok(f) => f,
        Err(e) => {
            // The claim runs out and the e-mail is tried again.
            tracing::warn!(error = %e, "e-mail digest: reading failed");
            return;
        }
    };
    let may_use_chats = match may_use_chats(state, &person.user_id).await {
        Ok(may) => may,
        Err(e) => {
            tracing::warn!(error = %e, "e-mail digest: reading failed");
            return;
        }
    };
    let prepared = prepare(&facts, settings, &state.config.public_url, may_use_chats);
    let outcome = match prepared.mail {
        None => DigestOutcome::Done { sent: false },
        Some(mail) => match send(transport, smtp, mail).await {
            Ok(()) => {
                metrics::counter!("tether_digest_emails_total", "outcome" => "sent").increment(1);
                DigestOutcome::Done { sent: true }
            }
            Err(e) => failed(settings, &person, e),
        },
    };
    if let Err(e) = state
        .store
        .finish_digest(
            &person.user_id,
            person.claimed_until,
            &prepared.handled,
            &outcome,
            now_ms(),
            millis(settings.delay),
        )
        .await
    {
        // The claim runs out and the e-mail is sent again: at least once, never lost.
        tracing::warn!(error = %e, user = %person.user_id, "e-mail digest: recording failed");
    }
}

/// R1: collaboration is on and the person holds `collab.use` (else no chat content reaches
/// them, by e-mail either).
async fn may_use_chats(
    state: &AppState,
    user: &tether_domain::UserId,
) -> tether_store::Result<bool> {
    if !state.global_settings().await?.collaboration_enabled {
        return Ok(false);
    }
    Ok(state
        .store
        .subject(user)
        .await?
        .is_some_and(|s| s.privileges.collab_use))
}

fn millis(d: std::time::Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// What a failed attempt comes to: tried again on the backoff, or given up once its window
/// is past (or at once when the address itself cannot be used).
fn failed(settings: &Settings, person: &ClaimedDigest, e: SendError) -> DigestOutcome {
    let now = now_ms();
    let error: String = e.to_string().chars().take(300).collect();
    let next = match e {
        SendError::Address(_) => None,
        SendError::Smtp(_) => settings.backoff.next_attempt(
            person.attempts + 1,
            person.first_failed_at.unwrap_or(now),
            now,
        ),
    };
    match next {
        Some(at) => {
            metrics::counter!("tether_digest_emails_total", "outcome" => "retry").increment(1);
            tracing::info!(user = %person.user_id, error = %error, "e-mail digest not sent; trying again later");
            DigestOutcome::Retry { at, error }
        }
        None => {
            metrics::counter!("tether_digest_emails_total", "outcome" => "failed").increment(1);
            tracing::warn!(user = %person.user_id, error = %error, "e-mail digest given up");
            DigestOutcome::GaveUp { error }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tether_domain::UserId;
    use tether_domain::webhook::Backoff;

    #[test]
    fn i19_a_failed_digest_is_retried_on_the_backoff_and_given_up_after_its_window() {
        let settings = Settings {
            backoff: Backoff {
                first_ms: 1_000,
                cap_ms: 4_000,
                give_up_after_ms: 60_000,
            },
            ..Settings::default()
        };
        let person = |attempts, first| ClaimedDigest {
            user_id: UserId::new("u"),
            claimed_until: 0,
            attempts,
            first_failed_at: first,
        };
        let first = failed(&settings, &person(0, None), SendError::Smtp("down".into()));
        assert!(matches!(first, DigestOutcome::Retry { .. }), "{first:?}");
        let late = failed(
            &settings,
            &person(9, Some(now_ms() - 120_000)),
            SendError::Smtp("down".into()),
        );
        assert!(matches!(late, DigestOutcome::GaveUp { .. }), "{late:?}");
        let bad = failed(&settings, &person(0, None), SendError::Address("x".into()));
        assert!(matches!(bad, DigestOutcome::GaveUp { .. }));
    }
}
