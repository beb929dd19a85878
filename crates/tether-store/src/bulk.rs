//! Bulk writes for demo data and benchmarks (one transaction for many rows).
//!
//! [`Store::create_record`], [`Store::update_record`] and [`Store::add_activity`] cost a
//! transaction (a commit) and a read-back per call: a demo data set of some ten thousand rows
//! would be ten thousand commits. These methods write whole records (with their links, owner
//! history and resolution) or activities as multi-row `INSERT`s in one transaction, keeping
//! the invariants of the per-row path: `name_folded` is [`fold`] of the primary name;
//! numbered types take consecutive numbers from their counter, which ends at the highest
//! number used; `fields` never holds the number; a link exists for each lookup field that is
//! set; a resolved record carries `resolved_at` and `resolved_by`.
//! As with `create_record`, the caller has already validated the fields against the type.

use crate::dialect::fold;
use crate::records::owner_columns;
use crate::{Result, Store, StoreError, new_id};
use serde_json::Value;
use std::collections::BTreeMap;
use tether_domain::Owner;
use tether_domain::record::{ActivityKind, RecordState};
use tether_domain::record_type::{FieldKind, NUMBER_FIELD, RecordTypeDef, format_number};

/// Rows per `INSERT` statement: the widest row binds 14 values, which keeps a statement far
/// below SQLite's 32,766 and PostgreSQL's 65,535 bind parameters.
const ROWS_PER_STATEMENT: usize = 500;

/// One past or present owner of a record written in bulk.
#[derive(Clone, Debug)]
pub struct BulkOwner {
    pub owner: Owner,
    /// Who made the change (the creator, for the first owner).
    pub changed_by: Option<String>,
    pub at: i64,
}

/// When and by whom a record was resolved.
#[derive(Clone, Debug)]
pub struct Resolution {
    pub at: i64,
    pub by: String,
}

/// A record to write with its history.
#[derive(Clone, Debug)]
pub struct BulkRecord {
    /// Chosen by the caller ([`crate::new_id`]), so other rows can refer to the record.
    pub id: String,
    /// Validated fields; a record number in them is ignored (the store assigns it).
    pub fields: BTreeMap<String, Value>,
    /// Every owner the record has had, oldest first; the last one is the current owner.
    pub owners: Vec<BulkOwner>,
    pub state: RecordState,
    pub created_by: Option<String>,
    pub created_at: i64,
    /// Required exactly when `state` is resolved.
    pub resolution: Option<Resolution>,
    /// The last change (a cancellation, say); never earlier than the creation, the owner
    /// changes and the resolution, which are also the default.
    pub updated_at: Option<i64>,
}

/// An activity to write on a record's timeline.
#[derive(Clone, Debug)]
pub struct BulkActivity {
    pub record_id: String,
    pub kind: ActivityKind,
    pub subject: String,
    pub body: Option<String>,
    pub author_id: Option<String>,
    pub at: i64,
}

/// A [`BulkRecord`] turned into column values.
struct Row<'a> {
    record: &'a BulkRecord,
    name: String,
    name_folded: String,
    fields_doc: String,
    /// The record's full-text entry.
    search: String,
    owner_user: Option<&'a str>,
    owner_team: Option<&'a str>,
    updated_at: i64,
    links: Vec<(&'a str, &'a str)>,
}

impl<'a> Row<'a> {
    fn new(def: &'a RecordTypeDef, record: &'a BulkRecord) -> Result<Row<'a>> {
        let Some(current) = record.owners.last() else {
            return Err(StoreError::Invalid(format!(
                "record {} has no owner",
                record.id
            )));
        };
        let resolved = record.state == RecordState::Resolved;
        if resolved != record.resolution.is_some() {
            return Err(StoreError::Invalid(format!(
                "record {}: a resolution is given exactly when the state is resolved",
                record.id
            )));
        }
        let name = def
            .primary_name(&record.fields)
            .unwrap_or_default()
            .to_owned();
        let mut stored = record.fields.clone();
        stored.remove(NUMBER_FIELD);
        let (owner_user, owner_team) = owner_columns(&current.owner);
        let updated_at = record
            .owners
            .iter()
            .map(|o| o.at)
            .chain(record.resolution.as_ref().map(|r| r.at))
            .chain(record.updated_at)
            .fold(record.created_at, i64::max);
        let links = def
            .fields
            .iter()
            .filter(|f| f.kind == FieldKind::Lookup)
            .filter_map(|f| {
                let target = record.fields.get(&f.name)?.as_str()?;
                Some((f.name.as_str(), target))
            })
            .collect();
        Ok(Row {
            record,
            name_folded: fold(&name),
            search: crate::dialect::record_search_text(def, &name, &stored),
            name,
            fields_doc: serde_json::to_string(&stored)?,
            owner_user,
            owner_team,
            updated_at,
            links,
        })
    }
}

