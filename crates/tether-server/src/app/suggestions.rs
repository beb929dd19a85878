//! Suggested contacts (SPEC R12): gathers the facts the domain's rules need — owner history,
//! the owning team, timeline authors, connectors, owners of related records, and the resolvers
//! of the most similar resolved records from the full-text index — in a constant number of
//! queries, and lets `tether_domain::suggest` rank them.
//!
//! Each suggestion says why twice: `reasons` in English, and `why`, the same reasons as codes
//! with their facts (record types by API name, times in RFC 3339) for UIs in other languages.
//! Reasons never name a record the asking user cannot read: a related record is then left out,
//! and a similar record is named by its number only.

use super::views::PersonRef;
use crate::AppState;
use crate::app::guard::record_context;
use crate::app::outbox::RecordKey;
use crate::auth::Caller;
use crate::error::ApiResult;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use tether_domain::access::decide;
use tether_domain::record::EntryKind;
use tether_domain::suggest::{
    self, ExampleRecord, LoggedActivity, Person, Reason, RelatedRecord, RuleFacts, SimilarResolved,
    Suggestion,
};
use tether_domain::{Access, Owner, RecordId, Subject, UserId};
use tether_store::dialect::SimilarRow;
use tether_store::record_types::RecordType;
use tether_store::records::Record;
use tether_store::{Store, StoreError};
use utoipa::ToSchema;

const DAY_MS: f64 = 86_400_000.0;

/// How many terms the similarity query uses: the record's rarest words that other records of
/// its type share (`suggest::distinctive_terms`). Every term is OR-ed, so a common term would
/// make the index rank most of the table; rare ones keep the candidate set small.
const SIMILARITY_TERMS: usize = 10;
/// Terms of a record considered for the similarity query (its most frequent ones); the
/// [`SIMILARITY_TERMS`] rarest among the records of its type are used.
const SIMILARITY_CANDIDATES: usize = 24;
/// Records that make a term common: counting stops there.
const COMMON_TERM: i64 = 1000;
/// Similar resolved records ranked and kept per record.
const SIMILAR_KEPT: i64 = 40;

/// "12 Nov" for an epoch-milliseconds time.
fn short_date(ms: i64) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    match time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000) {
        Ok(t) => format!(
            "{} {}",
            t.day(),
            MONTHS
                .get(usize::from(u8::from(t.month())) - 1)
                .unwrap_or(&"")
        ),
        Err(_) => String::new(),
    }
}

/// Suggestions for `record` as `subject` may see them: rule-based and similarity-based (each
/// as the type's settings allow), merged, without the asking user, at most ten.
///
/// The similarity step reads the record's kept ranking ([`ranking`]): `stale` says it was of an
/// older generation of the type's resolved records, so the caller should have it computed
/// again ([`crate::app::similar::Warmer::refresh`]).
pub async fn compute(
    store: &Store,
    rt: &RecordType,
    record: &Record,
    subject: &Subject,
    now: i64,
) -> Result<Computed, StoreError> {
    let settings = &rt.settings.suggestions;
    let viewer = subject.user_id.as_str();
    let rule = if settings.rule_based {
        rule_facts(store, rt, record, subject)
            .await
            .map(|f| suggest::rule_based(&f, &settings.rules))?
    } else {
        Vec::new()
    };
    let (similar, stale) = if settings.similarity_based {
        let (rows, stale) = ranking(store, rt, record).await?;
        (similarity(store, rt, &rows, subject, now).await?, stale)
    } else {
        (Vec::new(), false)
    };
    Ok(Computed {
        suggestions: suggest::merge(rule, similar, viewer),
        stale,
    })
}

/// What [`compute`] found.
pub struct Computed {
    pub suggestions: Vec<Suggestion>,
    /// The similarity ranking used is of an older generation: compute it again.
    pub stale: bool,
}

