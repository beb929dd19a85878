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

use crate::record::ActivityKind;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// One rule of the rule-based suggestions, in the administrator's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
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

/// An activity on the record, for reasons like "Logged a phone call on 12 Nov".
#[derive(Clone, Debug)]
pub struct LoggedActivity {
    pub author: Person,
    /// Its kind as the API names it (`note`, `phone_call`, `email`, `task`).
    pub kind: String,
    /// When it happened, RFC 3339 (a UI shows the day in its reader's zone).
    pub at: String,
    /// The day in English for the English reason, "12 Nov".
    pub day: String,
}

impl LoggedActivity {
    /// The English words for its kind: "a phone call".
    fn words(&self) -> &'static str {
        self.kind
            .parse::<ActivityKind>()
            .map_or("an activity", ActivityKind::label)
    }
}

/// A related record (a case's account or contact) owned by a person.
#[derive(Clone, Debug)]
pub struct RelatedRecord {
    pub owner: Person,
    /// Its type's API name, "account".
    pub record_type: String,
    /// Its type in English words, "account".
    pub type_word: String,
    pub name: String,
}

/// Everything the rules need about one record.
#[derive(Clone, Debug, Default)]
pub struct RuleFacts {
    /// The record type's API name, "case".
    pub record_type: String,
    /// The record type in English words, "case".
    pub type_word: String,
    /// Current owner when a user.
    pub owner: Option<Person>,
    /// Earlier user owners, most recent first.
    pub previous_owners: Vec<Person>,
    /// The owning team's name, admins and members, when a team owns the record.
    pub team: Option<(String, Vec<Person>, Vec<Person>)>,
    pub activities: Vec<LoggedActivity>,
    pub connectors: Vec<Person>,
    /// Related records the asking user may read whose owner is a person.
    pub related_owners: Vec<RelatedRecord>,
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

/// Adds a reason (in English and as a [`Reason`]) for `p`, who is added when new.
fn push(
    out: &mut Vec<Suggestion>,
    index: &mut BTreeMap<String, usize>,
    p: &Person,
    reason: String,
    why: Reason,
) {
    match index.get(&p.id) {
        Some(&i) => {
            if let Some(s) = out.get_mut(i)
                && !s.reasons.contains(&reason)
            {
                s.reasons.push(reason);
                s.why.push(why);
            }
        }
        None => {
            index.insert(p.id.clone(), out.len());
            out.push(Suggestion {
                user_id: p.id.clone(),
                name: p.name.clone(),
                source: "rule",
                reasons: vec![reason],
                why: vec![why],
                confidence: 1.0,
                example_record_id: None,
            });
        }
    }
}

/// Rule-based suggestions in the order of `rules`, each person once with all their reasons,
/// deactivated people left out.
pub fn rule_based(f: &RuleFacts, rules: &[Rule]) -> Vec<Suggestion> {
    let mut out = Vec::new();
    let mut index = BTreeMap::new();
    let t = &f.type_word;
    let record_type = || f.record_type.clone();
    for rule in rules {
        match rule {
            Rule::Owner => {
                if let Some(o) = &f.owner {
                    let why = Reason::Owner {
                        record_type: record_type(),
                    };
                    push(&mut out, &mut index, o, format!("Owns this {t}"), why);
                }
                for p in &f.previous_owners {
                    let why = Reason::PreviousOwner {
                        record_type: record_type(),
                    };
                    let reason = format!("Owned this {t} before");
                    push(&mut out, &mut index, p, reason, why);
                }
            }
            Rule::TeamAdmins => {
                if let Some((team, admins, _)) = &f.team {
                    for a in admins {
                        let why = Reason::TeamAdmin {
                            team: team.clone(),
                            record_type: record_type(),
                        };
                        let reason = format!("Admin of {team}, which owns this {t}");
                        push(&mut out, &mut index, a, reason, why);
                    }
                }
            }
            Rule::TeamActivity => {
                if let Some((team, _, members)) = &f.team {
                    let ids: BTreeSet<&str> = members.iter().map(|m| m.id.as_str()).collect();
                    for a in f
                        .activities
                        .iter()
                        .filter(|a| ids.contains(a.author.id.as_str()))
                    {
                        let why = Reason::TeamMemberActivity {
                            team: team.clone(),
                            what: a.kind.clone(),
                            at: a.at.clone(),
                        };
                        let reason = format!("In {team}; logged {} on {}", a.words(), a.day);
                        push(&mut out, &mut index, &a.author, reason, why);
                    }
                }
            }
            Rule::Connectors => {
                for p in &f.connectors {
                    let why = Reason::ConnectedConversation {
                        record_type: record_type(),
                    };
                    let reason = format!("Connected a conversation to this {t}");
                    push(&mut out, &mut index, p, reason, why);
                }
            }
            Rule::ActivityAuthors => {
                for a in &f.activities {
                    let why = Reason::LoggedActivity {
                        what: a.kind.clone(),
                        at: a.at.clone(),
                    };
                    let reason = format!("Logged {} on {}", a.words(), a.day);
                    push(&mut out, &mut index, &a.author, reason, why);
                }
            }
            Rule::RelatedOwners => {
                for r in &f.related_owners {
                    let why = Reason::RelatedOwner {
                        record_type: r.record_type.clone(),
                        name: r.name.clone(),
                    };
                    let reason = format!("Owns {} {}", r.type_word, r.name);
                    push(&mut out, &mut index, &r.owner, reason, why);
                }
            }
        }
    }
    let inactive: BTreeSet<String> = all_people(f)
        .filter(|p| !p.active)
        .map(|p| p.id.clone())
        .collect();
    out.retain(|s| !inactive.contains(&s.user_id));
    out
}

fn all_people(f: &RuleFacts) -> impl Iterator<Item = &Person> {
    f.owner
        .iter()
        .chain(&f.previous_owners)
        .chain(f.team.iter().flat_map(|(_, a, m)| a.iter().chain(m)))
        .chain(f.activities.iter().map(|a| &a.author))
        .chain(&f.connectors)
        .chain(f.related_owners.iter().map(|r| &r.owner))
}

/// A resolved record similar to the one asked about.
#[derive(Clone, Debug)]
pub struct SimilarResolved {
    /// Its id, number and (when the asking user may read it) name.
    pub example: ExampleRecord,
    /// The same in English words, "CAS-01042 'Printer jams on tray 2'".
    pub label: String,
    pub resolver: Person,
    /// Relative similarity, 0–1 (1 for the most similar found).
    pub similarity: f64,
    /// Days since it was resolved.
    pub age_days: f64,
    /// Days it took to resolve.
    pub days_to_resolve: f64,
}

/// How much a resolution counts: similar × recent (half-life 180 days) × fast (a week halves).
fn weight(s: &SimilarResolved) -> f64 {
    let recency = 0.5f64.powf(s.age_days.max(0.0) / 180.0);
    let speed = 1.0 / (1.0 + s.days_to_resolve.max(0.0) / 7.0);
    s.similarity.clamp(0.0, 1.0) * (0.5 + 0.5 * recency) * (0.5 + 0.5 * speed)
}

/// Similarity-based suggestions: the resolvers of similar records, ranked by the summed weight
/// of what they resolved. Confidence grows with that weight and stays below 1. The records are
/// of the type `record_type` (its API name), in English `type_singular` and `type_plural`.
pub fn similarity_based(
    similar: &[SimilarResolved],
    record_type: &str,
    type_singular: &str,
    type_plural: &str,
) -> Vec<Suggestion> {
    struct Acc<'a> {
        person: &'a Person,
        score: f64,
        count: usize,
        best: &'a SimilarResolved,
    }
    let mut by_person: BTreeMap<&str, Acc<'_>> = BTreeMap::new();
    for s in similar.iter().filter(|s| s.resolver.active) {
        let w = weight(s);
        let acc = by_person.entry(s.resolver.id.as_str()).or_insert(Acc {
            person: &s.resolver,
            score: 0.0,
            count: 0,
            best: s,
        });
        acc.score += w;
        acc.count += 1;
        if s.similarity > acc.best.similarity {
            acc.best = s;
        }
    }
    let mut ranked: Vec<Acc<'_>> = by_person.into_values().collect();
    ranked.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.person.name.cmp(&b.person.name))
    });
    ranked
        .into_iter()
        .map(|a| {
            let reason = if a.count == 1 {
                format!("Resolved a similar {type_singular}, {}", a.best.label)
            } else {
                format!(
                    "Resolved {} similar {type_plural}, e.g. {}",
                    a.count, a.best.label
                )
            };
            Suggestion {
                user_id: a.person.id.clone(),
                name: a.person.name.clone(),
                source: "similarity",
                reasons: vec![reason],
                why: vec![Reason::ResolvedSimilar {
                    count: a.count,
                    record_type: record_type.to_owned(),
                    example: a.best.example.clone(),
                }],
                confidence: (1.0 - (-a.score).exp()).clamp(0.0, 0.99),
                example_record_id: Some(a.best.example.id.clone()),
            }
        })
        .collect()
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

