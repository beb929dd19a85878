//! Tether's domain: the rules of SPEC.md as plain functions over plain types.
//!
//! Nothing here does I/O, awaits, or knows about SQL or HTTP. Every rule that decides
//! *who may see or do what* lives in exactly one function of this crate, returns a decision
//! that carries its reason, and is called by both the HTTP handlers and (later) the event
//! fan-out, so a 403's detail and the UI's explanation come from the same place.

pub mod access;
pub mod cards;
pub mod chat;
pub mod collab;
pub mod csv;
pub mod digest;
pub mod ids;
pub mod integration;
pub mod invalid;
pub mod launch;
pub mod locale;
pub mod markdown;
pub mod people;
pub mod privilege;
pub mod record;
pub mod record_type;
pub mod redirect;
pub mod roles;
pub mod search;
pub mod settings;
pub mod signin;
pub mod suggest;
pub mod team;
pub mod viewer;
pub mod webhook;

pub use access::{Decision, DenyReason, Owner, RecordFacts, Subject};
pub use ids::{AttachmentId, ChatId, MessageId, RecordId, RoleId, TeamId, UserId};
pub use privilege::{Access, Depth, Privilege, PrivilegeSet};