/// The record's similar resolved records, best first, and whether they are of an older
/// generation: the kept ranking (one key lookup) when there is one, else ranked now and kept.
/// Failing to keep it only costs the next view a ranking of its own.
pub async fn ranking(
    store: &Store,
    rt: &RecordType,
    record: &Record,
) -> Result<(Vec<SimilarRow>, bool), StoreError> {
    let kept = store.kept_similar(&rt.def.name, &record.id).await?;
    let stale = !kept.is_current();
    if let Some((_, rows)) = kept.kept {
        return Ok((rows, stale));
    }
    let rows = rank(store, rt, record).await?;
    if let Err(e) = store
        .keep_similar(
            &rt.def.name,
            &record.id,
            record.updated_at,
            kept.generation,
            &rows,
        )
        .await
    {
        tracing::warn!(error = %e, record = %record.id, "a similarity ranking was not kept");
    }
    Ok((rows, false))
}

/// Ranks the resolved records of the record's type by similarity to it (the costly step:
/// two full-text queries over the type).
pub async fn rank(
    store: &Store,
    rt: &RecordType,
    record: &Record,
) -> Result<Vec<SimilarRow>, StoreError> {
    rank_with(store, rt, record, &mut TermCounts::default()).await
}

/// How many records have each term, as counted so far: a pass over many records counts each
/// term once (at most [`TermCounts::MAX`] terms are remembered).
#[derive(Default)]
pub struct TermCounts(std::collections::HashMap<String, i64>);

impl TermCounts {
    const MAX: usize = 200_000;
}

/// [`rank`], counting only the terms `counts` does not know yet.
pub async fn rank_with(
    store: &Store,
    rt: &RecordType,
    record: &Record,
    counts: &mut TermCounts,
) -> Result<Vec<SimilarRow>, StoreError> {
    let text = tether_store::dialect::record_search_text(&rt.def, &record.name, &record.fields);
    let candidates = suggest::search_terms(&text, SIMILARITY_CANDIDATES);
    let unknown: Vec<String> = candidates
        .iter()
        .filter(|t| !counts.0.contains_key(*t))
        .cloned()
        .collect();
    let fresh = store.term_document_counts(&unknown, COMMON_TERM).await?;
    if counts.0.len() + fresh.len() > TermCounts::MAX {
        counts.0.clear();
    }
    counts.0.extend(fresh);
    let counted: Vec<(String, i64)> = candidates
        .into_iter()
        .filter_map(|t| counts.0.get(&t).map(|n| (t, *n)))
        .collect();
    let terms = suggest::distinctive_terms(&counted, COMMON_TERM, SIMILARITY_TERMS);
    store
        .similar_resolved(&rt.def.name, record.id.as_str(), &terms, SIMILAR_KEPT)
        .await
}

