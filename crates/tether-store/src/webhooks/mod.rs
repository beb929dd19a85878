//! Webhooks out (issue 19, part 4): the endpoints host systems register, and the outbox that
//! tells them what happens in chats connected to their records.
//!
//! The outbox has two steps, both tables, so nothing is lost to a crash or a restart:
//!
//! 1. **Events** ([`outbox`]): a change that causes a webhook event — a message in a
//!    connected chat, a connection or disconnection, a join, a saved transcript, a hand-over —
//!    writes a `webhook_events` row per record concerned *in its own transaction*
//!    ([`WebhookEvent`], `webhook_event_insert!`, [`crate::Tx::webhook_event`]), only while
//!    some endpoint subscribes to that event type (a cheap `EXISTS`), so an installation
//!    without webhooks writes nothing more. The change and its event commit together: a 2xx
//!    means both are stored.
//! 2. **Deliveries** ([`deliveries`]): the server's outbox task reads the events oldest first
//!    with what their payloads need ([`Store::webhook_event_facts`]), writes one delivery per
//!    subscribed endpoint with the payload as it will be sent, removing the events in the same
//!    transaction ([`Store::queue_webhook_deliveries`]), then claims the due ones
//!    ([`Store::claim_webhook_deliveries`]), sends them and records each attempt
//!    ([`Store::record_webhook_attempt`]).
//!
//! `seq` orders both tables. A delivery is due only when no earlier delivery of the same
//! record to the same endpoint is still pending: deliveries reach an endpoint in order per
//! record, and a failing one holds back that record's later ones (not other records').

pub mod deliveries;
pub mod endpoints;
pub mod outbox;

pub use deliveries::{
    Attempt, AttemptOutcome, Delivery, DeliveryFilter, DueDelivery, EventFacts, Queued,
    RenderedEvent, StoredEvent,
};
pub use endpoints::{Endpoint, NewEndpoint};
pub use outbox::WebhookEvent;
