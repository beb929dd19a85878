//! Text matching that behaves the same on both backends, and the few places where SQLite and
//! PostgreSQL need different SQL: the full-text indexes of records and messages (FTS5 with BM25
//! on SQLite, tsvector on PostgreSQL) and the schema listing.
//!
//! Case-insensitive matching: SQLite's `lower()` and `LIKE` fold ASCII only, PostgreSQL's
//! depend on the collation. So names are folded once in Rust ([`fold`]) into a `*_folded`
//! column when written, and filters compare folded text with `LIKE … ESCAPE '\'`.

/// Lower-cases text the way every filter compares it ("Åsa" and "ÅSA" fold alike).
pub fn fold(s: &str) -> String {
    s.to_lowercase()
}

/// A `LIKE` pattern matching `needle` anywhere, with `%`, `_` and `\` taken literally.
pub fn contains_pattern(needle: &str) -> String {
    format!("%{}%", like_literal(&fold(needle)))
}

/// `text` with `%`, `_` and `\` taken literally in a `LIKE … ESCAPE '\'` pattern.
pub fn like_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The statement that adds a record's text to the full-text index (`$1` id, `$2` type,
/// `$3` text), after the record's row is written: FTS5 takes the text, under the record's
/// integer key as rowid (made by a trigger on `records`; migration 0017), PostgreSQL a
/// tsvector of it.
pub(crate) fn insert_record_text(backend: crate::Backend) -> &'static str {
    match backend {
        crate::Backend::Sqlite => {
            "INSERT INTO record_text (rowid, record_id, type, body) \
             SELECT key, $1, $2, $3 FROM record_text_trigram_ids WHERE record_id = $1"
        }
        crate::Backend::Postgres => {
            "INSERT INTO record_text (record_id, type, tsv) VALUES ($1, $2, to_tsvector('english', $3))"
        }
    }
}

/// The statement that removes a record's entry from the full-text index (`$1` id), before
/// the record's row is deleted: on SQLite by the record's integer key (a lookup; the
/// `record_id` column of FTS5 has no index, so a `WHERE record_id` scanned every entry).
pub(crate) fn delete_record_text(backend: crate::Backend) -> &'static str {
    match backend {
        crate::Backend::Sqlite => {
            "DELETE FROM record_text WHERE rowid = (SELECT key FROM record_text_trigram_ids WHERE record_id = $1)"
        }
        crate::Backend::Postgres => "DELETE FROM record_text WHERE record_id = $1",
    }
}

/// A row a write transaction locks before it reads what its change is computed from.
#[derive(Clone, Copy)]
pub(crate) enum Locked {
    /// A record, by id.
    Record,
    /// A record type, by name.
    RecordType,
    /// Who holds `admin` (key `admins`): a change that could take it from someone reads the
    /// other administrators under this lock, so two such changes at once cannot both pass.
    Admins,
    /// The webhook endpoints (key `webhook_endpoints`): a registration counts them under this
    /// lock, so two at once cannot pass the bound together.
    Webhooks,
}

/// The statement that takes a row's lock for the rest of a write transaction (`$1` the key),
/// so a change reads the row as no other change can alter it before the commit. On SQLite
/// none is needed: every write runs on the one writer connection, one transaction at a time.
pub(crate) fn lock_row(backend: crate::Backend, row: Locked) -> Option<&'static str> {
    match (backend, row) {
        (crate::Backend::Sqlite, _) => None,
        (crate::Backend::Postgres, Locked::Record) => {
            Some("SELECT id FROM records WHERE id = $1 FOR UPDATE")
        }
        (crate::Backend::Postgres, Locked::RecordType) => {
            Some("SELECT name FROM record_types WHERE name = $1 FOR UPDATE")
        }
        (crate::Backend::Postgres, Locked::Admins | Locked::Webhooks) => {
            Some("SELECT pg_advisory_xact_lock(hashtext($1))")
        }
    }
}

