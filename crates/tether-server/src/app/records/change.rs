//! Changing a record (SPEC R5, R22, R23, R25): its fields, owner or state, with what the change
//! causes — the field announcements in its connected chats and the hand-over to a new owner.

use super::facts::{Lookup, WriteFacts};
use crate::AppState;
use crate::app::Outcome;
use crate::app::actor::Actor;
use crate::app::guard::load_record;
use crate::app::handover::hand_over;
use crate::app::html::system_message;
use crate::app::outbox::Effect;
use crate::app::views::{HandOver, RecordOut, readable_record_names_as};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use tether_domain::RecordId;
use tether_domain::access::{Decision, decide, may_set_owner};
use tether_domain::record::RecordState;
use tether_domain::record_type::{Mode, ValidFields};
use tether_domain::{Access, Owner};
use tether_store::Tx;
use tether_store::record_types::RecordType;
use tether_store::records::{Record, RecordChange, RecordPatch};

/// What a change asks for; what is absent stays.
pub struct RecordEdit {
    /// Fields to change; `null` clears a field.
    pub fields: Map<String, Value>,
    pub owner: Option<Owner>,
    pub state: Option<RecordState>,
}

/// Changes fields, owner or state; needs write access (a write share is enough for fields and
/// state). An owner change needs a write privilege whose depth covers the record and the new
/// owner, as creation does — never a share. A lookup must name a record the caller may read; a
/// lookup value the record already holds is not checked again. The answer carries the
/// hand-over, if one happened; the events are the announcements (R23) then the hand-over's.
pub async fn update(
    state: &AppState,
    caller: &Caller,
    rt: &RecordType,
    id: &RecordId,
    edit: RecordEdit,
) -> ApiResult<Outcome<RecordOut>> {
    let actor = Actor::person(caller);
    let view = load_record(state, caller, &rt.def.name, id, Access::Write).await?;
    let valid = validate_edit(rt, &edit)?;
    let facts = WriteFacts::read(
        state,
        &actor,
        owner_to_check(&view.record, &edit),
        &lookups_to_check(&view.record, &valid),
    )
    .await?;
    let patch = check_edit(&actor, rt, &view.record, edit, valid, &facts)?;
    // Read before the transaction (it holds SQLite's writer): the names of the records the
    // announced lookup fields point to, before and after.
    let names = readable_record_names_as(
        state,
        actor.subject(),
        actor.viewer(),
        &notice_lookup_ids(rt, &view.record, &patch),
    )
    .await?;
    // The change, its announcements and the hand-over stand or fall together.
    let mut tx = state.store.begin().await?;
    let written = write_edit(state, &mut tx, &actor, rt, id, &patch, &names).await?;
    tx.commit().await?;
    state.similar.poke();
    let shared = state
        .store
        .record_view(id, caller.id())
        .await?
        .and_then(|v| v.shared);
    let after = written.value.after;
    let can_write = decide(&caller.subject, Access::Write, after.facts(shared)).is_allowed();
    let mut out = RecordOut::new(state, after, can_write);
    out.handed_over = written.value.handed_over;
    Ok(Outcome::new(out, written.events))
}

/// A change's fields checked against the record's type (422 naming each field at fault).
pub fn validate_edit(rt: &RecordType, edit: &RecordEdit) -> ApiResult<ValidFields> {
    rt.def
        .validate_fields(&edit.fields, Mode::Update)
        .map_err(ApiError::fields)
}

/// The owner a change asks for, when it differs from the record's (only then is it checked).
pub fn owner_to_check<'a>(record: &Record, edit: &'a RecordEdit) -> Option<&'a Owner> {
    edit.owner.as_ref().filter(|o| **o != record.owner)
}

/// The lookups a change sets to another record than the one the field holds (a value the
/// record already holds is not checked again).
pub fn lookups_to_check(record: &Record, valid: &ValidFields) -> Vec<Lookup> {
    valid
        .lookups
        .iter()
        .filter(|(field, _, target)| {
            record.fields.get(field).and_then(Value::as_str) != Some(target.as_str())
        })
        .cloned()
        .collect()
}

