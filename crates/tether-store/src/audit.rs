//! The audit log (SPEC R22): who did what, when, to which record or chat. Audited changes write
//! their entry in the same transaction as the change itself, with [`audit_insert!`].

use crate::{Result, Store};
use serde::Serialize;
use serde_json::Value;
use tether_domain::UserId;

/// One change to remember.
#[derive(Clone, Debug)]
pub struct NewAudit {
    pub actor_id: Option<UserId>,
    /// The API key the change was made with (then `actor_id` is `None`: a key is no person).
    pub api_key_id: Option<String>,
    pub action: &'static str,
    pub record_type: Option<String>,
    pub record_id: Option<String>,
    pub chat_id: Option<String>,
    pub details: Value,
}

impl NewAudit {
    pub fn new(actor_id: Option<&UserId>, action: &'static str, details: Value) -> Self {
        NewAudit {
            actor_id: actor_id.cloned(),
            api_key_id: None,
            action,
            record_type: None,
            record_id: None,
            chat_id: None,
            details,
        }
    }
    pub fn chat(mut self, chat_id: &str) -> Self {
        self.chat_id = Some(chat_id.to_owned());
        self
    }
    pub fn record(mut self, record_type: &str, record_id: &str) -> Self {
        self.record_type = Some(record_type.to_owned());
        self.record_id = Some(record_id.to_owned());
        self
    }
    /// The change was made with this API key.
    pub fn by_key(mut self, api_key_id: Option<&str>) -> Self {
        self.api_key_id = api_key_id.map(str::to_owned);
        self
    }
}

pub(crate) const INSERT_AUDIT: &str = "INSERT INTO audit_log (id, at, actor_id, action, record_type, record_id, chat_id, details, api_key_id) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";

/// Writes a [`NewAudit`] on `$conn` (a pool or an open transaction).
macro_rules! audit_insert {
    ($conn:expr, $entry:expr) => {{
        let e: &$crate::audit::NewAudit = $entry;
        sqlx::query($crate::audit::INSERT_AUDIT)
            .bind($crate::new_id())
            .bind($crate::now_ms())
            .bind(e.actor_id.as_ref())
            .bind(e.action)
            .bind(e.record_type.as_deref())
            .bind(e.record_id.as_deref())
            .bind(e.chat_id.as_deref())
            .bind(e.details.to_string())
            .bind(e.api_key_id.as_deref())
            .execute($conn)
            .await
            .map(|r| r.rows_affected())
    }};
}
pub(crate) use audit_insert;

/// A stored audit entry, with the actor's name resolved.
#[derive(Clone, Debug, Serialize)]
pub struct AuditEntry {
    pub id: String,
    pub at: i64,
    pub actor: Option<AuditActor>,
    /// The API key the change was made with, with its name.
    pub api_key: Option<AuditActor>,
    pub action: String,
    pub record_type: Option<String>,
    pub record_id: Option<String>,
    /// The record's number and name as they are now (`None` once it is deleted).
    pub record_number: Option<String>,
    pub record_name: Option<String>,
    pub chat_id: Option<String>,
    /// The chat's name as it is now (`None` for a one-on-one chat or a deleted one).
    pub chat_name: Option<String>,
    pub chat_kind: Option<String>,
    /// The team of a channel (whose name only the team's members may see, R13).
    pub chat_team_id: Option<String>,
    pub details: Value,
}

#[derive(Clone, Debug, Serialize)]
pub struct AuditActor {
    pub id: String,
    pub name: String,
}

#[derive(sqlx::FromRow)]
struct AuditRow {
    id: String,
    at: i64,
    actor_id: Option<String>,
    actor_name: Option<String>,
    api_key_id: Option<String>,
    api_key_name: Option<String>,
    action: String,
    record_type: Option<String>,
    record_id: Option<String>,
    record_number: Option<String>,
    record_name: Option<String>,
    chat_id: Option<String>,
    chat_name: Option<String>,
    chat_kind: Option<String>,
    chat_team_id: Option<String>,
    details: String,
}

/// The most entries one audit query returns (a CSV export's bound).
pub const AUDIT_MAX: i64 = 10_000;

/// Filters of `GET /audit`.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    pub record_id: Option<String>,
    pub chat_id: Option<String>,
    pub action: Option<String>,
    /// Only entries by this person.
    pub actor_id: Option<String>,
    /// Entries strictly older than this time (paging backwards).
    pub before: Option<i64>,
    pub limit: i64,
}

impl Store {
    /// Writes one audit entry on its own (for changes that have no transaction of their own).
    pub async fn audit(&self, entry: &NewAudit) -> Result<()> {
        with_write!(self, p => audit_insert!(p, entry))?;
        Ok(())
    }

    /// Newest first, filtered, with the names of the actor, record and chat resolved in the
    /// same query. At most [`AUDIT_MAX`] entries.
    pub async fn list_audit(&self, f: &AuditFilter) -> Result<Vec<AuditEntry>> {
        const SQL: &str = "SELECT a.id, a.at, a.actor_id, u.name AS actor_name, a.api_key_id, k.name AS api_key_name, a.action, a.record_type, \
             a.record_id, r.number AS record_number, r.name AS record_name, a.chat_id, c.name AS chat_name, \
             c.kind AS chat_kind, c.team_id AS chat_team_id, a.details FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id LEFT JOIN api_keys k ON k.id = a.api_key_id \
             LEFT JOIN records r ON r.id = a.record_id LEFT JOIN chats c ON c.id = a.chat_id \
             WHERE ($1 IS NULL OR a.record_id = $1) AND ($2 IS NULL OR a.chat_id = $2) \
             AND ($3 IS NULL OR a.action = $3) AND ($4 IS NULL OR a.at < $4) \
             AND ($6 IS NULL OR a.actor_id = $6) \
             ORDER BY a.at DESC, a.id DESC LIMIT $5";
        let rows: Vec<AuditRow> = with_pool!(self, p => sqlx::query_as(SQL)
            .bind(f.record_id.as_deref())
            .bind(f.chat_id.as_deref())
            .bind(f.action.as_deref())
            .bind(f.before)
            .bind(f.limit.clamp(1, AUDIT_MAX))
            .bind(f.actor_id.as_deref())
            .fetch_all(p)
            .await)?;
        rows.into_iter()
            .map(|r| {
                Ok(AuditEntry {
                    id: r.id,
                    at: r.at,
                    actor: r.actor_id.map(|id| AuditActor {
                        id,
                        name: r.actor_name.unwrap_or_default(),
                    }),
                    api_key: r.api_key_id.map(|id| AuditActor {
                        id,
                        name: r.api_key_name.unwrap_or_default(),
                    }),
                    action: r.action,
                    record_type: r.record_type,
                    record_id: r.record_id,
                    record_number: r.record_number,
                    record_name: r.record_name,
                    chat_id: r.chat_id,
                    chat_name: r.chat_name,
                    chat_kind: r.chat_kind,
                    chat_team_id: r.chat_team_id,
                    details: serde_json::from_str(&r.details)?,
                })
            })
            .collect()
    }
}
