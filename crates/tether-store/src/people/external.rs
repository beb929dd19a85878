//! People from a host system (issue 19): a user kept in step by (source, external id), so a
//! host's records can name their owners. An upsert finds the user by external id, else by
//! e-mail address (linking an account made before), else creates one without a password.

use super::UserDetail;
use crate::audit::{NewAudit, audit_insert};
use crate::dialect::fold;
use crate::{Result, Store, StoreError, new_id, now_ms};
use serde_json::json;
use tether_domain::UserId;

/// A person as the host system describes them; every value already parsed.
#[derive(Clone, Debug)]
pub struct ExternalUser {
    pub source: String,
    pub external_id: String,
    pub name: String,
    pub email: String,
    /// The complete new set of role names; `None` keeps a known user's roles (a new one gets
    /// none).
    pub role_names: Option<Vec<String>>,
}

/// Who makes a change: a person, an API key (then `user` is `None`), or neither (`tether
/// import`, a launch: then `via` names it).
#[derive(Clone, Copy, Debug, Default)]
pub struct ChangedBy<'a> {
    pub user: Option<&'a UserId>,
    pub api_key: Option<&'a str>,
    /// What made a change that neither a person nor a key made, for the audit's `via`.
    pub via: Option<&'a str>,
    /// A host system's change (a key, a launch): it changes no administrator and makes none.
    pub host: bool,
}

impl ChangedBy<'_> {
    fn audit(&self, action: &'static str, details: serde_json::Value) -> NewAudit {
        let mut details = details;
        if let (Some(via), Some(map)) = (self.via, details.as_object_mut()) {
            map.insert("via".into(), via.into());
        }
        NewAudit::new(self.user, action, details).by_key(self.api_key)
    }

    /// Whether the change may touch an administrator: not a host system's.
    fn may_change_admins(&self) -> bool {
        !self.host && self.api_key.is_none()
    }
}

/// What an upsert did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Upserted<T> {
    Created(T),
    Updated(T),
    /// Everything asked for was so already: nothing was written.
    Unchanged(T),
}

impl<T> Upserted<T> {
    pub fn value(&self) -> &T {
        match self {
            Upserted::Created(v) | Upserted::Updated(v) | Upserted::Unchanged(v) => v,
        }
    }
    pub fn into_value(self) -> T {
        match self {
            Upserted::Created(v) | Upserted::Updated(v) | Upserted::Unchanged(v) => v,
        }
    }
}

/// Whether a role's stored privileges (a JSON array of privilege strings) hold `admin`: valid
/// privilege strings have no quotes, so the quoted word matches exactly the element "admin".
pub(crate) const ROLE_HOLDS_ADMIN: &str = "r.privileges LIKE '%\"admin\"%'";

/// The user's active flag and whether their roles hold `admin` (`$1` the user).
pub(crate) fn user_admin_facts_sql() -> String {
    format!(
        "SELECT u.active, EXISTS (SELECT 1 FROM user_roles ur JOIN roles r ON r.id = ur.role_id \
         WHERE ur.user_id = u.id AND {ROLE_HOLDS_ADMIN}) FROM users u WHERE u.id = $1"
    )
}

/// How many active users other than `$1` hold `admin`.
pub(crate) fn other_admins_sql() -> String {
    format!(
        "SELECT COUNT(DISTINCT ur.user_id) FROM user_roles ur JOIN roles r ON r.id = ur.role_id \
         JOIN users u ON u.id = ur.user_id WHERE u.active = TRUE AND ur.user_id <> $1 AND {ROLE_HOLDS_ADMIN}"
    )
}

/// Reads, on `$tx` (an open transaction, after [`crate::dialect::Locked::Admins`]), whether
/// user `$id` is an active administrator and whether the roles they will have (`$after`:
/// `Some(holds admin)` when the roles change) keep one, and refuses with
/// [`StoreError::Refused`] what [`keeps_an_admin`] refuses — and, for a key (`$by_key`), what
/// [`key_may_change`] refuses. Evaluates to `Result<(), StoreError>`.
macro_rules! check_admins {
    ($tx:ident, $id:expr, $after:expr, $active_after:expr, $by_key:expr) => {{
        let (active, holds): (bool, bool) = sqlx::query_as(sqlx::AssertSqlSafe(
            $crate::people::external::user_admin_facts_sql(),
        ))
        .bind($id)
        .fetch_one(&mut *$tx)
        .await?;
        let (others,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(
            $crate::people::external::other_admins_sql(),
        ))
        .bind($id)
        .fetch_one(&mut *$tx)
        .await?;
        let after: Option<bool> = $after;
        let active_after: Option<bool> = $active_after;
        let admin_after = after.unwrap_or(holds) && active_after.unwrap_or(active);
        let mut verdict = tether_domain::roles::keeps_an_admin(tether_domain::roles::RoleChange {
            is_active_admin: active && holds,
            admin_after,
            other_active_admins: usize::try_from(others).unwrap_or(usize::MAX),
        });
        if $by_key && verdict.is_ok() {
            verdict = tether_domain::roles::key_may_change(holds, after.unwrap_or(false));
        }
        verdict.map_err($crate::StoreError::Refused)
    }};
}
pub(crate) use check_admins;

