//! The member lists of chats being written to, kept between sends so that a send reads none
//! (issue 18: no per-send reads that a cache can answer). A kept list is never trusted on its
//! own for who hears a message (R2): every send's write returns the chat's member-list version
//! (`chats.members_version`, which the database advances on every change to the members, their
//! names or their active flag), and a list older than that is read again before anyone is
//! told. So a member removed through another node, whose bus message has not arrived (or never
//! will), hears nothing: the database, not the bus, says the list changed.
//!
//! The caller's own membership is checked against the kept list first (a refusal costs no
//! write) and again inside the write, which refuses a sender removed a moment ago. Mentions are
//! rendered against the kept list, before the write: the one message that follows a change of
//! members or names may render a mention by the older list (whom it notifies is still decided
//! by the current one).

use std::sync::Arc;
use tether_domain::ChatId;
use tether_store::Store;
use tether_store::chats::MemberList;

/// At most this many members over all kept lists (a list weighs its member count): about
/// 200 bytes each, so some 40 MiB at most.
const MAX_MEMBERS: u64 = 200_000;

/// A list not used for this long is forgotten.
const IDLE: std::time::Duration = std::time::Duration::from_secs(600);

pub struct MemberLists {
    kept: moka::sync::Cache<ChatId, Arc<MemberList>>,
}

impl Default for MemberLists {
    fn default() -> Self {
        MemberLists {
            kept: moka::sync::Cache::builder()
                .max_capacity(MAX_MEMBERS)
                .weigher(|_, list: &Arc<MemberList>| {
                    u32::try_from(list.members.len() + 1).unwrap_or(u32::MAX)
                })
                .time_to_idle(IDLE)
                .build(),
        }
    }
}

impl MemberLists {
    /// The chat's list as kept, or read now; `None` when the chat has no members.
    pub async fn kept(
        &self,
        store: &Store,
        chat_id: &ChatId,
    ) -> tether_store::Result<Option<Arc<MemberList>>> {
        match self.kept.get(chat_id) {
            Some(list) => Ok(Some(list)),
            None => self.read(store, chat_id).await,
        }
    }

    /// The chat's list read now (and kept).
    pub async fn read(
        &self,
        store: &Store,
        chat_id: &ChatId,
    ) -> tether_store::Result<Option<Arc<MemberList>>> {
        let Some(list) = store.member_list(chat_id).await?.map(Arc::new) else {
            self.kept.invalidate(chat_id);
            return Ok(None);
        };
        // Versions only grow: a list read by a concurrent request may be newer than this one.
        let newest = match self.kept.get(chat_id) {
            Some(other) if other.version > list.version => other,
            _ => {
                self.kept.insert(chat_id.clone(), list.clone());
                list
            }
        };
        Ok(Some(newest))
    }

    /// A list at least as new as `version` (what a write saw): `list` itself when it is, else
    /// the kept one or one read now. `None` when the chat has no members any more.
    pub async fn at_least(
        &self,
        store: &Store,
        chat_id: &ChatId,
        list: Arc<MemberList>,
        version: i64,
    ) -> tether_store::Result<Option<Arc<MemberList>>> {
        if list.version >= version {
            return Ok(Some(list));
        }
        if let Some(kept) = self.kept.get(chat_id)
            && kept.version >= version
        {
            return Ok(Some(kept));
        }
        self.read(store, chat_id).await
    }
}
