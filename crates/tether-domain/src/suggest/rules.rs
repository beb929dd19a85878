//! Rule-based suggestions: the people the record's own history names.

use super::{Person, Reason, Rule, Suggestion};
use crate::record::ActivityKind;
use std::collections::{BTreeMap, BTreeSet};

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
