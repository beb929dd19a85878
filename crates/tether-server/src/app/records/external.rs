//! Records a host system keeps (issue 19): upserted by (type, source, external id), one at a
//! time ([`put`]) or up to 1,000 in one transaction ([`bulk`]), and read by the same key
//! ([`get`]). An upsert is the record create or change of this module's parent — the same
//! validation ([`super::validate_new`], [`super::change::validate_edit`]), the same checks
//! ([`super::facts::WriteFacts`]) and the same writes with their announcements and hand-over
//! ([`super::change::write_edit`]) — made by an [`Actor`] that writes as the host system.
//!
//! An upsert that would change nothing writes nothing: no `updated_at`, no announcement, no
//! audit entry. What is written is audited as `record.synced`, signed by the administrator or
//! the API key. A bulk upsert checks every row first; the rows that pass are written in one
//! transaction, the others are reported refused with the reason, and refuse nothing else.

use super::change::{
    RecordEdit, Written, check_edit, lookups_to_check, notice_lookup_ids, owner_to_check,
    validate_edit, write_edit,
};
use super::facts::WriteFacts;
use super::{NewRecordRequest, ValidNew, check_new, validate_new};
use crate::AppState;
use crate::app::Outcome;
use crate::app::actor::Actor;
use crate::app::outbox::Effect;
use crate::app::views::{RecordOut, readable_record_names_as};
use crate::auth::Integrator;
use crate::error::{ApiError, ApiResult};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use tether_domain::integration::{ExternalId, ExternalUrl, Scope, Source};
use tether_domain::invalid::Invalid;
use tether_domain::people::Email;
use tether_domain::record::RecordState;
use tether_domain::record_type::ValidFields;
use tether_domain::{Owner, RecordId, TeamId, UserId};
use tether_store::StoreError;
use tether_store::record_types::RecordType;
use tether_store::records::{ExternalLink, NewRecord, Record, RecordPatch, RecordView};

/// Who owns a synced record, as the host names them.
#[derive(Clone, Debug)]
pub enum OwnerRef {
    /// A user by e-mail address (the host knows its agents by address).
    Email(Email),
    User(UserId),
    Team(TeamId),
}

/// One record as the host system sends it, parsed.
pub struct SyncItem {
    pub source: Source,
    pub external_id: ExternalId,
    /// Fields to set; `null` clears one; fields not named stay as they are.
    pub fields: Map<String, Value>,
    /// Absent: a known record keeps its owner; a new one belongs to the administrator who
    /// syncs, or to the administrator who made the key.
    pub owner: Option<OwnerRef>,
    pub state: Option<RecordState>,
    /// Absent: a known record keeps its link.
    pub url: Option<ExternalUrl>,
}

/// What an upsert did to one record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Done {
    Created,
    Updated,
    /// Everything asked for was so already; nothing was written.
    Unchanged,
}

/// A synced record, as the host is answered.
pub struct Synced {
    pub record: RecordOut,
    pub done: Done,
}

/// One row of a bulk upsert: what became of it.
pub struct RowResult {
    pub source: String,
    pub external_id: String,
    /// The record, unless the row was refused.
    pub id: Option<RecordId>,
    pub done: Result<Done, ApiError>,
}

/// A row checked and ready to write.
enum Plan {
    Create {
        new: NewRecord,
        link: ExternalLink,
    },
    Update {
        before: Record,
        patch: RecordPatch,
        /// The new link to the host's page, when it changes.
        url: Option<String>,
    },
    Unchanged(Record),
}

/// The API key's scope, or an administrator's session, for writes.
fn require_write(by: &Integrator) -> ApiResult<()> {
    by.require(Scope::RecordsWrite)
}

/// # Upsert one record (`PUT /records/{type}/by-external/{source}/{external_id}`)
///
/// Creates the record `item.source` knows as `item.external_id`, or changes it; a repeat
/// changes nothing. Needs an administrator's session or a `records:write` key.
pub async fn put(
    state: &AppState,
    by: &Integrator,
    rt: &RecordType,
    item: SyncItem,
) -> ApiResult<Outcome<Synced>> {
    require_write(by)?;
    let actor = Actor::sync(by);
    // A record created by another request between the look-up and the write: once more, as
    // the change it now is.
    for attempt in 0..2 {
        let plans = plan(state, by, &actor, rt, &[&item]).await?;
        let plan = plans
            .into_iter()
            .next()
            .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("a plan for each item")))??;
        match write(state, &actor, rt, vec![plan]).await {
            Ok(done) => {
                let (record, did) = done
                    .value
                    .into_iter()
                    .next()
                    .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("a record per plan")))?;
                return Ok(Outcome::new(
                    Synced {
                        record: RecordOut::new(state, record, true),
                        done: did,
                    },
                    done.events,
                ));
            }
            Err(WriteError::Taken) if attempt == 0 => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(taken())
}

