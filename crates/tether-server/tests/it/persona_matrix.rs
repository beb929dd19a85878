//! Issue 10, the authorization matrix: every endpoint of the served OpenAPI document, called as
//! each of twelve personas against real resources (a case owned by the record owner, a group
//! chat connected to it with members, a team channel connected to it, a message with a record
//! link and an attachment), with the expected status of every (endpoint × persona) cell.
//!
//! The expected statuses are derived from SPEC.md, API.md, docs/api.md and docs/security.md
//! and the handlers in `src/api/*.rs`, not from what the server answers. A documented endpoint
//! without a row fails the test, and so does a row whose endpoint is no longer documented. An
//! endpoint may have more rows, each with a label naming what it adds (an owner change, a
//! share, a lookup); pairs of rows in `SAME_ANSWER` must answer alike where the first refuses.
//!
//! Leak checks run over the raw text of the same responses (see `NEEDLES`): nothing of the chat
//! (name, a member's name, message text) reaches a non-member, and a non-member who may join
//! sees its name only (the locked entry of R3); nothing of the record (name, field values)
//! reaches a non-reader; nothing of the team channel reaches a non-member of the team. Live
//! events are checked too: the non-member's and the reader's sockets receive nothing of the
//! chat while its members talk, and the member who cannot read the record never receives the
//! record's name (R16 cards per recipient).

use crate::common;
use crate::common::{PASSWORD, TestApp, spawn_app};
use reqwest::Method;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tether_store::Backend;

both_backends!(every_endpoint_as_every_persona);

// ---------------------------------------------------------------------------------------------
// Personas (the columns of the table, in this order)
// ---------------------------------------------------------------------------------------------

const P: usize = 12;

/// No token at all.
const ANON: usize = 0;
/// An agent of Support and a member of the chat, deactivated after signing in (the token is
/// kept and must stop working).
const GONE: usize = 1;
/// Role `viewer` (`*.read:team`, no `collab.use`), in Support: reads the case, no chat data.
const NOCOL: usize = 2;
/// Role `chatter` (`collab.use` only): a member of the chat who cannot read the case.
const MEMBER: usize = 3;
/// Role `chatter`: not in the chat, in no team, cannot read the case.
const NONMEMBER: usize = 4;
/// Role `reader` (`collab.use`, `case.read:all`): reads the case, cannot write it, not in the
/// chat, in no team.
const READER: usize = 5;
/// An agent of Support (`case.write:team` covers the owner's case), not in the chat.
const WRITER: usize = 6;
/// An agent of Support who owns the case; member of the chat; sent the target message and
/// uploaded its attachment.
const OWNER: usize = 7;
/// An agent of Support who started the chat and connected it to the case (the last connector;
/// the world turns *last connector may disconnect* on for cases).
const CONNECTOR: usize = 8;
/// A supervisor of Escalations (`collab.disconnect`, `*.read:all`, `*.write:team`): reads but
/// cannot write the case; member of the chat.
const DISCONNECTOR: usize = 9;
/// An agent who is the admin of Support; created the channel and connected it to the case;
/// not in the chat.
const TEAM_ADMIN: usize = 10;
/// The seeded administrator: every privilege, member of nothing.
const ADMIN: usize = 11;

const PERSONAS: [&str; P] = [
    "anonymous",
    "deactivated",
    "no collab.use",
    "chat member",
    "non-member",
    "record reader",
    "record writer",
    "record owner",
    "last connector",
    "collab.disconnect",
    "team admin",
    "administrator",
];

/// The world's distinctive texts; `NEEDLES` searches responses for parts of them, ignoring case.
const CHAT_NAME: &str = "Zephyr escalation room";
const MESSAGE_WORD: &str = "walrus";
const MEMBER_NAME: &str = "Mira Quist";
const RECORD_NAME: &str = "Zanzibar printer fault";
const PRODUCT: &str = "Quokka-9000";
const DESCRIPTION: &str = "Marmalade smudges on every invoice";
const CHANNEL_NAME: &str = "Fjord floor";
const CHANNEL_TEXT: &str = "Narwhal sighting at the front desk";
/// The name of an account only agents, the supervisor and the administrator may read.
const HIDDEN_ACCOUNT: &str = "Yarrowdale Holdings";

// ---------------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------------

/// What the world does around one call, so that destructive calls do not break later cells.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Prep {
    None,
    /// The call uses a fresh sign-in of the persona (logout ends the session it names).
    FreshSession,
    /// `{message_id}` is a new text message of the owner, so every caller meets a live one.
    FreshMessage,
    /// Hal Helper is not in the chat before the call (adding him can succeed every time).
    HelperOut,
    /// Hal Helper is in the chat before the call (removing him can succeed every time).
    HelperIn,
    /// The chat is connected to the case before the call — by the connector, so the
    /// connector stays the last connector.
    ChatConnected,
    /// The channel is connected to the case before the call — by the team admin.
    ChannelConnected,
    /// A persona who joined leaves again, so every persona tries to join as a non-member.
    LeaveAfterJoin,
    /// `{id}` of the record is a new case of the owner's, so every caller meets a live one
    /// (deleting the world's case would end the world).
    FreshCase,
    /// As `FreshCase`, but the case is owned by Support, the owner's team.
    FreshTeamCase,
    /// As `FreshCase`, and the owner shares it with the caller for write.
    SharedForWrite,
    /// As `FreshTeamCase`, and the owner shares it with the caller for write.
    TeamSharedForWrite,
}

