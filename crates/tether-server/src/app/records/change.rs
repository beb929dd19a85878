//! Changing a record (SPEC R5, R22, R23, R25): its fields, owner or state, with what the change
//! causes — the field announcements in its connected chats and the hand-over to a new owner.

use super::{check_lookups, check_owner};
use crate::AppState;
use crate::app::Outcome;
use crate::app::guard::load_record;
use crate::app::handover::hand_over;
use crate::app::html::system_message;
use crate::app::outbox::Effect;
use crate::app::views::{RecordOut, readable_record_names};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use tether_domain::RecordId;
use tether_domain::access::{Decision, decide, may_set_owner};
use tether_domain::record::RecordState;
use tether_domain::record_type::Mode;
use tether_domain::{Access, Owner};
use tether_store::Tx;
use tether_store::record_types::RecordType;
use tether_store::records::{RecordChange, RecordPatch};

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
    let ty = &rt.def.name;
    let view = load_record(state, caller, ty, id, Access::Write).await?;
    let valid = rt
        .def
        .validate_fields(&edit.fields, Mode::Update)
        .map_err(ApiError::fields)?;
    if let Some(owner) = edit.owner.as_ref().filter(|o| **o != view.record.owner) {
        check_owner(state, owner).await?;
        if let Decision::Denied(reason) =
            may_set_owner(&caller.subject, ty, Some(&view.record.owner), owner)
        {
            return Err(ApiError::Forbidden(format!(
                "you cannot change this record's owner: {reason}"
            )));
        }
    }
    let changed_lookups: Vec<(String, String, String)> = valid
        .lookups
        .iter()
        .filter(|(field, _, target)| {
            view.record.fields.get(field).and_then(Value::as_str) != Some(target.as_str())
        })
        .cloned()
        .collect();
    check_lookups(state, caller, &changed_lookups).await?;
    let patch = RecordPatch {
        fields: valid.values,
        owner: edit.owner,
        state: edit.state,
        at: None,
    };
    // Read before the transaction (it holds SQLite's writer): the names of the records the
    // announced lookup fields point to, before and after.
    let notices = &rt.settings.field_notifications;
    let notified: &[String] = if notices.enabled {
        &notices.fields
    } else {
        &[]
    };
    let lookup_ids: Vec<String> = notified
        .iter()
        .flat_map(|f| [view.record.fields.get(f), patch.fields.get(f)])
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect();
    let names = readable_record_names(state, caller, &lookup_ids).await?;
    // The change, its announcements and the hand-over stand or fall together.
    let mut tx = state.store.begin().await?;
    let change = tx
        .update_record(&rt.def, id, &patch, Some(caller.id()))
        .await?;
    let mut events = announce_field_changes(state, &mut tx, caller, rt, &change, &names).await?;
    let handed = hand_over(state, &mut tx, caller, rt, &change).await?;
    tx.commit().await?;
    state.similar.poke();
    events.extend(handed.events);
    let shared = state
        .store
        .record_view(id, caller.id())
        .await?
        .and_then(|v| v.shared);
    let can_write = decide(&caller.subject, Access::Write, change.after.facts(shared)).is_allowed();
    let mut out = RecordOut::new(state, change.after, can_write);
    out.handed_over = handed.value;
    Ok(Outcome::new(out, events))
}

/// R23: posts "Priority changed from Normal to High by Olga Berg" into every chat connected to
/// the record, for the fields the type's settings name, on the change's transaction (`names`:
/// the lookup targets the caller may read). Answers the messages' events.
async fn announce_field_changes(
    state: &AppState,
    tx: &mut Tx,
    caller: &Caller,
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
                Some(caller.id()),
                c.sentence(&caller.user.name),
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
