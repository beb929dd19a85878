//! Shares listed and removed by writers only, and the owners the owner picker offers.

use super::*;

both_backends!(
    shares_are_listed_and_removed_only_by_writers_of_the_record,
    owner_options_offer_only_owners_the_write_depth_covers_and_hand_over_is_reported,
);

async fn shares_are_listed_and_removed_only_by_writers_of_the_record(b: Backend) {
    let w = world(b).await;
    let app = &w.app;
    let c = case(app, &w.anna, "Shared case", json!({})).await;
    let shares = format!("/records/case/{}/shares", id(&c));
    app.post(
        &shares,
        &w.anna,
        json!({"user_id": w.cilla_id, "access": "read"}),
    )
    .await
    .expect(201);
    let list = app.get(&shares, &w.anna).await.expect(200).body;
    assert_eq!(list["items"][0]["user"]["name"], "Cilla Berg");
    assert_eq!(list["items"][0]["access"], "read");
    assert_eq!(list["items"][0]["granted_by"]["name"], "Anna Ek");
    // A teammate who may write it may manage its shares too.
    assert_eq!(
        app.get(&shares, &w.bo).await.expect(200).body["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // Everyone who may not add a share may neither list nor remove one: a reader (Vera), the
    // holder of a read share (Cilla), an agent of another team (Dora, who reads all).
    let one = format!("{shares}/{}", w.cilla_id);
    for (who, token) in [("vera", &w.vera), ("cilla", &w.cilla), ("dora", &w.dora)] {
        let get = app.get(&shares, token).await;
        assert_eq!(get.status.as_u16(), 403, "{who} GET: {}", get.text);
        assert!(!get.text.contains("Cilla Berg"), "{who} learns nothing");
        let post = app
            .post(
                &shares,
                token,
                json!({"user_id": w.bo_id, "access": "read"}),
            )
            .await;
        assert_eq!(post.status.as_u16(), 403, "{who} POST: {}", post.text);
        let del = app.send(Method::DELETE, &one, Some(token), None).await;
        assert_eq!(del.status.as_u16(), 403, "{who} DELETE: {}", del.text);
    }
    // Unknown records answer 404 on every sibling path.
    let nowhere = "/records/case/00000000000000000000000000000000/shares";
    app.get(nowhere, &w.anna).await.expect(404);
    app.send(
        Method::DELETE,
        &format!("{nowhere}/{}", w.cilla_id),
        Some(&w.anna),
        None,
    )
    .await
    .expect(404);

    // Removing ends the access at once; removing again is 404.
    app.get(&format!("/records/case/{}", id(&c)), &w.cilla)
        .await
        .expect(200);
    app.send(Method::DELETE, &one, Some(&w.anna), None)
        .await
        .expect(204);
    app.get(&format!("/records/case/{}", id(&c)), &w.cilla)
        .await
        .expect(403);
    app.send(Method::DELETE, &one, Some(&w.anna), None)
        .await
        .problem(404, "not shared");
    assert!(
        app.get(&shares, &w.anna).await.expect(200).body["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let audit = app
        .get(&format!("/audit?record={}", id(&c)), &w.admin)
        .await
        .expect(200);
    assert!(audit.text.contains("record.unshared"), "{}", audit.text);
}

async fn owner_options_offer_only_owners_the_write_depth_covers_and_hand_over_is_reported(
    b: Backend,
) {
    let w = world(b).await;
    let app = &w.app;
    let c = case(app, &w.anna, "Reassign me", json!({})).await;
    let path = format!("/records/case/{}", id(&c));
    let options = |token: &str, q: &str| {
        let (token, q) = (token.to_owned(), q.to_owned());
        let path = path.clone();
        async move {
            app.get(&format!("{path}/owner-options?q={q}"), &token)
                .await
        }
    };
    let ids = |v: &Value| -> Vec<(String, String, bool)> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| {
                (
                    o["kind"].as_str().unwrap().to_owned(),
                    o["id"].as_str().unwrap().to_owned(),
                    o["current"].as_bool().unwrap(),
                )
            })
            .collect()
    };
    // Anna writes cases of her team: herself, Bo, Vera and team Alpha — not Dora, not Beta.
    let anna = ids(&options(&w.anna, "").await.expect(200).body);
    let offered: Vec<&str> = anna.iter().map(|(_, i, _)| i.as_str()).collect();
    for want in [&w.anna_id, &w.bo_id, &w.vera_id, &w.team_a] {
        assert!(offered.contains(&want.as_str()), "{want} in {offered:?}");
    }
    for not in [&w.dora_id, &w.team_b, &w.cilla_id] {
        assert!(!offered.contains(&not.as_str()), "{not} in {offered:?}");
    }
    assert!(
        anna.iter()
            .any(|(k, i, cur)| k == "user" && *i == w.anna_id && *cur)
    );
    let bo_only = ids(&options(&w.anna, "bo").await.expect(200).body);
    assert_eq!(bo_only, [("user".to_owned(), w.bo_id.clone(), false)]);
    // What the picker leaves out, the PATCH refuses: a team writer cannot hand to another team.
    app.patch(&path, &w.anna, json!({"owner": {"user_id": w.dora_id}}))
        .await
        .problem(403, "owner");
    app.patch(&path, &w.anna, json!({"owner": {"team_id": w.team_b}}))
        .await
        .problem(403, "owner");

    // A share never grants an owner change, not even a write share.
    app.post(
        &format!("{path}/shares"),
        &w.anna,
        json!({"user_id": w.dora_id, "access": "write"}),
    )
    .await
    .expect(201);
    options(&w.dora, "").await.problem(403, "share");
    app.patch(&path, &w.dora, json!({"owner": {"user_id": w.dora_id}}))
        .await
        .problem(403, "share");
    // A reader and a stranger get what they get from the record itself.
    options(&w.vera, "").await.expect(403);
    options(&w.cilla, "").await.expect(403);
    app.get(
        "/records/case/00000000000000000000000000000000/owner-options",
        &w.anna,
    )
    .await
    .expect(404);
    // An administrator (write all) is offered everyone active and every team.
    let admin = ids(&options(&w.admin, "").await.expect(200).body);
    let offered: Vec<&str> = admin.iter().map(|(_, i, _)| i.as_str()).collect();
    for want in [&w.dora_id, &w.team_b, &w.cilla_id, &w.team_a] {
        assert!(offered.contains(&want.as_str()), "admin: {want}");
    }

    // R25, visibly: with hand-over on, the PATCH says which chats went to the new owner.
    app.enable_collaboration().await;
    app.put(
        "/record-types/case/settings",
        &w.admin,
        json!({"hand_over_chats": true}),
    )
    .await
    .expect(200);
    app.post(
        "/chats",
        &w.anna,
        json!({"member_ids": [w.dora_id], "name": "About the reassignment", "record": {"type": "case", "id": id(&c)}}),
    )
    .await
    .expect(201);
    let moved = app
        .patch(&path, &w.anna, json!({"owner": {"user_id": w.bo_id}}))
        .await
        .expect(200)
        .body;
    assert_eq!(moved["owner"]["name"], "Bo Lind");
    assert_eq!(moved["handed_over"]["to"]["name"], "Bo Lind");
    assert_eq!(moved["handed_over"]["chats"], json!(1));
    // A change that is no owner change reports nothing.
    let same = app
        .patch(&path, &w.bo, json!({"fields": {"product": "Printer"}}))
        .await
        .expect(200)
        .body;
    assert!(same.get("handed_over").is_none(), "{same}");
}
