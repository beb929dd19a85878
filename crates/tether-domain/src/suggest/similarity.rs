//! Similarity-based suggestions: the people who resolved the most similar records.

use super::{ExampleRecord, Person, Reason, Suggestion};
use std::collections::BTreeMap;

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
