//! Writing records, each change in one transaction: creating (numbered, linked, indexed),
//! updating, sharing (audited) and deleting (its connected chats told).

use super::read::record_unchecked_on;
use super::{
    ExternalLink, NewRecord, Record, RecordChange, RecordPatch, lookup_links, owner_columns,
};
use crate::audit::{NewAudit, audit_insert};
use crate::dialect::fold;
use crate::tx::tx_write;
use crate::{Result, Store, StoreError, Tx, new_id, now_ms};
use serde_json::json;
use tether_domain::Access;
use tether_domain::RecordId;
use tether_domain::UserId;
use tether_domain::record::RecordState;
use tether_domain::record_type::{NUMBER_FIELD, RecordTypeDef, format_number};

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
        id: &RecordId,
        actor_id: &UserId,
        system: &crate::chats::SystemMessage,
    ) -> Result<Vec<(tether_domain::ChatId, tether_domain::MessageId)>> {
        let id = id.as_str();
        let now = now_ms();
        let backend = self.backend();
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
            let chats: Vec<tether_domain::ChatId> = chats.into_iter().map(|(c,)| tether_domain::ChatId::new(c)).collect();
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
                crate::dialect::delete_record_text(backend),
                "DELETE FROM record_similar WHERE record_id = $1",
            ] {
                sqlx::query(sql).bind(id).execute(&mut *tx).await?;
            }
            let gone = sqlx::query("DELETE FROM records WHERE id = $1").bind(id).execute(&mut *tx).await?.rows_affected();
            if gone == 0 {
                return Err(StoreError::NotFound("record"));
            }
            // It may have been resolved: other records' kept rankings may name it.
            crate::similar::bump_similar_generation!(&mut *tx, record_type)?;
            let entry = NewAudit::new(Some(actor_id), "record.deleted", json!({"chats": chats})).record(record_type, id);
            audit_insert!(&mut *tx, &entry)?;
            tx.commit().await?;
            Ok::<_, StoreError>(written)
        })
    }

    /// Creates a record: assigns its number (numbered types), stores its links and the first
    /// owner-history entry, in one transaction (see [`Tx::create_record`]).
    pub async fn create_record(&self, def: &RecordTypeDef, new: &NewRecord) -> Result<Record> {
        self.in_tx(async |tx| tx.create_record(def, new, None).await)
            .await
    }

    /// Changes a record's fields, owner or state, in one transaction (see [`Tx::update_record`]).
    pub async fn update_record(
        &self,
        def: &RecordTypeDef,
        id: &RecordId,
        patch: &RecordPatch,
        actor: Option<&UserId>,
    ) -> Result<RecordChange> {
        self.in_tx(async |tx| tx.update_record(def, id, patch, actor).await)
            .await
    }

    /// Shares a record with a user for read or write (replacing an earlier share); audited.
    pub async fn share_record(
        &self,
        record_type: &str,
        record_id: &RecordId,
        user_id: &UserId,
        access: Access,
        actor: &UserId,
    ) -> Result<()> {
        if self.user(user_id).await?.is_none() {
            return Err(StoreError::Invalid(format!("unknown user id: {user_id}")));
        }
        with_write!(self, p => {
            let mut tx = p.begin().await?;
            sqlx::query("INSERT INTO record_shares (record_id, user_id, access, granted_by, granted_at) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (record_id, user_id) DO UPDATE SET access = excluded.access, granted_by = excluded.granted_by, granted_at = excluded.granted_at")
                .bind(record_id.as_str()).bind(user_id.as_str()).bind(access.as_str()).bind(actor.as_str()).bind(now_ms())
                .execute(&mut *tx).await?;
            let entry = NewAudit::new(Some(actor), "record.shared", json!({"user_id": user_id, "access": access.as_str()})).record(record_type, record_id.as_str());
            audit_insert!(&mut *tx, &entry)?;
            tx.commit().await?;
            Ok::<_, StoreError>(())
        })?;
        Ok(())
    }
}

