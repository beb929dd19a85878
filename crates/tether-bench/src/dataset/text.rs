//! The words of the data set's messages: an everyday vocabulary and a long tail of specific
//! terms (products, places, error codes), and the terms agents search for.

use super::Rng;

/// A message: 6–23 words, most from a small everyday vocabulary, about one in five a specific
/// term (a product, a place, an error code) from a long tail where a few terms are common and
/// most are rare, as in real support talk.
pub(super) fn sentence(rng: &mut Rng) -> String {
    let n = 6 + rng.below(18);
    let mut s = String::new();
    for i in 0..n {
        let tail;
        let w = if rng.unit() < 0.2 {
            tail = specific_term(rng.skewed(SPECIFIC_TERMS));
            tail.as_str()
        } else {
            WORDS.get(rng.below(WORDS.len())).copied().unwrap_or("case")
        };
        if i == 0 {
            let mut c = w.chars();
            if let Some(f) = c.next() {
                s.extend(f.to_uppercase());
                s.push_str(c.as_str());
            }
        } else {
            s.push(' ');
            s.push_str(w);
        }
    }
    s.push('.');
    s
}

/// How many specific terms the long tail holds.
pub const SPECIFIC_TERMS: usize = 20_000;

/// The `i`-th specific term: a made-up word of three to four syllables ("kovadelu"), the same
/// for the same `i` everywhere.
pub fn specific_term(i: usize) -> String {
    const ON: &[&str] = &["k", "v", "d", "l", "m", "r", "s", "t", "n", "b", "g", "p"];
    const NUCLEUS: &[&str] = &["a", "e", "i", "o", "u", "ai"];
    let mut n = i;
    let mut w = String::new();
    for _ in 0..4 {
        w.push_str(ON.get(n % ON.len()).copied().unwrap_or("k"));
        n /= ON.len();
        w.push_str(NUCLEUS.get(n % NUCLEUS.len()).copied().unwrap_or("a"));
        n /= NUCLEUS.len();
    }
    w
}

/// What an agent searches for: a specific term, drawn the way terms occur in messages.
pub fn search_term(rng: &mut Rng) -> String {
    specific_term(rng.skewed(SPECIFIC_TERMS))
}

const WORDS: &[&str] = &[
    "customer",
    "invoice",
    "called",
    "again",
    "about",
    "the",
    "order",
    "refund",
    "please",
    "check",
    "history",
    "before",
    "noon",
    "router",
    "firmware",
    "update",
    "failed",
    "ticket",
    "escalate",
    "billing",
    "team",
    "can",
    "someone",
    "look",
    "at",
    "this",
    "case",
    "account",
    "contact",
    "replied",
    "email",
    "waiting",
    "for",
    "logs",
    "from",
    "site",
    "network",
    "outage",
    "resolved",
    "yesterday",
    "reopened",
    "today",
    "priority",
    "high",
    "urgent",
    "shipment",
    "delayed",
    "warehouse",
    "credit",
    "note",
    "issued",
    "thanks",
];
