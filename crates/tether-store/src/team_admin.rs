//! Administration's views and changes of users and teams (issue 16): the Users page's list
//! with roles and teams, removing team members and replacing a team's admins and name. Every
//! change is audited in the same transaction.

use crate::audit::{NewAudit, audit_insert};
use crate::dialect::contains_pattern;
use crate::people::{ChannelMove, TeamChange, join_team_channels};
use crate::{Result, Store, StoreError};
use serde::Serialize;
use serde_json::json;
use std::collections::BTreeMap;
use tether_domain::TeamId;
use tether_domain::UserId;
use tether_domain::team::{check_admin_set, may_remove_member};

/// A team as a Users-page row names it.
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct TeamRef {
    pub id: String,
    pub name: String,
}

/// A user as administrators list them: with roles and teams.
#[derive(Clone, Debug, Serialize)]
pub struct UserAdminView {
    pub id: UserId,
    pub name: String,
    pub email: String,
    pub active: bool,
    pub roles: Vec<String>,
    pub teams: Vec<TeamRef>,
}

#[derive(sqlx::FromRow)]
struct UserRow {
    id: String,
    name: String,
    email: String,
    active: bool,
}

#[derive(sqlx::FromRow)]
struct OwnedRow {
    user_id: String,
    id: String,
    name: String,
}

/// A change of a team: `None` leaves it as it is. `admin_ids` is the complete new set of team
/// admins (people not yet members join the team).
#[derive(Clone, Debug, Default)]
pub struct TeamPatch {
    pub name: Option<String>,
    pub admin_ids: Option<Vec<UserId>>,
}

