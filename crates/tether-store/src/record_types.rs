//! Record types with their collaboration settings, and the global settings.

use crate::audit::{NewAudit, audit_insert};
use crate::tx::{Db, on_db, tx_write};
use crate::{Result, Store, StoreError, Tx, now_ms};
use serde::Serialize;
use serde_json::json;
use tether_domain::UserId;
use tether_domain::record_type::RecordTypeDef;
use tether_domain::settings::{GlobalSettings, RecordTypeSettings};

/// A record type as stored: its definition and its settings.
#[derive(Clone, Debug, Serialize)]
pub struct RecordType {
    #[serde(flatten)]
    pub def: RecordTypeDef,
    pub settings: RecordTypeSettings,
}

#[derive(sqlx::FromRow)]
struct TypeRow {
    definition: String,
    settings: String,
}

impl TypeRow {
    fn parse(self) -> Result<RecordType> {
        Ok(RecordType {
            def: serde_json::from_str(&self.definition)?,
            settings: serde_json::from_str(&self.settings)?,
        })
    }
}

const GLOBAL_KEY: &str = "global";

impl Store {
    /// Every record type, standard ones first in their fixed order, then custom ones by age.
    pub async fn record_types(&self) -> Result<Vec<RecordType>> {
        let rows: Vec<TypeRow> = with_pool!(self, p => sqlx::query_as("SELECT definition, settings FROM record_types ORDER BY position, name")
            .fetch_all(p).await)?;
        rows.into_iter().map(TypeRow::parse).collect()
    }

    pub async fn record_type(&self, name: &str) -> Result<Option<RecordType>> {
        record_type_on(self.db(), name).await
    }

    /// Adds a record type (its definition already checked) with the given settings.
    pub async fn create_record_type(
        &self,
        def: &RecordTypeDef,
        settings: &RecordTypeSettings,
        actor: Option<&UserId>,
    ) -> Result<RecordType> {
        let definition = serde_json::to_string(def)?;
        let settings_doc = serde_json::to_string(settings)?;
        with_write!(self, p => {
            let mut tx = p.begin().await?;
            let (pos,): (i64,) = sqlx::query_as("SELECT COALESCE(MAX(position), 0) + 1 FROM record_types").fetch_one(&mut *tx).await?;
            sqlx::query("INSERT INTO record_types (name, definition, settings, position, created_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(&def.name).bind(&definition).bind(&settings_doc).bind(pos).bind(now_ms())
                .execute(&mut *tx).await
                .map_err(|e| StoreError::conflict_on_unique(e, format!("a record type named '{}' already exists", def.name)))?;
            if let Some(prefix) = &def.number_prefix {
                sqlx::query("INSERT INTO counters (name, value) VALUES ($1, 0) ON CONFLICT DO NOTHING")
                    .bind(format!("record_number:{}:{prefix}", def.name)).execute(&mut *tx).await?;
            }
            if actor.is_some() {
                let entry = NewAudit::new(actor, "record_type.created", json!({"record_type": def.name, "definition": def}));
                audit_insert!(&mut *tx, &entry)?;
            }
            tx.commit().await?;
            Ok::<_, StoreError>(())
        })?;
        Ok(RecordType {
            def: def.clone(),
            settings: settings.clone(),
        })
    }

    /// Replaces a record type's collaboration settings, audited with the old and the new, in one
    /// transaction (see [`Tx::set_record_type_settings`]).
    pub async fn set_record_type_settings(
        &self,
        name: &str,
        settings: &RecordTypeSettings,
        actor: Option<&UserId>,
    ) -> Result<RecordType> {
        self.in_tx(async |tx| tx.set_record_type_settings(name, settings, actor).await)
            .await
    }

    pub async fn global_settings(&self) -> Result<GlobalSettings> {
        let row: Option<(String,)> = with_pool!(self, p => sqlx::query_as("SELECT value FROM settings WHERE key = $1")
            .bind(GLOBAL_KEY).fetch_optional(p).await)?;
        match row {
            Some((doc,)) => Ok(serde_json::from_str(&doc)?),
            None => Ok(GlobalSettings::default()),
        }
    }

    /// Replaces the global settings and audits old → new.
    pub async fn set_global_settings(
        &self,
        s: &GlobalSettings,
        actor: Option<&UserId>,
    ) -> Result<GlobalSettings> {
        let old = self.global_settings().await?;
        let doc = serde_json::to_string(s)?;
        with_write!(self, p => {
            let mut tx = p.begin().await?;
            sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
                .bind(GLOBAL_KEY).bind(&doc).execute(&mut *tx).await?;
            let entry = NewAudit::new(actor, "settings.global_changed", json!({"old": old, "new": s}));
            audit_insert!(&mut *tx, &entry)?;
            tx.commit().await?;
            Ok::<_, StoreError>(())
        })?;
        Ok(s.clone())
    }
}

impl Tx {
    /// A record type as this transaction sees it, under its row lock on PostgreSQL (SQLite's
    /// one writer already keeps other changes out), so a change computed from it cannot
    /// overwrite another made meanwhile.
    pub async fn record_type_for_update(&mut self, name: &str) -> Result<Option<RecordType>> {
        self.lock(crate::dialect::Locked::RecordType, name).await?;
        record_type_on(self.db(), name).await
    }

    /// Replaces a record type's collaboration settings, audited with the old and the new.
    pub async fn set_record_type_settings(
        &mut self,
        name: &str,
        settings: &RecordTypeSettings,
        actor: Option<&UserId>,
    ) -> Result<RecordType> {
        let doc = serde_json::to_string(settings)?;
        tx_write!(self, c => {
            let old: Option<(String,)> = sqlx::query_as("SELECT settings FROM record_types WHERE name = $1").bind(name).fetch_optional(&mut *c).await?;
            let Some((old,)) = old else { return Err(StoreError::NotFound("record type")) };
            sqlx::query("UPDATE record_types SET settings = $1 WHERE name = $2").bind(&doc).bind(name).execute(&mut *c).await?;
            let old: serde_json::Value = serde_json::from_str(&old)?;
            let entry = NewAudit::new(actor, "settings.record_type_changed", json!({"record_type": name, "old": old, "new": settings}));
            audit_insert!(&mut *c, &entry)?;
            Ok::<_, StoreError>(())
        })?;
        record_type_on(self.db(), name)
            .await?
            .ok_or(StoreError::NotFound("record type"))
    }
}

async fn record_type_on(db: Db<'_>, name: &str) -> Result<Option<RecordType>> {
    let row: Option<TypeRow> = on_db!(db, c => sqlx::query_as("SELECT definition, settings FROM record_types WHERE name = $1")
        .bind(name).fetch_optional(&mut *c).await)?;
    row.map(TypeRow::parse).transpose()
}
