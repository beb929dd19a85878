//! Settings and record types (SPEC R1, R3, R22): the global switch, custom record types with
//! typed fields, and each type's collaboration settings. Changes need the `admin` privilege and
//! are audited; any signed-in user may read them (every client renders records by them).

use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use serde::Serialize;
use serde_json::Value;
use tether_domain::invalid::Invalid;
use tether_domain::record_type::{FieldDef, RecordTypeDef};
use tether_domain::settings::{GlobalSettings, RecordTypeSettings};
use tether_store::record_types::RecordType;
use utoipa::ToSchema;

/// Turns collaboration on or off for everyone (R1). Administrators only; audited.
pub async fn set_global(
    state: &AppState,
    admin: &Caller,
    settings: &GlobalSettings,
) -> ApiResult<GlobalSettings> {
    admin.require_admin()?;
    let s = state
        .store
        .set_global_settings(settings, Some(admin.id()))
        .await?;
    state.forget_settings();
    Ok(s)
}

#[derive(Serialize, ToSchema)]
pub struct RecordTypeOut {
    pub name: String,
    pub display_name: String,
    pub primary_field: String,
    pub fields: Vec<FieldDef>,
    pub standard: bool,
    pub number_prefix: Option<String>,
    pub settings: RecordTypeSettings,
    /// The states a record of this type may be in (an account is never resolved).
    pub states: Vec<String>,
}

impl From<RecordType> for RecordTypeOut {
    fn from(t: RecordType) -> Self {
        let states = tether_domain::record::states_for(&t.def.name)
            .iter()
            .map(|s| s.as_str().to_owned())
            .collect();
        RecordTypeOut {
            name: t.def.name,
            display_name: t.def.display_name,
            primary_field: t.def.primary_field,
            fields: t.def.fields,
            standard: t.def.standard,
            number_prefix: t.def.number_prefix,
            settings: t.settings,
            states,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct RecordTypeList {
    pub items: Vec<RecordTypeOut>,
}

/// Adds a custom record type (R3) with typed fields; it starts with the default settings.
/// The prefix for record numbers is 2–5 capital letters. Administrators only; audited.
pub async fn create_type(
    state: &AppState,
    admin: &Caller,
    def: RecordTypeDef,
) -> ApiResult<RecordTypeOut> {
    admin.require_admin()?;
    if def
        .number_prefix
        .as_deref()
        .is_some_and(|p| !(2..=5).contains(&p.len()) || !p.chars().all(|c| c.is_ascii_uppercase()))
    {
        return Err(ApiError::invalid(
            "number_prefix",
            Invalid::NumberPrefix,
            "must be 2–5 capital letters",
        ));
    }
    let existing = state.store.record_types().await?;
    let known: Vec<&str> = existing.iter().map(|t| t.def.name.as_str()).collect();
    def.check_definition(&known).map_err(ApiError::fields)?;
    let settings = RecordTypeSettings::defaults_for(&def);
    let created = state
        .store
        .create_record_type(&def, &settings, Some(admin.id()))
        .await?;
    state.forget_record_types();
    Ok(created.into())
}

/// Every record type, standard and custom.
pub async fn list_types(state: &AppState) -> ApiResult<RecordTypeList> {
    Ok(RecordTypeList {
        items: state
            .store
            .record_types()
            .await?
            .into_iter()
            .map(RecordTypeOut::from)
            .collect(),
    })
}

/// A type's collaboration settings.
pub async fn type_settings(state: &AppState, ty: &str) -> ApiResult<RecordTypeSettings> {
    Ok(crate::app::records::load_type(state, ty).await?.settings)
}

/// Overlays `patch` onto `base`, recursing into objects (a partial settings document changes
/// only what it names).
fn merge(base: &mut Value, patch: Value) {
    match (base, patch) {
        (Value::Object(b), Value::Object(p)) => {
            for (k, v) in p {
                match b.get_mut(&k) {
                    Some(slot) if slot.is_object() && v.is_object() => merge(slot, v),
                    _ => {
                        b.insert(k, v);
                    }
                }
            }
        }
        (b, p) => *b = p,
    }
}

/// Changes a type's collaboration settings: `patch`, a JSON object, changes only the settings it
/// names (nested objects included); unknown names are refused. Administrators only; audited.
pub async fn set_type_settings(
    state: &AppState,
    admin: &Caller,
    ty: &str,
    patch: Value,
) -> ApiResult<RecordTypeSettings> {
    admin.require_admin()?;
    if !patch.is_object() {
        return Err(ApiError::Unprocessable {
            detail: "send the settings as a JSON object".into(),
            errors: Vec::new(),
        });
    }
    // The patch applies to the settings as they are when it is written: read, merged and
    // written in one transaction, so two administrators' changes at once both stand.
    let mut tx = state.store.begin().await?;
    let current = tx
        .record_type_for_update(ty)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("there is no record type '{ty}'")))?;
    let mut doc =
        serde_json::to_value(&current.settings).map_err(|e| ApiError::Internal(e.into()))?;
    merge(&mut doc, patch);
    let settings: RecordTypeSettings =
        serde_json::from_value(doc).map_err(|e| ApiError::Unprocessable {
            detail: format!("invalid settings: {e}"),
            errors: Vec::new(),
        })?;
    settings.check(&current.def).map_err(ApiError::fields)?;
    let changed = tx
        .set_record_type_settings(ty, &settings, Some(admin.id()))
        .await?;
    tx.commit().await?;
    state.forget_record_types();
    Ok(changed.settings)
}
