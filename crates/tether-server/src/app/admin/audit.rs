//! The audit log (SPEC R22), for administrators: entries filtered by record, chat, actor and
//! action, with the names of the people, teams, records and chats they name, as a list or as
//! CSV a spreadsheet opens safely.

use crate::AppState;
use crate::app::views::{PersonRef, rfc3339};
use crate::auth::Caller;
use crate::error::ApiResult;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;
use tether_domain::csv;
use tether_store::audit::AuditFilter;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct AuditRecordRef {
    #[serde(rename = "type")]
    pub record_type: String,
    pub id: String,
    /// The record's number, when its type numbers records.
    pub number: Option<String>,
    /// The record's name now; null once the record is deleted.
    pub name: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct AuditChatRef {
    pub id: String,
    /// The chat's name now; null for a one-on-one chat, a deleted chat, or a channel of a team
    /// the caller is not in.
    pub name: Option<String>,
    /// `one_on_one`, `group` or `channel`; null for a deleted chat.
    pub kind: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct AuditItem {
    pub id: String,
    pub at: String,
    pub actor: Option<PersonRef>,
    /// The API key the change was made with (the actor is then null: a key is no person).
    pub api_key: Option<AuditKeyRef>,
    pub action: String,
    pub record_type: Option<String>,
    pub record_id: Option<String>,
    pub chat_id: Option<String>,
    /// The record the entry is about, with its name.
    pub record: Option<AuditRecordRef>,
    /// The chat the entry is about, with its name.
    pub chat: Option<AuditChatRef>,
    /// What the entry's action changed, as the action names it (ids, old and new values);
    /// the members differ from action to action.
    #[schema(value_type = HashMap<String, serde_json::Value>)]
    pub details: Value,
    /// Names of the people and teams that `details` names by id (`user_id`, `team_id`,
    /// `user_ids`, `team_ids`, `admin_ids`, …), by id.
    pub names: BTreeMap<String, String>,
}

#[derive(Serialize, ToSchema)]
pub struct AuditKeyRef {
    pub id: String,
    /// The key's name (revoked keys keep theirs).
    pub name: String,
}

#[derive(Serialize, ToSchema)]
pub struct AuditList {
    pub items: Vec<AuditItem>,
}

/// Ids in an audit entry's details that name people or teams.
fn detail_ids(details: &Value) -> Vec<String> {
    const KEYS: [&str; 8] = [
        "user_id",
        "team_id",
        "user_ids",
        "team_ids",
        "admin_ids",
        "member_ids",
        "previous_admin_ids",
        // A synced record's new owner (`record.synced`).
        "owner",
    ];
    let mut out = Vec::new();
    for k in KEYS {
        match details.get(k) {
            Some(Value::String(s)) => out.push(s.clone()),
            Some(Value::Array(a)) => {
                out.extend(a.iter().filter_map(Value::as_str).map(str::to_owned))
            }
            _ => {}
        }
    }
    out
}

/// The audit entries the filter selects, newest first, with names resolved: the actor, record
/// and chat in the query itself, the people and teams named in details in one batched look-up.
/// Administrators only.
pub async fn entries(
    state: &AppState,
    admin: &Caller,
    filter: &AuditFilter,
) -> ApiResult<Vec<AuditItem>> {
    admin.require_admin()?;
    let entries = state.store.list_audit(filter).await?;
    let mut ids: Vec<String> = entries
        .iter()
        .flat_map(|e| detail_ids(&e.details))
        .collect();
    ids.sort();
    ids.dedup();
    let names = state.store.names_by_ids(&ids).await?;
    Ok(entries
        .into_iter()
        .map(|e| {
            let own: BTreeMap<String, String> = detail_ids(&e.details)
                .into_iter()
                .filter_map(|id| names.get(&id).map(|n| (id, n.clone())))
                .collect();
            AuditItem {
                id: e.id,
                at: rfc3339(e.at),
                actor: e.actor.map(|a| PersonRef {
                    id: a.id.into(),
                    name: a.name,
                }),
                api_key: e.api_key.map(|k| AuditKeyRef {
                    id: k.id,
                    name: k.name,
                }),
                action: e.action,
                record: match (&e.record_type, &e.record_id) {
                    (Some(t), Some(id)) => Some(AuditRecordRef {
                        record_type: t.clone(),
                        id: id.clone(),
                        number: e.record_number,
                        name: e.record_name,
                    }),
                    _ => None,
                },
                chat: e.chat_id.as_ref().map(|id| AuditChatRef {
                    id: id.clone(),
                    // A channel's name is for its team's members (R13), administrators
                    // included only when they are in the team.
                    name: match &e.chat_team_id {
                        Some(team)
                            if !admin.subject.team_ids.iter().any(|t| t.as_str() == team) =>
                        {
                            None
                        }
                        _ => e.chat_name,
                    },
                    kind: e.chat_kind,
                }),
                record_type: e.record_type,
                record_id: e.record_id,
                chat_id: e.chat_id,
                details: e.details,
                names: own,
            }
        })
        .collect())
}

/// The entries as CSV (UTF-8, CRLF lines, a header row). Cells a spreadsheet would run as a
/// formula are prefixed with `'`.
pub fn to_csv(items: Vec<AuditItem>) -> String {
    let mut out = csv::line(&[
        "time",
        "actor",
        "actor_id",
        "action",
        "record_type",
        "record_id",
        "record_number",
        "record_name",
        "chat_id",
        "chat_name",
        "details",
        "api_key",
        "api_key_id",
    ]);
    for a in items {
        let (actor, actor_id) = a
            .actor
            .map(|p| (p.name, p.id.into_string()))
            .unwrap_or_default();
        let rec = a.record.as_ref();
        let chat = a.chat.as_ref();
        let details = named_details(&a.details, &a.names);
        let (key, key_id) = a.api_key.map(|k| (k.name, k.id)).unwrap_or_default();
        out.push_str(&csv::line(&[
            a.at.as_str(),
            actor.as_str(),
            actor_id.as_str(),
            a.action.as_str(),
            rec.map_or("", |r| r.record_type.as_str()),
            rec.map_or("", |r| r.id.as_str()),
            rec.and_then(|r| r.number.as_deref()).unwrap_or(""),
            rec.and_then(|r| r.name.as_deref()).unwrap_or(""),
            chat.map_or("", |c| c.id.as_str()),
            chat.and_then(|c| c.name.as_deref()).unwrap_or(""),
            details.as_str(),
            key.as_str(),
            key_id.as_str(),
        ]));
    }
    out
}

/// Details as `key: value` pairs, with ids of people and teams followed by their names.
fn named_details(details: &Value, names: &BTreeMap<String, String>) -> String {
    let show = |v: &Value| -> String {
        match v {
            Value::String(s) => match names.get(s) {
                Some(n) => format!("{n} ({s})"),
                None => s.clone(),
            },
            Value::Array(a) => a
                .iter()
                .map(|x| match x.as_str() {
                    Some(s) => names
                        .get(s)
                        .map_or_else(|| s.to_owned(), |n| format!("{n} ({s})")),
                    None => x.to_string(),
                })
                .collect::<Vec<_>>()
                .join("; "),
            other => other.to_string(),
        }
    };
    match details {
        Value::Object(m) => m
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| format!("{k}: {}", show(v)))
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}
