//! Webhook endpoints: where deliveries go, with what secret, for which events. Registering
//! and removing one are audited in the same transaction; the secret is stored as given (it
//! signs every delivery) and never read back by a listing.

use crate::audit::{NewAudit, audit_insert};
use crate::people::external::ChangedBy;
use crate::{Result, Store, StoreError, new_id, now_ms};
use serde_json::json;
use std::collections::BTreeMap;
use tether_domain::UserId;
use tether_domain::webhook::MAX_ENDPOINTS;

/// An endpoint to register: its address, secret and event names, all parsed by the caller
/// (`tether_domain::webhook`).
#[derive(Clone)]
pub struct NewEndpoint<'a> {
    pub url: &'a str,
    pub secret: &'a str,
    pub events: Vec<String>,
}

/// Everything but the secret, which no log line may show.
impl std::fmt::Debug for NewEndpoint<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewEndpoint")
            .field("url", &self.url)
            .field("events", &self.events)
            .finish_non_exhaustive()
    }
}

/// An endpoint as a listing shows it: never its secret.
#[derive(Clone, Debug)]
pub struct Endpoint {
    pub id: String,
    pub url: String,
    pub events: Vec<String>,
    pub created_at: i64,
    /// The administrator who registered it (id and name), unless gone or it was a key.
    pub created_by: Option<(UserId, String)>,
    /// The API key it was registered with (id and name).
    pub api_key: Option<(String, String)>,
    /// Its deliveries waiting to be sent.
    pub pending: i64,
    /// Its deliveries given up on (kept for `tether_domain::webhook::KEEP_FINISHED_MS`).
    pub failed: i64,
}

#[derive(sqlx::FromRow)]
struct EndpointRow {
    id: String,
    url: String,
    created_at: i64,
    created_by: Option<String>,
    created_by_name: Option<String>,
    api_key_id: Option<String>,
    api_key_name: Option<String>,
    pending: i64,
    failed: i64,
}

const ENDPOINT_SELECT: &str = "SELECT e.id, e.url, e.created_at, e.created_by, u.name AS created_by_name, \
     e.api_key_id, k.name AS api_key_name, \
     (SELECT count(*) FROM webhook_deliveries d WHERE d.endpoint_id = e.id AND d.status = 'pending') AS pending, \
     (SELECT count(*) FROM webhook_deliveries d WHERE d.endpoint_id = e.id AND d.status = 'failed') AS failed \
     FROM webhook_endpoints e LEFT JOIN users u ON u.id = e.created_by LEFT JOIN api_keys k ON k.id = e.api_key_id";

impl Store {
    /// Registers an endpoint with its `webhook.created` audit entry (never the secret), in one
    /// transaction; answers its id. [`StoreError::Conflict`] when the installation has
    /// [`MAX_ENDPOINTS`] already.
    pub async fn create_webhook(
        &self,
        new: &NewEndpoint<'_>,
        by: &ChangedBy<'_>,
    ) -> Result<String> {
        let id = new_id();
        let entry = NewAudit::new(
            by.user,
            "webhook.created",
            json!({"webhook_id": id, "url": new.url, "events": new.events}),
        )
        .by_key(by.api_key);
        let lock = crate::dialect::lock_row(self.backend(), crate::dialect::Locked::Webhooks);
        with_write!(self, p => {
            let mut tx = p.begin().await?;
            // Two registrations at once on PostgreSQL count one after the other.
            if let Some(sql) = lock {
                sqlx::query(sql).bind("webhook_endpoints").execute(&mut *tx).await?;
            }
            let (n,): (i64,) = sqlx::query_as("SELECT count(*) FROM webhook_endpoints").fetch_one(&mut *tx).await?;
            if n >= MAX_ENDPOINTS {
                return Err(StoreError::Conflict(format!(
                    "this installation has {n} webhook endpoints, the most it keeps; remove one first"
                )));
            }
            sqlx::query("INSERT INTO webhook_endpoints (id, url, secret, created_by, api_key_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(&id).bind(new.url).bind(new.secret).bind(by.user.map(UserId::as_str)).bind(by.api_key).bind(now_ms())
                .execute(&mut *tx).await?;
            for event in &new.events {
                sqlx::query("INSERT INTO webhook_subscriptions (endpoint_id, event_type) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                    .bind(&id).bind(event).execute(&mut *tx).await?;
            }
            audit_insert!(&mut *tx, &entry)?;
            tx.commit().await?;
            Ok::<_, StoreError>(())
        })?;
        Ok(id)
    }

    /// Every endpoint, oldest first, with its events and how many deliveries wait or failed.
    /// Two queries.
    pub async fn webhooks(&self) -> Result<Vec<Endpoint>> {
        let sql = format!("{ENDPOINT_SELECT} ORDER BY e.created_at, e.id");
        let rows: Vec<EndpointRow> =
            with_pool!(self, p => sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(p).await)?;
        let subs: Vec<(String, String)> = with_pool!(self, p => sqlx::query_as(
            "SELECT endpoint_id, event_type FROM webhook_subscriptions ORDER BY endpoint_id, event_type")
            .fetch_all(p).await)?;
        let mut events: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (endpoint, event) in subs {
            events.entry(endpoint).or_default().push(event);
        }
        Ok(rows
            .into_iter()
            .map(|r| Endpoint {
                events: events.remove(&r.id).unwrap_or_default(),
                created_by: r
                    .created_by
                    .map(|id| (UserId::new(id), r.created_by_name.unwrap_or_default())),
                api_key: r
                    .api_key_id
                    .map(|id| (id, r.api_key_name.unwrap_or_default())),
                id: r.id,
                url: r.url,
                created_at: r.created_at,
                pending: r.pending,
                failed: r.failed,
            })
            .collect())
    }

    /// Whether endpoint `id` exists.
    pub async fn webhook_exists(&self, id: &str) -> Result<bool> {
        let row: Option<(String,)> = with_pool!(self, p => sqlx::query_as("SELECT id FROM webhook_endpoints WHERE id = $1")
            .bind(id).fetch_optional(p).await)?;
        Ok(row.is_some())
    }

    /// Removes an endpoint with its subscriptions and deliveries (waiting ones are not sent),
    /// with its `webhook.deleted` audit entry, in one transaction.
    /// [`StoreError::NotFound`] for no such endpoint.
    pub async fn delete_webhook(&self, id: &str, by: &ChangedBy<'_>) -> Result<()> {
        with_write!(self, p => {
            let mut tx = p.begin().await?;
            let found: Option<(String,)> = sqlx::query_as("SELECT url FROM webhook_endpoints WHERE id = $1")
                .bind(id).fetch_optional(&mut *tx).await?;
            let Some((url,)) = found else {
                return Err(StoreError::NotFound("webhook"));
            };
            sqlx::query("DELETE FROM webhook_deliveries WHERE endpoint_id = $1").bind(id).execute(&mut *tx).await?;
            sqlx::query("DELETE FROM webhook_subscriptions WHERE endpoint_id = $1").bind(id).execute(&mut *tx).await?;
            sqlx::query("DELETE FROM webhook_endpoints WHERE id = $1").bind(id).execute(&mut *tx).await?;
            let entry = NewAudit::new(by.user, "webhook.deleted", json!({"webhook_id": id, "url": url}))
                .by_key(by.api_key);
            audit_insert!(&mut *tx, &entry)?;
            tx.commit().await?;
            Ok::<_, StoreError>(())
        })
    }
}
