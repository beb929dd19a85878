//! The people who chat in the data set: the demo's team members who may use chats, and extra
//! agents created through the store until there are `--users` of them.

use super::NO_PASSWORD;
use super::sql::lit;
use crate::report::bar;
use anyhow::Result;
use std::collections::BTreeMap;
use tether_store::Store;
use tether_store::people::NewUser;

/// Every team member who may use chats, then extra agents up to `want`: (id, name) pairs.
pub(super) async fn chat_members(store: &Store, want: usize) -> Result<Vec<(String, String)>> {
    let mut people: BTreeMap<String, String> = BTreeMap::new();
    for team in store.list_teams().await? {
        for m in team.members {
            people.insert(m.user_id.into(), m.name);
        }
    }
    let mut users: Vec<(String, String)> = Vec::new();
    for (id, name) in people {
        if store
            .subject(&id.as_str().into())
            .await?
            .is_some_and(|s| s.privileges.collab_use)
        {
            users.push((id, name));
        }
    }
    let missing = want.saturating_sub(users.len());
    let pb = bar(missing as u64, "extra agents");
    for i in 0..missing {
        let name = format!(
            "Agent {} {}",
            FIRST.get(i % FIRST.len()).unwrap_or(&"Alex"),
            i + 1
        );
        let u = store
            .create_user(
                &NewUser {
                    email: format!("agent{}@bench.tether.test", i + 1),
                    name: name.clone(),
                    password_hash: NO_PASSWORD.into(),
                    role_names: vec!["agent".into()],
                    team_ids: vec![],
                },
                None,
            )
            .await?;
        users.push((u.id.into(), name));
        pb.inc(1);
    }
    pb.finish_and_clear();
    Ok(users)
}

/// Gives every person of the data set the password `password_hash` stands for, so that
/// workloads sign them in through `POST /auth/login` as people do (one statement).
pub async fn let_everyone_sign_in(store: &Store, password_hash: &str) -> Result<()> {
    store
        .execute_raw(&format!(
            "UPDATE users SET password_hash = {} WHERE password_hash = {}",
            lit(password_hash),
            lit(NO_PASSWORD)
        ))
        .await?;
    Ok(())
}

const FIRST: &[&str] = &[
    "Alex", "Sam", "Kim", "Robin", "Charlie", "Jules", "Nova", "Mika", "Tove", "Eli",
];
