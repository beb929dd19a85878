//! Users, roles and teams, and the [`Subject`] the access decision needs for one user.

use crate::audit::{NewAudit, audit_insert};
use crate::dialect::{contains_pattern, fold};
use crate::{Result, Store, StoreError, new_id, now_ms};
use serde::Serialize;
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};
use tether_domain::{Privilege, PrivilegeSet, Subject, TeamId, UserId};

/// Adds user `$uid` to every channel of team `$team` they are not in yet, on `$conn` (an open
/// transaction), with the full history (channels are the team's); evaluates to the
/// [`ChannelMove`]s made.
macro_rules! join_team_channels {
    ($conn:expr, $team:expr, $uid:expr, $actor:expr) => {{
        let uid: &str = $uid;
        let chats: Vec<String> = sqlx::query_scalar(
            "INSERT INTO chat_members (chat_id, user_id, joined_at, visible_from, last_read_seq, added_by) \
             SELECT c.id, $2, $3, 0, 0, $4 FROM chats c WHERE c.team_id = $1 AND c.kind = 'channel' \
             ON CONFLICT DO NOTHING RETURNING chat_id",
        )
        .bind($team)
        .bind(uid)
        .bind($crate::now_ms())
        .bind($actor)
        .fetch_all($conn)
        .await?;
        chats
            .into_iter()
            .map(|chat_id| $crate::people::ChannelMove { chat_id, user_id: uid.to_owned() })
            .collect::<Vec<_>>()
    }};
}
pub(crate) use join_team_channels;

/// A user as others see them.
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct UserSummary {
    pub id: String,
    pub name: String,
    pub email: String,
    pub active: bool,
}

/// A user with what sign-in needs.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct UserCredentials {
    pub id: String,
    pub name: String,
    pub email: String,
    pub active: bool,
    pub password_hash: String,
}

/// A user with roles and teams, for administrators and `/me`.
#[derive(Clone, Debug, Serialize)]
pub struct UserDetail {
    pub id: String,
    pub name: String,
    pub email: String,
    pub active: bool,
    pub roles: Vec<String>,
    pub team_ids: Vec<String>,
}

/// Everything needed to create a user; the password is already hashed.
#[derive(Clone, Debug)]
pub struct NewUser {
    pub email: String,
    pub name: String,
    pub password_hash: String,
    pub role_names: Vec<String>,
    pub team_ids: Vec<String>,
}