/// The statement that claims due webhook deliveries (`$1` now, `$2` held until, `$3` at most,
/// `$4` of that endpoint only, or of any when NULL): pending, due, not held, and each the
/// oldest pending delivery of its record to its endpoint; answers `id, endpoint_id, event_id,
/// payload, attempts, created_at` of those claimed. On PostgreSQL rows another node is
/// claiming at the same moment are skipped (`SKIP LOCKED`), so two nodes never claim one
/// delivery; SQLite's one writer runs one claim at a time.
pub(crate) fn claim_webhook_deliveries(backend: crate::Backend) -> &'static str {
    match backend {
        crate::Backend::Sqlite => concat!(
            "UPDATE webhook_deliveries SET claimed_until = $2 WHERE seq IN (\
             SELECT d.seq FROM webhook_deliveries d WHERE ",
            webhook_claimable!(),
            " AND ($4 IS NULL OR d.endpoint_id = $4) \
             ORDER BY d.next_attempt_at, d.seq LIMIT $3) \
             RETURNING id, endpoint_id, event_id, payload, attempts, created_at"
        ),
        crate::Backend::Postgres => concat!(
            "UPDATE webhook_deliveries SET claimed_until = $2 WHERE seq IN (\
             SELECT d.seq FROM webhook_deliveries d WHERE ",
            webhook_claimable!(),
            " AND ($4::text IS NULL OR d.endpoint_id = $4) \
             ORDER BY d.next_attempt_at, d.seq LIMIT $3 FOR UPDATE SKIP LOCKED) \
             RETURNING id, endpoint_id, event_id, payload, attempts, created_at"
        ),
    }
}

/// The statement that answers whether user `$2` is a member of chat `$1` now (a row when so),
/// read inside a write's transaction. On PostgreSQL the member row is share-locked until the
/// commit, so removing the member waits for the write it lets through; on SQLite the one writer
/// connection already orders a removal before or after it.
pub(crate) fn member_now(backend: crate::Backend) -> &'static str {
    match backend {
        crate::Backend::Sqlite => "SELECT 1 FROM chat_members WHERE chat_id = $1 AND user_id = $2",
        crate::Backend::Postgres => {
            "SELECT 1 FROM chat_members WHERE chat_id = $1 AND user_id = $2 FOR KEY SHARE"
        }
    }
}

/// The statement that answers whether user `$2` may act on message `$1` now, inside the
/// action's write transaction (a row when they may): `$2` is a member of the message's chat,
/// the message is not deleted, and with `own` `$2` also sent it. On PostgreSQL the member row is
/// share-locked until the commit, as in [`member_now`].
pub(crate) fn may_act_on_message(backend: crate::Backend, own: bool) -> &'static str {
    match (backend, own) {
        (crate::Backend::Sqlite, false) => {
            "SELECT 1 FROM chat_members cm JOIN messages m ON m.chat_id = cm.chat_id \
             WHERE m.id = $1 AND cm.user_id = $2 AND m.deleted_at IS NULL"
        }
        (crate::Backend::Sqlite, true) => {
            "SELECT 1 FROM chat_members cm JOIN messages m ON m.chat_id = cm.chat_id \
             WHERE m.id = $1 AND cm.user_id = $2 AND m.sender_id = $2 AND m.deleted_at IS NULL"
        }
        (crate::Backend::Postgres, false) => {
            "SELECT 1 FROM chat_members cm JOIN messages m ON m.chat_id = cm.chat_id \
             WHERE m.id = $1 AND cm.user_id = $2 AND m.deleted_at IS NULL FOR KEY SHARE OF cm"
        }
        (crate::Backend::Postgres, true) => {
            "SELECT 1 FROM chat_members cm JOIN messages m ON m.chat_id = cm.chat_id \
             WHERE m.id = $1 AND cm.user_id = $2 AND m.sender_id = $2 AND m.deleted_at IS NULL \
             FOR KEY SHARE OF cm"
        }
    }
}

/// The statement that adds a message's terms to the search index (`$1` message, `$2` chat,
/// `$3` space-separated terms from `tether_domain::search::index_terms`). On SQLite the terms
/// also get the chat's token ([`chat_token`]), so a search can be limited to the caller's
/// chats inside the full-text index.
pub(crate) fn insert_message_text(backend: crate::Backend) -> &'static str {
    match backend {
        crate::Backend::Sqlite => {
            "INSERT INTO message_text (message_id, chat_id, terms) VALUES ($1, $2, $3 || ' zzchat' || $2)"
        }
        crate::Backend::Postgres => {
            "INSERT INTO message_text (message_id, chat_id, tsv) VALUES ($1, $2, to_tsvector('simple', $3))"
        }
    }
}