/// # Upsert up to 1,000 records (`POST /records/{type}/bulk`)
///
/// Rows that failed to parse (`Err`) and rows the checks refuse are reported refused; the
/// others are written in one transaction. Needs an administrator's session or a
/// `records:write` key.
pub async fn bulk(
    state: &AppState,
    by: &Integrator,
    rt: &RecordType,
    items: Vec<Result<SyncItem, (String, String, ApiError)>>,
) -> ApiResult<Outcome<Vec<RowResult>>> {
    require_write(by)?;
    let actor = Actor::sync(by);
    let parsed: Vec<&SyncItem> = items.iter().filter_map(|i| i.as_ref().ok()).collect();
    let mut plans = plan(state, by, &actor, rt, &parsed).await?.into_iter();
    // Two rows for the same record: only the first counts, the second is refused (one upsert
    // per record and request keeps the outcome of each row clear).
    let mut seen = std::collections::BTreeSet::new();
    let mut rows = Vec::with_capacity(items.len());
    let mut to_write = Vec::new();
    for item in items {
        let (source, external_id, checked) = match item {
            Err((source, external_id, e)) => (source, external_id, Err(e)),
            Ok(item) => {
                let planned = plans.next().unwrap_or_else(|| {
                    Err(ApiError::Internal(anyhow::anyhow!("a plan for each item")))
                });
                let key = (item.source.to_string(), item.external_id.to_string());
                let checked = if seen.insert(key.clone()) {
                    planned
                } else {
                    Err(ApiError::invalid(
                        "external_id",
                        Invalid::Duplicate,
                        "this record is in an earlier row of this request; send one row per record",
                    ))
                };
                (key.0, key.1, checked)
            }
        };
        match checked {
            Ok(plan) => {
                rows.push(RowResult {
                    source,
                    external_id,
                    id: None,
                    done: Ok(Done::Unchanged),
                });
                to_write.push((rows.len() - 1, plan));
            }
            Err(e) => rows.push(RowResult {
                source,
                external_id,
                id: None,
                done: Err(e),
            }),
        }
    }
    let (at, plans): (Vec<usize>, Vec<Plan>) = to_write.into_iter().unzip();
    let written = write(state, &actor, rt, plans).await?;
    for (i, (record, did)) in at.into_iter().zip(written.value) {
        if let Some(row) = rows.get_mut(i) {
            row.id = Some(record.id);
            row.done = Ok(did);
        }
    }
    Ok(Outcome::new(rows, written.events))
}

/// # Read one record by its external id (`GET /records/{type}/by-external/{source}/{external_id}`)
///
/// A person reads it as `GET /records/{type}/{id}` answers (read access decides, 403 with the
/// reason); a key needs `records:write`. 404 when the host's record is not in Tether.
pub async fn get(
    state: &AppState,
    by: &Integrator,
    rt: &RecordType,
    source: &Source,
    external_id: &ExternalId,
) -> ApiResult<RecordOut> {
    let not_found = || {
        ApiError::NotFound(format!(
            "there is no {} record that {source} knows as {external_id}",
            rt.def.name
        ))
    };
    match by {
        Integrator::Person(caller) => {
            let view = state
                .store
                .record_by_external(&rt.def.name, source.as_str(), external_id.as_str(), None)
                .await?
                .ok_or_else(not_found)?;
            super::get(state, caller, &rt.def.name, &view.record.id).await
        }
        Integrator::Key(_) | Integrator::CommandLine { .. } | Integrator::Launch { .. } => {
            require_write(by)?;
            let view = state
                .store
                .record_by_external(&rt.def.name, source.as_str(), external_id.as_str(), None)
                .await?
                .ok_or_else(not_found)?;
            Ok(RecordOut::new(state, view.record, true))
        }
    }
}

