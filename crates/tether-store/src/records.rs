//! Records, their links, shares, owner history and timeline activities.
//!
//! Reads that feed an access decision return the record together with the caller's share (one
//! query), and list queries push the caller's [`ReadScope`] into SQL, so no list costs a query
//! per row.

use crate::audit::{NewAudit, audit_insert};
use crate::dialect::{contains_pattern, fold};
use crate::{Result, Store, StoreError, new_id, now_ms};
use serde::Serialize;
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet};
use tether_domain::access::ReadScope;
use tether_domain::record::{ActivityKind, RecordState};
use tether_domain::record_type::{NUMBER_FIELD, RecordTypeDef, format_number};
use tether_domain::{Access, Owner, RecordFacts, TeamId, UserId};

impl Store {
    /// Deletes a record and what is only the record's — its timeline, shares, owner history, links
    /// and search entry — in one transaction. Its connected chats stay (members keep every
    /// message); the connections go, each chat gets `system` as a system message, and the audit
    /// log keeps a `record.deleted` entry naming the chats. Refused (`Conflict`) while another
    /// record's lookup field points to it. Returns the chats that were connected, each with the
    /// id of the system message it got.
    pub async fn delete_record(
        &self,
        record_type: &str,
        id: &str,
        actor_id: &str,
        system: &crate::chats::SystemMessage,
    ) -> Result<Vec<(String, String)>> {
        let now = now_ms();
        with_write!(self, p => {
            let mut tx = p.begin().await?;
            let (linked,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM record_links WHERE target_id = $1 AND record_id <> $1")
                .bind(id).fetch_one(&mut *tx).await?;
            if linked > 0 {
                return Err(StoreError::Conflict(format!(
                    "{linked} other record(s) point to this record in a lookup field; change those first"
                )));
            }
            let chats: Vec<(String,)> = sqlx::query_as("SELECT chat_id FROM chat_connections WHERE record_id = $1 ORDER BY chat_id")
                .bind(id).fetch_all(&mut *tx).await?;
            let chats: Vec<String> = chats.into_iter().map(|(c,)| c).collect();
            let mut written = Vec::with_capacity(chats.len());
            for chat in &chats {
                written.push((chat.clone(), crate::chats::insert_system_in_tx!(tx, chat, system, now)));
            }
            for sql in [
                "DELETE FROM chat_connections WHERE record_id = $1",
                "DELETE FROM record_links WHERE record_id = $1 OR target_id = $1",
                "DELETE FROM record_shares WHERE record_id = $1",
                "DELETE FROM owner_history WHERE record_id = $1",
                "DELETE FROM activities WHERE record_id = $1",
                "DELETE FROM record_text WHERE record_id = $1",
            ] {
                sqlx::query(sql).bind(id).execute(&mut *tx).await?;
            }
            let gone = sqlx::query("DELETE FROM records WHERE id = $1").bind(id).execute(&mut *tx).await?.rows_affected();
            if gone == 0 {
                return Err(StoreError::NotFound("record"));
            }
            let entry = NewAudit::new(Some(actor_id), "record.deleted", json!({"chats": chats})).record(record_type, id);
            audit_insert!(&mut *tx, &entry)?;
            tx.commit().await?;
            Ok::<_, StoreError>(written)
        })
    }
}

/// A record as stored, with its owner's display name.
#[derive(Clone, Debug, Serialize)]
pub struct Record {
    pub id: String,
    pub record_type: String,
    pub number: Option<String>,
    pub name: String,
    pub fields: BTreeMap<String, Value>,
    pub owner: Owner,
    pub owner_name: String,
    pub state: RecordState,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Record {
    /// The facts the access decision needs, given the caller's share of this record.
    pub fn facts(&self, shared: Option<Access>) -> RecordFacts<'_> {
        RecordFacts {
            record_type: &self.record_type,
            owner: &self.owner,
            shared,
        }
    }
}

/// A record together with the share the viewer holds on it, if any.
#[derive(Clone, Debug)]
pub struct RecordView {
    pub record: Record,
    pub shared: Option<Access>,
}

impl RecordView {
    pub fn facts(&self) -> RecordFacts<'_> {
        self.record.facts(self.shared)
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct RecordRow {
    id: String,
    #[sqlx(rename = "type")]
    record_type: String,
    number: Option<String>,
    name: String,
    fields: String,
    owner_user_id: Option<String>,
    owner_team_id: Option<String>,
    owner_name: Option<String>,
    state: String,
    created_at: i64,
    updated_at: i64,
    shared: Option<String>,
}

impl RecordRow {
    pub(crate) fn into_view(self) -> Result<RecordView> {
        let owner = match (self.owner_user_id, self.owner_team_id) {
            (Some(u), _) => Owner::User {
                user_id: UserId::new(u),
            },
            (None, Some(t)) => Owner::Team {
                team_id: TeamId::new(t),
            },
            (None, None) => {
                return Err(StoreError::Corrupt(format!(
                    "record {} has no owner",
                    self.id
                )));
            }
        };
        let mut fields: BTreeMap<String, Value> = serde_json::from_str(&self.fields)?;
        if let Some(n) = &self.number {
            fields.insert(NUMBER_FIELD.to_owned(), Value::String(n.clone()));
        }
        let shared = match self.shared.as_deref() {
            Some("write") => Some(Access::Write),
            Some("read") => Some(Access::Read),
            _ => None,
        };
        Ok(RecordView {
            record: Record {
                id: self.id,
                record_type: self.record_type,
                number: self.number,
                name: self.name,
                fields,
                owner,
                owner_name: self.owner_name.unwrap_or_default(),
                state: self.state.parse().map_err(StoreError::Corrupt)?,
                created_at: self.created_at,
                updated_at: self.updated_at,
            },
            shared,
        })
    }
}

/// The columns every record query selects; `$1` is the viewer (for their share).
pub(crate) const RECORD_SELECT: &str = "SELECT r.id, r.type, r.number, r.name, r.fields, r.owner_user_id, r.owner_team_id, \
     COALESCE(ou.name, ot.name) AS owner_name, r.state, r.created_at, r.updated_at, s.access AS shared \
     FROM records r LEFT JOIN users ou ON ou.id = r.owner_user_id LEFT JOIN teams ot ON ot.id = r.owner_team_id \
     LEFT JOIN record_shares s ON s.record_id = r.id AND s.user_id = ";

/// A record to create. Fields are already validated against the type; `at` backdates it
/// (demo data and imports).
#[derive(Clone, Debug)]
pub struct NewRecord {
    pub fields: BTreeMap<String, Value>,
    pub owner: Owner,
    pub state: RecordState,
    pub created_by: Option<String>,
    pub at: Option<i64>,
}

/// A change to a record; `Value::Null` in `fields` clears a field.
#[derive(Clone, Debug, Default)]
pub struct RecordPatch {
    pub fields: BTreeMap<String, Value>,
    pub owner: Option<Owner>,
    pub state: Option<RecordState>,
    pub at: Option<i64>,
}

/// The record before and after an update (field-change notifications need both).
#[derive(Clone, Debug)]
pub struct RecordChange {
    pub before: Record,
    pub after: Record,
}

/// `GET /records/{type}` parameters.
#[derive(Clone, Debug)]
pub struct RecordQuery<'a> {
    pub record_type: &'a str,
    pub viewer: &'a str,
    pub scope: ReadScope,
    pub text: Option<&'a str>,
    pub owner_user: Option<&'a str>,
    pub limit: i64,
}

#[derive(Clone, Debug, Serialize)]
pub struct Person {
    pub id: String,
    pub name: String,
}

/// One activity on a timeline.
#[derive(Clone, Debug, Serialize)]
pub struct Activity {
    pub id: String,
    pub record_id: String,
    pub kind: String,
    pub subject: String,
    pub body: Option<String>,
    pub author: Option<Person>,
    pub at: i64,
    /// The chat of a chat-connection entry (R15).
    pub chat_id: Option<String>,
    pub data: Option<Value>,
}

#[derive(sqlx::FromRow)]
struct ActivityRow {
    id: String,
    record_id: String,
    kind: String,
    subject: String,
    body: Option<String>,
    author_id: Option<String>,
    author_name: Option<String>,
    at: i64,
    chat_id: Option<String>,
    data: Option<String>,
}

impl From<ActivityRow> for Activity {
    fn from(r: ActivityRow) -> Self {
        Activity {
            chat_id: r.chat_id,
            data: r.data.and_then(|d| serde_json::from_str(&d).ok()),
            id: r.id,
            record_id: r.record_id,
            kind: r.kind,
            subject: r.subject,
            body: r.body,
            author: r.author_id.map(|id| Person {
                id,
                name: r.author_name.unwrap_or_default(),
            }),
            at: r.at,
        }
    }
}

/// A past or present owner of a record.
#[derive(Clone, Debug, Serialize)]
pub struct OwnerChange {
    pub owner: Owner,
    pub owner_name: String,
    pub changed_by: Option<String>,
    pub at: i64,
}

#[derive(sqlx::FromRow)]
struct OwnerRow {
    owner_user_id: Option<String>,
    owner_team_id: Option<String>,
    owner_name: Option<String>,
    changed_by: Option<String>,
    at: i64,
}

pub(crate) fn owner_columns(owner: &Owner) -> (Option<&str>, Option<&str>) {
    match owner {
        Owner::User { user_id } => (Some(user_id.as_str()), None),
        Owner::Team { team_id } => (None, Some(team_id.as_str())),
    }
}

/// The lookup fields of `fields` with their target ids.
pub(crate) fn lookup_links<'a>(
    def: &'a RecordTypeDef,
    fields: &'a BTreeMap<String, Value>,
) -> impl Iterator<Item = (&'a str, Option<&'a str>)> {
    def.fields
        .iter()
        .filter(|f| f.kind == tether_domain::record_type::FieldKind::Lookup)
        .filter_map(move |f| fields.get(&f.name).map(|v| (f.name.as_str(), v.as_str())))
}

