//! The table: every documented endpoint, the personas it is called as, and what each must get.

use super::*;

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
pub(super) const TABLE: &[Row] = table! {
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

    // Integration (issue 19): API keys are for administrators' sessions only; upserts by
    // external id need an administrator's session or a key (no persona holds one); reading a
    // record by its external id is reading the record (the world's synced case is the owner's).
    //      anon gone nocl memb nonm read writ ownr conn disc tadm admn
    post "/api/v1/api-keys", body = Json(r#"{"name": "Key {uniq}", "scopes": ["records:write"]}"#)
        => [401, 401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 201];
    get "/api/v1/api-keys"
        => [401, 401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200];
    delete "/api/v1/api-keys/{id}"
        => [401, 401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 204];
    get "/api/v1/records/{type}/by-external/{source}/{external_id}"
        => [401, 401, 200, 403, 403, 200, 200, 200, 200, 200, 200, 200];
    put "/api/v1/records/{type}/by-external/{source}/{external_id}",
        body = Json(r#"{"fields": {"product": "Synced {uniq}"}}"#)
        => [401, 401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200];
    post "/api/v1/records/{type}/bulk", body = Json(r#"{"items": [{"source": "matrix",
        "external_id": "bulk-{uniq}", "fields": {"title": "Bulk case {uniq}"}}]}"#)
        => [401, 401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200];
    post "/api/v1/integrations", body = Json(r#"{"name": "Host {uniq}", "source": "matrix",
        "allowed_origins": ["https://host.example"], "secret": "matrix-secret-of-more-than-32-bytes-0000",
        "audience": "tether", "provision_users": false}"#)
        => [401, 401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 201];
    get "/api/v1/integrations"
        => [401, 401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200];
    delete "/api/v1/integrations/{id}"
        => [401, 401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 204];
    put "/api/v1/users/by-external/{source}/{external_id}",
        body = Json(r#"{"name": "Synced {uniq}", "email": "synced-{uniq}@example.com"}"#)
        => [401, 401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 201];
    // Webhooks (issue 19, part 4): an administrator's session or a `webhooks` key (no persona
    // holds one). The world's endpoint has no deliveries, so sending one again is 404; it is
    // removed last.
    post "/api/v1/webhooks", body = Json(r#"{"url": "http://127.0.0.1:9/matrix-{uniq}",
        "secret": "matrix-secret-0123456789", "events": ["record.handed_over"]}"#)
        => [401, 401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 201];
    get "/api/v1/webhooks"
        => [401, 401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200];
    get "/api/v1/webhooks/{id}/deliveries"
        => [401, 401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200];
    post "/api/v1/webhooks/{id}/deliveries/{delivery_id}/redeliver", body = Json(r#"{}"#)
        => [401, 401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 404];
    delete "/api/v1/webhooks/{id}"
        => [401, 401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 204];

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
pub(super) const SAME_ANSWER: &[(&str, &str)] = &[(
    "lookup to an unreadable account",
    "lookup to a missing account",
)];
