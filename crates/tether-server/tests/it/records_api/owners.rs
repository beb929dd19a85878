//! Owner changes: checked like creation; a share never gives a record away.

use super::*;

both_backends!(owner_changes_are_checked_like_creation_and_shares_never_give_a_record_away);

/// Issue 15: an owner change needs a write privilege whose depth covers the record and the new
/// owner (as creation does), never a share; a share never allows a delete either. The attack
/// it closes: a write-share holder made themselves owner and, with *hand over chats* on, was
/// added to every connected chat with its full history.
async fn owner_changes_are_checked_like_creation_and_shares_never_give_a_record_away(b: Backend) {
    let app = spawn_app(b).await;
    let admin = app.enable_collaboration().await;
    app.post(
        "/roles",
        &admin,
        json!({"name": "chatter", "privileges": ["collab.use"]}),
    )
    .await
    .expect(201);
    let support = id(&app
        .post("/teams", &admin, json!({"name": "Support"}))
        .await
        .expect(201)
        .body);
    let escalations = id(&app
        .post("/teams", &admin, json!({"name": "Escalations"}))
        .await
        .expect(201)
        .body);
    let (olga_id, olga) = app
        .user(
            &admin,
            "olga@example.com",
            "Olga Berg",
            &["agent"],
            &[&support],
        )
        .await;
    let (bo_id, bo) = app
        .user(&admin, "bo@example.com", "Bo Lind", &["agent"], &[&support])
        .await;
    let (dag_id, dag) = app
        .user(
            &admin,
            "dag@example.com",
            "Dag Ek",
            &["supervisor"],
            &[&escalations],
        )
        .await;
    let (mallory_id, mallory) = app
        .user(
            &admin,
            "mallory@example.com",
            "Mallory Mask",
            &["chatter"],
            &[],
        )
        .await;
    app.put(
        "/record-types/case/settings",
        &admin,
        json!({"hand_over_chats": true}),
    )
    .await
    .expect(200);

    // Olga's case with a connected chat and its history; Mallory gets a write share.
    let case = id(&app
        .post(
            "/records/case",
            &olga,
            json!({"fields": {"title": "Printer jams"}}),
        )
        .await
        .expect(201)
        .body);
    let path = format!("/records/case/{case}");
    let chat = id(&app
        .post(
            "/chats",
            &olga,
            json!({"member_ids": [bo_id], "record": {"type": "case", "id": case}}),
        )
        .await
        .expect(201)
        .body);
    app.post(
        &format!("/chats/{chat}/messages"),
        &olga,
        json!({"body": "Internal: the customer's PIN is 4711"}),
    )
    .await
    .expect(201);
    app.post(
        &format!("{path}/shares"),
        &olga,
        json!({"user_id": mallory_id, "access": "write"}),
    )
    .await
    .expect(201);

    // The share lets Mallory edit fields...
    app.patch(&path, &mallory, json!({"fields": {"priority": "high"}}))
        .await
        .expect(200);
    // ...and sending the owner it already has is no owner change.
    app.patch(
        &path,
        &mallory,
        json!({"owner": {"user_id": olga_id}, "fields": {"priority": "urgent"}}),
    )
    .await
    .expect(200);
    // ...but not take the case, nor hand it to anyone, nor delete it.
    let refused = app
        .patch(&path, &mallory, json!({"owner": {"user_id": mallory_id}}))
        .await
        .problem(403, "change this record's owner");
    assert!(
        refused.body["detail"]
            .as_str()
            .unwrap()
            .contains("no write privilege for case records"),
        "{}",
        refused.text
    );
    app.patch(&path, &mallory, json!({"owner": {"user_id": bo_id}}))
        .await
        .problem(403, "change this record's owner");
    app.send(reqwest::Method::DELETE, &path, Some(&mallory), None)
        .await
        .problem(403, "share");
    let now = app.get(&path, &olga).await.expect(200).body;
    assert_eq!(now["owner"]["user_id"], json!(olga_id), "still Olga's");
    // Nothing was handed over: the chat stays as unknown to Mallory as a missing one.
    app.get(&format!("/chats/{chat}"), &mallory)
        .await
        .expect(404);
    app.get(&format!("/chats/{chat}/messages"), &mallory)
        .await
        .expect(404);
    let mine = app.get("/chats", &mallory).await.expect(200);
    assert!(!mine.text.contains("4711"), "{}", mine.text);

    // A supervisor of Escalations with a write share on Support's case: edits, never takes.
    app.post(
        &format!("{path}/shares"),
        &olga,
        json!({"user_id": dag_id, "access": "write"}),
    )
    .await
    .expect(201);
    app.patch(&path, &dag, json!({"fields": {"priority": "low"}}))
        .await
        .expect(200);
    app.patch(&path, &dag, json!({"owner": {"user_id": dag_id}}))
        .await
        .problem(403, "never change its owner");
    app.patch(&path, &dag, json!({"owner": {"team_id": escalations}}))
        .await
        .problem(403, "never change its owner");

    // Olga (team depth) may hand it to her teammate Bo, not to Dag, whom her depth does not
    // cover.
    app.patch(&path, &olga, json!({"owner": {"user_id": dag_id}}))
        .await
        .problem(403, "owner you chose");
    app.patch(&path, &olga, json!({"owner": {"user_id": bo_id}}))
        .await
        .expect(200);

    // A team's case: its writers by privilege may hand it within the team and delete it; not
    // hand it to another team. A write share on it allows neither.
    let team_case = id(&app
        .post(
            "/records/case",
            &olga,
            json!({"fields": {"title": "Team queue case"}, "owner": {"team_id": support}}),
        )
        .await
        .expect(201)
        .body);
    let team_path = format!("/records/case/{team_case}");
    let to_escalations = json!({"owner": {"team_id": escalations}});
    app.patch(&team_path, &bo, to_escalations.clone())
        .await
        .problem(403, "case.write:team");
    for holder in [&mallory_id, &dag_id] {
        app.post(
            &format!("{team_path}/shares"),
            &olga,
            json!({"user_id": holder, "access": "write"}),
        )
        .await
        .expect(201);
    }
    for holder in [&mallory, &dag] {
        app.patch(&team_path, holder, to_escalations.clone())
            .await
            .expect(403);
        app.send(reqwest::Method::DELETE, &team_path, Some(holder), None)
            .await
            .problem(403, "share");
    }
    let still = app.get(&team_path, &olga).await.expect(200).body;
    assert_eq!(still["owner"]["team_id"], json!(support));
    // The administrator (case.write:all) may hand it anywhere; Bo may then no longer delete it.
    app.patch(&team_path, &admin, to_escalations)
        .await
        .expect(200);
    app.send(reqwest::Method::DELETE, &team_path, Some(&bo), None)
        .await
        .expect(403);
    // Creating for another team is refused the same way.
    app.post(
        "/records/case",
        &bo,
        json!({"fields": {"title": "For them"}, "owner": {"team_id": escalations}}),
    )
    .await
    .problem(403, "owner you chose");
}
