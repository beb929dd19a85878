//! A case as planned, before it is written: where it starts ([`CaseStart`]), how it travels
//! ([`Step`]) and ends ([`Outcome`]), what is written ([`PlannedCase`]), the open cases people
//! chat about ([`Story`]), and the working hours times fall in. [`super::cases`] plans cases,
//! [`super::timeline`] tells each one's timeline, [`super::case_chats`] the chat about it.

use super::rng::Rng;
use super::text::Slots;
use super::{DAY, WORK_END, WORK_START};
use serde_json::Value;
use std::collections::BTreeMap;
use tether_store::bulk::{BulkActivity, BulkRecord};

/// An open case with a chat about it (the chat happens now, and a closed case's timeline
/// ends when it closed): what the chat needs to tell the same story as the case.
pub(super) struct Story {
    /// Index into [`Cases::records`].
    pub(super) index: usize,
    pub(super) topic: usize,
    /// The user who owns the case.
    pub(super) owner: usize,
    pub(super) slots: Slots,
}

/// How a case travelled: its owners after the creator, and how it ended.
pub(super) enum Step {
    User(usize),
    Queue,
}

pub(super) enum Outcome {
    Active,
    Resolved,
    Cancelled,
}

pub(super) struct CaseStart {
    pub(super) fields: BTreeMap<String, Value>,
    pub(super) created: i64,
    pub(super) horizon: i64,
    pub(super) creator: usize,
    pub(super) priority: &'static str,
    pub(super) origin: &'static str,
}

pub(super) struct PlannedCase {
    pub(super) record: BulkRecord,
    pub(super) activities: Vec<BulkActivity>,
    /// The user who owns the case at the end (none when a team queue has it).
    pub(super) final_user: Option<usize>,
}

/// Monday to Friday, 06:00 to 17:00 UTC (office hours from Reykjavík to Helsinki).
pub(super) fn is_working_time(at: i64) -> bool {
    // 1 January 1970 was a Thursday: day 0 is weekday 3 counting from Monday = 0.
    let weekday = (at.div_euclid(DAY) + 3).rem_euclid(7);
    let time_of_day = at.rem_euclid(DAY);
    weekday < 5 && (WORK_START..WORK_END).contains(&time_of_day)
}

/// A time in `[lo, hi]`, in working hours if a few tries find one.
pub(super) fn working_time(rng: &mut Rng, lo: i64, hi: i64) -> i64 {
    let mut at = lo;
    for _ in 0..6 {
        at = lo + ((hi - lo).max(0) as f64 * rng.unit()) as i64;
        if is_working_time(at) {
            break;
        }
    }
    at
}
