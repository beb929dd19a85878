//! Users: creating them (with roles and teams), reading them, the people picker, changes to
//! a user (name, active flag, roles) and to their password.

use super::{
    ChannelMove, NewUser, UserCredentials, UserDetail, UserPatch, UserSummary, join_team_channels,
};
use crate::audit::{NewAudit, audit_insert};
use crate::dialect::{contains_pattern, fold};
use crate::{Result, Store, StoreError, new_id, now_ms};
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};
use tether_domain::UserId;

impl Store {
    /// Creates a user with roles (by name) and team memberships, in one transaction.
    /// Unknown role names or team ids are refused with [`StoreError::Invalid`]; a taken e-mail
    /// address with [`StoreError::Conflict`].
    pub async fn create_user(&self, u: &NewUser, actor: Option<&UserId>) -> Result<UserDetail> {
        Ok(self.create_user_in_teams(u, actor).await?.0)
    }

    /// [`Store::create_user`], also reporting the team channels the new user joined (a team's
    /// members are in its channels, with the full history, as when added later).
    pub async fn create_user_in_teams(
        &self,
        u: &NewUser,
        actor: Option<&UserId>,
    ) -> Result<(UserDetail, Vec<ChannelMove>)> {
        let role_ids = self.role_ids_by_name(&u.role_names).await?;
        self.check_teams_exist(&u.team_ids).await?;
        let id = new_id();
        let now = now_ms();
        let joined = with_write!(self, p => {
            let mut tx = p.begin().await?;
            let mut joined = Vec::new();
            sqlx::query("INSERT INTO users (id, email, name, name_folded, password_hash, active, created_at) VALUES ($1, $2, $3, $4, $5, TRUE, $6)")
                .bind(&id).bind(&u.email).bind(&u.name).bind(fold(&u.name)).bind(&u.password_hash).bind(now)
                .execute(&mut *tx).await
                .map_err(|e| StoreError::conflict_on_unique(e, format!("a user with e-mail {} already exists", u.email)))?;
            for role_id in &role_ids {
                sqlx::query("INSERT INTO user_roles (user_id, role_id) VALUES ($1, $2)")
                    .bind(&id).bind(role_id).execute(&mut *tx).await?;
            }
            for team_id in &u.team_ids {
                sqlx::query("INSERT INTO team_members (team_id, user_id, is_admin) VALUES ($1, $2, FALSE) ON CONFLICT DO NOTHING")
                    .bind(team_id).bind(&id).execute(&mut *tx).await?;
                joined.extend(join_team_channels!(&mut *tx, team_id, &id, actor));
            }
            let entry = NewAudit::new(actor, "user.created", json!({"user_id": id, "email": u.email, "roles": u.role_names, "team_ids": u.team_ids}));
            audit_insert!(&mut *tx, &entry)?;
            tx.commit().await?;
            Ok::<_, StoreError>(joined)
        })?;
        let user = self
            .user_detail(&UserId::new(id))
            .await?
            .ok_or(StoreError::NotFound("user"))?;
        Ok((user, joined))
    }

    pub(crate) async fn role_ids_by_name(&self, names: &[String]) -> Result<Vec<String>> {
        let roles = self.list_roles().await?;
        let by_name: BTreeMap<&str, &str> = roles
            .iter()
            .map(|r| (r.name.as_str(), r.id.as_str()))
            .collect();
        let mut ids = Vec::new();
        let mut unknown = Vec::new();
        for n in names {
            match by_name.get(n.as_str()) {
                Some(id) => ids.push((*id).to_owned()),
                None => unknown.push(n.as_str()),
            }
        }
        if !unknown.is_empty() {
            let known: Vec<&str> = by_name.keys().copied().collect();
            return Err(StoreError::Invalid(format!(
                "unknown role(s): {}; existing roles: {}",
                unknown.join(", "),
                known.join(", ")
            )));
        }
        ids.sort();
        ids.dedup();
        Ok(ids)
    }