#[derive(sqlx::FromRow)]
struct Found {
    id: String,
    name: String,
    email: String,
    source: Option<String>,
    external_id: Option<String>,
}

impl Store {
    /// The user `source` knows as `external_id`.
    pub async fn user_by_external(
        &self,
        source: &str,
        external_id: &str,
    ) -> Result<Option<UserDetail>> {
        let found: Option<(String,)> = with_pool!(self, p => sqlx::query_as(
            "SELECT id FROM users WHERE source = $1 AND external_id = $2")
            .bind(source).bind(external_id).fetch_optional(p).await)?;
        match found {
            Some((id,)) => self.user_detail(&UserId::new(id)).await,
            None => Ok(None),
        }
    }

    /// Users by e-mail address (already normalized), in one query: (e-mail, id, active).
    pub async fn users_by_emails(&self, emails: &[String]) -> Result<Vec<(String, UserId, bool)>> {
        if emails.is_empty() {
            return Ok(Vec::new());
        }
        let rows: Vec<(String, String, bool)> = with_pool!(self, p => {
            let mut qb = sqlx::QueryBuilder::new("SELECT email, id, active FROM users WHERE email IN (");
            let mut sep = qb.separated(", ");
            for e in emails {
                sep.push_bind(e.as_str());
            }
            qb.push(")");
            qb.build_query_as().fetch_all(p).await
        })?;
        Ok(rows
            .into_iter()
            .map(|(e, id, active)| (e, UserId::new(id), active))
            .collect())
    }

