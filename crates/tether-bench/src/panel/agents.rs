//! Who makes the panel run's requests: chat members of the data set, signed in through the
//! store (a session each), with the chats they are in.

use crate::dataset::Manifest;
use anyhow::{Result, bail};
use tether_server::auth::{new_token, token_hash};
use tether_store::Store;

/// How many users make the searches.
const SEARCHERS: usize = 20;

/// A signed-in user and the chats they are in.
pub(super) struct Agent {
    pub(super) token: String,
    pub(super) chats: Vec<String>,
}

/// Signs in up to `want` chat members (`--sample-users`), and the 20 users whose number of
/// chats is nearest `search_chats` (who make the searches): (agents, searchers).
pub(super) async fn sign_in(
    store: &Store,
    manifest: &Manifest,
    want: usize,
    search_chats: usize,
) -> Result<(Vec<Agent>, Vec<Agent>)> {
    let chats_of = chats_with_messages(manifest);
    let expires = tether_store::now_ms() + 24 * 3600 * 1000;
    let mut by_size: Vec<usize> = (0..manifest.users.len()).collect();
    by_size.sort_by_key(|&i| chats_of.get(i).map_or(0, Vec::len).abs_diff(search_chats));
    let mut searchers = Vec::new();
    for &i in by_size.iter().take(SEARCHERS) {
        let (Some(id), Some(chats)) = (manifest.users.get(i), chats_of.get(i)) else {
            continue;
        };
        searchers.push(Agent {
            token: session(store, id, expires).await?,
            chats: chats.clone(),
        });
    }
    let mut out = Vec::new();
    let step = (manifest.users.len() / want.max(1)).max(1);
    for (i, id) in manifest.users.iter().enumerate().step_by(step) {
        if out.len() >= want {
            break;
        }
        out.push(Agent {
            token: session(store, id, expires).await?,
            chats: chats_of.get(i).cloned().unwrap_or_default(),
        });
    }
    if out.is_empty() || searchers.is_empty() {
        bail!("the data set has no users to sign in");
    }
    Ok((out, searchers))
}

/// For each user of the manifest (by index), the chats they are in that have messages.
fn chats_with_messages(manifest: &Manifest) -> Vec<Vec<String>> {
    let mut chats_of: Vec<Vec<String>> = vec![Vec::new(); manifest.users.len()];
    for c in &manifest.chats {
        if c.messages == 0 {
            continue;
        }
        for &m in &c.members {
            if let Some(list) = chats_of.get_mut(m as usize) {
                list.push(c.id.clone());
            }
        }
    }
    chats_of
}

/// A new session of user `id`; returns its bearer token.
async fn session(store: &Store, id: &str, expires: i64) -> Result<String> {
    let token = new_token();
    store
        .create_session(&token_hash(&token), &id.into(), &new_token(), expires)
        .await?;
    Ok(token)
}
