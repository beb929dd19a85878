//! API keys (issue 19): what a host system authenticates with. Only a key's SHA-256 is kept
//! (the key itself is shown once, when it is made); creating and revoking are audited in the
//! same transaction; a revoked key stays listed, so the audit entries it made keep its name.

use crate::audit::{NewAudit, audit_insert};
use crate::{Result, Store, StoreError, new_id, now_ms};
use serde_json::json;
use tether_domain::UserId;

/// A key to store: its name, the SHA-256 of the key and its scope names.
#[derive(Clone, Debug)]
pub struct NewApiKey {
    pub name: String,
    pub key_hash: String,
    pub scopes: Vec<String>,
}

/// A key as administrators see it: never the key or its hash.
#[derive(Clone, Debug)]
pub struct ApiKey {
    pub id: String,
    pub name: String,
    pub scopes: Vec<String>,
    pub created_at: i64,
    /// Who made it (id and name), unless that person is gone.
    pub created_by: Option<(UserId, String)>,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

/// What authenticating a request with a key needs.
#[derive(Clone, Debug)]
pub struct KeyGrant {
    pub id: String,
    pub name: String,
    pub scopes: Vec<String>,
    pub created_by: Option<UserId>,
    pub last_used_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct KeyRow {
    id: String,
    name: String,
    scopes: String,
    created_at: i64,
    created_by: Option<String>,
    created_by_name: Option<String>,
    last_used_at: Option<i64>,
    revoked_at: Option<i64>,
}

impl TryFrom<KeyRow> for ApiKey {
    type Error = StoreError;
    fn try_from(r: KeyRow) -> Result<ApiKey> {
        Ok(ApiKey {
            scopes: serde_json::from_str(&r.scopes)?,
            created_by: r
                .created_by
                .map(|id| (UserId::new(id), r.created_by_name.unwrap_or_default())),
            id: r.id,
            name: r.name,
            created_at: r.created_at,
            last_used_at: r.last_used_at,
            revoked_at: r.revoked_at,
        })
    }
}

#[derive(sqlx::FromRow)]
struct GrantRow {
    id: String,
    name: String,
    scopes: String,
    created_by: Option<String>,
    last_used_at: Option<i64>,
}

const KEY_SELECT: &str = "SELECT k.id, k.name, k.scopes, k.created_at, k.created_by, u.name AS created_by_name, \
     k.last_used_at, k.revoked_at FROM api_keys k LEFT JOIN users u ON u.id = k.created_by";

/// How long a key's `last_used_at` may lag: a key used all day is written once a minute, not
/// on every request.
pub const LAST_USED_PRECISION_MS: i64 = 60_000;

impl Store {
    /// Stores a new key with its `api_key.created` audit entry, in one transaction.
    pub async fn create_api_key(&self, new: &NewApiKey, actor: &UserId) -> Result<ApiKey> {
        let id = new_id();
        let scopes = serde_json::to_string(&new.scopes)?;
        with_write!(self, p => {
            let mut tx = p.begin().await?;
            sqlx::query("INSERT INTO api_keys (id, name, key_hash, scopes, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(&id).bind(&new.name).bind(&new.key_hash).bind(&scopes).bind(actor.as_str()).bind(now_ms())
                .execute(&mut *tx).await?;
            let entry = NewAudit::new(Some(actor), "api_key.created", json!({"api_key_id": id, "name": new.name, "scopes": new.scopes}));
            audit_insert!(&mut *tx, &entry)?;
            tx.commit().await?;
            Ok::<_, StoreError>(())
        })?;
        self.api_key(&id)
            .await?
            .ok_or(StoreError::NotFound("API key"))
    }

    /// One key by id.
    pub async fn api_key(&self, id: &str) -> Result<Option<ApiKey>> {
        let sql = format!("{KEY_SELECT} WHERE k.id = $1");
        let row: Option<KeyRow> = with_pool!(self, p => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(p).await)?;
        row.map(ApiKey::try_from).transpose()
    }

    /// Every key, revoked ones too, newest first.
    pub async fn api_keys(&self) -> Result<Vec<ApiKey>> {
        let sql = format!("{KEY_SELECT} ORDER BY k.created_at DESC, k.id DESC");
        let rows: Vec<KeyRow> =
            with_pool!(self, p => sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(p).await)?;
        rows.into_iter().map(ApiKey::try_from).collect()
    }

    /// Revokes a key with its `api_key.revoked` audit entry, in one transaction. `false` when
    /// it was revoked already (nothing is written); [`StoreError::NotFound`] for no such key.
    pub async fn revoke_api_key(&self, id: &str, actor: &UserId) -> Result<bool> {
        with_write!(self, p => {
            let mut tx = p.begin().await?;
            let found: Option<(Option<i64>,)> = sqlx::query_as("SELECT revoked_at FROM api_keys WHERE id = $1")
                .bind(id).fetch_optional(&mut *tx).await?;
            match found {
                None => return Err(StoreError::NotFound("API key")),
                Some((Some(_),)) => return Ok(false),
                Some((None,)) => {}
            }
            sqlx::query("UPDATE api_keys SET revoked_at = $1, revoked_by = $2 WHERE id = $3 AND revoked_at IS NULL")
                .bind(now_ms()).bind(actor.as_str()).bind(id).execute(&mut *tx).await?;
            let entry = NewAudit::new(Some(actor), "api_key.revoked", json!({"api_key_id": id}));
            audit_insert!(&mut *tx, &entry)?;
            tx.commit().await?;
            Ok::<_, StoreError>(true)
        })
    }

    /// The unrevoked key whose SHA-256 is `key_hash`, if any: read on every request made with
    /// a key (never cached, so a revocation holds at once on every node).
    pub async fn api_key_grant(&self, key_hash: &str) -> Result<Option<KeyGrant>> {
        let row: Option<GrantRow> = with_pool!(self, p => sqlx::query_as(
            "SELECT id, name, scopes, created_by, last_used_at FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL")
            .bind(key_hash).fetch_optional(p).await)?;
        row.map(|r| {
            Ok(KeyGrant {
                scopes: serde_json::from_str(&r.scopes)?,
                created_by: r.created_by.map(UserId::new),
                id: r.id,
                name: r.name,
                last_used_at: r.last_used_at,
            })
        })
        .transpose()
    }

    /// Notes that a key was used at `at`, unless that was noted less than
    /// [`LAST_USED_PRECISION_MS`] before.
    pub async fn touch_api_key(&self, id: &str, at: i64) -> Result<()> {
        with_write!(self, p => sqlx::query(
            "UPDATE api_keys SET last_used_at = $1 WHERE id = $2 AND (last_used_at IS NULL OR last_used_at < $3)")
            .bind(at).bind(id).bind(at - LAST_USED_PRECISION_MS).execute(p).await.map(|_| ()))
    }
}