async fn rule_facts(
    store: &Store,
    rt: &RecordType,
    record: &Record,
    subject: &Subject,
) -> Result<RuleFacts, StoreError> {
    let history = store.owner_history(&record.id).await?;
    let activities = store.timeline(&record.id, None, 200).await?;
    let team = match &record.owner {
        Owner::Team { team_id } => store.team(team_id).await?,
        Owner::User { .. } => None,
    };
    let links = store.record_links_of(&record.id).await?;
    let related = store
        .record_views(
            &links
                .iter()
                .map(|(_, id)| RecordId::new(id.as_str()))
                .collect::<Vec<_>>(),
            Some(&subject.user_id),
        )
        .await?;
    let types: BTreeMap<String, String> = store
        .record_types()
        .await?
        .into_iter()
        .map(|t| (t.def.name, t.def.display_name.to_lowercase()))
        .collect();

    let mut ids: BTreeSet<UserId> = BTreeSet::new();
    ids.extend(history.iter().filter_map(|h| match &h.owner {
        Owner::User { user_id } => Some(user_id.clone()),
        Owner::Team { .. } => None,
    }));
    ids.extend(
        activities
            .iter()
            .filter_map(|a| a.author.as_ref().map(|p| p.id.clone())),
    );
    ids.extend(
        team.iter()
            .flat_map(|t| t.members.iter().map(|m| m.user_id.clone())),
    );
    ids.extend(related.iter().filter_map(|v| match &v.record.owner {
        Owner::User { user_id } => Some(user_id.clone()),
        Owner::Team { .. } => None,
    }));
    let people: BTreeMap<UserId, Person> = store
        .users_by_ids(&ids.into_iter().collect::<Vec<_>>())
        .await?
        .into_iter()
        .map(|u| {
            (
                u.id.clone(),
                Person {
                    id: u.id.into(),
                    name: u.name,
                    active: u.active,
                },
            )
        })
        .collect();
    let person = |id: &UserId| people.get(id).cloned();

    let owner = match &record.owner {
        Owner::User { user_id } => person(user_id),
        Owner::Team { .. } => None,
    };
    let mut previous = Vec::new();
    for h in history.iter().rev() {
        if let Owner::User { user_id } = &h.owner
            && Some(user_id.as_str()) != owner.as_ref().map(|o| o.id.as_str())
            && !previous.iter().any(|p: &Person| p.id == user_id.as_str())
            && let Some(p) = person(user_id)
        {
            previous.push(p);
        }
    }
    let mut logged = Vec::new();
    let mut connectors = Vec::new();
    for a in &activities {
        let Some(author) = a.author.as_ref().and_then(|p| person(&p.id)) else {
            continue;
        };
        match a.kind {
            EntryKind::ChatConnection => {
                if !connectors.iter().any(|p: &Person| p.id == author.id) {
                    connectors.push(author);
                }
            }
            EntryKind::ChatDisconnection => {}
            EntryKind::Logged(kind) => {
                if !logged
                    .iter()
                    .any(|l: &LoggedActivity| l.author.id == author.id)
                {
                    logged.push(LoggedActivity {
                        author,
                        kind: kind.as_str().to_owned(),
                        at: super::views::rfc3339(a.at),
                        day: short_date(a.at),
                    });
                }
            }
        }
    }
    let team = team.map(|t| {
        let admins = t
            .members
            .iter()
            .filter(|m| m.is_admin)
            .filter_map(|m| person(&m.user_id))
            .collect();
        let members = t
            .members
            .iter()
            .filter_map(|m| person(&m.user_id))
            .collect();
        (t.name, admins, members)
    });
    let related_owners = related
        .iter()
        .filter(|v| decide(subject, Access::Read, v.facts()).is_allowed())
        .filter_map(|v| match &v.record.owner {
            Owner::User { user_id } => person(user_id).map(|owner| RelatedRecord {
                owner,
                record_type: v.record.record_type.clone(),
                type_word: types
                    .get(&v.record.record_type)
                    .cloned()
                    .unwrap_or_default(),
                name: v.record.name.clone(),
            }),
            Owner::Team { .. } => None,
        })
        .collect();
    Ok(RuleFacts {
        record_type: rt.def.name.clone(),
        type_word: rt.def.display_name.to_lowercase(),
        owner,
        previous_owners: previous,
        team,
        activities: logged,
        connectors,
        related_owners,
    })
}