impl Store {
    /// Writes records of one type with their links and owner history in one transaction and
    /// returns their numbers in input order (`None` for unnumbered types). Numbers follow the
    /// input order, so callers sort by creation time first.
    pub async fn bulk_insert_records(
        &self,
        def: &RecordTypeDef,
        records: &[BulkRecord],
    ) -> Result<Vec<Option<String>>> {
        let rows: Vec<Row<'_>> = records
            .iter()
            .map(|r| Row::new(def, r))
            .collect::<Result<_>>()?;
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let count = i64::try_from(rows.len())
            .map_err(|_| StoreError::Invalid("too many records for one call".into()))?;
        let links: Vec<(&str, &str, &str)> = rows
            .iter()
            .flat_map(|r| {
                r.links
                    .iter()
                    .map(|(field, target)| (r.record.id.as_str(), *field, *target))
            })
            .collect();
        let history: Vec<(&str, &BulkOwner)> = records
            .iter()
            .flat_map(|r| r.owners.iter().map(|o| (r.id.as_str(), o)))
            .collect();
        let text_sql = crate::dialect::insert_record_text(self.backend());
        with_write!(self, p => {
            let mut tx = p.begin().await?;
            let numbers: Vec<Option<String>> = match &def.number_prefix {
                Some(prefix) => {
                    // One update reserves the whole block, so concurrent writers never collide.
                    let (last,): (i64,) = sqlx::query_as("UPDATE counters SET value = value + $1 WHERE name = $2 RETURNING value")
                        .bind(count).bind(format!("record_number:{}:{prefix}", def.name))
                        .fetch_one(&mut *tx).await?;
                    (last - count + 1..=last).map(|n| Some(format_number(prefix, n))).collect()
                }
                None => vec![None; rows.len()],
            };
            for (chunk, numbers) in rows.chunks(ROWS_PER_STATEMENT).zip(numbers.chunks(ROWS_PER_STATEMENT)) {
                let mut qb = sqlx::QueryBuilder::new("INSERT INTO records (id, type, number, name, name_folded, fields, owner_user_id, owner_team_id, \
                     state, created_by, created_at, updated_at, resolved_at, resolved_by) ");
                qb.push_values(chunk.iter().zip(numbers), |mut b, (r, number)| {
                    let rec = r.record;
                    b.push_bind(rec.id.as_str()).push_bind(def.name.as_str()).push_bind(number.as_deref())
                        .push_bind(r.name.as_str()).push_bind(r.name_folded.as_str()).push_bind(r.fields_doc.as_str())
                        .push_bind(r.owner_user).push_bind(r.owner_team).push_bind(rec.state.as_str())
                        .push_bind(rec.created_by.as_deref()).push_bind(rec.created_at).push_bind(r.updated_at)
                        .push_bind(rec.resolution.as_ref().map(|x| x.at))
                        .push_bind(rec.resolution.as_ref().map(|x| x.by.as_str()));
                });
                qb.build().execute(&mut *tx).await?;
            }
            for chunk in links.chunks(ROWS_PER_STATEMENT) {
                let mut qb = sqlx::QueryBuilder::new("INSERT INTO record_links (record_id, field, target_id) ");
                qb.push_values(chunk, |mut b, (id, field, target)| {
                    b.push_bind(*id).push_bind(*field).push_bind(*target);
                });
                qb.build().execute(&mut *tx).await?;
            }
            for chunk in history.chunks(ROWS_PER_STATEMENT) {
                let mut qb = sqlx::QueryBuilder::new("INSERT INTO owner_history (record_id, owner_user_id, owner_team_id, changed_by, at) ");
                qb.push_values(chunk, |mut b, (id, o)| {
                    let (user, team) = owner_columns(&o.owner);
                    b.push_bind(*id).push_bind(user).push_bind(team).push_bind(o.changed_by.as_deref()).push_bind(o.at);
                });
                qb.build().execute(&mut *tx).await?;
            }
            for r in &rows {
                sqlx::query(text_sql).bind(r.record.id.as_str()).bind(def.name.as_str()).bind(r.search.as_str()).execute(&mut *tx).await?;
            }
            if records.iter().any(|r| r.resolution.is_some()) {
                crate::similar::bump_similar_generation!(&mut *tx, def.name.as_str())?;
            }
            tx.commit().await?;
            Ok::<_, StoreError>(numbers)
        })
    }

    /// Writes timeline activities in one transaction; returns how many were written.
    pub async fn bulk_insert_activities(&self, activities: &[BulkActivity]) -> Result<u64> {
        let ids: Vec<String> = activities.iter().map(|_| new_id()).collect();
        let rows: Vec<(&String, &BulkActivity)> = ids.iter().zip(activities).collect();
        with_write!(self, p => {
            let mut tx = p.begin().await?;
            let mut written = 0;
            for chunk in rows.chunks(ROWS_PER_STATEMENT) {
                let mut qb = sqlx::QueryBuilder::new("INSERT INTO activities (id, record_id, kind, subject, body, author_id, at) ");
                qb.push_values(chunk, |mut b, (id, a)| {
                    b.push_bind(id.as_str()).push_bind(a.record_id.as_str()).push_bind(a.kind.as_str())
                        .push_bind(a.subject.as_str()).push_bind(a.body.as_deref())
                        .push_bind(a.author_id.as_deref()).push_bind(a.at);
                });
                written += qb.build().execute(&mut *tx).await?.rows_affected();
            }
            tx.commit().await?;
            Ok::<_, StoreError>(written)
        })
    }
}