/// Checks `items` and plans their writes, in a constant number of queries however many there
/// are: the records the host already has here, the owners named by e-mail, the owners and
/// lookup targets ([`WriteFacts`]). One answer per item, in order.
async fn plan(
    state: &AppState,
    by: &Integrator,
    actor: &Actor<'_>,
    rt: &RecordType,
    items: &[&SyncItem],
) -> ApiResult<Vec<ApiResult<Plan>>> {
    let keys: Vec<(String, String)> = items
        .iter()
        .map(|i| (i.source.to_string(), i.external_id.to_string()))
        .collect();
    let known: BTreeMap<(String, String), RecordView> = state
        .store
        .records_by_external(&rt.def.name, &keys)
        .await?
        .into_iter()
        .filter_map(|v| {
            let key = v
                .record
                .external
                .as_ref()
                .map(|x| (x.source.clone(), x.external_id.clone()))?;
            Some((key, v))
        })
        .collect();
    let emails: Vec<String> = items
        .iter()
        .filter_map(|i| match &i.owner {
            Some(OwnerRef::Email(e)) => Some(e.as_str().to_owned()),
            _ => None,
        })
        .collect();
    let by_email: BTreeMap<String, UserId> = state
        .store
        .users_by_emails(&emails)
        .await?
        .into_iter()
        .map(|(email, id, _)| (email, id))
        .collect();
    // Each item validated on its own; what needs the database is read for all of them.
    let default_owner = match by {
        Integrator::Key(key) => key
            .created_by
            .clone()
            .map(|user_id| Owner::User { user_id }),
        Integrator::CommandLine { default_owner } => {
            default_owner.clone().map(|user_id| Owner::User { user_id })
        }
        Integrator::Launch { agent, .. } => Some(Owner::User {
            user_id: agent.clone(),
        }),
        Integrator::Person(_) => None,
    };
    let validated: Vec<ApiResult<Checked>> = items
        .iter()
        .zip(&keys)
        .map(|(item, key)| {
            let owner = match &item.owner {
                Some(o) => Some(resolve_owner(o, &by_email)?),
                None => None,
            };
            match known.get(key) {
                Some(view) => {
                    let edit = RecordEdit {
                        fields: item.fields.clone(),
                        owner,
                        state: item.state,
                    };
                    let valid = validate_edit(rt, &edit)?;
                    Ok(Checked::Edit {
                        record: Box::new(view.record.clone()),
                        edit,
                        valid,
                        url: item.url.as_ref().map(|u| u.as_str().to_owned()),
                    })
                }
                None => {
                    let request = NewRecordRequest {
                        fields: item.fields.clone(),
                        owner: owner.or_else(|| default_owner.clone()),
                        state: item.state,
                        related: None,
                    };
                    Ok(Checked::New {
                        valid: validate_new(actor, rt, request)?,
                        link: ExternalLink {
                            source: key.0.clone(),
                            external_id: key.1.clone(),
                            url: item.url.as_ref().map(|u| u.as_str().to_owned()),
                        },
                    })
                }
            }
        })
        .collect();
    let owners = validated.iter().flatten().filter_map(|c| match c {
        Checked::New { valid, .. } => Some(&valid.owner),
        Checked::Edit { record, edit, .. } => owner_to_check(record, edit),
    });
    let lookups: Vec<_> = validated
        .iter()
        .flatten()
        .flat_map(|c| match c {
            Checked::New { valid, .. } => valid.lookups.clone(),
            Checked::Edit { record, valid, .. } => lookups_to_check(record, valid),
        })
        .collect();
    let facts = WriteFacts::read(state, actor, owners, &lookups).await?;
    Ok(validated
        .into_iter()
        .map(|checked| match checked? {
            Checked::New { valid, link } => Ok(Plan::Create {
                new: check_new(actor, rt, valid, &facts)?,
                link,
            }),
            Checked::Edit {
                record,
                edit,
                valid,
                url,
            } => {
                let patch = check_edit(actor, rt, &record, edit, valid, &facts)?;
                let url = url.filter(|u| {
                    record.external.as_ref().and_then(|x| x.url.as_deref()) != Some(u.as_str())
                });
                if url.is_none() && !patch.changes(&record) {
                    Ok(Plan::Unchanged(*record))
                } else {
                    Ok(Plan::Update {
                        before: *record,
                        patch,
                        url,
                    })
                }
            }
        })
        .collect())
}

/// An item validated against its type, before the checks that need the database.
enum Checked {
    New {
        valid: ValidNew,
        link: ExternalLink,
    },
    Edit {
        record: Box<Record>,
        edit: RecordEdit,
        valid: ValidFields,
        url: Option<String>,
    },
}

/// The owner a host names, as Tether knows them: 422 naming an e-mail no user has.
fn resolve_owner(owner: &OwnerRef, by_email: &BTreeMap<String, UserId>) -> ApiResult<Owner> {
    match owner {
        OwnerRef::User(user_id) => Ok(Owner::User {
            user_id: user_id.clone(),
        }),
        OwnerRef::Team(team_id) => Ok(Owner::Team {
            team_id: team_id.clone(),
        }),
        OwnerRef::Email(email) => by_email
            .get(email.as_str())
            .map(|user_id| Owner::User {
                user_id: user_id.clone(),
            })
            .ok_or_else(|| {
                ApiError::invalid(
                    "owner",
                    Invalid::NotFound,
                    format!("there is no user with e-mail {email}"),
                )
            }),
    }
}