/// The token that stands for a chat in SQLite's message index: `zzchat<chat id>` (chat ids are
/// 32 hex digits, so the token is one word to FTS5's tokenizer). Search intersects a query
/// with the tokens of the caller's chats, so FTS5 ranks only messages the caller may see, not
/// every message in the installation that has a common word.
pub fn chat_token(chat_id: &str) -> String {
    format!("zzchat{chat_id}")
}

/// Matches (in any chat) from which a search word counts as common, see `search_messages`.
const COMMON_MATCHES: i64 = 2000;

/// Most chats whose tokens one search lists; someone in more chats is searched without them
/// (membership is still checked, only the index does more work).
const MAX_CHAT_TOKENS: usize = 400;

/// A message found by search, with its relevance (higher is better).
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct MessageHit {
    #[sqlx(try_from = "String")]
    pub message_id: tether_domain::MessageId,
    pub score: f64,
}

/// What a record's full-text entry holds: its name and the values of its text fields.
pub fn record_search_text(
    def: &tether_domain::record_type::RecordTypeDef,
    name: &str,
    fields: &std::collections::BTreeMap<String, serde_json::Value>,
) -> String {
    use tether_domain::record_type::FieldKind;
    let mut text = name.to_owned();
    for f in def.fields.iter().filter(|f| {
        matches!(
            f.kind,
            FieldKind::Text | FieldKind::LongText | FieldKind::Choice
        )
    }) {
        if let Some(v) = fields.get(&f.name).and_then(serde_json::Value::as_str) {
            text.push('\n');
            text.push_str(v);
        }
    }
    text
}

/// A resolved record found similar, with its relevance (higher is more similar).
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SimilarRow {
    pub id: String,
    pub score: f64,
}

impl crate::Store {
    /// Messages matching `query` (every word; any stem of a word) in chats where `viewer` is a
    /// member, inside the viewer's history window, not deleted — optionally only in `chat_ids` —
    /// best first: BM25 on SQLite, `ts_rank` on PostgreSQL. Every chat counts, however old (R27).
    pub async fn search_messages(
        &self,
        viewer: &tether_domain::UserId,
        query: &[Vec<String>],
        chat_ids: Option<&[tether_domain::ChatId]>,
        limit: i64,
    ) -> crate::Result<Vec<MessageHit>> {
        let query: Vec<Vec<&String>> = query
            .iter()
            .map(|w| {
                w.iter()
                    .filter(|t| !t.is_empty() && t.chars().all(char::is_alphanumeric))
                    .collect::<Vec<_>>()
            })
            .filter(|w| !w.is_empty())
            .collect();
        if query.is_empty() || chat_ids.is_some_and(<[tether_domain::ChatId]>::is_empty) {
            return Ok(Vec::new());
        }
        let (sqlite, pg) = (
            query
                .iter()
                .map(|w| {
                    format!(
                        "({})",
                        w.iter()
                            .map(|t| format!("\"{t}\""))
                            .collect::<Vec<_>>()
                            .join(" OR ")
                    )
                })
                .collect::<Vec<_>>()
                .join(" AND "),
            query
                .iter()
                .map(|w| {
                    format!(
                        "({})",
                        w.iter().map(|t| t.as_str()).collect::<Vec<_>>().join(" | ")
                    )
                })
                .collect::<Vec<_>>()
                .join(" & "),
        );
        let postgres = self.backend() == crate::Backend::Postgres;
        let text = if postgres {
            pg
        } else {
            // A rare word matches few messages anywhere: rank them all, then keep the caller's.
            // A common one would make FTS5 rank most of the installation: then limit the match
            // to the caller's chats inside the index (see `chat_token`). Counting stops at
            // `COMMON_MATCHES`, so telling the two apart is cheap either way.
            let (matches,): (i64,) = with_pool!(self, p => sqlx::query_as(
                "SELECT COUNT(*) FROM (SELECT 1 FROM message_text WHERE message_text MATCH $1 LIMIT $2)")
                .bind(&sqlite).bind(COMMON_MATCHES).fetch_one(p).await)?;
            if matches == 0 {
                return Ok(Vec::new());
            }
            let mine: Vec<String> = match chat_ids {
                _ if matches < COMMON_MATCHES => Vec::new(),
                Some(ids) => ids.iter().map(|id| id.as_str().to_owned()).collect(),
                None => with_pool!(self, p => sqlx::query_as::<_, (String,)>(
                    "SELECT chat_id FROM chat_members WHERE user_id = $1")
                    .bind(viewer).fetch_all(p).await)?
                .into_iter()
                .map(|(id,)| id)
                .collect(),
            };
            let safe = |id: &String| id.chars().all(|c| c.is_ascii_alphanumeric());
            if !mine.is_empty() && mine.len() <= MAX_CHAT_TOKENS && mine.iter().all(safe) {
                let chats = mine
                    .iter()
                    .map(|id| format!("\"{}\"", chat_token(id)))
                    .collect::<Vec<_>>()
                    .join(" OR ");
                format!("{sqlite} AND ({chats})")
            } else {
                sqlite
            }
        };
        let rows = with_pool!(self, p => {
            let mut qb = sqlx::QueryBuilder::new("SELECT mt.message_id, ");
            if postgres {
                qb.push("ts_rank(mt.tsv, to_tsquery('simple', ");
                qb.push_bind(text.clone());
                qb.push("))::float8 AS score");
            } else {
                qb.push("-bm25(message_text) AS score");
            }
            qb.push(" FROM message_text mt JOIN messages m ON m.id = mt.message_id JOIN chat_members cm ON cm.chat_id = m.chat_id AND cm.user_id = ");
            qb.push_bind(viewer);
            qb.push(if postgres { " WHERE mt.tsv @@ to_tsquery('simple', " } else { " WHERE message_text MATCH " });
            qb.push_bind(text.clone());
            if postgres {
                qb.push(")");
            }
            qb.push(" AND m.created_at >= cm.visible_from AND m.deleted_at IS NULL");
            if let Some(ids) = chat_ids {
                qb.push(" AND m.chat_id IN (");
                let mut sep = qb.separated(", ");
                for id in ids {
                    sep.push_bind(id.as_str());
                }
                qb.push(")");
            }
            qb.push(if postgres { " ORDER BY score DESC, m.created_at DESC LIMIT " } else { " ORDER BY bm25(message_text), m.created_at DESC LIMIT " });
            qb.push_bind(limit.clamp(1, 200));
            qb.build_query_as::<MessageHit>().fetch_all(p).await
        })?;
        Ok(rows)
    }