    async fn check_teams_exist(&self, team_ids: &[String]) -> Result<()> {
        if team_ids.is_empty() {
            return Ok(());
        }
        let teams = self.list_teams().await?;
        let known: BTreeSet<&str> = teams.iter().map(|t| t.id.as_str()).collect();
        let unknown: Vec<&str> = team_ids
            .iter()
            .map(String::as_str)
            .filter(|t| !known.contains(t))
            .collect();
        if unknown.is_empty() {
            Ok(())
        } else {
            Err(StoreError::Invalid(format!(
                "unknown team id(s): {}",
                unknown.join(", ")
            )))
        }
    }

    /// A user with roles and teams.
    pub async fn user_detail(&self, id: &UserId) -> Result<Option<UserDetail>> {
        let Some(u) = self.user(id).await? else {
            return Ok(None);
        };
        let (roles, teams): (Vec<(String,)>, Vec<(String,)>) = with_pool!(self, p => {
            let roles = sqlx::query_as("SELECT r.name FROM user_roles ur JOIN roles r ON r.id = ur.role_id WHERE ur.user_id = $1 ORDER BY r.name")
                .bind(id.as_str()).fetch_all(p).await?;
            let teams = sqlx::query_as("SELECT team_id FROM team_members WHERE user_id = $1 ORDER BY team_id")
                .bind(id.as_str()).fetch_all(p).await?;
            Ok::<_, StoreError>((roles, teams))
        })?;
        Ok(Some(UserDetail {
            id: u.id,
            name: u.name,
            email: u.email,
            active: u.active,
            roles: roles.into_iter().map(|r| r.0).collect(),
            team_ids: teams.into_iter().map(|t| t.0).collect(),
        }))
    }

    pub async fn user(&self, id: &UserId) -> Result<Option<UserSummary>> {
        Ok(
            with_pool!(self, p => sqlx::query_as("SELECT id, name, email, active FROM users WHERE id = $1")
            .bind(id).fetch_optional(p).await)?,
        )
    }