impl Store {
    /// Creates a record: assigns its number (numbered types), stores its links and the first
    /// owner-history entry, in one transaction.
    pub async fn create_record(&self, def: &RecordTypeDef, new: &NewRecord) -> Result<Record> {
        let id = new_id();
        let at = new.at.unwrap_or_else(now_ms);
        let name = def.primary_name(&new.fields).unwrap_or_default().to_owned();
        let mut stored = new.fields.clone();
        stored.remove(NUMBER_FIELD);
        let fields_doc = serde_json::to_string(&stored)?;
        let search = crate::dialect::record_search_text(def, &name, &stored);
        let text_sql = crate::dialect::insert_record_text(self.backend());
        let (owner_user, owner_team) = owner_columns(&new.owner);
        let resolved_at = (new.state == RecordState::Resolved).then_some(at);
        with_write!(self, p => {
            let mut tx = p.begin().await?;
            let number = match &def.number_prefix {
                Some(prefix) => {
                    let (n,): (i64,) = sqlx::query_as("UPDATE counters SET value = value + 1 WHERE name = $1 RETURNING value")
                        .bind(format!("record_number:{}:{prefix}", def.name)).fetch_one(&mut *tx).await?;
                    Some(format_number(prefix, n))
                }
                None => None,
            };
            sqlx::query("INSERT INTO records (id, type, number, name, name_folded, fields, owner_user_id, owner_team_id, state, created_by, created_at, updated_at, resolved_at, resolved_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12, $13)")
                .bind(&id).bind(&def.name).bind(&number).bind(&name).bind(fold(&name)).bind(&fields_doc)
                .bind(owner_user).bind(owner_team).bind(new.state.as_str()).bind(new.created_by.as_deref()).bind(at)
                .bind(resolved_at).bind(resolved_at.and(owner_user))
                .execute(&mut *tx).await?;
            for (field, target) in lookup_links(def, &stored) {
                if let Some(target) = target {
                    sqlx::query("INSERT INTO record_links (record_id, field, target_id) VALUES ($1, $2, $3)")
                        .bind(&id).bind(field).bind(target).execute(&mut *tx).await?;
                }
            }
            sqlx::query("INSERT INTO owner_history (record_id, owner_user_id, owner_team_id, changed_by, at) VALUES ($1, $2, $3, $4, $5)")
                .bind(&id).bind(owner_user).bind(owner_team).bind(new.created_by.as_deref()).bind(at)
                .execute(&mut *tx).await?;
            sqlx::query(text_sql).bind(&id).bind(&def.name).bind(&search).execute(&mut *tx).await?;
            tx.commit().await?;
            Ok::<_, StoreError>(())
        })?;
        self.record_unchecked(&id).await
    }