const STOPWORDS: &[&str] = &[
    "the", "and", "for", "are", "but", "not", "you", "all", "any", "can", "had", "her", "was",
    "one", "our", "out", "has", "have", "his", "how", "its", "may", "new", "now", "see", "way",
    "who", "did", "get", "got", "use", "this", "that", "with", "from", "they", "them", "their",
    "there", "when", "what", "which", "will", "would", "could", "should", "been", "being", "were",
    "into", "than", "then", "also", "just", "only", "some", "more", "most", "very", "after",
    "before", "about", "again", "still", "since", "does", "doing", "each", "other", "such", "your",
    "yours", "ours", "here", "where", "why", "while", "customer", "och", "att", "det", "som",
    "för", "med", "har", "inte", "den", "till", "kan", "var", "ett", "men", "där", "när", "från",
    "eller", "efter", "vid", "ska",
];

/// The search terms of a record's text: lower-case words of three or more letters or digits,
/// without common words, most frequent first, at most `max`. Only letters and digits survive,
/// so terms are safe in any full-text query syntax.
pub fn search_terms(text: &str, max: usize) -> Vec<String> {
    let mut counts: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let words = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 3);
    for (pos, word) in words.enumerate() {
        let w = word.to_lowercase();
        if STOPWORDS.contains(&w.as_str()) || w.chars().all(|c| c.is_ascii_digit()) {
            continue;
        }
        let e = counts.entry(w).or_insert((0, pos));
        e.0 += 1;
    }
    let mut terms: Vec<(String, (usize, usize))> = counts.into_iter().collect();
    terms.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.1.1.cmp(&b.1.1)));
    terms.into_iter().take(max).map(|(w, _)| w).collect()
}

