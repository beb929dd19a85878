//! The world the table runs in: the personas, their chats, records and uploads.

use super::*;

pub(super) async fn world(backend: Backend) -> World {
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
    // Issue 19: a case the host system "matrix" keeps, owned by the owner, and an API key
    // (which no persona uses: a key is no session).
    app.put(
        "/records/case/by-external/matrix/ZAN-1",
        &admin,
        json!({"fields": {"title": format!("{RECORD_NAME} (synced)"), "product": PRODUCT},
               "owner": {"user_id": u[OWNER]}}),
    )
    .await
    .expect(201);
    let key = id(&app
        .post(
            "/api/v1/api-keys",
            &admin,
            json!({"name": "Matrix key", "scopes": ["records:write"]}),
        )
        .await
        .expect(201)
        .body);
    // Issue 19, part 4: a webhook endpoint (no deliveries: handed-over records only).
    let webhook = id(&app
        .post(
            "/webhooks",
            &admin,
            json!({"url": "http://127.0.0.1:9/matrix", "secret": "matrix-secret-0123456789",
                   "events": ["record.handed_over"]}),
        )
        .await
        .expect(201)
        .body);
    // Issue 19, part 2: an integration (its tokens are no persona's either).
    let integration = id(&app
        .post(
            "/api/v1/integrations",
            &admin,
            json!({"name": "Matrix host", "source": "matrix", "allowed_origins": ["https://host.example"],
                   "secret": "matrix-secret-of-more-than-32-bytes-0000", "audience": "tether",
                   "provision_users": false}),
        )
        .await
        .expect(201)
        .body);
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
        ("integration", integration),
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
        ("source", "matrix".to_owned()),
        ("external_id", "ZAN-1".to_owned()),
        ("key", key),
        ("webhook", webhook),
        ("delivery", "no-such-delivery".to_owned()),
    ]);
    World {
        app,
        tokens,
        user_ids,
        emails,
        bindings,
    }
}
