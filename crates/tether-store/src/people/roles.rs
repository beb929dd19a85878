//! Roles, and the [`Subject`] the access decision needs for one user: the union of their
//! roles' privileges, their teams and their teammates.

use super::Role;
use crate::audit::{NewAudit, audit_insert};
use crate::{Result, Store, StoreError, new_id, now_ms};
use serde_json::json;
use std::collections::BTreeSet;
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
        let Some(user) = self.user(user_id).await? else {
            return Ok(None);
        };
        let (privs, team_rows): (Vec<(String,)>, Vec<(String, String)>) = with_pool!(self, p => {
            let privs = sqlx::query_as("SELECT r.privileges FROM user_roles ur JOIN roles r ON r.id = ur.role_id WHERE ur.user_id = $1")
                .bind(user_id.as_str()).fetch_all(p).await?;
            let teams = sqlx::query_as("SELECT mine.team_id, other.user_id FROM team_members mine \
                 JOIN team_members other ON other.team_id = mine.team_id WHERE mine.user_id = $1")
                .bind(user_id.as_str()).fetch_all(p).await?;
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
            user_id: user.id,
            active: user.active,
            privileges: set,
            team_ids,
            teammate_ids,
        }))
    }
}
