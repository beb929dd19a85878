//! The outbox task, one per node: queues the events changes wrote (one delivery per
//! subscribed endpoint, payload rendered once), sends the due deliveries, records each
//! attempt — delivered on a 2xx, else tried again on the backoff until the window closes, then
//! failed — and forgets finished deliveries after a week. Idle, it looks for work every
//! `Settings::poll` with a read; busy, it goes on at once. Everything it knows is in the
//! database: a node that stops (or dies) mid-send leaves its claims to run out, and any node
//! sends them then.

use super::send::{Answer, Sender};
use crate::AppState;
use futures_util::StreamExt;
use std::time::{Duration, Instant};
use tether_domain::webhook::{
    KEEP_FINISHED_MS, MAX_ENDPOINTS, WebhookUrl, fair_shares, is_success, signature,
};
use tether_store::now_ms;
use tether_store::webhooks::{Attempt, AttemptOutcome, DueDelivery};
use tokio::sync::watch;

/// Events rendered and queued per step.
const EVENTS_PER_STEP: i64 = 200;
/// How often finished deliveries are forgotten.
const PURGE_EVERY: Duration = Duration::from_secs(3600);

/// Runs until `stop` turns true.
pub async fn run(state: AppState, mut stop: watch::Receiver<bool>) {
    let settings = state.config.webhooks.clone();
    let sender = match Sender::new(settings.connect_timeout, settings.timeout) {
        Ok(sender) => sender,
        Err(e) => {
            tracing::error!(error = %e, "webhooks cannot be sent: TLS settings refused");
            return;
        }
    };
    let mut purged: Option<Instant> = None;
    let mut round = 0usize;
    loop {
        round = round.wrapping_add(1);
        if purged.is_none_or(|at| at.elapsed() >= PURGE_EVERY) {
            purged = Some(Instant::now());
            if let Err(e) = state
                .store
                .purge_webhook_deliveries(now_ms() - KEEP_FINISHED_MS)
                .await
            {
                tracing::warn!(error = %e, "forgetting finished webhook deliveries failed");
            }
        }
        let busy = tokio::select! {
            _ = stop.changed() => return,
            busy = step(&state, &sender, round) => busy,
        };
        if !busy {
            tokio::select! {
                _ = stop.changed() => return,
                _ = tokio::time::sleep(settings.poll) => {}
            }
        }
    }
}

/// One round: queue waiting events, send due deliveries. Whether there was work (then the
/// next round follows at once).
async fn step(state: &AppState, sender: &Sender, round: usize) -> bool {
    match state.store.webhook_work_waiting(now_ms()).await {
        Ok(true) => {}
        Ok(false) => return false,
        Err(e) => {
            tracing::warn!(error = %e, "webhook outbox: reading failed");
            return false;
        }
    }
    let queued = match queue(state).await {
        Ok(n) => n,
        Err(e) => {
            tracing::warn!(error = %e, "webhook outbox: queuing events failed");
            0
        }
    };
    let sent = match send_due(state, sender, round).await {
        Ok(n) => n,
        Err(e) => {
            tracing::warn!(error = %e, "webhook outbox: claiming deliveries failed");
            0
        }
    };
    queued + sent > 0
}

/// Renders the oldest waiting events and queues their deliveries; answers how many events.
async fn queue(state: &AppState) -> tether_store::Result<usize> {
    let events = state.store.webhook_events(EVENTS_PER_STEP).await?;
    if events.is_empty() {
        return Ok(0);
    }
    let facts = state.store.webhook_event_facts(&events).await?;
    let rendered = super::payload::render(&events, &facts);
    let queued = state.store.queue_webhook_deliveries(&rendered).await?;
    if queued.refused > 0 {
        tracing::warn!(
            refused = queued.refused,
            "webhook deliveries stored as failed without sending (an endpoint's backlog is full)"
        );
    }
    metrics::counter!("tether_webhook_deliveries_queued_total")
        .increment(u64::try_from(queued.deliveries).unwrap_or(0));
    Ok(events.len())
}

/// Claims as many due deliveries as it sends at once, shared out between the endpoints that
/// have work (`webhook::fair_shares`, so a receiver that is down holds no more than its
/// share), and sends them all at once; answers how many. Claiming no more than are sent at
/// once keeps every attempt inside its claim (an attempt lasts at most `Settings::timeout`, a
/// claim `Settings::hold`), so another node never takes over a delivery this one is still
/// sending.
async fn send_due(state: &AppState, sender: &Sender, round: usize) -> tether_store::Result<usize> {
    let settings = &state.config.webhooks;
    let now = now_ms();
    let hold = now.saturating_add(i64::try_from(settings.hold().as_millis()).unwrap_or(i64::MAX));
    let slots = settings.concurrency.max(1);
    let endpoints = state
        .store
        .webhook_endpoints_due(now, MAX_ENDPOINTS)
        .await?;
    let mut due = Vec::with_capacity(slots);
    for (endpoint, share) in endpoints
        .iter()
        .zip(fair_shares(slots, endpoints.len(), round))
        .filter(|(_, share)| *share > 0)
    {
        let limit = i64::try_from(share).unwrap_or(1);
        due.extend(
            state
                .store
                .claim_webhook_deliveries(now, hold, limit, Some(endpoint))
                .await?,
        );
    }
    let n = due.len();
    futures_util::stream::iter(due)
        .for_each_concurrent(slots, |d| attempt(state, sender, d))
        .await;
    Ok(n)
}