/// The checks of a change that need the database, decided on `facts`: a new owner exists
/// (422) and is within the actor's write depth, as the record is (403); the changed lookups
/// name records the actor may read (422). Answers the patch to write.
pub fn check_edit(
    actor: &Actor<'_>,
    rt: &RecordType,
    record: &Record,
    edit: RecordEdit,
    valid: ValidFields,
    facts: &WriteFacts,
) -> ApiResult<RecordPatch> {
    if let Some(owner) = owner_to_check(record, &edit) {
        facts.check_owner(owner)?;
        if let Decision::Denied(reason) =
            may_set_owner(actor.subject(), &rt.def.name, Some(&record.owner), owner)
        {
            return Err(ApiError::Forbidden(format!(
                "you cannot change this record's owner: {reason}"
            )));
        }
    }
    facts.check_lookups(&lookups_to_check(record, &valid))?;
    Ok(RecordPatch {
        fields: valid.values,
        owner: edit.owner,
        state: edit.state,
        at: None,
    })
}

/// The ids of the records that the announced lookup fields (R23) point to, before and after
/// the change: their names are read before the change's transaction.
pub fn notice_lookup_ids(rt: &RecordType, record: &Record, patch: &RecordPatch) -> Vec<String> {
    let notices = &rt.settings.field_notifications;
    let notified: &[String] = if notices.enabled {
        &notices.fields
    } else {
        &[]
    };
    notified
        .iter()
        .flat_map(|f| [record.fields.get(f), patch.fields.get(f)])
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect()
}

/// What a change wrote: the record before and after, and the chats handed over.
pub struct Written {
    pub before: Record,
    pub after: Record,
    pub handed_over: Option<HandOver>,
}

/// Writes a checked change on `tx` with what it causes: the announcements in the record's
/// connected chats (R23, `names`: the lookup targets the actor may read) and the hand-over to
/// a new owner (R25). The events are the announcements', then the hand-over's.
pub async fn write_edit(
    state: &AppState,
    tx: &mut Tx,
    actor: &Actor<'_>,
    rt: &RecordType,
    id: &RecordId,
    patch: &RecordPatch,
    names: &BTreeMap<String, String>,
) -> ApiResult<Outcome<Written>> {
    let change = tx
        .update_record(&rt.def, id, patch, actor.user_id())
        .await?;
    let mut events = announce_field_changes(state, tx, actor, rt, &change, names).await?;
    let handed = hand_over(state, tx, actor, rt, &change).await?;
    events.extend(handed.events);
    Ok(Outcome::new(
        Written {
            before: change.before,
            after: change.after,
            handed_over: handed.value,
        },
        events,
    ))
}

/// R23: posts "Priority changed from Normal to High by Olga Berg" into every chat connected to
/// the record, for the fields the type's settings name, on the change's transaction (`names`:
/// the lookup targets the caller may read). Answers the messages' events.
async fn announce_field_changes(
    state: &AppState,
    tx: &mut Tx,
    actor: &Actor<'_>,
    rt: &RecordType,
    change: &RecordChange,
    names: &BTreeMap<String, String>,
) -> ApiResult<Vec<Effect>> {
    let global = state.global_settings().await?;
    if !global.collaboration_enabled || !rt.settings.field_notifications.enabled {
        return Ok(Vec::new());
    }
    let (before, after) = (&change.before, &change.after);
    let changes = tether_domain::collab::announced_changes(
        &rt.def,
        &rt.settings,
        (&before.fields, before.state),
        (&after.fields, after.state),
        names,
    );
    let mut events = Vec::new();
    if changes.is_empty() {
        return Ok(events);
    }
    for chat_id in tx.connected_chat_ids(&after.id).await? {
        for c in &changes {
            let sys = system_message(
                actor.user_id(),
                c.sentence(actor.name()),
                json!({"event": "record.field_changed",
                       "record": {"type": after.record_type, "id": after.id},
                       "field": c.field, "label": c.label, "old": c.old, "new": c.new,
                       "old_value": c.old_value, "new_value": c.new_value}),
            );
            events.push(Effect::Written(tx.post_system(&chat_id, &sys).await?));
        }
    }
    Ok(events)
}