impl Tx {
    /// Creates a record: assigns its number (numbered types), stores its links, its search
    /// entry and the first owner-history entry; `external` is its place in a host system
    /// (unique per type and source: [`StoreError::Conflict`] when another record holds it).
    pub async fn create_record(
        &mut self,
        def: &RecordTypeDef,
        new: &NewRecord,
        external: Option<&ExternalLink>,
    ) -> Result<Record> {
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
        let (source, external_id, url) = match external {
            Some(e) => (Some(&e.source), Some(&e.external_id), e.url.as_ref()),
            None => (None, None, None),
        };
        tx_write!(self, c => {
            let number = match &def.number_prefix {
                Some(prefix) => {
                    let (n,): (i64,) = sqlx::query_as("UPDATE counters SET value = value + 1 WHERE name = $1 RETURNING value")
                        .bind(format!("record_number:{}:{prefix}", def.name)).fetch_one(&mut *c).await?;
                    Some(format_number(prefix, n))
                }
                None => None,
            };
            sqlx::query("INSERT INTO records (id, type, number, name, name_folded, fields, owner_user_id, owner_team_id, state, created_by, created_at, updated_at, resolved_at, resolved_by, source, external_id, url) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12, $13, $14, $15, $16)")
                .bind(&id).bind(&def.name).bind(&number).bind(&name).bind(fold(&name)).bind(&fields_doc)
                .bind(owner_user).bind(owner_team).bind(new.state.as_str()).bind(new.created_by.as_ref()).bind(at)
                .bind(resolved_at).bind(resolved_at.and(owner_user)).bind(source).bind(external_id).bind(url)
                .execute(&mut *c).await
                .map_err(|e| StoreError::conflict_on_unique(e, "another record of this type already has this source and external id"))?;
            for (field, target) in lookup_links(def, &stored) {
                if let Some(target) = target {
                    sqlx::query("INSERT INTO record_links (record_id, field, target_id) VALUES ($1, $2, $3)")
                        .bind(&id).bind(field).bind(target).execute(&mut *c).await?;
                }
            }
            sqlx::query("INSERT INTO owner_history (record_id, owner_user_id, owner_team_id, changed_by, at) VALUES ($1, $2, $3, $4, $5)")
                .bind(&id).bind(owner_user).bind(owner_team).bind(new.created_by.as_ref()).bind(at)
                .execute(&mut *c).await?;
            sqlx::query(text_sql).bind(&id).bind(&def.name).bind(&search).execute(&mut *c).await?;
            if resolved_at.is_some() {
                crate::similar::bump_similar_generation!(&mut *c, &def.name)?;
            }
            Ok::<_, StoreError>(())
        })?;
        record_unchecked_on(self.db(), &id).await
    }

    /// Changes a record's fields (a `null` clears one), owner or state: the owner history, the
    /// lookup links and the search entry follow, and a newly resolved record notes when and by
    /// whom. The record is read inside the transaction under its row lock, so two changes at
    /// once to different fields both stand. Answers the record before and after.
    pub async fn update_record(
        &mut self,
        def: &RecordTypeDef,
        id: &RecordId,
        patch: &RecordPatch,
        actor: Option<&UserId>,
    ) -> Result<RecordChange> {
        let id = id.as_str();
        self.lock(crate::dialect::Locked::Record, id).await?;
        let before = record_unchecked_on(self.db(), id).await?;
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
        let backend = self.backend();
        let owner = patch.owner.clone().unwrap_or_else(|| before.owner.clone());
        let owner_changed = owner != before.owner;
        let (owner_user, owner_team) = owner_columns(&owner);
        let state = patch.state.unwrap_or(before.state);
        let mut before_fields = before.fields.clone();
        before_fields.remove(NUMBER_FIELD);
        let text_changed =
            crate::dialect::record_search_text(def, &before.name, &before_fields) != search;
        // The set of resolved records of the type, or the text of one of them, changes.
        let resolved_changed = (state == RecordState::Resolved)
            != (before.state == RecordState::Resolved)
            || (state == RecordState::Resolved && text_changed);
        let newly_resolved =
            state == RecordState::Resolved && before.state != RecordState::Resolved;
        tx_write!(self, c => {
            sqlx::query("UPDATE records SET name = $1, name_folded = $2, fields = $3, owner_user_id = $4, owner_team_id = $5, state = $6, updated_at = $7 WHERE id = $8")
                .bind(&name).bind(fold(&name)).bind(&fields_doc).bind(owner_user).bind(owner_team).bind(state.as_str()).bind(at).bind(id)
                .execute(&mut *c).await?;
            if newly_resolved {
                sqlx::query("UPDATE records SET resolved_at = $1, resolved_by = $2 WHERE id = $3")
                    .bind(at).bind(actor).bind(id).execute(&mut *c).await?;
            }
            for (field, target) in lookup_links(def, &patch.fields) {
                match target {
                    Some(target) => sqlx::query("INSERT INTO record_links (record_id, field, target_id) VALUES ($1, $2, $3) \
                         ON CONFLICT (record_id, field) DO UPDATE SET target_id = excluded.target_id")
                        .bind(id).bind(field).bind(target).execute(&mut *c).await?,
                    None => sqlx::query("DELETE FROM record_links WHERE record_id = $1 AND field = $2")
                        .bind(id).bind(field).execute(&mut *c).await?,
                };
            }
            if owner_changed {
                sqlx::query("INSERT INTO owner_history (record_id, owner_user_id, owner_team_id, changed_by, at) VALUES ($1, $2, $3, $4, $5)")
                    .bind(id).bind(owner_user).bind(owner_team).bind(actor).bind(at)
                    .execute(&mut *c).await?;
            }
            if text_changed {
                sqlx::query(crate::dialect::delete_record_text(backend)).bind(id).execute(&mut *c).await?;
                sqlx::query(text_sql).bind(id).bind(&def.name).bind(&search).execute(&mut *c).await?;
                sqlx::query("DELETE FROM record_similar WHERE record_id = $1").bind(id).execute(&mut *c).await?;
            }
            if resolved_changed {
                crate::similar::bump_similar_generation!(&mut *c, &def.name)?;
            }
            Ok::<_, StoreError>(())
        })?;
        let after = record_unchecked_on(self.db(), id).await?;
        Ok(RecordChange { before, after })
    }
}
