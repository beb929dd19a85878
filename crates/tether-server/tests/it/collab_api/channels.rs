//! Channels (R13), field-change notices (R23) and the live timeline.

use super::*;

#[tokio::test]
async fn r13_channels_and_r23_field_notices_and_live_timeline() {
    let w = world(Backend::Sqlite).await;
    let app = &w.app;
    // A new channel in Olga's team, connected to the case.
    let created = app
        .post(
            &format!("{}/channels", w.case()),
            &w.olga,
            json!({"team_id": w.team_id, "name": "printer-fleet"}),
        )
        .await
        .expect(201)
        .body;
    let channel = id(&created);
    app.post(
        &format!("{}/channels", w.case()),
        &w.olga,
        json!({"team_id": "nope", "name": "x"}),
    )
    .await
    .expect(404);
    app.post(
        &format!("/teams/{}/channels", w.team_id),
        &w.sam,
        json!({"name": "intruders"}),
    )
    .await
    .problem(403, "not a member");
    let existing = app
        .post(
            &format!("/teams/{}/channels", w.team_id),
            &w.bo,
            json!({"name": "general"}),
        )
        .await
        .expect(201)
        .body;
    app.post(
        &format!("{}/channels", w.case()),
        &w.bo,
        json!({"channel_id": existing["id"]}),
    )
    .await
    .expect(200);
    let panel = w.panel(&w.bo).await;
    let names: Vec<&str> = section(&panel, "channels")
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(
        section(&panel, "connected")
            .iter()
            .all(|c| c["kind"] != "channel")
    );
    let sam_panel = app
        .get(&format!("{}/collaboration", w.case()), &w.sam)
        .await
        .expect(200)
        .body;
    assert!(
        section(&sam_panel, "channels").is_empty(),
        "not in the team: nothing of its channels"
    );

    // Team members read and post; a new team member joins the team's channels.
    app.post(
        &format!("/channels/{channel}/messages"),
        &w.bo,
        json!({"body": "Fleet update"}),
    )
    .await
    .expect(201);
    app.get(&format!("/channels/{channel}/messages"), &w.sam)
        .await
        .expect(404);
    let channels = app.get("/channels", &w.eve).await.expect(200).body;
    let listed = channels["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == json!(channel))
        .unwrap()
        .clone();
    assert_eq!(
        listed["records"][0]["id"],
        json!(w.case_id),
        "a channel lists its records"
    );
    let (_, newbie) = app
        .user(&w.admin, "new@example.com", "New Person", &["agent"], &[])
        .await;
    let newbie_id = app.get("/me", &newbie).await.body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.post(
        &format!("/teams/{}/members", w.team_id),
        &w.admin,
        json!({"user_ids": [newbie_id]}),
    )
    .await
    .expect(200);
    let seen = app
        .get(&format!("/channels/{channel}/messages"), &newbie)
        .await
        .expect(200)
        .body;
    assert!(seen.to_string().contains("Fleet update"));

    // Live timeline for a watcher, and R23 notices into connected chats.
    let chat = w.connected_chat(&w.olga, &[&w.bo_id], false).await;
    let mut watcher = app.events(&w.cilla).await;
    watcher
        .send_json(json!({"type": "watch", "record": {"type": "case", "id": w.case_id}}))
        .await;
    assert_eq!(
        watcher.expect("watching").await["record"]["id"],
        json!(w.case_id)
    );
    app.patch(
        w.case().as_str(),
        &w.olga,
        json!({"fields": {"priority": "high"}, "state": "resolved"}),
    )
    .await
    .expect(200);
    let texts = w.texts(&id(&chat), &w.bo).await;
    assert!(
        texts.contains(&"Priority changed from Normal to High by Olga Berg".to_owned()),
        "{texts:?}"
    );
    assert!(texts.contains(&"State changed from Active to Resolved by Olga Berg".to_owned()));
    let channel_texts = w.texts(&channel, &w.bo).await;
    assert!(
        channel_texts.contains(&"Priority changed from Normal to High by Olga Berg".to_owned())
    );
    app.post(
        &format!("{}/chats", w.case()),
        &w.olga,
        json!({"chat_id": id(&chat)}),
    )
    .await
    .expect(200);
    let other = w.connected_chat(&w.olga, &[&w.eve_id], false).await;
    let changed = watcher.expect("timeline.changed").await;
    assert_eq!(changed["record"]["id"], json!(w.case_id));
    assert!(
        !changed.to_string().contains(&id(&other)),
        "watchers get only the record reference"
    );
}
