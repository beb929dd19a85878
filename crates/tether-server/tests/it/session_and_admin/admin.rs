//! Administration: admin only, validated, audited; deactivated users' messages stay.

use super::*;

#[tokio::test]
async fn administration_needs_admin_and_validates_input() {
    let app = spawn_app(Backend::Sqlite).await;
    let admin = app.admin().await;
    let (agent_id, agent) = app
        .user(&admin, "olga@example.com", "Olga Berg", &["agent"], &[])
        .await;

    // Anonymous → 401, non-admin → 403, for every admin write.
    let writes = [
        (
            Method::POST,
            "/users",
            json!({"name": "X", "email": "x@example.com", "password": PASSWORD, "roles": []}),
        ),
        (Method::PATCH, "/users/whatever", json!({"active": false})),
        (
            Method::POST,
            "/roles",
            json!({"name": "r", "privileges": []}),
        ),
        (Method::POST, "/teams", json!({"name": "t"})),
        (
            Method::POST,
            "/teams/whatever/members",
            json!({"user_ids": []}),
        ),
        (
            Method::PUT,
            "/settings",
            json!({"collaboration_enabled": true}),
        ),
        (
            Method::POST,
            "/record-types",
            json!({"name": "x", "display_name": "X", "primary_field": "a", "fields": []}),
        ),
        (
            Method::PUT,
            "/record-types/case/settings",
            json!({"join_chat": false}),
        ),
    ];
    for (method, path, body) in writes {
        app.send(method.clone(), path, None, Some(body.clone()))
            .await
            .problem(401, "sign in");
        app.send(method, path, Some(&agent), Some(body))
            .await
            .problem(403, "admin privilege");
    }
    app.get("/roles", &agent)
        .await
        .problem(403, "admin privilege");
    app.get("/audit", &agent)
        .await
        .problem(403, "admin privilege");

    // Validation and conflicts.
    app.post("/users", &admin, json!({"name": "Dup", "email": "OLGA@example.com", "password": PASSWORD, "roles": ["agent"]}))
        .await
        .problem(409, "already exists");
    app.post(
        "/users",
        &admin,
        json!({"name": "Short", "email": "s@example.com", "password": "short", "roles": []}),
    )
    .await
    .problem(422, "password");
    app.post(
        "/users",
        &admin,
        json!({"name": "Bad", "email": "not-an-email", "password": PASSWORD, "roles": []}),
    )
    .await
    .problem(422, "email");
    app.post("/users", &admin, json!({"name": "Role", "email": "r@example.com", "password": PASSWORD, "roles": ["wizard"]})).await.problem(422, "wizard");
    app.post(
        "/roles",
        &admin,
        json!({"name": "bad", "privileges": ["case.delete:all"]}),
    )
    .await
    .problem(422, "case.delete:all");
    let role = app
        .post(
            "/roles",
            &admin,
            json!({"name": "night_shift", "privileges": ["case.read:own", "collab.use"]}),
        )
        .await
        .expect(201)
        .body;
    assert_eq!(role["privileges"], json!(["case.read:own", "collab.use"]));
    app.post(
        "/roles",
        &admin,
        json!({"name": "night_shift", "privileges": []}),
    )
    .await
    .problem(409, "already exists");
    let roles = app.get("/roles", &admin).await.expect(200).body;
    assert!(
        roles["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["name"] == "night_shift")
    );

    // Teams.
    let team = app
        .post(
            "/teams",
            &admin,
            json!({"name": "Support EMEA", "admin_ids": [agent_id], "member_ids": []}),
        )
        .await
        .expect(201)
        .body;
    let team_id = team["id"].as_str().unwrap();
    app.post(
        "/teams",
        &admin,
        json!({"name": "Ghosts", "admin_ids": ["missing"]}),
    )
    .await
    .problem(422, "unknown user");
    let (bo_id, _) = app
        .user(&admin, "bo@example.com", "Bo Lind", &["agent"], &[team_id])
        .await;
    let teams = app.get("/teams", &agent).await.expect(200).body;
    let members = teams["items"][0]["members"].as_array().unwrap();
    assert_eq!(members.len(), 2);
    assert!(
        members
            .iter()
            .any(|m| m["user"]["id"] == json!(bo_id) && m["is_admin"] == json!(false))
    );
    app.post(
        &format!("/teams/{team_id}/members"),
        &admin,
        json!({"user_ids": ["missing"]}),
    )
    .await
    .problem(422, "unknown user");
    app.post("/teams/missing/members", &admin, json!({"user_ids": []}))
        .await
        .problem(404, "team");

    // People picker for everyone.
    let found = app.get("/users?q=berg", &agent).await.expect(200).body;
    assert_eq!(found["items"].as_array().unwrap().len(), 1);

    // Role change and deactivation.
    app.patch(
        &format!("/users/{agent_id}"),
        &admin,
        json!({"roles": ["night_shift"]}),
    )
    .await
    .expect(200);
    let me = app.get("/me", &agent).await.expect(200).body;
    assert_eq!(me["privileges"], json!(["case.read:own", "collab.use"]));
    app.patch(
        &format!("/users/{agent_id}"),
        &admin,
        json!({"active": false}),
    )
    .await
    .expect(200);
    app.get("/me", &agent).await.expect(401);
    app.send(
        Method::POST,
        "/auth/login",
        None,
        Some(json!({"email": "olga@example.com", "password": PASSWORD})),
    )
    .await
    .problem(401, "wrong e-mail or password");
    let me_admin = app.get("/me", &admin).await.expect(200).body;
    app.patch(
        &format!("/users/{}", me_admin["id"].as_str().unwrap()),
        &admin,
        json!({"active": false}),
    )
    .await
    .problem(409, "your own account");
    app.patch("/users/missing", &admin, json!({"name": "X"}))
        .await
        .problem(404, "user");

    let audit = app.get("/audit?limit=100", &admin).await.expect(200).body;
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for a in [
        "user.created",
        "role.created",
        "team.created",
        "user.roles_changed",
        "user.deactivated",
    ] {
        assert!(actions.contains(&a), "audit lacks {a}: {actions:?}");
    }
}

#[tokio::test]
async fn settings_are_admin_only_partial_and_audited() {
    let app = spawn_app(Backend::Sqlite).await;
    let admin = app.admin().await;
    let (_, agent) = app
        .user(&admin, "olga@example.com", "Olga Berg", &["agent"], &[])
        .await;
    assert_eq!(
        app.get("/settings", &agent).await.expect(200).body,
        json!({"collaboration_enabled": false})
    );
    app.put("/settings", &admin, json!({"collaboration_enabled": true}))
        .await
        .expect(200);
    app.put("/settings", &admin, json!({"collaboration_enabled": "yes"}))
        .await
        .expect(422);
    app.put(
        "/settings",
        &admin,
        json!({"collaboration_enabled": true, "extra": 1}),
    )
    .await
    .expect(422);
    assert_eq!(
        app.get("/me", &agent).await.body["collaboration_enabled"],
        json!(true)
    );

    let defaults = app
        .get("/record-types/case/settings", &agent)
        .await
        .expect(200)
        .body;
    assert_eq!(defaults["join_chat"], json!(true));
    assert_eq!(defaults["last_connector_may_disconnect"], json!(false));
    assert_eq!(defaults["hand_over_chats"], json!(false));
    assert_eq!(
        defaults["field_notifications"]["fields"],
        json!(["priority", "state"])
    );
    assert_eq!(
        app.get("/record-types/account/settings", &agent).await.body["join_chat"],
        json!(false)
    );

    let saved = app
        .put(
            "/record-types/case/settings",
            &admin,
            json!({"join_chat": false, "suggestions": {"similarity_based": false}}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(saved["join_chat"], json!(false));
    assert_eq!(
        saved["suggestions"],
        json!({"rule_based": true, "similarity_based": false, "rules": ["owner", "team_admins", "team_activity", "connectors", "activity_authors", "related_owners"]}),
        "nested partial update keeps the rest"
    );
    assert_eq!(saved["auto_name_chats"], json!(true));
    app.put(
        "/record-types/case/settings",
        &admin,
        json!({"join_chats": true}),
    )
    .await
    .problem(422, "join_chats");
    app.put(
        "/record-types/case/settings",
        &admin,
        json!({"intro_message": {"fields": ["priority", "colour"]}}),
    )
    .await
    .problem(422, "colour");
    app.put(
        "/record-types/case/settings",
        &admin,
        json!({"intro_message": {"fields": ["a", "b", "c", "d", "e", "f"]}}),
    )
    .await
    .problem(422, "at most 5");
    app.put("/record-types/case/settings", &admin, json!([1, 2]))
        .await
        .expect(422);
    app.put("/record-types/nope/settings", &admin, json!({}))
        .await
        .problem(404, "nope");

    let audit = app
        .get("/audit?action=settings.record_type_changed", &admin)
        .await
        .expect(200)
        .body;
    let items = audit["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["actor"]["name"], "Ada Admin");
    assert_eq!(items[0]["details"]["old"]["join_chat"], json!(true));
    assert_eq!(items[0]["details"]["new"]["join_chat"], json!(false));
}

#[tokio::test]
async fn a_deactivated_users_messages_stay() {
    let app = spawn_app(Backend::Sqlite).await;
    let admin = app.enable_collaboration().await;
    let (olga_id, olga) = app
        .user(&admin, "olga@example.com", "Olga Berg", &["agent"], &[])
        .await;
    let (bo_id, bo) = app
        .user(&admin, "bo@example.com", "Bo Lind", &["agent"], &[])
        .await;
    let chat = app
        .post("/chats", &olga, json!({"member_ids": [bo_id]}))
        .await
        .expect(201)
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.post(
        &format!("/chats/{chat}/messages"),
        &olga,
        json!({"body": "Handing this over before I leave"}),
    )
    .await
    .expect(201);
    app.patch(
        &format!("/users/{olga_id}"),
        &admin,
        json!({"active": false}),
    )
    .await
    .expect(200);
    let page = app
        .get(&format!("/chats/{chat}/messages"), &bo)
        .await
        .expect(200)
        .body;
    let kept = page["items"].as_array().unwrap().iter().find(|m| {
        m["body"] == "Handing this over before I leave" && m["sender"]["name"] == "Olga Berg"
    });
    assert!(kept.is_some(), "the message and its sender stay: {page}");
    let found = app.get("/search?q=handing", &bo).await.expect(200).body;
    assert_eq!(found["items"].as_array().unwrap().len(), 1, "{found}");
}

/// Two administrators changing different settings of one type at once: both changes stand
/// (each change is merged into the settings as they are when it is written).
async fn settings_changed_at_once_both_stand(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin().await;
    for round in 0..8 {
        let (join, hand_over) = (round % 2 == 1, round % 2 == 0);
        let (a, b) = tokio::join!(
            app.put(
                "/record-types/case/settings",
                &admin,
                json!({"join_chat": join})
            ),
            app.put(
                "/record-types/case/settings",
                &admin,
                json!({"hand_over_chats": hand_over})
            ),
        );
        a.expect(200);
        b.expect(200);
        let now = app
            .get("/record-types/case/settings", &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(now["join_chat"], json!(join), "round {round}: {now}");
        assert_eq!(
            now["hand_over_chats"],
            json!(hand_over),
            "round {round}: {now}"
        );
    }
}

#[tokio::test]
async fn settings_changed_at_once_both_stand_sqlite() {
    settings_changed_at_once_both_stand(Backend::Sqlite).await;
}

#[tokio::test]
async fn settings_changed_at_once_both_stand_postgres() {
    settings_changed_at_once_both_stand(Backend::Postgres).await;
}
