//! Integrations (issue 19, parts 2 and 3): host systems that sign launch tokens, with the key
//! and algorithm their tokens are verified with, the origins that may frame the embedded panel,
//! the launch tokens already used (each `jti` once, across nodes: the primary key decides) and
//! the embed sessions a launch starts. Creating and deleting an integration is audited in the
//! same transaction; deleting one ends its embed sessions (the foreign key cascades).

use crate::audit::{NewAudit, audit_insert};
use crate::{Result, Store, StoreError, new_id, now_ms};
use serde_json::json;
use tether_domain::UserId;

/// An integration to store. `key_material` is the HS256 secret or the public key's PEM.
#[derive(Clone, Debug)]
pub struct NewIntegration {
    pub name: String,
    pub source: String,
    pub allowed_origins: Vec<String>,
    pub algorithm: String,
    pub key_material: String,
    pub audience: String,
    pub provision_users: bool,
    pub default_role: Option<String>,
}

/// An integration as administrators see it: never its secret.
#[derive(Clone, Debug)]
pub struct Integration {
    pub id: String,
    pub name: String,
    pub source: String,
    pub allowed_origins: Vec<String>,
    pub algorithm: String,
    pub audience: String,
    pub provision_users: bool,
    pub default_role: Option<String>,
    pub created_at: i64,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    name: String,
    source: String,
    allowed_origins: String,
    algorithm: String,
    audience: String,
    provision_users: bool,
    default_role: Option<String>,
    created_at: i64,
}

impl TryFrom<Row> for Integration {
    type Error = StoreError;
    fn try_from(r: Row) -> Result<Integration> {
        Ok(Integration {
            allowed_origins: serde_json::from_str(&r.allowed_origins)?,
            id: r.id,
            name: r.name,
            source: r.source,
            algorithm: r.algorithm,
            audience: r.audience,
            provision_users: r.provision_users,
            default_role: r.default_role,
            created_at: r.created_at,
        })
    }
}

/// An integration with the key its tokens are verified with (for the launch only).
#[derive(Clone, Debug)]
pub struct IntegrationKey {
    pub integration: Integration,
    pub key_material: String,
}

const SELECT: &str = "SELECT id, name, source, allowed_origins, algorithm, audience, provision_users, \
     default_role, created_at FROM integrations";

impl Store {
    /// Stores an integration with its `integration.created` audit entry, in one transaction.
    pub async fn create_integration(
        &self,
        new: &NewIntegration,
        actor: &UserId,
    ) -> Result<Integration> {
        let id = new_id();
        let origins = serde_json::to_string(&new.allowed_origins)?;
        with_write!(self, p => {
            let mut tx = p.begin().await?;
            sqlx::query("INSERT INTO integrations (id, name, source, allowed_origins, algorithm, key_material, audience, provision_users, default_role, created_by, created_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)")
                .bind(&id).bind(&new.name).bind(&new.source).bind(&origins).bind(&new.algorithm)
                .bind(&new.key_material).bind(&new.audience).bind(new.provision_users)
                .bind(&new.default_role).bind(actor.as_str()).bind(now_ms())
                .execute(&mut *tx).await?;
            let entry = NewAudit::new(Some(actor), "integration.created", json!({
                "integration_id": id, "name": new.name, "source": new.source,
                "allowed_origins": new.allowed_origins, "algorithm": new.algorithm,
                "provision_users": new.provision_users, "default_role": new.default_role}));
            audit_insert!(&mut *tx, &entry)?;
            tx.commit().await?;
            Ok::<_, StoreError>(())
        })?;
        self.integration(&id)
            .await?
            .ok_or(StoreError::NotFound("integration"))
    }

    /// One integration by id, without its key.
    pub async fn integration(&self, id: &str) -> Result<Option<Integration>> {
        let sql = format!("{SELECT} WHERE id = $1");
        let row: Option<Row> = with_pool!(self, p => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(p).await)?;
        row.map(Integration::try_from).transpose()
    }

    /// Every integration, newest first, without their keys.
    pub async fn integrations(&self) -> Result<Vec<Integration>> {
        let sql = format!("{SELECT} ORDER BY created_at DESC, id DESC");
        let rows: Vec<Row> =
            with_pool!(self, p => sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(p).await)?;
        rows.into_iter().map(Integration::try_from).collect()
    }