#[derive(Clone, Copy, Debug)]
enum Body {
    None,
    /// A JSON template; `{name}` placeholders are filled from the world's bindings.
    Json(&'static str),
    /// `{email, password}` of the persona itself (an unknown address for anonymous).
    Login,
    /// A multipart upload of a small text file.
    Upload,
    /// A WebSocket handshake instead of a plain request: 101 when the socket opens.
    Socket,
}

struct Row {
    method: &'static str,
    path: &'static str,
    /// What a further row of the same endpoint tries; empty for the endpoint's first row.
    label: &'static str,
    query: &'static str,
    prep: Prep,
    body: Body,
    expect: [u16; P],
}

macro_rules! table {
    ($($method:ident $path:literal $(, label = $label:literal)? $(, query = $query:literal)?
        $(, prep = $prep:ident)? $(, body = $body:expr)? => [$($s:literal),+ $(,)?];)*) => {
        &[$(Row {
            method: stringify!($method),
            path: $path,
            label: table!(@label $($label)?),
            query: table!(@query $($query)?),
            prep: table!(@prep $($prep)?),
            body: table!(@body $($body)?),
            expect: [$($s),+],
        },)*]
    };
    (@label) => { "" };
    (@label $l:literal) => { $l };
    (@query) => { "" };
    (@query $q:literal) => { $q };
    (@prep) => { Prep::None };
    (@prep $p:ident) => { Prep::$p };
    (@body) => { Body::None };
    (@body $b:expr) => { $b };
}

use Body::{Json, Login, Socket, Upload};

/// One row per documented endpoint. Columns are the personas in order: anon, gone =
/// deactivated, nocl = no collab.use, memb = chat member, nonm = non-member, read = record
/// reader, writ = record writer, ownr = record owner, conn = last connector, disc = holder of
/// collab.disconnect, tadm = team admin, admn = administrator. Statuses: 101 socket opened,
/// 200/201/204 success, 401 not signed in (anonymous, and a deactivated user's ended session),
/// 403 signed in but not allowed (R1 gate, admin-only, no record access, R11a, R14), 404 not
/// found or not visible (R2: a chat the caller is not in, exactly like a missing one), 409
/// conflict.
///
/// Rows run top to bottom, each persona left to right. The transcript row runs last on purpose:
/// by R26 a saved transcript is a note on the record's timeline, readable by everyone who reads
/// the record — chat members or not — so after it the chat's text is legitimately on the
/// timeline and the non-member leak checks of the other rows would no longer apply.
#[rustfmt::skip]
const TABLE: &[Row] = table! {
    // Session
    //      anon gone nocl memb nonm read writ ownr conn disc tadm admn
    post "/api/v1/auth/login", body = Login
        => [401, 401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200];
    post "/api/v1/auth/logout", prep = FreshSession
        => [401, 401, 204, 204, 204, 204, 204, 204, 204, 204, 204, 204];
    get "/api/v1/me"
        => [401, 401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200];
    // Everyone signed in may change their own password (here to the same one, so later rows
    // sign in as before); the calling session stays, the persona's other sessions end.
    post "/api/v1/me/password", body = Json(r#"{"current_password": "correct horse battery",
        "new_password": "correct horse battery"}"#)
        => [401, 401, 204, 204, 204, 204, 204, 204, 204, 204, 204, 204];
    // Everyone signed in sets their own UI language and time zone (only their own row).
    patch "/api/v1/me", body = Json(r#"{"time_zone": "Europe/Stockholm"}"#)
        => [401, 401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200];

    // Administration: writes, roles and the audit log need `admin`; the people picker, teams,
    // record types and settings are readable by every signed-in user (docs/api.md).
    //      anon gone nocl memb nonm read writ ownr conn disc tadm admn
    post "/api/v1/users", body = Json(r#"{"name": "New {uniq}", "email": "new-{uniq}@example.com",
        "password": "correct horse battery", "roles": ["agent"]}"#)
        => [401, 401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 201];
    get "/api/v1/users"
        => [401, 401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200];
    patch "/api/v1/users/{id}", body = Json(r#"{"name": "Hal Helper"}"#)
        => [401, 401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200];
    post "/api/v1/users/{id}/password", body = Json(r#"{"new_password": "correct horse battery"}"#)
        => [401, 401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 204];
    post "/api/v1/roles", body = Json(r#"{"name": "role {uniq}", "privileges": ["collab.use"]}"#)
        => [401, 401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 201];
    get "/api/v1/roles"
        => [401, 401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200];
    post "/api/v1/teams", body = Json(r#"{"name": "Team {uniq}"}"#)
        => [401, 401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 201];
    get "/api/v1/teams"
        => [401, 401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200];
    // A team admin manages nothing through the API: adding team members needs `admin`.
    post "/api/v1/teams/{id}/members", body = Json(r#"{"user_ids": ["{spare}"]}"#)
        => [401, 401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200];
    // Renaming a team (to its own name, so the world stays) and removing members need `admin`;
    // Hal is in no team, so the administrator's removal is a 404 that says so.
    patch "/api/v1/teams/{id}", body = Json(r#"{"name": "Support"}"#)
        => [401, 401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200];
    delete "/api/v1/teams/{id}/members/{user_id}"
        => [401, 401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 404];
    get "/api/v1/settings"
        => [401, 401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200];
    put "/api/v1/settings", body = Json(r#"{"collaboration_enabled": true}"#)
        => [401, 401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200];
    post "/api/v1/record-types", body = Json(r#"{"name": "kind_{uniq}", "display_name":
        "Kind {uniq}", "primary_field": "title", "fields": [{"name": "title", "label": "Title",
        "kind": "text"}]}"#)
        => [401, 401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 201];
    get "/api/v1/record-types"
        => [401, 401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200];
    get "/api/v1/record-types/{type}/settings"
        => [401, 401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200];
    put "/api/v1/record-types/{type}/settings",
        body = Json(r#"{"last_connector_may_disconnect": true}"#)
        => [401, 401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200];
    get "/api/v1/audit"
        => [401, 401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200];
    get "/api/v1/audit.csv"
        => [401, 401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200];

    // Records (R19): creating needs a write privilege covering the new owner (the caller);
    // reading needs read, changing, sharing and activities need write. The viewer reads the
    // case through Support; the supervisor reads all but writes only Escalations' records.
    //      anon gone nocl memb nonm read writ ownr conn disc tadm admn
    post "/api/v1/records/{type}", body = Json(r#"{"fields": {"title": "Scratch case {uniq}"}}"#)
        => [401, 401, 403, 403, 403, 403, 201, 201, 201, 201, 201, 201];
    get "/api/v1/records/{type}"
        => [401, 401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200];
    // The record finder searches every type the caller may read: everyone signed in gets 200,
    // and the leak checks hold the case's name to its readers.
    get "/api/v1/records", query = "q=Zanzibar"
        => [401, 401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200];
    get "/api/v1/records/{type}/{id}"
        => [401, 401, 200, 403, 403, 200, 200, 200, 200, 200, 200, 200];
    patch "/api/v1/records/{type}/{id}", body = Json(r#"{"fields": {"product": "Quokka-9000"}}"#)
        => [401, 401, 403, 403, 403, 403, 200, 200, 200, 403, 200, 200];
    // A write share lets its holder edit fields (issue 15)...
    patch "/api/v1/records/{type}/{id}", label = "fields of a case shared for write",
        prep = SharedForWrite, body = Json(r#"{"fields": {"product": "Shared edit {uniq}"}}"#)
        => [401, 401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200];
    // ...but never change the owner, not even to themselves: an owner change needs a write
    // privilege covering the record and the new owner (docs/api.md). Support's writers take a
    // teammate's case; the owner is already its owner (no change); the supervisor writes only
    // Escalations' records and holds just the share.
    patch "/api/v1/records/{type}/{id}", label = "owner of a case shared for write, to oneself",
        prep = SharedForWrite, body = Json(r#"{"owner": {"user_id": "{me}"}}"#)
        => [401, 401, 403, 403, 403, 403, 200, 200, 200, 403, 200, 200];
    // Handing a case to a teammate: Support's writers (team depth covers the writer).
    patch "/api/v1/records/{type}/{id}", label = "owner to a teammate",
        prep = FreshCase, body = Json(r#"{"owner": {"user_id": "{writer}"}}"#)
        => [401, 401, 403, 403, 403, 403, 200, 200, 200, 403, 200, 200];
    // Handing it to someone in no team of the caller's (Hal is in none): only `write:all`.
    patch "/api/v1/records/{type}/{id}", label = "owner to someone outside the team",
        prep = FreshCase, body = Json(r#"{"owner": {"user_id": "{helper}"}}"#)
        => [401, 401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200];
    // A team writer cannot hand Support's case to Escalations; the supervisor, in Escalations,
    // cannot take it (his depth does not cover Support's record).
    patch "/api/v1/records/{type}/{id}", label = "owner of a team's case to another team",
        prep = FreshTeamCase, body = Json(r#"{"owner": {"team_id": "{escalations}"}}"#)
        => [401, 401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200];
    // A lookup to a record the caller cannot read answers exactly as one to a missing record
    // (422, same detail; see SAME_ANSWER): Hal's account is unreadable for the viewer, the
    // chatters and the case-only reader, who write the case through their share.
    patch "/api/v1/records/{type}/{id}", label = "lookup to an unreadable account",
        prep = SharedForWrite, body = Json(r#"{"fields": {"account": "{hidden_account}"}}"#)
        => [401, 401, 422, 422, 422, 422, 200, 200, 200, 200, 200, 200];
    patch "/api/v1/records/{type}/{id}", label = "lookup to a missing account",
        prep = SharedForWrite, body = Json(r#"{"fields": {"account": "{missing_account}"}}"#)
        => [401, 401, 422, 422, 422, 422, 422, 422, 422, 422, 422, 422];
    // Deleting is more than writing (docs/api.md): the owning user or an administrator only.
    delete "/api/v1/records/{type}/{id}", prep = FreshCase
        => [401, 401, 403, 403, 403, 403, 403, 204, 403, 403, 403, 204];
    // A write share never allows a delete...
    delete "/api/v1/records/{type}/{id}", label = "a case shared for write", prep = SharedForWrite
        => [401, 401, 403, 403, 403, 403, 403, 204, 403, 403, 403, 204];
    // ...not even of a team's record, which the team's writers by privilege may delete.
    delete "/api/v1/records/{type}/{id}", label = "a team's case shared for write",
        prep = TeamSharedForWrite
        => [401, 401, 403, 403, 403, 403, 204, 204, 204, 403, 204, 204];
    post "/api/v1/records/{type}/{id}/shares",
        body = Json(r#"{"user_id": "{spare}", "access": "read"}"#)
        => [401, 401, 403, 403, 403, 403, 201, 201, 201, 403, 201, 201];
    // Listing shares and the owners one may choose need write access, as sharing does; a
    // share never offers owners (issue 16).
    get "/api/v1/records/{type}/{id}/shares"
        => [401, 401, 403, 403, 403, 403, 200, 200, 200, 403, 200, 200];
    get "/api/v1/records/{type}/{id}/owner-options"
        => [401, 401, 403, 403, 403, 403, 200, 200, 200, 403, 200, 200];
    // Removing a share needs write access; Hal holds no share, so writers learn just that.
    delete "/api/v1/records/{type}/{id}/shares/{user_id}"
        => [401, 401, 403, 403, 403, 403, 404, 404, 404, 403, 404, 404];
    post "/api/v1/records/{type}/{id}/activities",
        body = Json(r#"{"kind": "note", "subject": "Matrix note {uniq}"}"#)
        => [401, 401, 403, 403, 403, 403, 201, 201, 201, 403, 201, 201];
    get "/api/v1/records/{type}/{id}/timeline"
        => [401, 401, 200, 403, 403, 200, 200, 200, 200, 200, 200, 200];

    // Chats (R1, R2, R11b): the R1 gate first (403), then membership — a non-member gets 404
    // exactly as for a missing chat, administrators included (docs/security.md).
    //      anon gone nocl memb nonm read writ ownr conn disc tadm admn
    post "/api/v1/chats",
        body = Json(r#"{"member_ids": ["{helper}", "{spare}"], "name": "Side chat {uniq}"}"#)
        => [401, 401, 403, 201, 201, 201, 201, 201, 201, 201, 201, 201];
    get "/api/v1/chats"
        => [401, 401, 403, 200, 200, 200, 200, 200, 200, 200, 200, 200];
    get "/api/v1/chats/{id}"
        => [401, 401, 403, 200, 404, 404, 404, 200, 200, 200, 404, 404];
    patch "/api/v1/chats/{id}", body = Json(r#"{"name": "{chat_name}"}"#)
        => [401, 401, 403, 200, 404, 404, 404, 200, 200, 200, 404, 404];
    post "/api/v1/chats/{id}/members", prep = HelperOut,
        body = Json(r#"{"user_ids": ["{helper}"], "history": "all"}"#)
        => [401, 401, 403, 200, 404, 404, 404, 200, 200, 200, 404, 404];
    delete "/api/v1/chats/{id}/members/{user_id}", prep = HelperIn
        => [401, 401, 403, 204, 404, 404, 404, 204, 204, 204, 404, 404];

    // Messages (R17): any member reads, posts, reacts and marks read; only the sender (the
    // owner) edits or deletes their message — other members 403, non-members 404.
    //      anon gone nocl memb nonm read writ ownr conn disc tadm admn
    get "/api/v1/chats/{id}/messages"
        => [401, 401, 403, 200, 404, 404, 404, 200, 200, 200, 404, 404];
    post "/api/v1/chats/{id}/messages", body = Json(r#"{"body": "Walrus check-in {uniq}"}"#)
        => [401, 401, 403, 201, 404, 404, 404, 201, 201, 201, 404, 404];
    patch "/api/v1/chats/{id}/messages/{message_id}",
        body = Json(r#"{"body": "Walrus protocol is ready (edited), see {case_url}"}"#)
        => [401, 401, 403, 403, 404, 404, 404, 200, 403, 403, 404, 404];
    delete "/api/v1/chats/{id}/messages/{message_id}", prep = FreshMessage
        => [401, 401, 403, 403, 404, 404, 404, 204, 403, 403, 404, 404];
    post "/api/v1/chats/{id}/messages/{message_id}/reactions", body = Json(r#"{"emoji": "👍"}"#)
        => [401, 401, 403, 200, 404, 404, 404, 200, 200, 200, 404, 404];
    delete "/api/v1/chats/{id}/messages/{message_id}/reactions", body = Json(r#"{"emoji": "👍"}"#)
        => [401, 401, 403, 200, 404, 404, 404, 200, 200, 200, 404, 404];
    post "/api/v1/chats/{id}/read", body = Json(r#"{"message_id": "{message}"}"#)
        => [401, 401, 403, 200, 404, 404, 404, 200, 200, 200, 404, 404];
    post "/api/v1/unfurl", body = Json(r#"{"url": "{case_url}"}"#)
        => [401, 401, 403, 200, 200, 200, 200, 200, 200, 200, 200, 200];

    // Attachments: anyone with collab.use uploads; only members who see the message download.
    //      anon gone nocl memb nonm read writ ownr conn disc tadm admn
    post "/api/v1/attachments", body = Upload
        => [401, 401, 403, 201, 201, 201, 201, 201, 201, 201, 201, 201];
    get "/api/v1/attachments/{id}"
        => [401, 401, 403, 200, 404, 404, 404, 200, 200, 200, 404, 404];

    // The record's collaboration (R1 per type, then read access, docs/api.md): the panel,
    // suggestions and record search need read; connecting needs membership and write.
    //      anon gone nocl memb nonm read writ ownr conn disc tadm admn
    get "/api/v1/records/{type}/{id}/collaboration"
        => [401, 401, 403, 403, 403, 200, 200, 200, 200, 200, 200, 200];
    get "/api/v1/records/{type}/{id}/suggested-contacts"
        => [401, 401, 403, 403, 403, 200, 200, 200, 200, 200, 200, 200];
    get "/api/v1/records/{type}/{id}/search", query = "q=walrus"
        => [401, 401, 403, 403, 403, 200, 200, 200, 200, 200, 200, 200];
    // R11: a non-member of the chat learns nothing (404); a member who cannot write the case is
    // refused (403); connecting a connected chat again is a no-op (200), and keeps the
    // connector as the last connector.
    post "/api/v1/records/{type}/{id}/chats", body = Json(r#"{"chat_id": "{chat}"}"#)
        => [401, 401, 403, 403, 403, 404, 404, 200, 200, 403, 404, 404];
    // R11a: exactly the owner, the last connector (setting on) and a holder of
    // collab.disconnect, members of the chat or not (issue 16 item 7): readers of the case see
    // the connection on its timeline, so a non-member without a right is told why (403), and
    // the administrator, who holds collab.disconnect, may (204).
    delete "/api/v1/records/{type}/{id}/chats/{chat_id}", prep = ChatConnected
        => [401, 401, 403, 403, 403, 403, 403, 204, 204, 204, 403, 204];
    // The channel's members are Support's; its last connector is the team admin. The writer
    // and the connector are in Support but hold none of the three rights (403); the supervisor
    // holds collab.disconnect but is not in Support (404).
    delete "/api/v1/records/{type}/{id}/channels/{channel_id}", prep = ChannelConnected
        => [401, 401, 403, 403, 403, 404, 403, 204, 403, 404, 204, 404];
    // R13: write access is checked before channel membership (reader and supervisor 403); the
    // administrator writes the case but is not in Support (404).
    post "/api/v1/records/{type}/{id}/channels", body = Json(r#"{"channel_id": "{channel}"}"#)
        => [401, 401, 403, 403, 403, 403, 200, 200, 200, 403, 200, 404];
    // R14: join needs read (else 403), the *join chat* setting and write (else 403 naming the
    // reason — checked before membership, so the read-only supervisor, a member, gets 403 too);
    // members who could join get 409. Each persona who joins leaves again right away, so every
    // persona tries as a non-member and nobody meets the "second join" 409.
    post "/api/v1/chats/{id}/join", prep = LeaveAfterJoin,
        body = Json(r#"{"record": {"type": "case", "id": "{case}"}}"#)
        => [401, 401, 403, 403, 403, 403, 200, 409, 409, 403, 200, 200];

    // Channels (R13): members of the team read and post; creating needs team membership or
    // admin.
    //      anon gone nocl memb nonm read writ ownr conn disc tadm admn
    post "/api/v1/teams/{id}/channels", body = Json(r#"{"name": "Matrix channel {uniq}"}"#)
        => [401, 401, 403, 403, 403, 403, 201, 201, 201, 403, 201, 201];
    get "/api/v1/channels"
        => [401, 401, 403, 200, 200, 200, 200, 200, 200, 200, 200, 200];
    get "/api/v1/channels/{id}/messages"
        => [401, 401, 403, 404, 404, 404, 200, 200, 200, 404, 200, 404];
    post "/api/v1/channels/{id}/messages", body = Json(r#"{"body": "Channel ping {uniq}"}"#)
        => [401, 401, 403, 404, 404, 404, 201, 201, 201, 404, 201, 404];

    // Search (R24) and live events (R1 checked before the upgrade).
    //      anon gone nocl memb nonm read writ ownr conn disc tadm admn
    get "/api/v1/search", query = "q=walrus"
        => [401, 401, 403, 200, 200, 200, 200, 200, 200, 200, 200, 200];
    get "/api/v1/events", body = Socket
        => [401, 401, 403, 101, 101, 101, 101, 101, 101, 101, 101, 101];

    // R26, last on purpose (see above): members only (404), then read (403), then write (403).
    //      anon gone nocl memb nonm read writ ownr conn disc tadm admn
    post "/api/v1/chats/{id}/transcript",
        body = Json(r#"{"record": {"type": "case", "id": "{case}"}}"#)
        => [401, 401, 403, 403, 404, 404, 404, 201, 201, 403, 404, 404];
};

/// Pairs of row labels whose answers must be the same text, ids aside, for every persona the
/// first row refuses: a refusal must tell nothing the second row's would not (issue 15).
const SAME_ANSWER: &[(&str, &str)] = &[(
    "lookup to an unreadable account",
    "lookup to a missing account",
)];

/// A text that must not reach some personas, except through endpoints that show it by design.
struct Needle {
    text: &'static str,
    what: &'static str,
    hidden_from: &'static [usize],
    /// (method, path) whose answers may contain it by design.
    by_design: &'static [(&'static str, &'static str)],
}

/// People who are not in the chat and may not join it (R2, R3: only those who may join see
/// a locked entry with the chat's name). The deactivated member is in the chat but may see
/// nothing at all.
const CHAT_OUTSIDERS: &[usize] = &[ANON, GONE, NOCOL, NONMEMBER, READER];
/// People not in the chat who may join it (R14: write access, *join chat* on): they see a
/// locked entry — the chat's name, member count and last activity, never member names or
/// messages (R3, docs/api.md) — until they join.
const MAY_JOIN: &[usize] = &[WRITER, TEAM_ADMIN, ADMIN];
/// People who cannot read the case (R4, R16, docs/security.md).
const NON_READERS: &[usize] = &[ANON, GONE, MEMBER, NONMEMBER];
/// People who cannot read Hal's account (issue 15: a lookup to it must not reveal it).
const ACCOUNT_NON_READERS: &[usize] = &[ANON, GONE, NOCOL, MEMBER, NONMEMBER, READER];
/// People outside Support, the team that owns the channel (R13).
const TEAM_OUTSIDERS: &[usize] = &[ANON, GONE, MEMBER, NONMEMBER, READER, DISCONNECTOR, ADMIN];

const NEEDLES: &[Needle] = &[
    Needle {
        text: "zephyr",
        what: "the chat's name",
        hidden_from: CHAT_OUTSIDERS,
        by_design: &[],
    },
    Needle {
        text: MESSAGE_WORD,
        what: "the chat's message text or attachment name",
        hidden_from: CHAT_OUTSIDERS,
        by_design: &[],
    },
    Needle {
        text: "quist",
        what: "a chat member's name",
        hidden_from: CHAT_OUTSIDERS,
        // The people picker lists every user to every signed-in user (docs/security.md), and
        // so do the owner options, as people one may hand the record to.
        by_design: &[
            ("get", "/api/v1/users"),
            ("get", "/api/v1/records/{type}/{id}/owner-options"),
        ],
    },
    Needle {
        text: MESSAGE_WORD,
        what: "the chat's message text (a locked entry has no content)",
        hidden_from: MAY_JOIN,
        // Joining shows the chat as a member sees it.
        by_design: &[("post", "/api/v1/chats/{id}/join")],
    },
    Needle {
        text: "quist",
        what: "a chat member's name (a locked entry names no members)",
        hidden_from: MAY_JOIN,
        // The people picker (docs/security.md), joining, and the audit log, which names who
        // changed a chat's members (R22, administrators only).
        by_design: &[
            ("get", "/api/v1/users"),
            ("get", "/api/v1/records/{type}/{id}/owner-options"),
            ("post", "/api/v1/chats/{id}/join"),
            ("get", "/api/v1/audit"),
            ("get", "/api/v1/audit.csv"),
        ],
    },
    Needle {
        text: "zanzibar",
        what: "the record's name",
        hidden_from: NON_READERS,
        by_design: &[],
    },
    Needle {
        text: "quokka",
        what: "a field value of the record",
        hidden_from: NON_READERS,
        by_design: &[],
    },
    Needle {
        text: "marmalade",
        what: "a field value of the record",
        hidden_from: NON_READERS,
        by_design: &[],
    },
    Needle {
        text: "yarrowdale",
        what: "the name of an account the caller cannot read",
        hidden_from: ACCOUNT_NON_READERS,
        by_design: &[],
    },
    Needle {
        text: "fjord",
        what: "the team channel's name",
        hidden_from: TEAM_OUTSIDERS,
        by_design: &[],
    },
    Needle {
        text: "narwhal",
        what: "the team channel's message text",
        hidden_from: TEAM_OUTSIDERS,
        by_design: &[],
    },
];

// ---------------------------------------------------------------------------------------------
// The world
// ---------------------------------------------------------------------------------------------

struct World {
    app: TestApp,
    tokens: [Option<String>; P],
    user_ids: [String; P],
    emails: [String; P],
    /// Values for `{placeholders}` in paths and bodies.
    bindings: BTreeMap<&'static str, String>,
}

fn id(v: &Value) -> String {
    v["id"].as_str().expect("an id").to_owned()
}

async fn upload(app: &TestApp, token: Option<&str>, name: &str, bytes: &[u8]) -> common::Res {
    let part = reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name.to_owned());
    let mut req = app
        .http
        .post(app.url("/attachments"))
        .multipart(reqwest::multipart::Form::new().part("file", part));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    common::read(req.send().await.unwrap()).await
}

async fn world(backend: Backend) -> World {
    let app = spawn_app(backend).await;
    let admin = app.enable_collaboration().await;
    for (name, privileges) in [
        ("chatter", json!(["collab.use"])),
        ("reader", json!(["collab.use", "case.read:all"])),
    ] {
        app.post(
            "/roles",
            &admin,
            json!({"name": name, "privileges": privileges}),
        )
        .await
        .expect(201);
    }
    let people = [
        (GONE, "gus@example.com", "Gus Gone", "agent"),
        (NOCOL, "nils@example.com", "Nils Nocol", "viewer"),
        (MEMBER, "mira@example.com", MEMBER_NAME, "chatter"),
        (NONMEMBER, "nora@example.com", "Nora Outside", "chatter"),
        (READER, "rita@example.com", "Rita Reader", "reader"),
        (WRITER, "walt@example.com", "Walt Writer", "agent"),
        (OWNER, "olga@example.com", "Olga Owner", "agent"),
        (CONNECTOR, "cai@example.com", "Cai Connector", "agent"),
        (
            DISCONNECTOR,
            "dag@example.com",
            "Dag Disconnect",
            "supervisor",
        ),
        (TEAM_ADMIN, "tove@example.com", "Tove Teamadmin", "agent"),
    ];
    let mut tokens: [Option<String>; P] = Default::default();
    let mut user_ids: [String; P] = Default::default();
    let mut emails: [String; P] = Default::default();
    emails[ANON] = "nobody@example.com".into();
    for (p, email, name, role) in people {
        let (uid, token) = app.user(&admin, email, name, &[role], &[]).await;
        tokens[p] = Some(token);
        user_ids[p] = uid;
        emails[p] = email.into();
    }
    user_ids[ADMIN] = id(&app.get("/me", &admin).await.expect(200).body);
    tokens[ADMIN] = Some(admin.clone());
    emails[ADMIN] = common::ADMIN_EMAIL.into();
    let (helper, helper_token) = app
        .user(&admin, "hal@example.com", "Hal Helper", &["agent"], &[])
        .await;
    let (spare, _) = app
        .user(&admin, "pia@example.com", "Pia Spare", &["agent"], &[])
        .await;
    // Hal's account: readable by every agent and reader of all records, not by the viewer
    // (Hal is in no team, ever), the chatters or the case-only reader.
    let hidden_account = id(&app
        .post(
            "/records/account",
            &helper_token,
            json!({"fields": {"name": HIDDEN_ACCOUNT}}),
        )
        .await
        .expect(201)
        .body);
    let u = &user_ids;
    let team = id(&app
        .post(
            "/teams",
            &admin,
            json!({"name": "Support", "admin_ids": [u[TEAM_ADMIN]],
                "member_ids": [u[OWNER], u[WRITER], u[CONNECTOR], u[NOCOL], u[GONE]]}),
        )
        .await
        .expect(201)
        .body);
    let escalations = id(&app
        .post(
            "/teams",
            &admin,
            json!({"name": "Escalations", "member_ids": [u[DISCONNECTOR]]}),
        )
        .await
        .expect(201)
        .body);
    // R11a (b) is off by default; on here, so the last-connector column shows the right.
    app.put(
        "/record-types/case/settings",
        &admin,
        json!({"last_connector_may_disconnect": true}),
    )
    .await
    .expect(200);

    let t = |p: usize| tokens[p].as_deref().unwrap();
    let case = app
        .post(
            "/records/case",
            t(OWNER),
            json!({"fields": {
                "title": RECORD_NAME, "product": PRODUCT, "description": DESCRIPTION
            }}),
        )
        .await
        .expect(201)
        .body;
    let case_id = id(&case);
    let case_url = case["url"].as_str().unwrap().to_owned();
    // The chat: started by the connector with the owner, the member, the supervisor and Gus
    // (still active), then connected to the case by the connector.
    let chat = id(&app
        .post(
            "/chats",
            t(CONNECTOR),
            json!({
                "member_ids": [u[OWNER], u[MEMBER], u[DISCONNECTOR], u[GONE]],
                "name": CHAT_NAME
            }),
        )
        .await
        .expect(201)
        .body);
    app.post(
        &format!("/records/case/{case_id}/chats"),
        t(CONNECTOR),
        json!({"chat_id": chat}),
    )
    .await
    .expect(200);
    let attachment = id(&upload(
        &app,
        Some(t(OWNER)),
        "walrus-notes.txt",
        b"Walrus notes for the floor",
    )
    .await
    .expect(201)
    .body);
    let message = id(&app
        .post(
            &format!("/chats/{chat}/messages"),
            t(OWNER),
            json!({"body": format!("Walrus protocol is ready, see {case_url}"),
                "attachment_ids": [attachment]}),
        )
        .await
        .expect(201)
        .body);
    app.post(
        &format!("/chats/{chat}/messages"),
        t(MEMBER),
        json!({"body": "Walrus reply from the floor"}),
    )
    .await
    .expect(201);
    // The channel: Support's, created and connected by its team admin.
    let channel = id(&app
        .post(
            &format!("/teams/{team}/channels"),
            t(TEAM_ADMIN),
            json!({"name": CHANNEL_NAME}),
        )
        .await
        .expect(201)
        .body);
    app.post(
        &format!("/records/case/{case_id}/channels"),
        t(TEAM_ADMIN),
        json!({"channel_id": channel}),
    )
    .await
    .expect(200);
    app.post(
        &format!("/channels/{channel}/messages"),
        t(TEAM_ADMIN),
        json!({"body": CHANNEL_TEXT}),
    )
    .await
    .expect(201);
    // Gus signed in above and was in the chat; now deactivated, his token must be dead.
    app.patch(
        &format!("/users/{}", u[GONE]),
        &admin,
        json!({"active": false}),
    )
    .await
    .expect(200);

    let bindings = BTreeMap::from([
        ("type", "case".to_owned()),
        ("case", case_id),
        ("case_url", case_url),
        ("chat", chat),
        ("chat_name", CHAT_NAME.to_owned()),
        ("channel", channel),
        ("team", team),
        ("escalations", escalations),
        ("writer", u[WRITER].clone()),
        ("helper", helper),
        ("spare", spare),
        ("hidden_account", hidden_account),
        ("missing_account", "no-such-account-4f1c".to_owned()),
        ("message", message),
        ("attachment", attachment),
    ]);
    World {
        app,
        tokens,
        user_ids,
        emails,
        bindings,
    }
}

/// The path with its placeholders filled in. An unknown placeholder fails loudly: a new
/// endpoint shape needs a binding here.
fn concrete(path: &str, b: &BTreeMap<&'static str, String>) -> String {
    let segs: Vec<&str> = path.split('/').collect();
    segs.iter()
        .enumerate()
        .map(|(i, seg)| {
            let key = match *seg {
                "{type}" => "type",
                "{id}" => match segs[i - 1] {
                    "{type}" => "case",
                    "chats" => "chat",
                    "teams" => "team",
                    "users" => "helper",
                    "attachments" => "attachment",
                    "channels" => "channel",
                    other => panic!("{path}: no binding for {{id}} after {other}"),
                },
                "{chat_id}" => "chat",
                "{channel_id}" => "channel",
                "{message_id}" => "message",
                "{user_id}" => "helper",
                s if s.starts_with('{') => panic!("{path}: no binding for {s}"),
                s => return s.to_owned(),
            };
            b[key].clone()
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn fill(template: &str, b: &BTreeMap<&'static str, String>) -> String {
    let mut out = template.to_owned();
    for (k, v) in b {
        out = out.replace(&format!("{{{k}}}"), v);
    }
    assert!(
        !out.contains("{uniq}") && !out.contains("\"{"),
        "unfilled placeholder in {template}"
    );
    out
}

impl World {
    fn token(&self, p: usize) -> Option<&str> {
        self.tokens[p].as_deref()
    }

    fn chat_path(&self, rest: &str) -> String {
        format!("/chats/{}{rest}", self.bindings["chat"])
    }

    async fn helper_out(&self) {
        let path = self.chat_path(&format!("/members/{}", self.bindings["helper"]));
        let res = self
            .app
            .send(Method::DELETE, &path, self.token(OWNER), None)
            .await;
        assert!([204, 404].contains(&res.status.as_u16()), "{}", res.text);
    }

    async fn helper_in(&self) {
        let res = self
            .app
            .post(
                &self.chat_path("/members"),
                self.token(OWNER).unwrap(),
                json!({"user_ids": [self.bindings["helper"]], "history": "all"}),
            )
            .await;
        assert!([200, 422].contains(&res.status.as_u16()), "{}", res.text);
    }

    async fn chat_connected(&self) {
        self.app
            .post(
                &format!("/records/case/{}/chats", self.bindings["case"]),
                self.token(CONNECTOR).unwrap(),
                json!({"chat_id": self.bindings["chat"]}),
            )
            .await
            .expect(200);
    }

    async fn channel_connected(&self) {
        self.app
            .post(
                &format!("/records/case/{}/channels", self.bindings["case"]),
                self.token(TEAM_ADMIN).unwrap(),
                json!({"channel_id": self.bindings["channel"]}),
            )
            .await
            .expect(200);
    }

    /// Sets the world up for one call; returns the token to call with.
    async fn prepare(
        &self,
        prep: Prep,
        who: usize,
        b: &mut BTreeMap<&'static str, String>,
    ) -> Option<String> {
        match prep {
            Prep::None | Prep::LeaveAfterJoin => {}
            Prep::FreshSession => {
                return match who {
                    ANON | GONE => self.tokens[who].clone(),
                    _ => Some(self.app.login(&self.emails[who], PASSWORD).await),
                };
            }
            Prep::FreshMessage => {
                let m = self
                    .app
                    .post(
                        &self.chat_path("/messages"),
                        self.token(OWNER).unwrap(),
                        json!({"body": "Walrus note to delete"}),
                    )
                    .await
                    .expect(201)
                    .body;
                b.insert("message", id(&m));
            }
            Prep::HelperOut => self.helper_out().await,
            Prep::HelperIn => self.helper_in().await,
            Prep::ChatConnected => self.chat_connected().await,
            Prep::ChannelConnected => self.channel_connected().await,
            Prep::FreshCase
            | Prep::FreshTeamCase
            | Prep::SharedForWrite
            | Prep::TeamSharedForWrite => {
                let mut body = json!({"fields": {"title": "Spare case to change or delete"}});
                if matches!(prep, Prep::FreshTeamCase | Prep::TeamSharedForWrite) {
                    body["owner"] = json!({"team_id": self.bindings["team"]});
                }
                let c = self
                    .app
                    .post("/records/case", self.token(OWNER).unwrap(), body)
                    .await
                    .expect(201)
                    .body;
                let case = id(&c);
                if matches!(prep, Prep::SharedForWrite | Prep::TeamSharedForWrite) && who != ANON {
                    self.app
                        .post(
                            &format!("/records/case/{case}/shares"),
                            self.token(OWNER).unwrap(),
                            json!({"user_id": self.user_ids[who], "access": "write"}),
                        )
                        .await
                        .expect(201);
                }
                b.insert("case", case);
            }
        }
        self.tokens[who].clone()
    }

    /// Undoes what one call changed that later calls depend on.
    async fn after_call(&self, prep: Prep, who: usize, status: u16) {
        if prep == Prep::LeaveAfterJoin && status == 200 {
            let path = self.chat_path(&format!("/members/{}", self.user_ids[who]));
            self.app
                .send(Method::DELETE, &path, self.token(who), None)
                .await
                .expect(204);
        }
    }

    /// Puts back the baseline after a row: Hal outside the chat, chat and channel connected.
    async fn after_row(&self, prep: Prep) {
        match prep {
            Prep::HelperIn | Prep::HelperOut => self.helper_out().await,
            Prep::ChatConnected => self.chat_connected().await,
            Prep::ChannelConnected => self.channel_connected().await,
            _ => {}
        }
    }

    /// One cell: the status and the raw body text.
    async fn call(
        &self,
        row: &Row,
        who: usize,
        b: &BTreeMap<&'static str, String>,
        token: Option<&str>,
    ) -> (u16, String) {
        let mut path = concrete(row.path, b);
        if !row.query.is_empty() {
            path = format!("{path}?{}", row.query);
        }
        let method = Method::from_bytes(row.method.to_uppercase().as_bytes()).unwrap();
        let res = match row.body {
            Body::Socket => return open_socket(&self.app, token).await,
            Body::Upload => upload(&self.app, token, "matrix.txt", b"matrix upload").await,
            Body::None => self.app.send(method, &path, token, None).await,
            Body::Login => {
                let body = json!({"email": self.emails[who], "password": PASSWORD});
                self.app.send(method, &path, token, Some(body)).await
            }
            Body::Json(template) => {
                let body: Value = serde_json::from_str(&fill(template, b)).unwrap_or_else(|e| {
                    panic!("{} {}: bad body template: {e}", row.method, row.path)
                });
                self.app.send(method, &path, token, Some(body)).await
            }
        };
        (res.status.as_u16(), res.text)
    }
}

/// Opens `/api/v1/events` as a real WebSocket: the handshake's status and any error body.
async fn open_socket(app: &TestApp, token: Option<&str>) -> (u16, String) {
    let url = match token {
        Some(t) => format!("ws://{}/api/v1/events?token={t}", app.addr),
        None => format!("ws://{}/api/v1/events", app.addr),
    };
    match tokio_tungstenite::connect_async(url).await {
        Ok((_socket, res)) => (res.status().as_u16(), String::new()),
        Err(tokio_tungstenite::tungstenite::Error::Http(res)) => (
            res.status().as_u16(),
            String::from_utf8_lossy(res.body().as_deref().unwrap_or_default()).into_owned(),
        ),
        Err(e) => panic!("event socket handshake failed: {e}"),
    }
}

/// Reads a socket in the background (answering pings) and keeps every event.
fn collect(mut events: common::Events) -> (tokio::task::JoinHandle<()>, Arc<Mutex<Vec<Value>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    let task = tokio::spawn(async move {
        while let Some(e) = events.next(Duration::from_secs(600)).await {
            sink.lock().unwrap().push(e);
        }
    });
    (task, seen)
}

// ---------------------------------------------------------------------------------------------
// Coverage: the table and the served document name the same endpoints
// ---------------------------------------------------------------------------------------------

fn documented(doc: &Value) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in item.as_object().expect("path item").keys() {
            if ["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                out.insert((method.clone(), path.clone()));
            }
        }
    }
    out
}

fn coverage_problems(doc: &Value) -> Vec<String> {
    let in_doc = documented(doc);
    let mut in_table = BTreeSet::new();
    let mut problems = Vec::new();
    let mut labelled = BTreeSet::new();
    for row in TABLE {
        let key = (row.method.to_owned(), row.path.to_owned());
        if !labelled.insert((key.clone(), row.label)) {
            problems.push(format!(
                "two rows for {} {} labelled {:?}",
                key.0, key.1, row.label
            ));
        }
        in_table.insert(key);
    }
    for (a, b) in SAME_ANSWER {
        for label in [a, b] {
            if !TABLE.iter().any(|r| r.label == *label) {
                problems.push(format!("SAME_ANSWER names {label:?}, which no row has"));
            }
        }
    }
    for (m, p) in in_doc.difference(&in_table) {
        problems.push(format!(
            "{} {p} is in the OpenAPI document but has no row in TABLE",
            m.to_uppercase()
        ));
    }
    for (m, p) in in_table.difference(&in_doc) {
        problems.push(format!(
            "{} {p} has a row in TABLE but is not in the OpenAPI document",
            m.to_uppercase()
        ));
    }
    problems
}

// ---------------------------------------------------------------------------------------------
// The test
// ---------------------------------------------------------------------------------------------

struct Cell {
    row: usize,
    who: usize,
    status: u16,
    text: String,
}

fn excerpt(text: &str, needle: &str) -> String {
    let lower = text.to_lowercase();
    let at = lower.find(needle).unwrap_or(0);
    let chars: Vec<char> = text.chars().collect();
    let start = lower[..at].chars().count().saturating_sub(80);
    chars.iter().skip(start).take(200).collect()
}

async fn every_endpoint_as_every_persona(backend: Backend) {
    let started = Instant::now();
    let w = world(backend).await;
    let doc = w
        .app
        .send(Method::GET, "/api/v1/openapi.json", None, None)
        .await
        .expect(200)
        .body;
    let problems = coverage_problems(&doc);
    assert!(
        problems.is_empty(),
        "the table must name exactly the documented endpoints:\n{}",
        problems.join("\n")
    );

    // Live events of two people who are never in the chat — the non-member (who also may not
    // watch the unreadable case) and the reader (who watches the case's timeline) — and of the
    // member who cannot read the case (R16: their own events carry bare links, no record).
    let watch = json!({"type": "watch", "record": {"type": "case", "id": w.bindings["case"]}});
    let mut outsider = w.app.events(w.token(NONMEMBER).unwrap()).await;
    outsider.send_json(watch.clone()).await;
    let reply = outsider
        .next(Duration::from_secs(5))
        .await
        .expect("a reply");
    assert_eq!(
        reply["type"], "error",
        "watching an unreadable record: {reply}"
    );
    assert!(
        !reply.to_string().to_lowercase().contains("zanzibar"),
        "{reply}"
    );
    let mut reader = w.app.events(w.token(READER).unwrap()).await;
    reader.send_json(watch).await;
    let reply = reader.next(Duration::from_secs(5)).await.expect("a reply");
    assert_eq!(reply["type"], "watching", "{reply}");
    let member = w.app.events(w.token(MEMBER).unwrap()).await;
    let (outsider_task, outsider_events) = collect(outsider);
    let (reader_task, reader_events) = collect(reader);
    let (member_task, member_events) = collect(member);

    let mut cells = Vec::new();
    for (r, row) in TABLE.iter().enumerate() {
        for who in 0..P {
            let mut b = w.bindings.clone();
            b.insert("uniq", format!("{r}x{who}"));
            b.insert("me", w.user_ids[who].clone());
            let token = w.prepare(row.prep, who, &mut b).await;
            let (status, text) = w.call(row, who, &b, token.as_deref()).await;
            w.after_call(row.prep, who, status).await;
            cells.push(Cell {
                row: r,
                who,
                status,
                text,
            });
        }
        w.after_row(row.prep).await;
    }

    // Members chat while the outsiders' sockets listen; the member's socket proves that the
    // events flow (positive control).
    w.app
        .patch(
            &w.chat_path(""),
            w.token(OWNER).unwrap(),
            json!({"name": CHAT_NAME}),
        )
        .await
        .expect(200);
    w.app
        .post(
            &w.chat_path("/messages"),
            w.token(OWNER).unwrap(),
            json!({"body": "Walrus wrap-up: all done"}),
        )
        .await
        .expect(201);
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let seen =
            member_events.lock().unwrap().iter().any(|e| {
                e["type"] == "message.created" && e.to_string().contains("Walrus wrap-up")
            });
        if seen {
            break;
        }
        assert!(Instant::now() < deadline, "the member got the last message");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    for task in [outsider_task, reader_task, member_task] {
        task.abort();
    }
    {
        let member_events = member_events.lock().unwrap();
        let url = &w.bindings["case_url"];
        assert!(
            member_events
                .iter()
                .any(|e| e["type"] == "message.updated" && e.to_string().contains(url.as_str())),
            "the member got the edit of the message that links the case"
        );
        assert!(
            member_events
                .iter()
                .any(|e| e["type"] == "chat.updated" && e.to_string().contains(CHAT_NAME)),
            "the member got the rename"
        );
    }

    // Verdicts.
    let mut failures = Vec::new();
    for c in &cells {
        let row = &TABLE[c.row];
        let want = row.expect[c.who];
        if c.status != want {
            failures.push(format!(
                "{} {}{} as {}: expected {want}, got {} — {}",
                row.method.to_uppercase(),
                row.path,
                labelled(row),
                PERSONAS[c.who],
                c.status,
                c.text.chars().take(200).collect::<String>()
            ));
        }
        let lower = c.text.to_lowercase();
        for n in NEEDLES {
            if n.hidden_from.contains(&c.who)
                && !n.by_design.contains(&(row.method, row.path))
                && lower.contains(n.text)
            {
                failures.push(format!(
                    "LEAK: {} {}{} as {} ({}) shows {}: …{}…",
                    row.method.to_uppercase(),
                    row.path,
                    labelled(row),
                    PERSONAS[c.who],
                    c.status,
                    n.what,
                    excerpt(&c.text, n.text)
                ));
            }
        }
    }
    // Refusals that must not tell an unreadable record from a missing one.
    let answer = |label: &str, who: usize| {
        let r = TABLE.iter().position(|row| row.label == label).unwrap();
        let c = cells.iter().find(|c| c.row == r && c.who == who).unwrap();
        let mut text = c.text.clone();
        for key in ["hidden_account", "missing_account"] {
            text = text.replace(w.bindings[key].as_str(), "<id>");
        }
        (c.status, text)
    };
    for (refusing, missing) in SAME_ANSWER {
        for (who, persona) in PERSONAS.iter().enumerate() {
            let (status, text) = answer(refusing, who);
            if (200..300).contains(&status) {
                continue;
            }
            let other = answer(missing, who);
            if (status, &text) != (other.0, &other.1) {
                failures.push(format!(
                    "ORACLE: {refusing} answers the {persona} differently from {missing}: {status} {text} versus {} {}",
                    other.0, other.1
                ));
            }
        }
    }
    for (who, events) in [
        (NONMEMBER, &outsider_events),
        (READER, &reader_events),
        (MEMBER, &member_events),
    ] {
        let events = events.lock().unwrap();
        assert!(
            !events.is_empty(),
            "the {} socket stayed alive and got its own events",
            PERSONAS[who]
        );
        for e in events.iter() {
            let text = e.to_string().to_lowercase();
            for n in NEEDLES.iter().filter(|n| n.hidden_from.contains(&who)) {
                if text.contains(n.text) {
                    failures.push(format!(
                        "LEAK: live event to the {} shows {}: {e}",
                        PERSONAS[who], n.what
                    ));
                }
            }
        }
    }
    eprintln!(
        "persona matrix ({backend:?}): {} endpoints × {P} personas = {} cells, {:.1} s",
        TABLE.len(),
        cells.len(),
        started.elapsed().as_secs_f64()
    );
    assert!(
        failures.is_empty(),
        "{} cell(s) disagree with the spec:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// ` (label)` for a further row of an endpoint, nothing for its first.
fn labelled(row: &Row) -> String {
    if row.label.is_empty() {
        String::new()
    } else {
        format!(" ({})", row.label)
    }
}

/// The coverage check on its own, so a missing row is reported without the whole matrix.
#[tokio::test]
async fn every_documented_endpoint_has_a_row() {
    let app = spawn_app(Backend::Sqlite).await;
    let doc = app
        .send(Method::GET, "/api/v1/openapi.json", None, None)
        .await
        .expect(200)
        .body;
    let problems = coverage_problems(&doc);
    assert!(
        problems.is_empty(),
        "the table must name exactly the documented endpoints:\n{}",
        problems.join("\n")
    );
    assert!(TABLE.len() >= 50, "{}", TABLE.len());
}
