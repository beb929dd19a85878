//! Roles, and the [`Subject`] the access decision needs for one user: the union of their
//! roles' privileges, their teams and their teammates.

use super::Role;
use crate::audit::{NewAudit, audit_insert};
use crate::{Result, Store, StoreError, new_id, now_ms};
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};
use tether_domain::{Privilege, PrivilegeSet, Subject, TeamId, UserId};

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

/// (user, one of their teams, a member of that team).
type TeamRow = (String, String, String);

impl Store {
    /// Creates a role. Privilege strings must already be valid.
    pub async fn create_role(
        &self,
        name: &str,
        privileges: &[Privilege],
        actor: Option<&UserId>,
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

    /// The access-decision view of a user: active flag, the union of their roles' privileges,
    /// their teams and teammates. Three queries, whatever the numbers of roles and teams.
    pub async fn subject(&self, user_id: &UserId) -> Result<Option<Subject>> {
        Ok(self.subjects(std::slice::from_ref(user_id)).await?.pop())
    }

    /// The subjects of several users in three queries however many they are (users, their
    /// roles' privileges, their teams with every teammate); unknown ids are skipped.
    pub async fn subjects(&self, user_ids: &[UserId]) -> Result<Vec<Subject>> {
        let users = self.users_by_ids(user_ids).await?;
        if users.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<&str> = users.iter().map(|u| u.id.as_str()).collect();
        let (privs, team_rows): (Vec<(String, String)>, Vec<TeamRow>) = with_pool!(self, p => {
            let mut qb = sqlx::QueryBuilder::new("SELECT ur.user_id, r.privileges FROM user_roles ur JOIN roles r ON r.id = ur.role_id WHERE ur.user_id IN (");
            let mut sep = qb.separated(", ");
            for id in &ids {
                sep.push_bind(*id);
            }
            qb.push(")");
            let privs = qb.build_query_as().fetch_all(p).await?;
            let mut qb = sqlx::QueryBuilder::new("SELECT mine.user_id, mine.team_id, other.user_id FROM team_members mine \
                 JOIN team_members other ON other.team_id = mine.team_id WHERE mine.user_id IN (");
            let mut sep = qb.separated(", ");
            for id in &ids {
                sep.push_bind(*id);
            }
            qb.push(")");
            let teams = qb.build_query_as().fetch_all(p).await?;
            Ok::<_, StoreError>((privs, teams))
        })?;
        let mut sets: BTreeMap<String, PrivilegeSet> = BTreeMap::new();
        for (user, doc) in privs {
            let strings: Vec<String> = serde_json::from_str(&doc)?;
            let set = sets.entry(user).or_default();
            for s in strings {
                // A stored privilege that no longer parses is ignored rather than failing
                // every request of the user; it was valid when written.
                if let Ok(p) = s.parse::<Privilege>() {
                    set.add(&p);
                }
            }
        }
        let mut teams: BTreeMap<String, (BTreeSet<TeamId>, BTreeSet<UserId>)> = BTreeMap::new();
        for (user, team, mate) in team_rows {
            let (team_ids, teammate_ids) = teams.entry(user).or_default();
            team_ids.insert(TeamId::new(team));
            teammate_ids.insert(UserId::new(mate));
        }
        let mut out = Vec::with_capacity(users.len());
        for user in users {
            let (team_ids, teammate_ids) = teams.remove(user.id.as_str()).unwrap_or_default();
            out.push(Subject {
                privileges: sets.remove(user.id.as_str()).unwrap_or_default(),
                user_id: user.id,
                active: user.active,
                team_ids,
                teammate_ids,
            });
        }
        Ok(out)
    }
}