impl Store {
    /// The Users page: users whose name or e-mail contains `q`, active first then by name, one
    /// page from `offset`, each with roles and teams. Three queries, whatever the page size.
    pub async fn search_users_admin(
        &self,
        q: &str,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<UserAdminView>> {
        let pattern = contains_pattern(q);
        let users: Vec<UserRow> = with_pool!(self, p => sqlx::query_as(
            "SELECT id, name, email, active FROM users WHERE name_folded LIKE $1 ESCAPE '\\' OR email LIKE $1 ESCAPE '\\' \
             ORDER BY active DESC, name_folded, id LIMIT $2 OFFSET $3")
            .bind(&pattern).bind(limit.clamp(1, 200)).bind(offset.max(0)).fetch_all(p).await)?;
        if users.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<String> = users.iter().map(|u| u.id.clone()).collect();
        let (roles, teams): (Vec<OwnedRow>, Vec<OwnedRow>) = with_pool!(self, p => {
            let mut qb = sqlx::QueryBuilder::new(
                "SELECT ur.user_id, r.id, r.name FROM user_roles ur JOIN roles r ON r.id = ur.role_id WHERE ur.user_id IN (");
            let mut sep = qb.separated(", ");
            for id in &ids {
                sep.push_bind(id);
            }
            qb.push(") ORDER BY r.name");
            let roles = qb.build_query_as().fetch_all(p).await?;
            let mut qb = sqlx::QueryBuilder::new(
                "SELECT m.user_id, t.id, t.name FROM team_members m JOIN teams t ON t.id = m.team_id WHERE m.user_id IN (");
            let mut sep = qb.separated(", ");
            for id in &ids {
                sep.push_bind(id);
            }
            qb.push(") ORDER BY t.name, t.id");
            let teams = qb.build_query_as().fetch_all(p).await?;
            Ok::<_, StoreError>((roles, teams))
        })?;
        let mut role_map: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for r in roles {
            role_map.entry(r.user_id).or_default().push(r.name);
        }
        let mut team_map: BTreeMap<String, Vec<TeamRef>> = BTreeMap::new();
        for t in teams {
            team_map.entry(t.user_id).or_default().push(TeamRef {
                id: t.id,
                name: t.name,
            });
        }
        Ok(users
            .into_iter()
            .map(|u| UserAdminView {
                roles: role_map.remove(&u.id).unwrap_or_default(),
                teams: team_map.remove(&u.id).unwrap_or_default(),
                id: u.id.into(),
                name: u.name,
                email: u.email,
                active: u.active,
            })
            .collect())
    }

    /// Removes a person from a team and from the team's channels. [`StoreError::NotFound`]
    /// for an unknown team or a person who is not a member; [`StoreError::Conflict`] for the
    /// team's only team admin.
    pub async fn remove_team_member(
        &self,
        team_id: &TeamId,
        user_id: &UserId,
        actor: Option<&UserId>,
    ) -> Result<TeamChange> {
        let user_id = user_id.as_str();
        let team_id = team_id.as_str();
        let team = self
            .team_by_id(team_id)
            .await?
            .ok_or(StoreError::NotFound("team"))?;
        let facts: Vec<(&str, bool)> = team
            .members
            .iter()
            .map(|m| (m.user_id.as_str(), m.is_admin))
            .collect();
        match may_remove_member(&facts, user_id) {
            Ok(()) => {}
            Err(tether_domain::team::TeamRuleError::NotMember) => {
                return Err(StoreError::NotFound("team member"));
            }
            Err(e) => return Err(StoreError::Conflict(e.to_string())),
        }
        let left: Vec<String> = with_write!(self, p => {
            let mut tx = p.begin().await?;
            sqlx::query("DELETE FROM team_members WHERE team_id = $1 AND user_id = $2")
                .bind(team_id).bind(user_id).execute(&mut *tx).await?;
            // Channels are the team's: a person who leaves the team leaves its channels.
            let left: Vec<String> = sqlx::query_scalar("DELETE FROM chat_members WHERE user_id = $2 AND chat_id IN \
                 (SELECT c.id FROM chats c WHERE c.team_id = $1 AND c.kind = 'channel') RETURNING chat_id")
                .bind(team_id).bind(user_id).fetch_all(&mut *tx).await?;
            let entry = NewAudit::new(actor, "team.member_removed", json!({"team_id": team_id, "user_id": user_id}));
            audit_insert!(&mut *tx, &entry)?;
            tx.commit().await?;
            Ok::<_, StoreError>(left)
        })?;
        let team = self
            .team_by_id(team_id)
            .await?
            .ok_or(StoreError::NotFound("team"))?;
        let left = left
            .into_iter()
            .map(|chat_id| ChannelMove {
                chat_id: tether_domain::ChatId::new(chat_id),
                user_id: UserId::new(user_id),
            })
            .collect();
        Ok(TeamChange {
            team,
            joined: Vec::new(),
            left,
        })
    }

    /// Renames a team and/or replaces its set of team admins (former admins stay members;
    /// new admins who were not members join the team and its channels), in one transaction.
    pub async fn update_team(
        &self,
        team_id: &TeamId,
        patch: &TeamPatch,
        actor: Option<&UserId>,
    ) -> Result<TeamChange> {
        let team_id = team_id.as_str();
        let team = self
            .team_by_id(team_id)
            .await?
            .ok_or(StoreError::NotFound("team"))?;
        if let Some(admins) = &patch.admin_ids {
            check_admin_set(admins).map_err(|e| StoreError::Invalid(e.to_string()))?;
            self.check_users_exist(admins).await?;
        }
        let joined = with_write!(self, p => {
            let mut tx = p.begin().await?;
            let mut joined = Vec::new();
            if let Some(name) = &patch.name {
                sqlx::query("UPDATE teams SET name = $1 WHERE id = $2")
                    .bind(name).bind(team_id).execute(&mut *tx).await
                    .map_err(|e| StoreError::conflict_on_unique(e, format!("a team named '{name}' already exists")))?;
            }
            if let Some(admins) = &patch.admin_ids {
                sqlx::query("UPDATE team_members SET is_admin = FALSE WHERE team_id = $1")
                    .bind(team_id).execute(&mut *tx).await?;
                for uid in admins {
                    sqlx::query("INSERT INTO team_members (team_id, user_id, is_admin) VALUES ($1, $2, TRUE) \
                         ON CONFLICT (team_id, user_id) DO UPDATE SET is_admin = TRUE")
                        .bind(team_id).bind(uid).execute(&mut *tx).await?;
                    joined.extend(join_team_channels!(&mut *tx, team_id, uid, actor));
                }
            }
            let before: Vec<&str> = team.members.iter().filter(|m| m.is_admin).map(|m| m.user_id.as_str()).collect();
            let entry = NewAudit::new(actor, "team.updated", json!({
                "team_id": team_id,
                "name": patch.name,
                "previous_name": patch.name.as_ref().map(|_| team.name.as_str()),
                "admin_ids": patch.admin_ids,
                "previous_admin_ids": patch.admin_ids.as_ref().map(|_| before),
            }));
            audit_insert!(&mut *tx, &entry)?;
            tx.commit().await?;
            Ok::<_, StoreError>(joined)
        })?;
        let team = self
            .team_by_id(team_id)
            .await?
            .ok_or(StoreError::NotFound("team"))?;
        Ok(TeamChange {
            team,
            joined,
            left: Vec::new(),
        })
    }
}

impl Store {
    /// Names of the people and teams with these ids, in two queries (for the audit log, whose
    /// entries name them by id). Unknown ids are left out.
    pub async fn names_by_ids(&self, ids: &[String]) -> Result<BTreeMap<String, String>> {
        let mut out = BTreeMap::new();
        if ids.is_empty() {
            return Ok(out);
        }
        // Chunks keep each statement within SQLite's limit on bound parameters.
        for chunk in ids.chunks(400) {
            out.extend(self.names_chunk(chunk).await?);
        }
        Ok(out)
    }

    async fn names_chunk(&self, ids: &[String]) -> Result<Vec<(String, String)>> {
        with_pool!(self, p => {
            let mut qb = sqlx::QueryBuilder::new(
                "SELECT id, name FROM users WHERE id IN (");
            let mut sep = qb.separated(", ");
            for id in ids {
                sep.push_bind(id);
            }
            qb.push(") UNION ALL SELECT id, name FROM teams WHERE id IN (");
            let mut sep = qb.separated(", ");
            for id in ids {
                sep.push_bind(id);
            }
            qb.push(")");
            Ok::<_, StoreError>(qb.build_query_as().fetch_all(p).await?)
        })
    }
}
