//! Who the agents are: the data set's people (chat members), each with the bench password,
//! their e-mail address and the chats they are in, in an order that spreads every step over
//! people with many chats and people with few.

use crate::dataset::{self, Manifest, Rng};
use crate::fixture::{self, BenchUser};
use anyhow::{Result, bail};
use std::collections::HashMap;
use tether_store::Store;

/// Ids read per query.
const CHUNK: usize = 500;

/// A person an agent acts as: not signed in yet (`user.token` is empty), with their chats.
#[derive(Clone)]
pub(super) struct Person {
    pub(super) user: BenchUser,
    pub(super) chats: Vec<String>,
}

/// Every chat member of the data set, able to sign in with the bench password, in a fixed
/// random order.
pub(super) async fn prepare(store: &Store, manifest: &Manifest) -> Result<Vec<Person>> {
    dataset::let_everyone_sign_in(store, &fixture::bench_password_hash()?).await?;
    let mut chats_of: Vec<Vec<String>> = vec![Vec::new(); manifest.users.len()];
    for c in &manifest.chats {
        for &m in &c.members {
            if let Some(list) = chats_of.get_mut(m as usize) {
                list.push(c.id.clone());
            }
        }
    }
    let mut people = Vec::with_capacity(manifest.users.len());
    for (ids, chats) in manifest.users.chunks(CHUNK).zip(chats_of.chunks(CHUNK)) {
        let wanted: Vec<_> = ids.iter().map(|id| id.as_str().into()).collect();
        let emails: HashMap<String, String> = store
            .users_by_ids(&wanted)
            .await?
            .into_iter()
            .map(|u| (u.id.as_str().to_owned(), u.email))
            .collect();
        for (id, chats) in ids.iter().zip(chats) {
            let Some(email) = emails.get(id) else {
                bail!("user {id} of the data set is missing from its database");
            };
            people.push(Person {
                user: BenchUser {
                    id: id.clone(),
                    email: email.clone(),
                    token: String::new(),
                },
                chats: chats.to_vec(),
            });
        }
    }
    shuffle(&mut people, manifest.sizes.seed);
    Ok(people)
}

/// Fisher–Yates with the data set's seed: the same order in every run.
fn shuffle<T>(items: &mut [T], seed: u64) {
    let mut rng = Rng(seed ^ 0x5eed_a9e7);
    for i in (1..items.len()).rev() {
        let j = rng.below(i + 1);
        items.swap(i, j);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_order_is_a_fixed_permutation() {
        let mut a: Vec<usize> = (0..100).collect();
        let mut b = a.clone();
        shuffle(&mut a, 7);
        shuffle(&mut b, 7);
        assert_eq!(a, b);
        assert_ne!(a, (0..100).collect::<Vec<_>>());
        let mut sorted = a.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..100).collect::<Vec<_>>());
    }
}