    /// For each of `terms`, the number of records (of every type) whose text has it, counted up
    /// to `cap` (so a common term costs no more than `cap` index entries). One statement that
    /// reads only the full-text index: a filter on the record type would read each match's row,
    /// which made this step cost as much as the ranking. Rarity over all records serves its
    /// purpose (choosing the words a record is about) as well.
    pub async fn term_document_counts(
        &self,
        terms: &[String],
        cap: i64,
    ) -> crate::Result<Vec<(String, i64)>> {
        let terms: Vec<&String> = terms
            .iter()
            .filter(|t| !t.is_empty() && t.chars().all(char::is_alphanumeric))
            .collect();
        if terms.is_empty() {
            return Ok(Vec::new());
        }
        let postgres = self.backend() == crate::Backend::Postgres;
        let rows: Vec<(i64, i64)> = with_pool!(self, p => {
            let mut qb = sqlx::QueryBuilder::new("");
            for (i, t) in terms.iter().enumerate() {
                if i > 0 {
                    qb.push(" UNION ALL ");
                }
                qb.push("SELECT ");
                qb.push_bind(i as i64);
                qb.push(" AS n, COUNT(*) AS c FROM (SELECT 1 FROM record_text WHERE ");
                if postgres {
                    qb.push("tsv @@ to_tsquery('english', ");
                    qb.push_bind((*t).clone());
                    qb.push(")");
                } else {
                    qb.push("record_text MATCH ");
                    qb.push_bind(format!("\"{t}\""));
                }
                qb.push(" LIMIT ");
                qb.push_bind(cap);
                qb.push(format!(") AS s{i}"));
            }
            qb.build_query_as().fetch_all(p).await
        })?;
        let mut out: Vec<(String, i64)> = Vec::with_capacity(terms.len());
        for (n, c) in rows {
            if let Some(t) = usize::try_from(n).ok().and_then(|n| terms.get(n)) {
                out.push(((*t).clone(), c));
            }
        }
        // Back in the caller's order (UNION ALL keeps it in practice; this makes it certain).
        out.sort_by_key(|(t, _)| terms.iter().position(|x| *x == t));
        Ok(out)
    }