/// The terms to rank similar records by: the rarest of `counted` (each term with the number of
/// records it occurs in, counted up to `cap`), at most `max`. A term only the record itself has
/// (count below 2) finds nothing, and a term at the cap is too common to tell records apart; it
/// is used only when nothing rarer is left. Rare terms make the ranking both better (they are
/// what a record is about) and cheaper (they match few records).
pub fn distinctive_terms(counted: &[(String, i64)], cap: i64, max: usize) -> Vec<String> {
    let mut useful: Vec<&(String, i64)> = counted.iter().filter(|(_, n)| *n >= 2).collect();
    // Stable: among equally rare terms the record's more frequent ones come first.
    useful.sort_by_key(|(_, n)| *n);
    let rare = useful.iter().filter(|(_, n)| *n < cap).count();
    let keep = if rare > 0 {
        rare.min(max)
    } else {
        useful.len().min(max.min(3))
    };
    useful
        .into_iter()
        .take(keep)
        .map(|(t, _)| t.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r12_distinctive_terms_are_the_rare_ones_that_others_share() {
        let counted = |v: &[(&str, i64)]| -> Vec<(String, i64)> {
            v.iter().map(|(t, n)| ((*t).to_owned(), *n)).collect()
        };
        let c = counted(&[
            ("printer", 500),
            ("jam", 40),
            ("uniqueword", 1),
            ("tray", 40),
            ("customer", 2000),
        ]);
        assert_eq!(distinctive_terms(&c, 2000, 2), vec!["jam", "tray"]);
        assert_eq!(
            distinctive_terms(&c, 2000, 10),
            vec!["jam", "tray", "printer"]
        );
        // Only common terms: a few of them still rank.
        let common = counted(&[
            ("customer", 2000),
            ("please", 2000),
            ("thanks", 2000),
            ("help", 2000),
        ]);
        assert_eq!(distinctive_terms(&common, 2000, 10).len(), 3);
        // Nothing shared with another record: nothing to rank by.
        assert!(distinctive_terms(&counted(&[("x1", 1), ("x2", 0)]), 2000, 10).is_empty());
    }

    fn p(id: &str) -> Person {
        Person {
            id: id.into(),
            name: format!("Person {id}"),
            active: true,
        }
    }

    fn logged(author: Person, kind: &str, at: &str, day: &str) -> LoggedActivity {
        LoggedActivity {
            author,
            kind: kind.into(),
            at: at.into(),
            day: day.into(),
        }
    }

    /// Every suggestion has one `why` for each reason, in the same order.
    fn assert_parallel(s: &[Suggestion]) {
        for x in s {
            assert_eq!(x.reasons.len(), x.why.len(), "{x:?}");
        }
    }

    #[test]
    fn r12_rule_reasons_in_words_and_order() {
        let f = RuleFacts {
            record_type: "case".into(),
            type_word: "case".into(),
            owner: Some(p("owner")),
            previous_owners: vec![p("prev")],
            team: None,
            activities: vec![logged(
                p("caller"),
                "phone_call",
                "2026-11-12T09:30:00Z",
                "12 Nov",
            )],
            connectors: vec![p("conn")],
            related_owners: vec![RelatedRecord {
                owner: p("acc"),
                record_type: "account".into(),
                type_word: "account".into(),
                name: "Contoso".into(),
            }],
        };
        let s = rule_based(&f, &DEFAULT_RULES);
        let ids: Vec<&str> = s.iter().map(|x| x.user_id.as_str()).collect();
        assert_eq!(ids, ["owner", "prev", "conn", "caller", "acc"]);
        assert_eq!(s[0].reasons, ["Owns this case"]);
        assert_eq!(s[3].reasons, ["Logged a phone call on 12 Nov"]);
        assert_eq!(s[4].reasons, ["Owns account Contoso"]);
        let reordered = rule_based(&f, &[Rule::RelatedOwners, Rule::Owner]);
        assert_eq!(reordered[0].user_id, "acc");
        assert_eq!(reordered.len(), 3, "rules left out contribute nothing");
        let merged = merge(s, Vec::new(), "caller");
        assert!(
            merged.iter().all(|x| x.user_id != "caller"),
            "never the asking user"
        );
    }

    #[test]
    fn r12_rule_reasons_as_codes_with_their_facts() {
        let f = RuleFacts {
            record_type: "case".into(),
            type_word: "ticket".into(),
            owner: Some(p("owner")),
            previous_owners: vec![p("prev")],
            activities: vec![
                logged(p("caller"), "phone_call", "2026-11-12T09:30:00Z", "12 Nov"),
                logged(p("odd"), "chat_summary", "2026-11-13T09:30:00Z", "13 Nov"),
            ],
            connectors: vec![p("conn")],
            related_owners: vec![RelatedRecord {
                owner: p("acc"),
                record_type: "account".into(),
                type_word: "customer".into(),
                name: "Contoso".into(),
            }],
            ..Default::default()
        };
        let s = rule_based(&f, &DEFAULT_RULES);
        assert_parallel(&s);
        let why: Vec<&Reason> = s.iter().flat_map(|x| &x.why).collect();
        let case = || "case".to_owned();
        assert_eq!(
            why,
            [
                &Reason::Owner {
                    record_type: case()
                },
                &Reason::PreviousOwner {
                    record_type: case()
                },
                &Reason::ConnectedConversation {
                    record_type: case()
                },
                &Reason::LoggedActivity {
                    what: "phone_call".into(),
                    at: "2026-11-12T09:30:00Z".into()
                },
                &Reason::LoggedActivity {
                    what: "chat_summary".into(),
                    at: "2026-11-13T09:30:00Z".into()
                },
                &Reason::RelatedOwner {
                    record_type: "account".into(),
                    name: "Contoso".into()
                },
            ],
            "the type's API name, not its words; the activity's kind, not its words"
        );
        // The English names the type in words, and an unknown kind as an activity.
        assert_eq!(s[0].reasons, ["Owns this ticket"]);
        assert_eq!(s[4].reasons, ["Logged an activity on 13 Nov"]);
        assert_eq!(s[5].reasons, ["Owns customer Contoso"]);
        // As the API writes them: a `code` beside the facts.
        assert_eq!(
            serde_json::to_value(&s[3].why).unwrap(),
            serde_json::json!([{"code": "logged_activity", "what": "phone_call", "at": "2026-11-12T09:30:00Z"}])
        );
        assert_eq!(
            serde_json::to_value(&s[5].why).unwrap(),
            serde_json::json!([{"code": "related_owner", "record_type": "account", "name": "Contoso"}])
        );
    }

    #[test]
    fn r12_team_rules_and_inactive_people() {
        let mut inactive = p("gone");
        inactive.active = false;
        let f = RuleFacts {
            record_type: "case".into(),
            type_word: "case".into(),
            team: Some((
                "Support".into(),
                vec![p("admin"), inactive.clone()],
                vec![p("admin"), p("member"), inactive],
            )),
            activities: vec![logged(p("member"), "note", "2026-10-01T08:00:00Z", "1 Oct")],
            ..Default::default()
        };
        let s = rule_based(&f, &DEFAULT_RULES);
        let ids: Vec<&str> = s.iter().map(|x| x.user_id.as_str()).collect();
        assert_eq!(ids, ["admin", "member"]);
        assert_eq!(
            s[1].reasons,
            [
                "In Support; logged a note on 1 Oct",
                "Logged a note on 1 Oct"
            ]
        );
        assert_parallel(&s);
        assert_eq!(
            serde_json::to_value(&s[0].why).unwrap(),
            serde_json::json!([{"code": "team_admin", "team": "Support", "record_type": "case"}])
        );
        assert_eq!(
            serde_json::to_value(&s[1].why).unwrap(),
            serde_json::json!([
                {"code": "team_member_activity", "team": "Support", "what": "note", "at": "2026-10-01T08:00:00Z"},
                {"code": "logged_activity", "what": "note", "at": "2026-10-01T08:00:00Z"}
            ])
        );
    }

    #[test]
    fn r12_similarity_ranks_by_count_similarity_recency_and_speed() {
        let sim = |id: &str, who: &str, similarity: f64, age: f64, days: f64| SimilarResolved {
            example: ExampleRecord {
                id: id.into(),
                number: Some(format!("CAS-{id}")),
                name: Some("x".into()),
            },
            label: format!("CAS-{id} 'x'"),
            resolver: p(who),
            similarity,
            age_days: age,
            days_to_resolve: days,
        };
        let mut hidden = sim("4", "slow", 1.0, 400.0, 60.0);
        hidden.example.name = None;
        hidden.label = "CAS-4".into();
        let list = vec![
            sim("1", "expert", 0.9, 10.0, 1.0),
            sim("2", "expert", 0.8, 20.0, 2.0),
            sim("3", "once", 1.0, 10.0, 1.0),
            hidden,
        ];
        let s = similarity_based(&list, "case", "case", "cases");
        let ids: Vec<&str> = s.iter().map(|x| x.user_id.as_str()).collect();
        assert_eq!(ids, ["expert", "once", "slow"]);
        assert_eq!(s[0].reasons, ["Resolved 2 similar cases, e.g. CAS-1 'x'"]);
        assert_eq!(s[1].reasons, ["Resolved a similar case, CAS-3 'x'"]);
        assert!(s.iter().all(|x| x.confidence > 0.0 && x.confidence < 1.0));
        assert!(s[0].confidence > s[2].confidence);
        assert_parallel(&s);
        assert_eq!(
            serde_json::to_value(&s[0].why).unwrap(),
            serde_json::json!([{"code": "resolved_similar", "count": 2, "record_type": "case",
                "example": {"id": "1", "number": "CAS-1", "name": "x"}}]),
            "the most similar one is the example"
        );
        assert_eq!(
            serde_json::to_value(&s[2].why[0]).unwrap()["example"],
            serde_json::json!({"id": "4", "number": "CAS-4", "name": null}),
            "a record the asking user cannot read is named by its number only"
        );
        assert_eq!(s[0].example_record_id.as_deref(), Some("1"));
    }

    #[test]
    fn r12_every_reason_code_is_listed_and_serialized_as_its_code() {
        let t = || "case".to_owned();
        let all = [
            Reason::Owner { record_type: t() },
            Reason::PreviousOwner { record_type: t() },
            Reason::TeamAdmin {
                team: "Support".into(),
                record_type: t(),
            },
            Reason::TeamMemberActivity {
                team: "Support".into(),
                what: "note".into(),
                at: "2026-10-01T08:00:00Z".into(),
            },
            Reason::ConnectedConversation { record_type: t() },
            Reason::LoggedActivity {
                what: "note".into(),
                at: "2026-10-01T08:00:00Z".into(),
            },
            Reason::RelatedOwner {
                record_type: "account".into(),
                name: "Contoso".into(),
            },
            Reason::ResolvedSimilar {
                count: 1,
                record_type: t(),
                example: ExampleRecord {
                    id: "r1".into(),
                    number: None,
                    name: None,
                },
            },
        ];
        let codes: Vec<&str> = all.iter().map(Reason::code).collect();
        assert_eq!(codes, Reason::CODES, "one of each variant, in order");
        for r in &all {
            assert_eq!(serde_json::to_value(r).unwrap()["code"], r.code());
        }
    }

    #[test]
    fn terms_are_safe_and_meaningful() {
        let t = search_terms(
            "Printer jams on tray 2; the printer \"shows\" error E-404 (tray) OR NOT",
            5,
        );
        assert_eq!(t[0], "printer");
        assert!(t.contains(&"tray".to_owned()) && t.contains(&"jams".to_owned()));
        assert!(t.iter().all(|w| w.chars().all(char::is_alphanumeric)));
        assert!(!t.contains(&"the".to_owned()));
    }
}
