//! Names and passwords cannot hide behind invisible or text-direction characters.

use super::*;

both_backends!(invisible_characters_are_refused_in_names_and_passwords);

async fn invisible_characters_are_refused_in_names_and_passwords(b: Backend) {
    let Pair {
        app,
        admin,
        alice,
        bo_id,
        ..
    } = pair(b, |_| {}).await;
    let user = |name: &str, email: &str, password: &str| json!({"name": name, "email": email, "password": password, "roles": ["agent"]});
    for (i, name) in [
        "Dana\u{200B}Ek",
        "\u{202E}kE anaD",
        "\u{2060}",
        "Dana\u{200F}",
    ]
    .into_iter()
    .enumerate()
    {
        app.post(
            "/users",
            &admin,
            user(name, &format!("d{i}@example.com"), common::PASSWORD),
        )
        .await
        .problem(422, "name");
    }
    app.patch(
        &format!("/users/{bo_id}"),
        &admin,
        json!({"name": "Bo\u{200B}Lind"}),
    )
    .await
    .problem(422, "invisible");
    app.patch(
        &format!("/users/{bo_id}"),
        &admin,
        json!({"name": "Bo \u{1F469}\u{200D}\u{1F4BB}"}),
    )
    .await
    .expect(200);
    app.post(
        "/users",
        &admin,
        user("Zero Width", "zw@example.com", &"\u{200B}".repeat(10)),
    )
    .await
    .problem(422, "at least 10 characters");
    app.post(
        "/users",
        &admin,
        user("Zero Width", "zw@example.com", &"\u{200B}".repeat(100)),
    )
    .await
    .problem(422, "invisible");

    // Chats: create with a name and rename.
    let (carl_id, _) = app
        .user(&admin, "carl@example.com", "Carl Sten", &["agent"], &[])
        .await;
    app.post(
        "/chats",
        &alice,
        json!({"member_ids": [bo_id, carl_id], "name": "Escalation\u{200B}"}),
    )
    .await
    .problem(422, "invisible");
    let group = id(&app
        .post(
            "/chats",
            &alice,
            json!({"member_ids": [bo_id, carl_id], "name": "Escalation"}),
        )
        .await
        .expect(201)
        .body);
    for name in ["Escalation\u{200B}", "\u{202E}noitalacsE"] {
        app.patch(&format!("/chats/{group}"), &alice, json!({"name": name}))
            .await
            .problem(422, "name");
    }
    let chat_now = app
        .get(&format!("/chats/{group}"), &alice)
        .await
        .expect(200);
    assert_eq!(chat_now.body["name"], "Escalation");

    // Teams and channels.
    app.post("/teams", &admin, json!({"name": "Support\u{FEFF}"}))
        .await
        .problem(422, "invisible");
    let me = id(&app.get("/me", &alice).await.expect(200).body);
    let team = id(&app
        .post(
            "/teams",
            &admin,
            json!({"name": "Support", "member_ids": [me]}),
        )
        .await
        .expect(201)
        .body);
    app.post(
        &format!("/teams/{team}/channels"),
        &alice,
        json!({"name": "general\u{200B}"}),
    )
    .await
    .problem(422, "invisible");
    app.post(
        &format!("/teams/{team}/channels"),
        &alice,
        json!({"name": "general"}),
    )
    .await
    .expect(201);
}
