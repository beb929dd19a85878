//! Suggested contacts (SPEC R12): who to bring into a conversation about a record.
//!
//! *Rule-based* suggestions come from the record's own history (owner and previous owners, the
//! owning team's admins and active members, people who connected chats, other activity
//! authors, owners of related records), in an order the administrator can change per record
//! type. *Similarity-based* suggestions are the people who resolved the records most similar to
//! this one (BM25 / full-text rank over their text), weighted by how similar, how recent and how
//! fast. Both come with reasons twice: in English words (`reasons`, for API clients) and as
//! [`Reason`]s, a stable code with the facts a UI needs to say it in its reader's language
//! (`why`, in the same order). The lists are merged, best first, without the asking user or
//! deactivated people, at most ten.

mod rules;
mod similarity;
mod terms;
#[cfg(test)]
mod tests;

pub use rules::{LoggedActivity, RelatedRecord, RuleFacts, rule_based};
pub use similarity::{SimilarResolved, similarity_based};
pub use terms::{distinctive_terms, search_terms};

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// One rule of the rule-based suggestions, in the administrator's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// The record's owner and previous owners.
    Owner,
    /// For a team-owned record: the team's admins.
    TeamAdmins,
    /// For a team-owned record: team members who logged activities on it.
    TeamActivity,
    /// People who connected chats or channels to the record.
    Connectors,
    /// Other authors of timeline activities.
    ActivityAuthors,
    /// Owners of related records (a case's account and contact).
    RelatedOwners,
}

/// The default order of R12.
pub const DEFAULT_RULES: [Rule; 6] = [
    Rule::Owner,
    Rule::TeamAdmins,
    Rule::TeamActivity,
    Rule::Connectors,
    Rule::ActivityAuthors,
    Rule::RelatedOwners,
];

/// Most people suggested.
pub const MAX_SUGGESTIONS: usize = 10;

/// A person with a name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Person {
    pub id: String,
    pub name: String,
    pub active: bool,
}

/// Why a person is suggested, as a stable `code` with the facts a UI needs to say it in its
/// reader's language. Record types are API names ("case"); times are RFC 3339. The English
/// sentence of each is in the doc comment.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Reason {
    /// "Owns this case".
    Owner { record_type: String },
    /// "Owned this case before".
    PreviousOwner { record_type: String },
    /// "Admin of Support, which owns this case".
    TeamAdmin { team: String, record_type: String },
    /// "In Support; logged a note on 12 Nov": a member of the owning team who logged an
    /// activity (`what`: its kind, `note`, `phone_call`, `email` or `task`).
    TeamMemberActivity {
        team: String,
        what: String,
        at: String,
    },
    /// "Connected a conversation to this case".
    ConnectedConversation { record_type: String },
    /// "Logged a phone call on 12 Nov" (`what`: the activity's kind).
    LoggedActivity { what: String, at: String },
    /// "Owns account Contoso": the owner of a related record the asking user may read.
    RelatedOwner { record_type: String, name: String },
    /// "Resolved 2 similar cases, e.g. CAS-01042 'Printer jams'" (`count` 1: "Resolved a
    /// similar case, …"), naming the most similar one.
    ResolvedSimilar {
        count: usize,
        record_type: String,
        example: ExampleRecord,
    },
}

impl Reason {
    /// Every code, in the order of the variants.
    pub const CODES: [&'static str; 8] = [
        "owner",
        "previous_owner",
        "team_admin",
        "team_member_activity",
        "connected_conversation",
        "logged_activity",
        "related_owner",
        "resolved_similar",
    ];

    /// Its `code`, as serialized.
    pub fn code(&self) -> &'static str {
        match self {
            Reason::Owner { .. } => "owner",
            Reason::PreviousOwner { .. } => "previous_owner",
            Reason::TeamAdmin { .. } => "team_admin",
            Reason::TeamMemberActivity { .. } => "team_member_activity",
            Reason::ConnectedConversation { .. } => "connected_conversation",
            Reason::LoggedActivity { .. } => "logged_activity",
            Reason::RelatedOwner { .. } => "related_owner",
            Reason::ResolvedSimilar { .. } => "resolved_similar",
        }
    }
}

/// The most similar record a person resolved, as a similarity reason names it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExampleRecord {
    pub id: String,
    /// Its number ("CAS-01042"), when its type numbers records.
    pub number: Option<String>,
    /// Its name, only when the asking user may read it.
    pub name: Option<String>,
}

/// One suggestion.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Suggestion {
    pub user_id: String,
    pub name: String,
    /// `rule` or `similarity`
    pub source: &'static str,
    /// Why, in English.
    pub reasons: Vec<String>,
    /// Why, as codes and facts: one for each of `reasons`, in the same order.
    pub why: Vec<Reason>,
    /// How sure (0–1); rule-based suggestions are facts about the record, 1.
    pub confidence: f64,
    /// For similarity suggestions: the most similar record the person resolved.
    pub example_record_id: Option<String>,
}

/// Merges both kinds, rule-based first (facts about this very record), each person once,
/// without `exclude` (the asking user), at most [`MAX_SUGGESTIONS`].
pub fn merge(rule: Vec<Suggestion>, similarity: Vec<Suggestion>, exclude: &str) -> Vec<Suggestion> {
    let mut seen = BTreeSet::new();
    rule.into_iter()
        .chain(similarity)
        .filter(|s| s.user_id != exclude && seen.insert(s.user_id.clone()))
        .take(MAX_SUGGESTIONS)
        .collect()
}
