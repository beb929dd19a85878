//! Records, their links, shares, owner history and timeline activities.
//!
//! Reads that feed an access decision return the record together with the caller's share (one
//! query), and list queries push the caller's [`ReadScope`] into SQL, so no list costs a query
//! per row.

mod external;
mod read;
mod timeline;
mod write;

pub(crate) use read::{RECORD_SELECT, RecordRow};

use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use tether_domain::access::ReadScope;
use tether_domain::record::{EntryKind, RecordState};
use tether_domain::record_type::RecordTypeDef;
use tether_domain::{Access, Owner, RecordFacts};

/// A record as stored, with its owner's display name.
#[derive(Clone, Debug, Serialize)]
pub struct Record {
    pub id: tether_domain::RecordId,
    pub record_type: String,
    pub number: Option<String>,
    pub name: String,
    pub fields: BTreeMap<String, Value>,
    pub owner: Owner,
    pub owner_name: String,
    pub state: RecordState,
    pub created_at: i64,
    pub updated_at: i64,
    /// Where the record comes from, when a host system keeps it (issue 19).
    pub external: Option<ExternalLink>,
}

/// A record's place in a host system (issue 19): the system's name, the record's id there
/// (unique per record type and source) and the address of its page there.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ExternalLink {
    pub source: String,
    pub external_id: String,
    pub url: Option<String>,
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

/// A record to create. Fields are already validated against the type; `at` backdates it
/// (demo data and imports).
#[derive(Clone, Debug)]
pub struct NewRecord {
    pub fields: BTreeMap<String, Value>,
    pub owner: Owner,
    pub state: RecordState,
    pub created_by: Option<tether_domain::UserId>,
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

impl RecordPatch {
    /// Whether writing this patch would change `record`: a field set to another value, a set
    /// field cleared, another owner or another state. A patch that changes nothing need not be
    /// written (an idempotent upsert writes nothing on a repeat).
    pub fn changes(&self, record: &Record) -> bool {
        self.fields.iter().any(|(k, v)| match record.fields.get(k) {
            Some(old) => old != v,
            None => !v.is_null(),
        }) || self.owner.as_ref().is_some_and(|o| *o != record.owner)
            || self.state.is_some_and(|s| s != record.state)
    }
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
    pub viewer: &'a tether_domain::UserId,
    pub scope: ReadScope,
    pub text: Option<&'a str>,
    pub owner_user: Option<&'a str>,
    pub limit: i64,
}

#[derive(Clone, Debug, Serialize)]
pub struct Person {
    pub id: tether_domain::UserId,
    pub name: String,
}

/// One activity on a timeline.
#[derive(Clone, Debug, Serialize)]
pub struct Activity {
    pub id: String,
    pub record_id: String,
    pub kind: EntryKind,
    pub subject: String,
    pub body: Option<String>,
    pub author: Option<Person>,
    pub at: i64,
    /// The chat of a chat-connection entry (R15).
    pub chat_id: Option<tether_domain::ChatId>,
    pub data: Option<Value>,
}

/// A past or present owner of a record.
#[derive(Clone, Debug, Serialize)]
pub struct OwnerChange {
    pub owner: Owner,
    pub owner_name: String,
    pub changed_by: Option<String>,
    pub at: i64,
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

/// Turns a JSON object of client fields into the map the store keeps (helper for callers).
pub fn into_field_map(m: Map<String, Value>) -> BTreeMap<String, Value> {
    m.into_iter().collect()
}