    /// Resolved records of `record_type` (not `exclude_id`) ranked by full-text relevance to
    /// `terms` (any of them): BM25 on SQLite (FTS5), `ts_rank` on PostgreSQL. Terms must be
    /// letters and digits only (see `tether_domain::suggest::search_terms`).
    ///
    /// The index ranks its matches of the type on its own first, and only the best
    /// `RANKED_FIRST` are joined to their records to keep the resolved ones: joining every
    /// match cost more than ranking them. So fewer than `limit` may come back where the best
    /// matches are mostly unresolved.
    pub async fn similar_resolved(
        &self,
        record_type: &str,
        exclude_id: &str,
        terms: &[String],
        limit: i64,
    ) -> crate::Result<Vec<SimilarRow>> {
        /// Matches ranked by the index before they are filtered by type and state.
        const RANKED_FIRST: i64 = 400;
        let terms: Vec<&String> = terms
            .iter()
            .filter(|t| !t.is_empty() && t.chars().all(char::is_alphanumeric))
            .collect();
        if terms.is_empty() {
            return Ok(Vec::new());
        }
        let rows = match &self.pool {
            crate::db::Pool::Sqlite(p) => {
                let query = terms
                    .iter()
                    .map(|t| format!("\"{t}\""))
                    .collect::<Vec<_>>()
                    .join(" OR ");
                sqlx::query_as(
                    "SELECT r.id, s.score FROM (SELECT record_id, -rank AS score FROM record_text WHERE record_text MATCH $1 AND type = $2 ORDER BY rank LIMIT $5) s \
                     JOIN records r ON r.id = s.record_id \
                     WHERE r.type = $2 AND r.state = 'resolved' AND r.resolved_by IS NOT NULL AND r.id <> $3 \
                     ORDER BY s.score DESC LIMIT $4",
                )
                .bind(query)
                .bind(record_type)
                .bind(exclude_id)
                .bind(limit)
                .bind(RANKED_FIRST)
                .fetch_all(p)
                .await?
            }
            crate::db::Pool::Postgres(p) => {
                let query = terms
                    .iter()
                    .map(|t| t.as_str())
                    .collect::<Vec<_>>()
                    .join(" | ");
                sqlx::query_as(
                    "SELECT r.id, s.score FROM (SELECT t.record_id, ts_rank(t.tsv, to_tsquery('english', $1))::float8 AS score FROM record_text t \
                     WHERE t.tsv @@ to_tsquery('english', $1) AND t.type = $2 ORDER BY score DESC LIMIT $5) s \
                     JOIN records r ON r.id = s.record_id \
                     WHERE r.type = $2 AND r.state = 'resolved' AND r.resolved_by IS NOT NULL AND r.id <> $3 \
                     ORDER BY s.score DESC LIMIT $4",
                )
                .bind(query)
                .bind(record_type)
                .bind(exclude_id)
                .bind(limit)
                .bind(RANKED_FIRST)
                .fetch_all(p)
                .await?
            }
        };
        Ok(rows)
    }
}

impl crate::Store {
    /// Every (table, column) of the schema, sorted; a test checks both backends agree. The
    /// full-text indexes (`record_text*`, `message_text*`) are left out: they are the
    /// backend-specific tables.
    pub async fn schema_columns(&self) -> crate::Result<Vec<(String, String)>> {
        let mut cols: Vec<(String, String)> = match &self.pool {
            crate::db::Pool::Sqlite(p) => {
                sqlx::query_as(
                    "SELECT m.name, c.name FROM sqlite_master m JOIN pragma_table_info(m.name) c \
                     WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '_sqlx%' AND m.name NOT LIKE 'record_text%' AND m.name NOT LIKE 'message_text%'",
                )
                .fetch_all(p)
                .await?
            }
            crate::db::Pool::Postgres(p) => {
                sqlx::query_as(
                    "SELECT table_name::TEXT, column_name::TEXT FROM information_schema.columns \
                     WHERE table_schema = current_schema() AND table_name NOT LIKE '\\_sqlx%' AND table_name NOT LIKE 'record\\_text%' AND table_name NOT LIKE 'message\\_text%'",
                )
                .fetch_all(p)
                .await?
            }
        };
        cols.sort();
        Ok(cols)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_escape_wildcards_and_fold_case() {
        assert_eq!(contains_pattern("ÅSA"), "%åsa%");
        assert_eq!(contains_pattern("50%_off\\"), "%50\\%\\_off\\\\%");
    }
}