/// Whether an attempt started at `now` ends inside the claim that holds the delivery until
/// `claimed_until`, for attempts lasting up to `timeout`.
fn fits_claim(now: i64, timeout: Duration, claimed_until: i64) -> bool {
    let timeout = i64::try_from(timeout.as_millis()).unwrap_or(i64::MAX);
    now.saturating_add(timeout) < claimed_until
}

/// Sends one delivery and records how it went, under its claim. An attempt that could outlast
/// the claim (the claim's write took long) is not started: the claim runs out and the
/// delivery is sent by whichever node claims it next.
async fn attempt(state: &AppState, sender: &Sender, d: DueDelivery) {
    if !fits_claim(now_ms(), state.config.webhooks.timeout, d.claimed_until) {
        tracing::info!(delivery = %d.id, "webhook claim too close to running out; left for the next claim");
        return;
    }
    let answer = match WebhookUrl::parse(&d.url) {
        Ok(url) => {
            let timestamp = now_ms() / 1000;
            let headers = [
                ("tether-webhook-id", d.event_id.clone()),
                ("tether-timestamp", timestamp.to_string()),
                (
                    "tether-signature",
                    signature(&d.secret, timestamp, &d.payload),
                ),
            ];
            sender.post(&url, &headers, d.payload.clone()).await
        }
        Err(e) => Err(format!("the stored address is not valid: {}", e.message)),
    };
    let at = now_ms();
    let record = outcome(&state.config.webhooks.backoff, &d, at, answer);
    let label = match record.outcome {
        AttemptOutcome::Delivered => "delivered",
        AttemptOutcome::Retry { .. } => "retry",
        AttemptOutcome::Failed => "failed",
    };
    metrics::counter!("tether_webhook_attempts_total", "outcome" => label).increment(1);
    if let Err(e) = state
        .store
        .record_webhook_attempt(&d.id, d.claimed_until, &record)
        .await
    {
        // The claim runs out and the delivery is sent again: at least once, never lost.
        tracing::warn!(error = %e, delivery = %d.id, "recording a webhook attempt failed");
    }
}

/// What an attempt at `at` comes to: delivered on a 2xx; else tried again on the backoff, or
/// failed once the window is past.
fn outcome(
    backoff: &tether_domain::webhook::Backoff,
    d: &DueDelivery,
    at: i64,
    answer: Result<Answer, String>,
) -> Attempt {
    let (status, error) = match answer {
        Ok(a) if is_success(a.status) => {
            return Attempt {
                at,
                status: Some(a.status),
                error: None,
                outcome: AttemptOutcome::Delivered,
            };
        }
        Ok(a) if a.head.trim().is_empty() => (Some(a.status), format!("HTTP {}", a.status)),
        Ok(a) => (
            Some(a.status),
            format!("HTTP {}: {}", a.status, a.head.trim()),
        ),
        Err(e) => (None, e),
    };
    let failures = d.attempts + 1;
    Attempt {
        at,
        status,
        error: Some(error),
        outcome: match backoff.next_attempt(failures, d.created_at, at) {
            Some(next) => AttemptOutcome::Retry { at: next },
            None => AttemptOutcome::Failed,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tether_domain::webhook::Backoff;

    fn due(attempts: i64) -> DueDelivery {
        DueDelivery {
            id: "d".into(),
            endpoint_id: "e".into(),
            url: "http://127.0.0.1:9/".into(),
            secret: "s".into(),
            event_id: "ev".into(),
            payload: "{}".into(),
            attempts,
            created_at: 0,
            claimed_until: 60_000,
        }
    }

    #[test]
    fn i19_an_attempt_starts_only_when_it_ends_inside_its_claim() {
        let s = super::super::Settings::default();
        let claimed_at = 1_000_000;
        let until = claimed_at + i64::try_from(s.hold().as_millis()).unwrap();
        assert!(fits_claim(claimed_at, s.timeout, until));
        assert!(fits_claim(until - 10_001, s.timeout, until));
        assert!(!fits_claim(until - 10_000, s.timeout, until));
        assert!(!fits_claim(until + 1, s.timeout, until));
    }

    #[test]
    fn i19_a_due_deliverys_debug_never_shows_its_secret() {
        let mut d = due(0);
        d.secret = "whsec_do-not-log".into();
        let shown = format!("{d:?}");
        assert!(!shown.contains("whsec_do-not-log"), "{shown}");
        assert!(shown.contains("claimed_until"), "{shown}");
    }

    #[test]
    fn i19_a_2xx_delivers_anything_else_is_retried_until_the_window_closes() {
        let b = Backoff::default();
        let ok = |status| {
            Ok(Answer {
                status,
                head: "  busy ".into(),
            })
        };
        assert_eq!(
            outcome(&b, &due(0), 5, ok(204)).outcome,
            AttemptOutcome::Delivered
        );
        let retry = outcome(&b, &due(0), 5, ok(500));
        assert_eq!(retry.outcome, AttemptOutcome::Retry { at: 10_005 });
        assert_eq!(retry.error.as_deref(), Some("HTTP 500: busy"));
        assert_eq!(retry.status, Some(500));
        let third = outcome(&b, &due(2), 100, ok(302));
        assert_eq!(third.outcome, AttemptOutcome::Retry { at: 40_100 });
        let refused = outcome(&b, &due(0), 5, Err("connecting failed".into()));
        assert_eq!(refused.status, None);
        assert_eq!(refused.error.as_deref(), Some("connecting failed"));
        let late = outcome(&b, &due(29), 24 * 3_600_000, ok(503));
        assert_eq!(late.outcome, AttemptOutcome::Failed);
    }
}