/// Why a write of planned rows failed.
enum WriteError {
    /// Another request created one of the records between the look-up and the write.
    Taken,
    Other(ApiError),
}

fn taken() -> ApiError {
    ApiError::conflict(
        "another request wrote one of these records at the same time; send this request again (it is idempotent)",
    )
}

impl From<WriteError> for ApiError {
    fn from(e: WriteError) -> ApiError {
        match e {
            WriteError::Taken => taken(),
            WriteError::Other(e) => e,
        }
    }
}

impl From<ApiError> for WriteError {
    fn from(e: ApiError) -> WriteError {
        WriteError::Other(e)
    }
}

impl From<StoreError> for WriteError {
    fn from(e: StoreError) -> WriteError {
        match e {
            StoreError::Conflict(_) => WriteError::Taken,
            e => WriteError::Other(e.into()),
        }
    }
}

/// Writes planned rows in one transaction, each with its `record.synced` audit entry, and
/// answers each row's record and what was done, in order; the events are the changes'
/// announcements and hand-overs.
async fn write(
    state: &AppState,
    actor: &Actor<'_>,
    rt: &RecordType,
    plans: Vec<Plan>,
) -> Result<Outcome<Vec<(Record, Done)>>, WriteError> {
    if plans.iter().all(|p| matches!(p, Plan::Unchanged(_))) {
        let rows = plans
            .into_iter()
            .filter_map(|p| match p {
                Plan::Unchanged(r) => Some((r, Done::Unchanged)),
                _ => None,
            })
            .collect();
        return Ok(Outcome::quiet(rows));
    }
    // Read before the transaction (it holds SQLite's writer): the names of the records the
    // announced lookup fields point to, for every change at once.
    let notice_ids: Vec<String> = plans
        .iter()
        .flat_map(|p| match p {
            Plan::Update { before, patch, .. } => notice_lookup_ids(rt, before, patch),
            _ => Vec::new(),
        })
        .collect();
    let names =
        readable_record_names_as(state, actor.subject(), actor.viewer(), &notice_ids).await?;
    let mut tx = state.store.begin().await?;
    let mut rows = Vec::with_capacity(plans.len());
    let mut events: Vec<Effect> = Vec::new();
    for plan in plans {
        match plan {
            Plan::Unchanged(record) => rows.push((record, Done::Unchanged)),
            Plan::Create { new, link } => {
                let record = tx.create_record(&rt.def, &new, Some(&link)).await?;
                let entry = actor
                    .audit(
                        "record.synced",
                        json!({"source": link.source, "external_id": link.external_id, "outcome": "created"}),
                    )
                    .record(&rt.def.name, record.id.as_str());
                tx.audit(&entry).await?;
                rows.push((record, Done::Created));
            }
            Plan::Update { before, patch, url } => {
                let id = before.id.clone();
                let mut after = if patch.changes(&before) {
                    let written: Outcome<Written> =
                        write_edit(state, &mut tx, actor, rt, &id, &patch, &names).await?;
                    events.extend(written.events);
                    written.value.after
                } else {
                    before.clone()
                };
                if let Some(url) = &url {
                    tx.set_record_url(&id, Some(url)).await?;
                    if let Some(x) = after.external.as_mut() {
                        x.url = Some(url.clone());
                    }
                }
                let fields: Vec<&String> = patch
                    .fields
                    .iter()
                    .filter(|(k, v)| before.fields.get(*k).unwrap_or(&Value::Null) != *v)
                    .map(|(k, _)| k)
                    .collect();
                let link = before.external.as_ref();
                let entry = actor
                    .audit(
                        "record.synced",
                        json!({"source": link.map(|l| &l.source), "external_id": link.map(|l| &l.external_id),
                               "outcome": "updated", "fields": fields,
                               "owner": patch.owner.as_ref().filter(|o| **o != before.owner),
                               "state": patch.state.filter(|s| *s != before.state).map(RecordState::as_str),
                               "url": url}),
                    )
                    .record(&rt.def.name, id.as_str());
                tx.audit(&entry).await?;
                rows.push((after, Done::Updated));
            }
        }
    }
    tx.commit().await?;
    state.similar.poke();
    Ok(Outcome::new(rows, events))
}
