//! Records (SPEC R4, R5, R6, R22, R23): create, read, change, delete and share records, and log
//! activities on their timelines. Every use case checks the caller's access through the
//! domain's `decide` before it reads or writes; a lookup field never names a record the caller
//! may not read (answered exactly as a missing one).
//!
//! - [`list`]: a type's records, filtered, sorted and paged, the read scope applied in SQL;
//! - [`change`]: a record's fields, owner or state changed, with the announcements (R23) and
//!   the hand-over (R22) the change causes;
//! - [`timeline`]: the timeline with its chat entries as the viewer may see them (R15);
//! - [`search`]: one search over every type the caller may read;
//! - [`shares`]: a record's shares listed and ended;
//! - [`owners`]: the owners the caller may give a record to.

pub mod change;
pub mod external;
pub mod facts;
pub mod list;
pub mod owners;
pub mod search;
pub mod shares;
pub mod timeline;

use crate::AppState;
use crate::app::Outcome;
use crate::app::actor::Actor;
use crate::app::guard::load_record;
use crate::app::outbox::{Connection, Effect, RecordKey};
use crate::app::views::{ActivityOut, RecordOut};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use facts::{Lookup, WriteFacts};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use tether_domain::RecordId;
use tether_domain::UserId;
use tether_domain::access::{Decision, decide, may_set_owner};
use tether_domain::invalid::{FieldError, Invalid};
use tether_domain::people::has_forbidden_control;
use tether_domain::record::{ActivityKind, RecordState};
use tether_domain::record_type::{FieldKind, Mode};
use tether_domain::{Access, Owner};
use tether_store::record_types::RecordType;
use tether_store::records::NewRecord;

/// The record type named `name`, or 404.
pub async fn load_type(state: &AppState, name: &str) -> ApiResult<RecordType> {
    state
        .record_type(name)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("there is no record type '{name}'")))
}

/// A state the record's type has (an account is never resolved): 422 naming the allowed ones.
pub fn parse_state(record_type: &str, s: &str) -> ApiResult<RecordState> {
    let state: RecordState = s
        .parse()
        .map_err(|e: String| ApiError::invalid("state", Invalid::Option, e))?;
    tether_domain::record::check_state(record_type, state)
        .map_err(|e| ApiError::invalid("state", Invalid::Option, e))?;
    Ok(state)
}

/// What creating a record asks for.
pub struct NewRecordRequest {
    pub fields: Map<String, Value>,
    /// The caller when absent.
    pub owner: Option<Owner>,
    /// Active when absent.
    pub state: Option<RecordState>,
    /// Related records by lookup field: `{"account": "<id>"}`.
    pub related: Option<Map<String, Value>>,
}

/// Creates a record. Fields are checked against the type (unknown field, wrong kind, missing
/// primary name: 422 naming the field); the caller needs a write privilege at a depth that
/// covers the new owner (R5), and every lookup must name a record the caller may read.
pub async fn create(
    state: &AppState,
    caller: &Caller,
    rt: &RecordType,
    req: NewRecordRequest,
) -> ApiResult<RecordOut> {
    let actor = Actor::person(caller);
    let valid = validate_new(&actor, rt, req)?;
    let facts = WriteFacts::read(state, &actor, [&valid.owner], &valid.lookups).await?;
    let new = check_new(&actor, rt, valid, &facts)?;
    let record = state.store.create_record(&rt.def, &new).await?;
    state.similar.poke();
    Ok(RecordOut::new(state, record, true))
}

/// A new record whose fields are valid for its type, with its owner and state, before the
/// checks that need the database.
pub struct ValidNew {
    pub values: BTreeMap<String, Value>,
    pub lookups: Vec<Lookup>,
    pub owner: Owner,
    pub state: RecordState,
}

/// Checks a new record's fields against its type (`related` merged in as lookup fields): 422
/// naming each field at fault. Without an owner the record is the actor's; an actor who is no
/// person (an API key) must name one.
pub fn validate_new(
    actor: &Actor<'_>,
    rt: &RecordType,
    req: NewRecordRequest,
) -> ApiResult<ValidNew> {
    let ty = &rt.def.name;
    let mut input = req.fields;
    for (field, id) in req.related.unwrap_or_default() {
        match rt.def.field(&field) {
            Some(f) if f.kind == FieldKind::Lookup => {
                input.insert(field, id);
            }
            _ => {
                return Err(ApiError::invalid(
                    &format!("related.{field}"),
                    Invalid::UnknownField,
                    format!("is not a lookup field of {ty}"),
                ));
            }
        }
    }
    let valid = rt
        .def
        .validate_fields(&input, Mode::Create)
        .map_err(ApiError::fields)?;
    let owner = match (req.owner, actor.user_id()) {
        (Some(owner), _) => owner,
        (None, Some(me)) => Owner::User {
            user_id: me.clone(),
        },
        (None, None) => {
            return Err(ApiError::invalid(
                "owner",
                Invalid::Missing,
                "a new record needs an owner: {\"email\": …}, {\"user_id\": …} or {\"team_id\": …}",
            ));
        }
    };
    Ok(ValidNew {
        values: valid.values,
        lookups: valid.lookups,
        owner,
        state: req.state.unwrap_or(RecordState::Active),
    })
}