    /// Creates or changes the user `u.source` knows as `u.external_id`: found by external id,
    /// else by e-mail address (an account without an external id is linked; one linked to
    /// another is a [`StoreError::Conflict`]), else created without a password (they sign in
    /// once an administrator sets one, or through a launch). Name, e-mail and — when given —
    /// roles are set; a change is audited (`user.synced`, and `user.roles_changed` for roles),
    /// a repeat writes nothing. In one transaction that also reads the administrators: the
    /// last one keeps `admin`, and a key changes no administrator ([`StoreError::Refused`]).
    pub async fn upsert_external_user(
        &self,
        u: &ExternalUser,
        by: ChangedBy<'_>,
    ) -> Result<Upserted<UserDetail>> {
        let roles = self.list_roles().await?;
        let role_ids = match &u.role_names {
            Some(names) => Some(self.role_ids_by_name(names).await?),
            None => None,
        };
        let gives_admin = role_ids.as_ref().map(|ids| {
            roles
                .iter()
                .any(|r| ids.contains(&r.id) && r.privileges.iter().any(|p| p == "admin"))
        });
        let lock = crate::dialect::lock_row(self.backend(), crate::dialect::Locked::Admins);
        let by_key = !by.may_change_admins();
        let outcome = with_write!(self, p => {
            let mut tx = p.begin().await?;
            if let Some(sql) = lock {
                sqlx::query(sql).bind("admins").execute(&mut *tx).await?;
            }
            let mut found: Option<Found> = sqlx::query_as("SELECT id, name, email, source, external_id FROM users WHERE source = $1 AND external_id = $2")
                .bind(&u.source).bind(&u.external_id).fetch_optional(&mut *tx).await?;
            if found.is_none() {
                found = sqlx::query_as("SELECT id, name, email, source, external_id FROM users WHERE email = $1")
                    .bind(&u.email).fetch_optional(&mut *tx).await?;
                if let Some(f) = &found
                    && f.external_id.is_some()
                {
                    return Err(StoreError::Conflict(format!(
                        "the user with e-mail {} is already known as {}/{}; change that user's e-mail address first",
                        u.email,
                        f.source.as_deref().unwrap_or_default(),
                        f.external_id.as_deref().unwrap_or_default()
                    )));
                }
            }
            let Some(f) = found else {
                if by_key && gives_admin == Some(true) {
                    return Err(StoreError::Refused(tether_domain::roles::RoleRuleError::AdminByKey));
                }
                let id = new_id();
                sqlx::query("INSERT INTO users (id, email, name, name_folded, password_hash, active, created_at, source, external_id) VALUES ($1, $2, $3, $4, '', TRUE, $5, $6, $7)")
                    .bind(&id).bind(&u.email).bind(&u.name).bind(fold(&u.name)).bind(now_ms()).bind(&u.source).bind(&u.external_id)
                    .execute(&mut *tx).await
                    .map_err(|e| StoreError::conflict_on_unique(e, format!("a user with e-mail {} already exists", u.email)))?;
                for role_id in role_ids.iter().flatten() {
                    sqlx::query("INSERT INTO user_roles (user_id, role_id) VALUES ($1, $2)")
                        .bind(&id).bind(role_id).execute(&mut *tx).await?;
                }
                let entry = by.audit("user.created", json!({"user_id": id, "email": u.email, "roles": u.role_names.clone().unwrap_or_default(), "source": u.source, "external_id": u.external_id}));
                audit_insert!(&mut *tx, &entry)?;
                tx.commit().await?;
                return Ok::<_, StoreError>(Upserted::Created(UserId::new(id)));
            };
            let id = f.id.as_str();
            let current_roles: Vec<(String,)> = sqlx::query_as("SELECT role_id FROM user_roles WHERE user_id = $1 ORDER BY role_id")
                .bind(id).fetch_all(&mut *tx).await?;
            let current_roles: Vec<String> = current_roles.into_iter().map(|(r,)| r).collect();
            let roles_change = role_ids.as_ref().filter(|ids| **ids != current_roles);
            let linked = f.external_id.as_deref() == Some(u.external_id.as_str()) && f.source.as_deref() == Some(u.source.as_str());
            let changed = !linked || f.name != u.name || f.email != u.email || roles_change.is_some();
            if !changed {
                return Ok(Upserted::Unchanged(UserId::new(f.id)));
            }
            check_admins!(tx, id, roles_change.map(|_| gives_admin.unwrap_or(false)), None, by_key)?;
            sqlx::query("UPDATE users SET name = $1, name_folded = $2, email = $3, source = $4, external_id = $5 WHERE id = $6")
                .bind(&u.name).bind(fold(&u.name)).bind(&u.email).bind(&u.source).bind(&u.external_id).bind(id)
                .execute(&mut *tx).await
                .map_err(|e| StoreError::conflict_on_unique(e, format!("another user already has the e-mail address {}", u.email)))?;
            let entry = by.audit("user.synced", json!({"user_id": id, "source": u.source, "external_id": u.external_id,
                "name": (f.name != u.name).then_some(&u.name), "email": (f.email != u.email).then_some(&u.email)}));
            audit_insert!(&mut *tx, &entry)?;
            if let Some(role_ids) = roles_change {
                sqlx::query("DELETE FROM user_roles WHERE user_id = $1").bind(id).execute(&mut *tx).await?;
                for role_id in role_ids {
                    sqlx::query("INSERT INTO user_roles (user_id, role_id) VALUES ($1, $2)")
                        .bind(id).bind(role_id).execute(&mut *tx).await?;
                }
                let entry = by.audit("user.roles_changed", json!({"user_id": id, "roles": u.role_names}));
                audit_insert!(&mut *tx, &entry)?;
            }
            tx.commit().await?;
            Ok::<_, StoreError>(Upserted::Updated(UserId::new(f.id)))
        })?;
        let id = outcome.value().clone();
        let user = self
            .user_detail(&id)
            .await?
            .ok_or(StoreError::NotFound("user"))?;
        Ok(match outcome {
            Upserted::Created(_) => Upserted::Created(user),
            Upserted::Updated(_) => Upserted::Updated(user),
            Upserted::Unchanged(_) => Upserted::Unchanged(user),
        })
    }
}

#[cfg(test)]
mod tests {
    /// [`super::ROLE_HOLDS_ADMIN`] is a substring test on the stored document; the element
    /// "admin" matches, a record type named admin does not.
    #[test]
    fn the_admin_test_matches_only_the_admin_privilege() {
        let doc = serde_json::to_string(&["admin.read:all", "collab.use"]).unwrap_or_default();
        assert!(!doc.contains("\"admin\""));
        let doc = serde_json::to_string(&["collab.use", "admin"]).unwrap_or_default();
        assert!(doc.contains("\"admin\""));
    }
}