/// Similarity-based suggestions from a ranking of similar resolved records: their resolvers,
/// with the records named only where `subject` may read them.
async fn similarity(
    store: &Store,
    rt: &RecordType,
    rows: &[SimilarRow],
    subject: &Subject,
    now: i64,
) -> Result<Vec<Suggestion>, StoreError> {
    let Some(top) = rows
        .iter()
        .map(|r| r.score)
        .fold(None, |m: Option<f64>, s| Some(m.map_or(s, |m| m.max(s))))
    else {
        return Ok(Vec::new());
    };
    let record_ids: Vec<RecordId> = rows.iter().map(|r| RecordId::new(r.id.as_str())).collect();
    let readable: BTreeSet<String> = store
        .record_views(&record_ids, Some(&subject.user_id))
        .await?
        .into_iter()
        .filter(|v| decide(subject, Access::Read, v.facts()).is_allowed())
        .map(|v| v.record.id.into_string())
        .collect();
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let info: BTreeMap<String, tether_store::similar::ResolvedInfo> = store
        .resolved_info(&ids)
        .await?
        .into_iter()
        .map(|i| (i.id.clone(), i))
        .collect();
    let similar: Vec<SimilarResolved> = rows
        .iter()
        .filter_map(|r| {
            let i = info.get(&r.id)?;
            let name = readable.contains(&i.id).then(|| i.name.clone());
            let number = i
                .number
                .clone()
                .unwrap_or_else(|| rt.def.display_name.clone());
            let label = match &name {
                Some(name) => format!("{number} '{name}'"),
                None => number,
            };
            Some(SimilarResolved {
                example: ExampleRecord {
                    id: i.id.clone(),
                    number: i.number.clone(),
                    name,
                },
                label,
                resolver: Person {
                    id: i.resolved_by.clone(),
                    name: i.resolver_name.clone(),
                    active: i.resolver_active,
                },
                similarity: if top > 0.0 { r.score / top } else { 0.0 },
                age_days: (now - i.resolved_at) as f64 / DAY_MS,
                days_to_resolve: (i.resolved_at - i.created_at) as f64 / DAY_MS,
            })
        })
        .collect();
    let singular = rt.def.display_name.to_lowercase();
    Ok(suggest::similarity_based(
        &similar,
        &rt.def.name,
        &singular,
        &format!("{singular}s"),
    ))
}

/// A suggestion as clients see it.
#[derive(Serialize, ToSchema)]
pub struct SuggestionOut {
    pub user: PersonRef,
    /// `rule` or `similarity`
    pub source: String,
    /// Why, in English: "Owns this case", "Logged a phone call on 12 Nov".
    pub reasons: Vec<String>,
    /// Why, as codes with their facts, one for each of `reasons` in the same order: what a UI
    /// words in its reader's language (record types by API name, times in RFC 3339).
    pub why: Vec<Reason>,
    /// 0–1; rule-based suggestions are 1.
    pub confidence: f64,
    /// The most similar record the person resolved (similarity suggestions), as `{type, id}`.
    pub example_record: Option<RecordKey>,
}

pub fn out(rt: &RecordType, s: Suggestion) -> SuggestionOut {
    SuggestionOut {
        user: PersonRef {
            id: UserId::new(s.user_id),
            name: s.name,
        },
        source: s.source.to_owned(),
        reasons: s.reasons,
        why: s.why,
        confidence: (s.confidence * 100.0).round() / 100.0,
        example_record: s
            .example_record_id
            .map(|id| RecordKey::new(&rt.def.name, id)),
    }
}

/// R12: up to ten people to involve, best first, each with its reasons, after the record's
/// checks and the caller's search limit (the similarity step costs as a search does).
pub async fn suggested_contacts(
    state: &AppState,
    caller: &Caller,
    ty: &str,
    id: &RecordId,
) -> ApiResult<Vec<SuggestionOut>> {
    let ctx = record_context(state, caller, ty, id).await?;
    state.limit(caller, crate::limits::Kind::Search).await?;
    seen_by(state, &ctx.rt, &ctx.view.record, &caller.subject).await
}

/// The suggestions of `record` as `subject` sees them, in the API's shape (also the panel's
/// section); a ranking found stale is handed to the background task to be ranked again.
pub async fn seen_by(
    state: &AppState,
    rt: &RecordType,
    record: &Record,
    subject: &Subject,
) -> ApiResult<Vec<SuggestionOut>> {
    let computed = compute(&state.store, rt, record, subject, tether_store::now_ms()).await?;
    if computed.stale {
        state.similar.refresh(&rt.def.name, &record.id);
    }
    Ok(computed
        .suggestions
        .into_iter()
        .map(|s| out(rt, s))
        .collect())
}
