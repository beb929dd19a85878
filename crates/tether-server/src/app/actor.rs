//! Who makes a change to a record: a signed-in person, or a host system syncing its records
//! (an administrator's session or an API key, issue 19). The record use cases take an
//! [`Actor`], so a sync goes through the same checks, writes and events as a person's change;
//! only what it may do (its access subject) and how the change is signed differ.
//!
//! A person writes with their own privileges and is the author of what they write. A sync
//! writes with `*.write:all` (`tether_domain::integration::sync_subject`): by an administrator,
//! signed with their name; by a key, with no person — the audit log names the key, system
//! messages are signed with the key's name, and the record's `created_by` and owner history
//! name nobody.

use crate::app::views::PersonRef;
use crate::auth::{Caller, Integrator};
use std::borrow::Cow;
use tether_domain::{Subject, UserId};
use tether_store::audit::NewAudit;
use tether_store::people::UserSummary;
use tether_store::people::external::ChangedBy;

/// How a change made with `tether import` is signed.
pub const COMMAND_LINE: &str = "command line";

/// The author of a change and what they may do.
pub struct Actor<'a> {
    subject: Cow<'a, Subject>,
    person: Option<&'a UserSummary>,
    /// The key's id and name, for a change made with an API key.
    key: Option<(&'a str, &'a str)>,
    /// What signs a change made by neither a person nor a key (`tether import`, or the
    /// integration's name for a launch).
    label: Option<&'a str>,
    /// A host system's change (an API key or a launch): it changes no administrator and makes
    /// none, whatever its subject allows.
    host: bool,
}

impl<'a> Actor<'a> {
    /// A signed-in person, with their own privileges.
    pub fn person(caller: &'a Caller) -> Actor<'a> {
        Actor {
            subject: Cow::Borrowed(&caller.subject),
            person: Some(&caller.user),
            key: None,
            label: None,
            host: false,
        }
    }

    /// A host system's sync, by an administrator's session or an API key.
    pub fn sync(by: &'a Integrator) -> Actor<'a> {
        let subject = Cow::Owned(by.sync_subject());
        match by {
            Integrator::Person(caller) => Actor {
                subject,
                person: Some(&caller.user),
                key: None,
                label: None,
                host: false,
            },
            Integrator::Key(key) => Actor {
                subject,
                person: None,
                key: Some((&key.id, &key.name)),
                label: None,
                host: true,
            },
            Integrator::CommandLine { .. } => Actor {
                subject,
                person: None,
                key: None,
                label: Some(COMMAND_LINE),
                host: false,
            },
            Integrator::Launch { name, .. } => Actor {
                subject,
                person: None,
                key: None,
                label: Some(name),
                host: true,
            },
        }
    }

    /// What the actor may do.
    pub fn subject(&self) -> &Subject {
        &self.subject
    }

    /// The person who makes the change; `None` for an API key.
    pub fn user_id(&self) -> Option<&UserId> {
        self.person.map(|p| &p.id)
    }

    /// The id whose shares count in access decisions: the person's; for a key an id no user
    /// has, so no share ever applies.
    pub fn viewer(&self) -> &UserId {
        &self.subject.user_id
    }

    /// The name that signs the change in system messages: the person's, or the key's.
    pub fn name(&self) -> &str {
        match (self.person, self.key) {
            (Some(p), _) => &p.name,
            (None, Some((_, name))) => name,
            (None, None) => self.label.unwrap_or_default(),
        }
    }

    /// The person, as events name them; `None` for an API key.
    pub fn person_ref(&self) -> Option<PersonRef> {
        self.person.map(|p| PersonRef {
            id: p.id.clone(),
            name: p.name.clone(),
        })
    }

    /// The key's id, for a change made with an API key.
    pub fn key_id(&self) -> Option<&str> {
        self.key.map(|(id, _)| id)
    }

    /// An audit entry signed by this actor (the person, or the key); one made from the
    /// command line says so in its details (`via`), as `tether admin set-password` does.
    pub fn audit(&self, action: &'static str, details: serde_json::Value) -> NewAudit {
        let mut details = details;
        if let (Some(label), Some(map)) = (self.label, details.as_object_mut()) {
            map.insert("via".into(), label.into());
        }
        NewAudit::new(self.user_id(), action, details).by_key(self.key_id())
    }

    /// This actor as the store signs changes.
    pub fn changed_by(&self) -> ChangedBy<'_> {
        ChangedBy {
            user: self.user_id(),
            api_key: self.key_id(),
            via: self.label,
            host: self.host,
        }
    }
}