/// A change to a user; `None` leaves a property as it is.
#[derive(Clone, Debug, Default)]
pub struct UserPatch {
    pub name: Option<String>,
    pub active: Option<bool>,
    pub role_names: Option<Vec<String>>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Role {
    pub id: String,
    pub name: String,
    pub privileges: Vec<String>,
}

#[derive(sqlx::FromRow)]
struct RoleRow {
    id: String,
    name: String,
    privileges: String,
}

impl RoleRow {
    fn into_role(self) -> Result<Role> {
        Ok(Role {
            id: self.id,
            name: self.name,
            privileges: serde_json::from_str(&self.privileges)?,
        })
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct TeamMember {
    pub user_id: String,
    pub name: String,
    pub is_admin: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct Team {
    pub id: String,
    pub name: String,
    pub members: Vec<TeamMember>,
}

/// One person joining or leaving one of a team's channels because their team membership
/// changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChannelMove {
    pub chat_id: String,
    pub user_id: String,
}

/// A team after a change of its members, with the channel memberships the change made and
/// ended (so callers can tell the people concerned live).
#[derive(Clone, Debug)]
pub struct TeamChange {
    pub team: Team,
    pub joined: Vec<ChannelMove>,
    pub left: Vec<ChannelMove>,
}

#[derive(sqlx::FromRow)]
struct TeamMemberRow {
    team_id: String,
    team_name: String,
    user_id: Option<String>,
    user_name: Option<String>,
    is_admin: Option<bool>,
}

impl Store {
    /// Creates a user with roles (by name) and team memberships, in one transaction.
    /// Unknown role names or team ids are refused with [`StoreError::Invalid`]; a taken e-mail
    /// address with [`StoreError::Conflict`].
    pub async fn create_user(&self, u: &NewUser, actor: Option<&str>) -> Result<UserDetail> {
        Ok(self.create_user_in_teams(u, actor).await?.0)
    }

    /// [`Store::create_user`], also reporting the team channels the new user joined (a team's
    /// members are in its channels, with the full history, as when added later).
    pub async fn create_user_in_teams(
        &self,
        u: &NewUser,
        actor: Option<&str>,
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
            .user_detail(&id)
            .await?
            .ok_or(StoreError::NotFound("user"))?;
        Ok((user, joined))
    }

    async fn role_ids_by_name(&self, names: &[String]) -> Result<Vec<String>> {
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
    pub async fn user_detail(&self, id: &str) -> Result<Option<UserDetail>> {
        let Some(u) = self.user(id).await? else {
            return Ok(None);
        };
        let (roles, teams): (Vec<(String,)>, Vec<(String,)>) = with_pool!(self, p => {
            let roles = sqlx::query_as("SELECT r.name FROM user_roles ur JOIN roles r ON r.id = ur.role_id WHERE ur.user_id = $1 ORDER BY r.name")
                .bind(id).fetch_all(p).await?;
            let teams = sqlx::query_as("SELECT team_id FROM team_members WHERE user_id = $1 ORDER BY team_id")
                .bind(id).fetch_all(p).await?;
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

    pub async fn user(&self, id: &str) -> Result<Option<UserSummary>> {
        Ok(
            with_pool!(self, p => sqlx::query_as("SELECT id, name, email, active FROM users WHERE id = $1")
            .bind(id).fetch_optional(p).await)?,
        )
    }

    /// Users by id, in one query (for resolving names of many authors at once).
    pub async fn users_by_ids(&self, ids: &[String]) -> Result<Vec<UserSummary>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        with_pool!(self, p => {
            let mut qb = sqlx::QueryBuilder::new("SELECT id, name, email, active FROM users WHERE id IN (");
            let mut sep = qb.separated(", ");
            for id in ids {
                sep.push_bind(id);
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
        id: &str,
        patch: &UserPatch,
        actor: Option<&str>,
    ) -> Result<UserDetail> {
        let role_ids = match &patch.role_names {
            Some(names) => Some(self.role_ids_by_name(names).await?),
            None => None,
        };
        with_write!(self, p => {
            let mut tx = p.begin().await?;
            let exists: Option<(String,)> = sqlx::query_as("SELECT id FROM users WHERE id = $1").bind(id).fetch_optional(&mut *tx).await?;
            if exists.is_none() {
                return Err(StoreError::NotFound("user"));
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
        user_id: &str,
        password_hash: &str,
        keep: Option<&str>,
        actor: Option<&str>,
        via: &str,
    ) -> Result<u64> {
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

    /// Creates a role. Privilege strings must already be valid.
    pub async fn create_role(
        &self,
        name: &str,
        privileges: &[Privilege],
        actor: Option<&str>,
    ) -> Result<Role> {
        let id = new_id();
        let strings: Vec<String> = privileges.iter().map(ToString::to_string).collect();
        let doc = serde_json::to_string(&strings)?;
        with_write!(self, p => {
            let mut tx = p.begin().await?;
            sqlx::query("INSERT INTO roles (id, name, privileges, created_at) VALUES ($1, $2, $3, $4)")
                .bind(&id).bind(name).bind(&doc).bind(now_ms())
                .execute(&mut *tx).await
                .map_err(|e| StoreError::conflict_on_unique(e, format!("a role named '{name}' already exists")))?;
            let entry = NewAudit::new(actor, "role.created", json!({"role": name, "privileges": strings}));
            audit_insert!(&mut *tx, &entry)?;
            tx.commit().await?;
            Ok::<_, StoreError>(())
        })?;
        Ok(Role {
            id,
            name: name.to_owned(),
            privileges: strings,
        })
    }

    pub async fn list_roles(&self) -> Result<Vec<Role>> {
        let rows: Vec<RoleRow> = with_pool!(self, p => sqlx::query_as("SELECT id, name, privileges FROM roles ORDER BY name")
            .fetch_all(p).await)?;
        rows.into_iter().map(RoleRow::into_role).collect()
    }

    /// Creates a team with its admins and members (admins are members too).
    pub async fn create_team(
        &self,
        name: &str,
        admin_ids: &[String],
        member_ids: &[String],
        actor: Option<&str>,
    ) -> Result<Team> {
        let everyone: Vec<String> = admin_ids.iter().chain(member_ids).cloned().collect();
        self.check_users_exist(&everyone).await?;
        let id = new_id();
        with_write!(self, p => {
            let mut tx = p.begin().await?;
            sqlx::query("INSERT INTO teams (id, name, created_at) VALUES ($1, $2, $3)")
                .bind(&id).bind(name).bind(now_ms())
                .execute(&mut *tx).await
                .map_err(|e| StoreError::conflict_on_unique(e, format!("a team named '{name}' already exists")))?;
            for (uid, is_admin) in admin_ids.iter().map(|u| (u, true)).chain(member_ids.iter().map(|u| (u, false))) {
                sqlx::query("INSERT INTO team_members (team_id, user_id, is_admin) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
                    .bind(&id).bind(uid).bind(is_admin).execute(&mut *tx).await?;
            }
            let entry = NewAudit::new(actor, "team.created", json!({"team_id": id, "name": name, "admin_ids": admin_ids, "member_ids": member_ids}));
            audit_insert!(&mut *tx, &entry)?;
            tx.commit().await?;
            Ok::<_, StoreError>(())
        })?;
        self.team(&id).await?.ok_or(StoreError::NotFound("team"))
    }

    /// Adds members to a team (existing members stay as they are).
    pub async fn add_team_members(
        &self,
        team_id: &str,
        user_ids: &[String],
        actor: Option<&str>,
    ) -> Result<TeamChange> {
        if self.team(team_id).await?.is_none() {
            return Err(StoreError::NotFound("team"));
        }
        self.check_users_exist(user_ids).await?;
        let joined = with_write!(self, p => {
            let mut tx = p.begin().await?;
            let mut joined = Vec::new();
            for uid in user_ids {
                sqlx::query("INSERT INTO team_members (team_id, user_id, is_admin) VALUES ($1, $2, FALSE) ON CONFLICT DO NOTHING")
                    .bind(team_id).bind(uid).execute(&mut *tx).await?;
                joined.extend(join_team_channels!(&mut *tx, team_id, uid, actor));
            }
            let entry = NewAudit::new(actor, "team.members_added", json!({"team_id": team_id, "user_ids": user_ids}));
            audit_insert!(&mut *tx, &entry)?;
            tx.commit().await?;
            Ok::<_, StoreError>(joined)
        })?;
        let team = self
            .team(team_id)
            .await?
            .ok_or(StoreError::NotFound("team"))?;
        Ok(TeamChange {
            team,
            joined,
            left: Vec::new(),
        })
    }

    pub(crate) async fn check_users_exist(&self, ids: &[String]) -> Result<()> {
        let mut wanted: Vec<String> = ids.to_vec();
        wanted.sort();
        wanted.dedup();
        let found: BTreeSet<String> = self
            .users_by_ids(&wanted)
            .await?
            .into_iter()
            .map(|u| u.id)
            .collect();
        let unknown: Vec<&str> = wanted
            .iter()
            .map(String::as_str)
            .filter(|id| !found.contains(*id))
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

    pub async fn team(&self, id: &str) -> Result<Option<Team>> {
        Ok(self.teams_where(Some(id)).await?.into_iter().next())
    }

    /// Every team with its members, in one query.
    pub async fn list_teams(&self) -> Result<Vec<Team>> {
        self.teams_where(None).await
    }

    async fn teams_where(&self, id: Option<&str>) -> Result<Vec<Team>> {
        let rows: Vec<TeamMemberRow> = with_pool!(self, p => sqlx::query_as(
            "SELECT t.id AS team_id, t.name AS team_name, m.user_id, u.name AS user_name, m.is_admin \
             FROM teams t LEFT JOIN team_members m ON m.team_id = t.id LEFT JOIN users u ON u.id = m.user_id \
             WHERE ($1 IS NULL OR t.id = $1) ORDER BY t.name, t.id, m.is_admin DESC, u.name")
            .bind(id).fetch_all(p).await)?;
        let mut teams: Vec<Team> = Vec::new();
        for r in rows {
            if teams.last().is_none_or(|t| t.id != r.team_id) {
                teams.push(Team {
                    id: r.team_id.clone(),
                    name: r.team_name.clone(),
                    members: Vec::new(),
                });
            }
            if let (Some(team), Some(user_id)) = (teams.last_mut(), r.user_id) {
                team.members.push(TeamMember {
                    user_id,
                    name: r.user_name.unwrap_or_default(),
                    is_admin: r.is_admin.unwrap_or(false),
                });
            }
        }
        Ok(teams)
    }

    /// The access-decision view of a user: active flag, the union of their roles' privileges,
    /// their teams and teammates. Three queries, whatever the numbers of roles and teams.
    pub async fn subject(&self, user_id: &str) -> Result<Option<Subject>> {
        let Some(user) = self.user(user_id).await? else {
            return Ok(None);
        };
        let (privs, team_rows): (Vec<(String,)>, Vec<(String, String)>) = with_pool!(self, p => {
            let privs = sqlx::query_as("SELECT r.privileges FROM user_roles ur JOIN roles r ON r.id = ur.role_id WHERE ur.user_id = $1")
                .bind(user_id).fetch_all(p).await?;
            let teams = sqlx::query_as("SELECT mine.team_id, other.user_id FROM team_members mine \
                 JOIN team_members other ON other.team_id = mine.team_id WHERE mine.user_id = $1")
                .bind(user_id).fetch_all(p).await?;
            Ok::<_, StoreError>((privs, teams))
        })?;
        let mut set = PrivilegeSet::default();
        for (doc,) in privs {
            let strings: Vec<String> = serde_json::from_str(&doc)?;
            for s in strings {
                // A stored privilege that no longer parses is ignored rather than failing
                // every request of the user; it was valid when written.
                if let Ok(p) = s.parse::<Privilege>() {
                    set.add(&p);
                }
            }
        }
        let mut team_ids = BTreeSet::new();
        let mut teammate_ids = BTreeSet::new();
        for (team, mate) in team_rows {
            team_ids.insert(TeamId::new(team));
            teammate_ids.insert(UserId::new(mate));
        }
        Ok(Some(Subject {
            user_id: UserId::new(user.id),
            active: user.active,
            privileges: set,
            team_ids,
            teammate_ids,
        }))
    }
}
