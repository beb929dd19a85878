//! The store conformance suite: every test runs against a fresh SQLite file and a fresh
//! PostgreSQL database, so both implementations keep the same behaviour.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::{Value, json};
use std::collections::BTreeMap;
use tether_domain::record::RecordState;
use tether_domain::{ChatId, MessageId, Owner, UserId};
use tether_store::Store;
use tether_store::people::NewUser;
use tether_store::records::NewRecord;

/// Runs `async fn $name(Backend)` once per backend: the tests `<area>::$name::sqlite` and
/// `<area>::$name::postgres`. Each area module below lists its own.
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                super::$name(tether_store::Backend::Sqlite).await
            }
            #[tokio::test]
            async fn postgres() {
                super::$name(tether_store::Backend::Postgres).await
            }
        }
    )*};
}

mod attachments;
mod chats;
mod database;
mod digest;
mod finder;
mod finder_substrings;
mod guards;
mod integration;
mod launch;
mod messages;
mod people;
mod records;
mod sessions;
mod settings;
mod similar;
mod transactions;
mod webhooks;

async fn user(s: &Store, email: &str, name: &str, roles: &[&str]) -> tether_domain::UserId {
    s.create_user(
        &NewUser {
            email: email.into(),
            name: name.into(),
            password_hash: "x".into(),
            role_names: roles.iter().map(|r| (*r).to_owned()).collect(),
            team_ids: vec![],
        },
        None,
    )
    .await
    .unwrap()
    .id
}

async fn case(s: &Store, title: &str, owner: Owner) -> tether_store::records::Record {
    let def = s.record_type("case").await.unwrap().unwrap().def;
    let mut fields = BTreeMap::new();
    fields.insert("title".to_owned(), Value::String(title.into()));
    s.create_record(
        &def,
        &NewRecord {
            fields,
            owner,
            state: RecordState::Active,
            created_by: None,
            at: None,
        },
    )
    .await
    .unwrap()
}

/// A group chat of `members`, started by the first, with their full history and no opening
/// message.
async fn group(s: &Store, members: &[&UserId]) -> tether_store::chats::Chat {
    s.create_chat(
        &tether_store::chats::NewChat {
            kind: tether_domain::chat::ChatKind::Group,
            name: None,
            team_id: None,
            created_by: members[0].clone(),
            members: members.iter().map(|m| ((*m).clone(), 0)).collect(),
        },
        None,
    )
    .await
    .unwrap()
    .0
}

/// Whether `who` may download attachment `id` (`Store::attachment_for`).
async fn may_download(s: &Store, id: &str, who: &UserId) -> bool {
    s.attachment_for(&id.into(), who).await.unwrap().is_some()
}

fn u(id: &UserId) -> Owner {
    Owner::User {
        user_id: id.clone(),
    }
}

/// The body of stored message `id`.
async fn body_of(s: &Store, id: &MessageId) -> String {
    s.message(id)
        .await
        .unwrap()
        .expect("the message is stored")
        .body
}

fn sys(text: &str) -> tether_store::chats::SystemMessage {
    tether_store::chats::SystemMessage {
        kind: "system",
        actor_id: None,
        text: text.into(),
        html: format!("<p>{text}</p>"),
        data: json!({}),
    }
}

fn new_message(chat: &ChatId, sender: &UserId, body: &str) -> tether_store::chats::NewMessage {
    tether_store::chats::NewMessage {
        chat_id: chat.clone(),
        sender_id: sender.clone(),
        sender_name: "Sender".into(),
        body: body.into(),
        html: body.into(),
        importance: tether_domain::chat::Importance::Normal,
        data: None,
        mentions: vec![],
        attachment_ids: vec![],
        idempotency_key: None,
        idempotency_fingerprint: None,
        remind_until: None,
        remind_every_ms: 120_000,
    }
}
