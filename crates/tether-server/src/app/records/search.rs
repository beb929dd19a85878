//! The search over every record type the caller may read (issue 16): by number, name and text
//! fields, each type filtered in SQL by its read scope ([`tether_domain::Subject::read_scope`])
//! and every row checked once more by the rule itself.

use crate::AppState;
use crate::app::views::{RecordList, RecordOut};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use tether_domain::Access;
use tether_domain::access::{ReadScope, decide};
use tether_domain::invalid::{FieldError, Invalid};

/// Longest search text.
pub const MAX_QUERY_CHARS: usize = 200;

/// What to look for: trimmed, not empty, at most [`MAX_QUERY_CHARS`] characters.
pub struct RecordQuery(String);

impl RecordQuery {
    /// The text of `q`; 422 on `q` when it is empty or too long.
    pub fn parse(q: &str) -> ApiResult<RecordQuery> {
        let text = q.trim();
        if text.is_empty() {
            return Err(ApiError::invalid(
                "q",
                Invalid::SearchEmpty,
                "type a record number, a name or a word to search for",
            ));
        }
        if text.chars().count() > MAX_QUERY_CHARS {
            return Err(ApiError::fields(vec![
                FieldError::new(
                    "q",
                    Invalid::TooLong,
                    format!("search for at most {MAX_QUERY_CHARS} characters"),
                )
                .with("max", MAX_QUERY_CHARS),
            ]));
        }
        Ok(RecordQuery(text.to_owned()))
    }
}

/// Records of every type the caller may read that match: an exact number first, then names
/// starting with the text, then the rest, most recently changed first. One query, whatever the
/// number of types.
pub async fn search(
    state: &AppState,
    caller: &Caller,
    text: &RecordQuery,
    limit: i64,
) -> ApiResult<RecordList> {
    let scopes: Vec<(String, ReadScope)> = state
        .record_types()
        .await?
        .iter()
        .map(|t| {
            let scope = caller.subject.read_scope(&t.def.name);
            (t.def.name.clone(), scope)
        })
        .collect();
    let views = state
        .store
        .search_records(caller.id(), &scopes, &text.0, limit)
        .await?;
    let items = views
        .into_iter()
        // The SQL scope is the rule's own translation; the rule still has the last word.
        .filter(|v| decide(&caller.subject, Access::Read, v.facts()).is_allowed())
        .map(|v| {
            let can_write = decide(&caller.subject, Access::Write, v.facts()).is_allowed();
            RecordOut::new(state, v.record, can_write)
        })
        .collect();
    Ok(RecordList {
        items,
        next_offset: None,
    })
}
