//! The helpdesk's tickets (a fixed few) and each ticket's notes, which the webhooks write.

use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

/// A ticket of this helpdesk.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Ticket {
    /// Its id here: Tether's `external_id` for it.
    pub id: &'static str,
    pub title: &'static str,
    /// One of Tether's case priorities (`low`, `normal`, `high`, `urgent`).
    pub priority: &'static str,
    pub requester: &'static str,
    pub description: &'static str,
}

/// The helpdesk's tickets.
pub const TICKETS: &[Ticket] = &[
    Ticket {
        id: "1001",
        title: "Printer jams on tray 2",
        priority: "high",
        requester: "Nora Vik, Nordic Freight AB",
        description: "Every second print job jams in tray 2 since the toner was changed.",
    },
    Ticket {
        id: "1002",
        title: "VPN drops every hour",
        priority: "urgent",
        requester: "Emil Sund, Kustbanken",
        description: "The tunnel drops at the top of every hour on all laptops.",
    },
    Ticket {
        id: "1003",
        title: "Invoice shows the wrong VAT",
        priority: "normal",
        requester: "Lea Holm, Fjällhus AB",
        description: "Invoice 2026-118 has 12 % VAT where 25 % applies.",
    },
];

/// The ticket with `id`, if there is one.
pub fn ticket(id: &str) -> Option<&'static Ticket> {
    TICKETS.iter().find(|t| t.id == id)
}

/// A line in a ticket's notes: something that happened in a Tether chat connected to it.
#[derive(Clone, Debug, Serialize)]
pub struct Note {
    /// When it happened (the event's `created_at`).
    pub at: String,
    /// The event's type (`message.created`, `chat.connected`, …).
    pub event: String,
    pub text: String,
}

/// The notes of every ticket, and the webhook ids already taken (a delivery can come twice).
#[derive(Default)]
pub struct Desk {
    inner: Mutex<Notes>,
}

#[derive(Default)]
struct Notes {
    by_ticket: HashMap<String, Vec<Note>>,
    seen: HashSet<String>,
}

impl Desk {
    /// Adds `note` to ticket `id` unless the event `event_id` was added before; answers whether
    /// it was added.
    pub fn add(&self, event_id: &str, id: &str, note: Note) -> bool {
        let mut notes = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if !notes.seen.insert(event_id.to_owned()) {
            return false;
        }
        notes.by_ticket.entry(id.to_owned()).or_default().push(note);
        true
    }

    /// Ticket `id`'s notes, oldest first.
    pub fn notes(&self, id: &str) -> Vec<Note> {
        let notes = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        notes.by_ticket.get(id).cloned().unwrap_or_default()
    }
}
