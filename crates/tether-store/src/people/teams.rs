//! Teams: creating them, adding members (who join the team's channels), reading them with
//! their members.

use super::{Team, TeamChange, TeamMember, join_team_channels};
use crate::audit::{NewAudit, audit_insert};
use crate::{Result, Store, StoreError, new_id, now_ms};
use serde_json::json;
use tether_domain::TeamId;
use tether_domain::UserId;

#[derive(sqlx::FromRow)]
struct TeamMemberRow {
    team_id: String,
    team_name: String,
    user_id: Option<String>,
    user_name: Option<String>,
    is_admin: Option<bool>,
}

impl Store {
    /// Creates a team with its admins and members (admins are members too).
    pub async fn create_team(
        &self,
        name: &str,
        admin_ids: &[UserId],
        member_ids: &[UserId],
        actor: Option<&UserId>,
    ) -> Result<Team> {
        let everyone: Vec<UserId> = admin_ids.iter().chain(member_ids).cloned().collect();
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
        self.team_by_id(&id)
            .await?
            .ok_or(StoreError::NotFound("team"))
    }

    /// Adds members to a team (existing members stay as they are).
    pub async fn add_team_members(
        &self,
        team_id: &TeamId,
        user_ids: &[UserId],
        actor: Option<&UserId>,
    ) -> Result<TeamChange> {
        let team_id = team_id.as_str();
        if self.team_by_id(team_id).await?.is_none() {
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
            .team_by_id(team_id)
            .await?
            .ok_or(StoreError::NotFound("team"))?;
        Ok(TeamChange {
            team,
            joined,
            left: Vec::new(),
        })
    }

    pub async fn team(&self, id: &TeamId) -> Result<Option<Team>> {
        self.team_by_id(id.as_str()).await
    }

    /// [`Store::team`] for the store's own callers, which hold the id as text.
    pub(crate) async fn team_by_id(&self, id: &str) -> Result<Option<Team>> {
        Ok(self.teams_where(Some(id)).await?.into_iter().next())
    }

    /// Every team with its members, in one query.
    pub async fn list_teams(&self) -> Result<Vec<Team>> {
        self.teams_where(None).await
    }

    /// Every team's id and name, by name: one row per team, without the members
    /// [`Store::list_teams`] reads (for pickers that only show names).
    pub async fn team_names(&self) -> Result<Vec<(String, String)>> {
        Ok(
            with_pool!(self, p => sqlx::query_as("SELECT id, name FROM teams ORDER BY name, id").fetch_all(p).await)?,
        )
    }

    async fn teams_where(&self, id: Option<&str>) -> Result<Vec<Team>> {
        let rows: Vec<TeamMemberRow> = with_pool!(self, p => sqlx::query_as(
            "SELECT t.id AS team_id, t.name AS team_name, m.user_id, u.name AS user_name, m.is_admin \
             FROM teams t LEFT JOIN team_members m ON m.team_id = t.id LEFT JOIN users u ON u.id = m.user_id \
             WHERE ($1 IS NULL OR t.id = $1) ORDER BY t.name, t.id, m.is_admin DESC, u.name")
            .bind(id).fetch_all(p).await)?;
        let mut teams: Vec<Team> = Vec::new();
        for r in rows {
            if teams.last().is_none_or(|t| t.id.as_str() != r.team_id) {
                teams.push(Team {
                    id: r.team_id.as_str().into(),
                    name: r.team_name.clone(),
                    members: Vec::new(),
                });
            }
            if let (Some(team), Some(user_id)) = (teams.last_mut(), r.user_id) {
                team.members.push(TeamMember {
                    user_id: user_id.into(),
                    name: r.user_name.unwrap_or_default(),
                    is_admin: r.is_admin.unwrap_or(false),
                });
            }
        }
        Ok(teams)
    }
}
