//! Beyond the reference product (SPEC R24–R27): search, hand-over and transcripts, against the
//! real server on both backends.

use crate::common;
use crate::common::spawn_app;
use reqwest::Method;
use serde_json::{Value, json};
use tether_store::Backend;

both_backends!(
    r24_r27_search_members_only_with_stems_windows_edits_and_deletes,
    r25_r26_hand_over_and_transcripts
);

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

fn bodies(results: &Value) -> Vec<String> {
    results["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["snippet"].as_str().unwrap().to_owned())
        .collect()
}

async fn r24_r27_search_members_only_with_stems_windows_edits_and_deletes(b: Backend) {
    let app = spawn_app(b).await;
    let admin = app.enable_collaboration().await;
    let (bo_id, bo) = app
        .user(&admin, "bo@example.com", "Bo Lind", &["agent"], &[])
        .await;
    let (cilla_id, cilla) = app
        .user(&admin, "cilla@example.com", "Cilla Ek", &["agent"], &[])
        .await;
    let (_, olga) = app
        .user(&admin, "olga@example.com", "Olga Berg", &["agent"], &[])
        .await;
    let group = id(&app
        .post(
            "/chats",
            &olga,
            json!({"member_ids": [bo_id], "name": "Printers"}),
        )
        .await
        .expect(201)
        .body);
    let path = format!("/chats/{group}/messages");
    let old = app
        .post(&path, &olga, json!({"body": "The printer on floor 2 jams"}))
        .await
        .expect(201)
        .body;
    app.store
        .execute_raw(&format!(
            "UPDATE messages SET created_at = created_at - 400000000 WHERE id = '{}'",
            id(&old)
        ))
        .await
        .unwrap();
    app.post(&path, &olga, json!({"body": "Skrivaren fastnar igen"}))
        .await
        .expect(201);
    let secret = id(&app
        .post(
            "/chats",
            &olga,
            json!({"member_ids": [cilla_id], "name": "Other"}),
        )
        .await
        .expect(201)
        .body);
    app.post(
        &format!("/chats/{secret}/messages"),
        &olga,
        json!({"body": "Printer budget is secret"}),
    )
    .await
    .expect(201);

    // Stems: "printers" finds "printer"; Swedish "skrivarna" finds "skrivaren".
    let found = app.get("/search?q=printers", &bo).await.expect(200).body;
    assert_eq!(found["items"].as_array().unwrap().len(), 1, "{found}");
    assert!(
        bodies(&found)[0].contains("<mark>printer</mark>"),
        "{found}"
    );
    assert_eq!(found["items"][0]["chat"]["name"], "Printers");
    let sv = app.get("/search?q=skrivarna", &bo).await.body;
    assert_eq!(sv["items"].as_array().unwrap().len(), 1, "{sv}");
    // Never a chat the caller is not in.
    assert!(
        !app.get("/search?q=budget", &bo)
            .await
            .body
            .to_string()
            .contains("secret")
    );
    assert_eq!(
        app.get("/search?q=budget", &cilla).await.body["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // Never before the history window: Dana sees the last day only.
    let (dana_id, dana) = app
        .user(&admin, "dana@example.com", "Dana Ek", &["agent"], &[])
        .await;
    app.post(
        &format!("/chats/{group}/members"),
        &olga,
        json!({"user_ids": [dana_id], "history": {"days": 1}}),
    )
    .await
    .expect(200);
    assert!(
        app.get("/search?q=printer", &dana).await.body["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        app.get("/search?q=printer", &bo).await.body["items"]
            .as_array()
            .unwrap()
            .len(),
        1,
        "Bo sees it however old (R27)"
    );
    // Follows edits and deletes; attachment names are searchable.
    let m = app
        .post(&path, &bo, json!({"body": "toner is low"}))
        .await
        .expect(201)
        .body;
    assert_eq!(
        app.get("/search?q=toner", &olga).await.body["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    app.patch(
        &format!("{path}/{}", id(&m)),
        &bo,
        json!({"body": "ink is low"}),
    )
    .await
    .expect(200);
    assert!(
        app.get("/search?q=toner", &olga).await.body["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        app.get("/search?q=ink", &olga).await.body["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    app.send(
        Method::DELETE,
        &format!("{path}/{}", id(&m)),
        Some(&bo),
        None,
    )
    .await
    .expect(204);
    assert!(
        app.get("/search?q=ink", &olga).await.body["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let part = reqwest::multipart::Part::bytes(b"quarterly numbers".to_vec())
        .file_name("invoice-report.txt");
    let up = common::read(
        app.http
            .post(app.url("/attachments"))
            .bearer_auth(&olga)
            .multipart(reqwest::multipart::Form::new().part("file", part))
            .send()
            .await
            .unwrap(),
    )
    .await
    .expect(201)
    .body;
    app.post(
        &path,
        &olga,
        json!({"body": "attached", "attachment_ids": [up["id"]]}),
    )
    .await
    .expect(201);
    assert_eq!(
        app.get("/search?q=invoice", &bo).await.body["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    app.get("/search?q=%20%20", &bo)
        .await
        .problem(422, "at least one word");
    let hostile = app
        .get("/search?q=(%22OR%20*%20NEAR(%22", &bo)
        .await
        .expect(200)
        .body;
    assert!(
        hostile["items"].as_array().unwrap().is_empty(),
        "query syntax is never passed through"
    );

    // From a record: only its connected chats the caller is in.
    let case = app
        .post(
            "/records/case",
            &olga,
            json!({"fields": {"title": "Printer fleet"}}),
        )
        .await
        .expect(201)
        .body;
    let rpath = format!("/records/case/{}", id(&case));
    assert!(
        app.get(&format!("{rpath}/search?q=printer"), &olga)
            .await
            .body["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    app.post(&format!("{rpath}/chats"), &olga, json!({"chat_id": group}))
        .await
        .expect(200);
    app.post(&format!("{rpath}/chats"), &olga, json!({"chat_id": secret}))
        .await
        .expect(200);
    let in_record = app
        .get(&format!("{rpath}/search?q=printer"), &olga)
        .await
        .body;
    assert_eq!(in_record["items"].as_array().unwrap().len(), 2);
    let bo_record = app
        .get(&format!("{rpath}/search?q=printer"), &bo)
        .await
        .body;
    assert_eq!(
        bo_record["items"].as_array().unwrap().len(),
        1,
        "not the chat Bo is not in"
    );
}

async fn r25_r26_hand_over_and_transcripts(b: Backend) {
    let app = spawn_app(b).await;
    let admin = app.enable_collaboration().await;
    let team = app
        .post("/teams", &admin, json!({"name": "Support"}))
        .await
        .expect(201)
        .body;
    let team_id = team["id"].as_str().unwrap().to_owned();
    app.post(
        "/roles",
        &admin,
        json!({"name": "reader", "privileges": ["collab.use", "case.read:all"]}),
    )
    .await
    .expect(201);
    let (olga_id, olga) = app
        .user(
            &admin,
            "olga@example.com",
            "Olga Berg",
            &["agent"],
            &[&team_id],
        )
        .await;
    let (bo_id, bo) = app
        .user(&admin, "bo@example.com", "Bo Lind", &["agent"], &[&team_id])
        .await;
    let (eve_id, eve) = app
        .user(&admin, "eve@example.com", "Eve Ny", &["agent"], &[&team_id])
        .await;
    let (cilla_id, cilla) = app
        .user(&admin, "cilla@example.com", "Cilla Ek", &["reader"], &[])
        .await;
    let case = app
        .post(
            "/records/case",
            &olga,
            json!({"fields": {"title": "Printer jams"}}),
        )
        .await
        .expect(201)
        .body;
    let rpath = format!("/records/case/{}", id(&case));
    let chat = app
        .post(
            "/chats",
            &olga,
            json!({"member_ids": [cilla_id], "record": {"type": "case", "id": id(&case)}}),
        )
        .await
        .expect(201)
        .body;
    let cid = id(&chat);
    app.post(
        &format!("/chats/{cid}/messages"),
        &olga,
        json!({"body": "Rollers are worn"}),
    )
    .await
    .expect(201);

    // R25 off (default): the new owner is not added, but sees the chat as joinable.
    app.patch(&rpath, &olga, json!({"owner": {"user_id": bo_id}}))
        .await
        .expect(200);
    app.get(&format!("/chats/{cid}"), &bo).await.expect(404);
    let panel = app.get(&format!("{rpath}/collaboration"), &bo).await.body;
    assert!(
        panel["connected"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == json!(cid) && c["can_join"] == json!(true))
    );
    // R25 on: the next owner is added with a system message naming the record and who did it.
    app.put(
        "/record-types/case/settings",
        &admin,
        json!({"hand_over_chats": true}),
    )
    .await
    .expect(200);
    app.patch(&rpath, &bo, json!({"owner": {"user_id": eve_id}}))
        .await
        .expect(200);
    let seen = app
        .get(&format!("/chats/{cid}/messages"), &eve)
        .await
        .expect(200)
        .body;
    let texts: Vec<&str> = seen["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["body"].as_str().unwrap())
        .collect();
    assert!(texts.contains(&"Bo Lind reassigned Case CAS-00001 to Eve Ny, who was added to this chat and can see the full history"), "{texts:?}");
    assert!(texts.contains(&"Rollers are worn"), "with the full history");
    // A team owner is nobody to add.
    app.patch(&rpath, &eve, json!({"owner": {"team_id": team_id}}))
        .await
        .expect(200);

    // R26: members with write access save transcripts; the note is visible to record readers.
    app.post(
        &format!("/chats/{cid}/transcript"),
        &cilla,
        json!({"record": {"type": "case", "id": id(&case)}}),
    )
    .await
    .problem(403, "write access");
    app.post(
        &format!("/chats/{cid}/transcript"),
        &bo,
        json!({"record": {"type": "case", "id": id(&case)}}),
    )
    .await
    .expect(404);
    // Only a chat connected to the record (R26): another chat of Eve's is refused.
    let loose = app
        .post("/chats", &eve, json!({"member_ids": [olga_id]}))
        .await
        .expect(201)
        .body;
    app.post(
        &format!("/chats/{}/messages", id(&loose)),
        &eve,
        json!({"body": "Lunch?"}),
    )
    .await
    .expect(201);
    app.post(
        &format!("/chats/{}/transcript", id(&loose)),
        &eve,
        json!({"record": {"type": "case", "id": id(&case)}}),
    )
    .await
    .problem(422, "not connected");
    app.post(
        &format!("/chats/{cid}/transcript"),
        &eve,
        json!({"record": {"type": "case", "id": id(&case)}, "from": "not a time"}),
    )
    .await
    .problem(422, "from");
    app.post(
        &format!("/chats/{cid}/transcript"),
        &eve,
        json!({"record": {"type": "case", "id": id(&case)}, "to": "2000-01-01T00:00:00Z"}),
    )
    .await
    .problem(422, "no messages");
    let note = app
        .post(
            &format!("/chats/{cid}/transcript"),
            &eve,
            json!({"record": {"type": "case", "id": id(&case)}}),
        )
        .await
        .expect(201)
        .body;
    assert_eq!(note["kind"], "note");
    assert!(
        note["subject"]
            .as_str()
            .unwrap()
            .starts_with("Chat transcript: ")
    );
    let body = note["body"].as_str().unwrap();
    assert!(body.contains("] Olga Berg: Rollers are worn"), "{body}");
    let timeline = app
        .get(&format!("{rpath}/timeline"), &cilla)
        .await
        .expect(200)
        .body;
    assert!(
        timeline.to_string().contains("Rollers are worn"),
        "readers of the record see the note"
    );
    let _ = (olga_id, olga);
}
