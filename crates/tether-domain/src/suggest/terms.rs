//! The terms a record's text is compared by.

use std::collections::BTreeMap;

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
