//! The application layer: one module per concept, each use case a function that takes who is
//! asking ([`Caller`]) and parsed input, checks through the domain's rules, writes through the
//! store, and answers an [`Outcome`]: what it wrote, plus the events the change caused. It knows
//! nothing of HTTP: the API handlers (`crate::api`), the WebSocket and the pages call the same
//! functions and publish the events only after the change committed ([`Outcome::publish`]).
//!
//! - [`guard`]: the checks every use case starts with (R1, R2, R4);
//! - [`views`]: what a viewer is answered (per-viewer wire forms);
//! - [`outbox`]: the events, who is told, and as what;
//! - [`html`]: server-built HTML (system messages, intro cards);
//!
//! Concepts call only downward (collab may start a chat; a chat never asks collab), and none
//! calls into `crate::api`.

pub mod actor;
pub mod admin;
pub mod cards;
pub mod channels;
pub mod chats;
pub mod collab;
pub mod digest;
pub mod files;
pub mod guard;
pub mod handover;
pub mod html;
pub mod launch;
pub mod member_lists;
pub mod messages;
pub mod outbox;
pub mod records;
pub mod search;
pub mod session;
pub mod similar;
pub mod suggestions;
pub mod views;
pub mod webhooks;

use crate::AppState;
use crate::error::ApiResult;
use outbox::Effect;

/// What a use case did: its answer, and the events it caused, in the order they happened.
#[must_use = "a change's events reach nobody unless the outcome is published"]
pub struct Outcome<T> {
    pub value: T,
    pub events: Vec<Effect>,
}

impl<T> Outcome<T> {
    /// An answer that caused no event (a read, a change that changed nothing).
    pub fn quiet(value: T) -> Outcome<T> {
        Outcome {
            value,
            events: Vec::new(),
        }
    }

    pub fn new(value: T, events: Vec<Effect>) -> Outcome<T> {
        Outcome { value, events }
    }

    /// Publishes the events through the outbox, then gives the answer.
    pub async fn publish(self, state: &AppState) -> ApiResult<T> {
        outbox::publish(state, self.events).await?;
        Ok(self.value)
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Outcome<U> {
        Outcome {
            value: f(self.value),
            events: self.events,
        }
    }
}