    /// Users by id, in one query (for resolving names of many authors at once).
    pub async fn users_by_ids(&self, ids: &[UserId]) -> Result<Vec<UserSummary>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        with_pool!(self, p => {
            let mut qb = sqlx::QueryBuilder::new("SELECT id, name, email, active FROM users WHERE id IN (");
            let mut sep = qb.separated(", ");
            for id in ids {
                sep.push_bind(id.as_str());
            }
            qb.push(")");
            Ok(qb.build_query_as().fetch_all(p).await?)
        })
    }

    pub async fn user_credentials(&self, email: &str) -> Result<Option<UserCredentials>> {
        Ok(
            with_pool!(self, p => sqlx::query_as("SELECT id, name, email, active, password_hash FROM users WHERE email = $1")
            .bind(email).fetch_optional(p).await)?,
        )
    }

    pub async fn count_users(&self) -> Result<i64> {
        let (n,): (i64,) =
            with_pool!(self, p => sqlx::query_as("SELECT COUNT(*) FROM users").fetch_one(p).await)?;
        Ok(n)
    }

    /// People picker: active and inactive users whose name or e-mail contains `q`, by name.
    pub async fn search_users(&self, q: &str, limit: i64) -> Result<Vec<UserSummary>> {
        let pattern = contains_pattern(q);
        Ok(with_pool!(self, p => sqlx::query_as(
            "SELECT id, name, email, active FROM users WHERE name_folded LIKE $1 ESCAPE '\\' OR email LIKE $1 ESCAPE '\\' \
             ORDER BY active DESC, name_folded, id LIMIT $2")
            .bind(&pattern).bind(limit.clamp(1, 200)).fetch_all(p).await)?)
    }

    /// Changes a user's name, active flag or roles. Deactivation ends every session of the
    /// user at once. Role changes are audited.
    pub async fn update_user(
        &self,
        id: &UserId,
        patch: &UserPatch,
        actor: Option<&UserId>,
    ) -> Result<UserDetail> {
        let role_ids = match &patch.role_names {
            Some(names) => Some(self.role_ids_by_name(names).await?),
            None => None,
        };
        let gives_admin = match &role_ids {
            Some(ids) => Some(
                self.list_roles()
                    .await?
                    .iter()
                    .any(|r| ids.contains(&r.id) && r.privileges.iter().any(|p| p == "admin")),
            ),
            None => None,
        };
        let lock = crate::dialect::lock_row(self.backend(), crate::dialect::Locked::Admins);
        let may_take_admin = role_ids.is_some() || patch.active == Some(false);
        with_write!(self, p => {
            let mut tx = p.begin().await?;
            if let (Some(sql), true) = (lock, may_take_admin) {
                sqlx::query(sql).bind("admins").execute(&mut *tx).await?;
            }
            let exists: Option<(String,)> = sqlx::query_as("SELECT id FROM users WHERE id = $1").bind(id).fetch_optional(&mut *tx).await?;
            if exists.is_none() {
                return Err(StoreError::NotFound("user"));
            }
            // R19: the installation keeps an active administrator, whatever path changes roles.
            if may_take_admin {
                super::external::check_admins!(tx, id.as_str(), gives_admin, patch.active, false)?;
            }
            if let Some(name) = &patch.name {
                sqlx::query("UPDATE users SET name = $1, name_folded = $2 WHERE id = $3")
                    .bind(name).bind(fold(name)).bind(id).execute(&mut *tx).await?;
            }
            if let Some(active) = patch.active {
                sqlx::query("UPDATE users SET active = $1 WHERE id = $2").bind(active).bind(id).execute(&mut *tx).await?;
                if !active {
                    sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(id).execute(&mut *tx).await?;
                }
                let entry = NewAudit::new(actor, if active { "user.activated" } else { "user.deactivated" }, json!({"user_id": id}));
                audit_insert!(&mut *tx, &entry)?;
            }
            if let Some(role_ids) = &role_ids {
                sqlx::query("DELETE FROM user_roles WHERE user_id = $1").bind(id).execute(&mut *tx).await?;
                for role_id in role_ids {
                    sqlx::query("INSERT INTO user_roles (user_id, role_id) VALUES ($1, $2)")
                        .bind(id).bind(role_id).execute(&mut *tx).await?;
                }
                let entry = NewAudit::new(actor, "user.roles_changed", json!({"user_id": id, "roles": patch.role_names}));
                audit_insert!(&mut *tx, &entry)?;
            }
            tx.commit().await?;
            Ok::<_, StoreError>(())
        })?;
        self.user_detail(id)
            .await?
            .ok_or(StoreError::NotFound("user"))
    }

    /// Replaces a user's password hash and ends their sessions, all but `keep` (the token hash
    /// of the session that made the change, when it is the user's own), with the
    /// `user.password_changed` audit entry (`via`: `self`, `administrator` or `command line`),
    /// in one transaction. Returns how many sessions ended; [`StoreError::NotFound`] for an
    /// unknown user.
    pub async fn set_password(
        &self,
        user_id: &UserId,
        password_hash: &str,
        keep: Option<&str>,
        actor: Option<&UserId>,
        via: &str,
    ) -> Result<u64> {
        let user_id = user_id.as_str();
        with_write!(self, p => {
            let mut tx = p.begin().await?;
            let changed = sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
                .bind(password_hash).bind(user_id).execute(&mut *tx).await?.rows_affected();
            if changed == 0 {
                return Err(StoreError::NotFound("user"));
            }
            let ended = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND ($2 IS NULL OR token_hash <> $2)")
                .bind(user_id).bind(keep).execute(&mut *tx).await?.rows_affected();
            let entry = NewAudit::new(actor, "user.password_changed", json!({"user_id": user_id, "via": via, "sessions_ended": ended}));
            audit_insert!(&mut *tx, &entry)?;
            tx.commit().await?;
            Ok::<_, StoreError>(ended)
        })
    }

    pub(crate) async fn check_users_exist(&self, ids: &[UserId]) -> Result<()> {
        let mut wanted: Vec<UserId> = ids.to_vec();
        wanted.sort();
        wanted.dedup();
        let found: BTreeSet<UserId> = self
            .users_by_ids(&wanted)
            .await?
            .into_iter()
            .map(|u| u.id)
            .collect();
        let unknown: Vec<&str> = wanted
            .iter()
            .filter(|id| !found.contains(*id))
            .map(UserId::as_str)
            .collect();
        if unknown.is_empty() {
            Ok(())
        } else {
            Err(StoreError::Invalid(format!(
                "unknown user id(s): {}",
                unknown.join(", ")
            )))
        }
    }
}