/// The checks of a new record that need the database, decided on `facts`: the owner exists
/// (422), the actor's write privilege covers it (R5, 403), every lookup names a record the
/// actor may read (422). Answers the record to store.
pub fn check_new(
    actor: &Actor<'_>,
    rt: &RecordType,
    valid: ValidNew,
    facts: &WriteFacts,
) -> ApiResult<NewRecord> {
    facts.check_owner(&valid.owner)?;
    if let Decision::Denied(reason) =
        may_set_owner(actor.subject(), &rt.def.name, None, &valid.owner)
    {
        return Err(ApiError::Forbidden(format!(
            "you cannot create this record: {reason}"
        )));
    }
    facts.check_lookups(&valid.lookups)?;
    Ok(NewRecord {
        fields: valid
            .values
            .into_iter()
            .filter(|(_, v)| !v.is_null())
            .collect(),
        owner: valid.owner,
        state: valid.state,
        created_by: actor.user_id().cloned(),
        at: None,
    })
}

/// A record the caller may read, with whether they may write it.
pub async fn get(
    state: &AppState,
    caller: &Caller,
    ty: &str,
    id: &RecordId,
) -> ApiResult<RecordOut> {
    let view = load_record(state, caller, ty, id, Access::Read).await?;
    let can_write = decide(&caller.subject, Access::Write, view.facts()).is_allowed();
    Ok(RecordOut::new(state, view.record, can_write))
}

/// Deletes the record with its timeline, shares and owner history (R6). Its connected chats
/// stay with their messages; each gets a system message saying the record was deleted. Only
/// the owning user, for a team's record someone whose write privilege covers it, or an
/// administrator may; a record another record points to cannot be deleted (409, from the store).
pub async fn delete(
    state: &AppState,
    caller: &Caller,
    ty: &str,
    id: &RecordId,
) -> ApiResult<Outcome<()>> {
    let rt = load_type(state, ty).await?;
    let view = load_record(state, caller, ty, id, Access::Read).await?;
    if !tether_domain::access::may_delete(&caller.subject, view.facts()) {
        return Err(ApiError::Forbidden(
            "only the record's owner, for a team's record someone whose write privilege covers it, or an administrator may delete it; a share, even for write, does not allow it".into(),
        ));
    }
    let label = tether_domain::collab::record_label(&rt.def, view.record.number.as_deref());
    let sys = crate::app::html::system_message(
        Some(caller.id()),
        format!(
            "{} deleted {label}; this chat and its messages stay",
            caller.user.name
        ),
        serde_json::json!({"event": "record.deleted",
                           "record": {"type": ty, "id": id, "number": view.record.number}}),
    );
    let chats = state.store.delete_record(ty, id, caller.id(), &sys).await?;
    let record = RecordKey::new(ty, id.clone());
    let mut events: Vec<Effect> = chats
        .into_iter()
        .map(|(chat_id, message_id)| Effect::ConnectionWritten {
            change: Connection::Removed,
            chat_id,
            record: record.clone(),
            message_id,
        })
        .collect();
    events.push(Effect::TimelineChanged(record));
    Ok(Outcome::new((), events))
}

/// Shares the record with a user for read or write; needs write access to it. Audited.
pub async fn share(
    state: &AppState,
    caller: &Caller,
    ty: &str,
    id: &RecordId,
    user_id: &UserId,
    access: Access,
) -> ApiResult<()> {
    load_record(state, caller, ty, id, Access::Write).await?;
    state
        .store
        .share_record(ty, id, user_id, access, caller.id())
        .await
        .map_err(|e| match e {
            tether_store::StoreError::Invalid(m) => {
                ApiError::invalid("user_id", Invalid::NotFound, m)
            }
            other => other.into(),
        })
}

pub const MAX_SUBJECT_CHARS: usize = 200;
pub const MAX_BODY_CHARS: usize = 100_000;

/// A timeline entry someone logs by hand (note, phone call, e-mail, task), checked.
pub struct NewActivity {
    pub kind: ActivityKind,
    /// One line of 1–200 characters (trimmed).
    pub subject: String,
    pub body: Option<String>,
}

impl NewActivity {
    /// Checks the subject and body: 422 naming the field and the rule.
    pub fn new(kind: ActivityKind, subject: &str, body: Option<String>) -> ApiResult<NewActivity> {
        let subject = subject.trim();
        let subject_rule = format!("must be one line of 1–{MAX_SUBJECT_CHARS} characters");
        if subject.is_empty() {
            return Err(ApiError::invalid("subject", Invalid::Empty, subject_rule));
        }
        if subject.chars().count() > MAX_SUBJECT_CHARS {
            return Err(ApiError::fields(vec![
                FieldError::new("subject", Invalid::TooLong, subject_rule)
                    .with("max", MAX_SUBJECT_CHARS),
            ]));
        }
        if has_forbidden_control(subject) || subject.contains('\n') {
            return Err(ApiError::invalid(
                "subject",
                Invalid::Characters,
                subject_rule,
            ));
        }
        if let Some(body) = &body {
            let rule = format!("must be text of at most {MAX_BODY_CHARS} characters");
            if body.chars().count() > MAX_BODY_CHARS {
                return Err(ApiError::fields(vec![
                    FieldError::new("body", Invalid::TooLong, rule).with("max", MAX_BODY_CHARS),
                ]));
            }
            if has_forbidden_control(body) {
                return Err(ApiError::invalid("body", Invalid::Characters, rule));
            }
        }
        Ok(NewActivity {
            kind,
            subject: subject.to_owned(),
            body,
        })
    }
}

/// Logs an activity on the record's timeline; needs write access.
pub async fn add_activity(
    state: &AppState,
    caller: &Caller,
    ty: &str,
    id: &RecordId,
    activity: NewActivity,
) -> ApiResult<ActivityOut> {
    load_record(state, caller, ty, id, Access::Write).await?;
    let stored = state
        .store
        .add_activity(
            id,
            activity.kind,
            &activity.subject,
            activity.body.as_deref(),
            Some(caller.id()),
            None,
        )
        .await?;
    Ok(stored.into())
}