    /// An integration with the key its launch tokens are verified with.
    pub async fn integration_key(&self, id: &str) -> Result<Option<IntegrationKey>> {
        let Some(integration) = self.integration(id).await? else {
            return Ok(None);
        };
        let key: Option<(String,)> = with_pool!(self, p => sqlx::query_as(
            "SELECT key_material FROM integrations WHERE id = $1").bind(id).fetch_optional(p).await)?;
        Ok(key.map(|(key_material,)| IntegrationKey {
            integration,
            key_material,
        }))
    }

    /// Deletes an integration with its `integration.deleted` audit entry, in one transaction;
    /// its embed sessions end with it. [`StoreError::NotFound`] for no such integration.
    pub async fn delete_integration(&self, id: &str, actor: &UserId) -> Result<()> {
        with_write!(self, p => {
            let mut tx = p.begin().await?;
            let found: Option<(String,)> = sqlx::query_as("SELECT name FROM integrations WHERE id = $1")
                .bind(id).fetch_optional(&mut *tx).await?;
            let Some((name,)) = found else {
                return Err(StoreError::NotFound("integration"));
            };
            sqlx::query("DELETE FROM sessions WHERE integration_id = $1").bind(id).execute(&mut *tx).await?;
            sqlx::query("DELETE FROM launch_jtis WHERE integration_id = $1").bind(id).execute(&mut *tx).await?;
            sqlx::query("DELETE FROM integrations WHERE id = $1").bind(id).execute(&mut *tx).await?;
            let entry = NewAudit::new(Some(actor), "integration.deleted", json!({"integration_id": id, "name": name}));
            audit_insert!(&mut *tx, &entry)?;
            tx.commit().await?;
            Ok::<_, StoreError>(())
        })
    }

    /// Uses a launch token's `jti` once: `true` when it was new (and is now kept until
    /// `expires_at`, epoch ms), `false` when it was used before. One insert decides, so two
    /// nodes cannot both accept a token. Used ids past their expiry are pruned first.
    pub async fn use_launch_jti(
        &self,
        integration_id: &str,
        jti: &str,
        expires_at: i64,
    ) -> Result<bool> {
        let inserted = with_write!(self, p => {
            sqlx::query("DELETE FROM launch_jtis WHERE expires_at < $1").bind(now_ms()).execute(p).await?;
            sqlx::query("INSERT INTO launch_jtis (integration_id, jti, expires_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
                .bind(integration_id).bind(jti).bind(expires_at).execute(p).await.map(|r| r.rows_affected())
        })?;
        Ok(inserted == 1)
    }

    /// Starts an embed session after a launch, with its `session.launched` audit entry, in one
    /// transaction. The session names its integration (its frame-ancestors). `replaces` is the
    /// token hash of the embed session the same browser held (its cookie came with the
    /// launch): it ends in the same transaction, so a sidebar relaunched on every ticket keeps
    /// one session, not one per click. Only an embed session is ended that way, never a
    /// sign-in. Answers whose session that was.
    #[allow(clippy::too_many_arguments)]
    pub async fn start_embed_session(
        &self,
        token_hash: &str,
        user_id: &UserId,
        csrf_token: &str,
        expires_at: i64,
        integration_id: &str,
        replaces: Option<&str>,
        audit: &NewAudit,
    ) -> Result<Option<UserId>> {
        with_write!(self, p => {
            let mut tx = p.begin().await?;
            let ended: Option<(String,)> = match replaces {
                Some(old) => sqlx::query_as(
                    "DELETE FROM sessions WHERE token_hash = $1 AND integration_id IS NOT NULL RETURNING user_id")
                    .bind(old).fetch_optional(&mut *tx).await?,
                None => None,
            };
            sqlx::query("INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at, integration_id) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(token_hash).bind(user_id).bind(csrf_token).bind(now_ms()).bind(expires_at).bind(integration_id)
                .execute(&mut *tx).await?;
            audit_insert!(&mut *tx, audit)?;
            tx.commit().await?;
            Ok::<_, StoreError>(ended.map(|(u,)| UserId::new(u)))
        })
    }

    /// The integration an unexpired session was launched by; `None` for a sign-in session.
    pub async fn session_integration(&self, token_hash: &str) -> Result<Option<Integration>> {
        let found: Option<(Option<String>,)> = with_pool!(self, p => sqlx::query_as(
            "SELECT integration_id FROM sessions WHERE token_hash = $1 AND expires_at > $2")
            .bind(token_hash).bind(now_ms()).fetch_optional(p).await)?;
        match found {
            Some((Some(id),)) => self.integration(&id).await,
            _ => Ok(None),
        }
    }
}