    async fn record_unchecked(&self, id: &str) -> Result<Record> {
        self.record_view(id, "")
            .await?
            .map(|v| v.record)
            .ok_or(StoreError::NotFound("record"))
    }

    /// A record by id (any type) with `viewer`'s share of it.
    pub async fn record_view(&self, id: &str, viewer: &str) -> Result<Option<RecordView>> {
        let sql = format!("{RECORD_SELECT}$1 WHERE r.id = $2");
        let row: Option<RecordRow> = with_pool!(self, p => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(viewer).bind(id).fetch_optional(p).await)?;
        row.map(RecordRow::into_view).transpose()
    }

    /// Records by id (any type) with `viewer`'s shares, in one query; missing ids are skipped.
    pub async fn record_views(&self, ids: &[String], viewer: &str) -> Result<Vec<RecordView>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows: Vec<RecordRow> = with_pool!(self, p => {
            let mut qb = sqlx::QueryBuilder::new(RECORD_SELECT);
            qb.push_bind(viewer);
            qb.push(" WHERE r.id IN (");
            let mut sep = qb.separated(", ");
            for id in ids {
                sep.push_bind(id);
            }
            qb.push(")");
            qb.build_query_as().fetch_all(p).await
        })?;
        rows.into_iter().map(RecordRow::into_view).collect()
    }

    /// Which of `(type, id)` do not exist as a record of that type.
    pub async fn missing_records(
        &self,
        wanted: &[(String, String)],
    ) -> Result<Vec<(String, String)>> {
        let ids: Vec<String> = wanted
            .iter()
            .map(|(_, id)| id.clone())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let found: BTreeSet<(String, String)> = self
            .record_views(&ids, "")
            .await?
            .into_iter()
            .map(|v| (v.record.record_type, v.record.id))
            .collect();
        Ok(wanted
            .iter()
            .filter(|w| !found.contains(*w))
            .cloned()
            .collect())
    }

    /// Records of one type the viewer may read (the scope is pushed into SQL), newest change
    /// first, optionally filtered by text (name or number) and owner.
    pub async fn list_records(&self, q: &RecordQuery<'_>) -> Result<Vec<RecordView>> {
        let rows: Vec<RecordRow> = with_pool!(self, p => {
            let mut qb = sqlx::QueryBuilder::new(RECORD_SELECT);
            qb.push_bind(q.viewer);
            qb.push(" WHERE r.type = ");
            qb.push_bind(q.record_type);
            match &q.scope {
                ReadScope::All => {}
                ReadScope::SharedOnly => {
                    qb.push(" AND s.access IS NOT NULL");
                }
                ReadScope::Owners { user_ids, team_ids } => {
                    qb.push(" AND (s.access IS NOT NULL");
                    if !user_ids.is_empty() {
                        qb.push(" OR r.owner_user_id IN (");
                        let mut sep = qb.separated(", ");
                        for u in user_ids {
                            sep.push_bind(u.as_str());
                        }
                        qb.push(")");
                    }
                    if !team_ids.is_empty() {
                        qb.push(" OR r.owner_team_id IN (");
                        let mut sep = qb.separated(", ");
                        for t in team_ids {
                            sep.push_bind(t.as_str());
                        }
                        qb.push(")");
                    }
                    qb.push(")");
                }
            }
            if let Some(text) = q.text.filter(|t| !t.trim().is_empty()) {
                qb.push(" AND (r.name_folded LIKE ");
                qb.push_bind(contains_pattern(text.trim()));
                qb.push(" ESCAPE '\\' OR r.number = ");
                qb.push_bind(text.trim().to_uppercase());
                qb.push(")");
            }
            if let Some(owner) = q.owner_user {
                qb.push(" AND r.owner_user_id = ");
                qb.push_bind(owner);
            }
            qb.push(" ORDER BY r.updated_at DESC, r.id DESC LIMIT ");
            qb.push_bind(q.limit.clamp(1, 200));
            qb.build_query_as().fetch_all(p).await
        })?;
        rows.into_iter().map(RecordRow::into_view).collect()
    }

    /// Applies a validated patch in one transaction: fields merged (null clears), links kept in
    /// step, owner history appended on an owner change, resolution time set on resolve.
    pub async fn update_record(
        &self,
        def: &RecordTypeDef,
        id: &str,
        patch: &RecordPatch,
        actor: Option<&str>,
    ) -> Result<RecordChange> {
        let before = self.record_unchecked(id).await?;
        if before.record_type != def.name {
            return Err(StoreError::NotFound("record"));
        }
        let at = patch.at.unwrap_or_else(now_ms);
        let mut fields = before.fields.clone();
        fields.remove(NUMBER_FIELD);
        for (k, v) in &patch.fields {
            if v.is_null() {
                fields.remove(k);
            } else {
                fields.insert(k.clone(), v.clone());
            }
        }
        let name = def.primary_name(&fields).unwrap_or(&before.name).to_owned();
        let fields_doc = serde_json::to_string(&fields)?;
        let search = crate::dialect::record_search_text(def, &name, &fields);
        let text_sql = crate::dialect::insert_record_text(self.backend());
        let owner = patch.owner.clone().unwrap_or_else(|| before.owner.clone());
        let owner_changed = owner != before.owner;
        let (owner_user, owner_team) = owner_columns(&owner);
        let state = patch.state.unwrap_or(before.state);
        let newly_resolved =
            state == RecordState::Resolved && before.state != RecordState::Resolved;
        with_write!(self, p => {
            let mut tx = p.begin().await?;
            sqlx::query("UPDATE records SET name = $1, name_folded = $2, fields = $3, owner_user_id = $4, owner_team_id = $5, state = $6, updated_at = $7 WHERE id = $8")
                .bind(&name).bind(fold(&name)).bind(&fields_doc).bind(owner_user).bind(owner_team).bind(state.as_str()).bind(at).bind(id)
                .execute(&mut *tx).await?;
            if newly_resolved {
                sqlx::query("UPDATE records SET resolved_at = $1, resolved_by = $2 WHERE id = $3")
                    .bind(at).bind(actor).bind(id).execute(&mut *tx).await?;
            }
            for (field, target) in lookup_links(def, &patch.fields) {
                match target {
                    Some(target) => sqlx::query("INSERT INTO record_links (record_id, field, target_id) VALUES ($1, $2, $3) \
                         ON CONFLICT (record_id, field) DO UPDATE SET target_id = excluded.target_id")
                        .bind(id).bind(field).bind(target).execute(&mut *tx).await?,
                    None => sqlx::query("DELETE FROM record_links WHERE record_id = $1 AND field = $2")
                        .bind(id).bind(field).execute(&mut *tx).await?,
                };
            }
            if owner_changed {
                sqlx::query("INSERT INTO owner_history (record_id, owner_user_id, owner_team_id, changed_by, at) VALUES ($1, $2, $3, $4, $5)")
                    .bind(id).bind(owner_user).bind(owner_team).bind(actor).bind(at)
                    .execute(&mut *tx).await?;
            }
            sqlx::query("DELETE FROM record_text WHERE record_id = $1").bind(id).execute(&mut *tx).await?;
            sqlx::query(text_sql).bind(id).bind(&def.name).bind(&search).execute(&mut *tx).await?;
            tx.commit().await?;
            Ok::<_, StoreError>(())
        })?;
        let after = self.record_unchecked(id).await?;
        Ok(RecordChange { before, after })
    }

    /// Shares a record with a user for read or write (replacing an earlier share); audited.
    pub async fn share_record(
        &self,
        record_type: &str,
        record_id: &str,
        user_id: &str,
        access: Access,
        actor: &str,
    ) -> Result<()> {
        if self.user(user_id).await?.is_none() {
            return Err(StoreError::Invalid(format!("unknown user id: {user_id}")));
        }
        with_write!(self, p => {
            let mut tx = p.begin().await?;
            sqlx::query("INSERT INTO record_shares (record_id, user_id, access, granted_by, granted_at) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (record_id, user_id) DO UPDATE SET access = excluded.access, granted_by = excluded.granted_by, granted_at = excluded.granted_at")
                .bind(record_id).bind(user_id).bind(access.as_str()).bind(actor).bind(now_ms())
                .execute(&mut *tx).await?;
            let entry = NewAudit::new(Some(actor), "record.shared", json!({"user_id": user_id, "access": access.as_str()})).record(record_type, record_id);
            audit_insert!(&mut *tx, &entry)?;
            tx.commit().await?;
            Ok::<_, StoreError>(())
        })?;
        Ok(())
    }

    /// Logs an activity on a record's timeline; `at` backdates it (demo data).
    pub async fn add_activity(
        &self,
        record_id: &str,
        kind: ActivityKind,
        subject: &str,
        body: Option<&str>,
        author_id: Option<&str>,
        at: Option<i64>,
    ) -> Result<Activity> {
        let id = new_id();
        let at = at.unwrap_or_else(now_ms);
        with_write!(self, p => sqlx::query("INSERT INTO activities (id, record_id, kind, subject, body, author_id, at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(&id).bind(record_id).bind(kind.as_str()).bind(subject).bind(body).bind(author_id).bind(at)
            .execute(p).await.map(|r| r.rows_affected()))?;
        let author = match author_id {
            Some(a) => self.user(a).await?.map(|u| Person {
                id: u.id,
                name: u.name,
            }),
            None => None,
        };
        Ok(Activity {
            id,
            record_id: record_id.to_owned(),
            kind: kind.as_str().to_owned(),
            subject: subject.to_owned(),
            body: body.map(str::to_owned),
            author,
            at,
            chat_id: None,
            data: None,
        })
    }

    /// A record's activities, newest first, older than `before` when given.
    pub async fn timeline(
        &self,
        record_id: &str,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<Activity>> {
        let rows: Vec<ActivityRow> = with_pool!(self, p => sqlx::query_as(
            "SELECT a.id, a.record_id, a.kind, a.subject, a.body, a.author_id, u.name AS author_name, a.at, a.chat_id, a.data FROM activities a \
             LEFT JOIN users u ON u.id = a.author_id WHERE a.record_id = $1 AND ($2 IS NULL OR a.at < $2) \
             ORDER BY a.at DESC, a.id DESC LIMIT $3")
            .bind(record_id).bind(before).bind(limit.clamp(1, 500)).fetch_all(p).await)?;
        Ok(rows.into_iter().map(Activity::from).collect())
    }

    /// Every owner a record has had, oldest first.
    pub async fn owner_history(&self, record_id: &str) -> Result<Vec<OwnerChange>> {
        let rows: Vec<OwnerRow> = with_pool!(self, p => sqlx::query_as(
            "SELECT h.owner_user_id, h.owner_team_id, COALESCE(u.name, t.name) AS owner_name, h.changed_by, h.at FROM owner_history h \
             LEFT JOIN users u ON u.id = h.owner_user_id LEFT JOIN teams t ON t.id = h.owner_team_id \
             WHERE h.record_id = $1 ORDER BY h.at, h.owner_user_id")
            .bind(record_id).fetch_all(p).await)?;
        rows.into_iter()
            .map(|r| {
                let owner = match (r.owner_user_id, r.owner_team_id) {
                    (Some(u), _) => Owner::User {
                        user_id: UserId::new(u),
                    },
                    (None, Some(t)) => Owner::Team {
                        team_id: TeamId::new(t),
                    },
                    (None, None) => {
                        return Err(StoreError::Corrupt("owner history without owner".into()));
                    }
                };
                Ok(OwnerChange {
                    owner,
                    owner_name: r.owner_name.unwrap_or_default(),
                    changed_by: r.changed_by,
                    at: r.at,
                })
            })
            .collect()
    }

    /// Number of records of a type (for the demo and benchmarks).
    pub async fn count_records(&self, record_type: &str) -> Result<i64> {
        let (n,): (i64,) = with_pool!(self, p => sqlx::query_as("SELECT COUNT(*) FROM records WHERE type = $1").bind(record_type).fetch_one(p).await)?;
        Ok(n)
    }
}

/// Turns a JSON object of client fields into the map the store keeps (helper for callers).
pub fn into_field_map(m: Map<String, Value>) -> BTreeMap<String, Value> {
    m.into_iter().collect()
}
