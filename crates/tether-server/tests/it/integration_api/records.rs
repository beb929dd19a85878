//! Records by external id, one at a time: created, changed, read and left alone by a repeat;
//! checked exactly as records made by people are; and what a synced change causes — the
//! announcements in connected chats, the hand-over, the finder — as for any change.

use super::{audited, id, key};
use crate::common::spawn_app;
use serde_json::json;
use tether_store::Backend;

both_backends!(
    i19_a_record_is_upserted_by_external_id_and_a_repeat_writes_nothing,
    i19_synced_records_are_checked_as_records_people_make,
    i19_a_synced_change_reaches_the_product_like_any_other,
    i19_upserts_at_once_make_one_record,
);

async fn i19_a_record_is_upserted_by_external_id_and_a_repeat_writes_nothing(b: Backend) {
    let app = spawn_app(b).await;
    let admin = app.admin().await;
    let (_, secret) = key(&app, &admin, "Zendesk", &["records:write"]).await;
    let (olga_id, _) = app
        .user(&admin, "olga@example.com", "Olga Berg", &["agent"], &[])
        .await;
    let path = "/records/case/by-external/zendesk/T-4711";
    let body = json!({
        "fields": {"title": "Printer jams on tray 2", "priority": "high"},
        "owner": {"email": "Olga@Example.com"},
        "url": "https://acme.zendesk.com/agent/tickets/4711",
    });
    let made = app.put(path, &secret, body.clone()).await.expect(201).body;
    assert_eq!(made["number"], "CAS-00001");
    assert_eq!(made["owner"]["user_id"], json!(olga_id), "by e-mail");
    assert_eq!(
        made["external"],
        json!({"source": "zendesk", "external_id": "T-4711",
               "url": "https://acme.zendesk.com/agent/tickets/4711"})
    );
    assert!(
        made["url"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/records/case/{}", id(&made)))
    );

    // The same request again: 200, and nothing written — not even the time of the change.
    let again = app.put(path, &secret, body.clone()).await.expect(200).body;
    assert_eq!(again["id"], made["id"]);
    assert_eq!(again["updated_at"], made["updated_at"]);
    assert_eq!(audited(&app, &admin, "record.synced").await.len(), 1);

    // Read by the same path, as the record is read.
    let read = app.get(path, &secret).await.expect(200).body;
    assert_eq!(read["id"], made["id"]);
    let as_admin = app.get(path, &admin).await.expect(200).body;
    assert_eq!(as_admin["fields"]["priority"], "high");
    app.get("/records/case/by-external/zendesk/T-9999", &secret)
        .await
        .expect(404);
    app.get("/records/account/by-external/zendesk/T-4711", &secret)
        .await
        .expect(404);

    // A change: fields named change, fields not named stay; the owner and link stay.
    std::thread::sleep(std::time::Duration::from_millis(5));
    let changed = app
        .put(
            path,
            &secret,
            json!({"fields": {"priority": "low"}, "state": "resolved"}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(changed["fields"]["priority"], "low");
    assert_eq!(changed["fields"]["title"], "Printer jams on tray 2");
    assert_eq!(changed["state"], "resolved");
    assert_eq!(changed["owner"]["user_id"], json!(olga_id));
    assert_ne!(changed["updated_at"], made["updated_at"]);
    assert_eq!(
        changed["external"]["url"],
        "https://acme.zendesk.com/agent/tickets/4711"
    );
    let entries = audited(&app, &admin, "record.synced").await;
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0]["details"]["outcome"], "updated");
    assert_eq!(entries[0]["details"]["fields"], json!(["priority"]));
    assert_eq!(entries[0]["record"]["id"], made["id"]);
    // Only the link back changes: written, and told.
    let moved = app
        .put(
            path,
            &secret,
            json!({"fields": {}, "url": "https://acme.zendesk.com/agent/tickets/4711/new"}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(
        moved["external"]["url"],
        "https://acme.zendesk.com/agent/tickets/4711/new"
    );
    assert_eq!(audited(&app, &admin, "record.synced").await.len(), 3);

    // An id with a slash and spaces travels percent-encoded in the path.
    let odd = app
        .put(
            "/records/case/by-external/zammad/12%2F3%20a",
            &secret,
            json!({"fields": {"title": "Odd id"}}),
        )
        .await
        .expect(201)
        .body;
    assert_eq!(odd["external"]["external_id"], "12/3 a");
    // Without an owner a key's new record is the administrator's who made the key; an
    // administrator's session makes it theirs.
    let admin_id = app.get("/me", &admin).await.body["id"].clone();
    assert_eq!(odd["owner"]["user_id"], admin_id);
    // The record is a record: listed, found and opened like the others.
    let found = app.get("/records?q=odd", &admin).await.expect(200).body;
    assert!(
        found["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["id"] == odd["id"]),
        "{found}"
    );
    app.get(&format!("/records/case/{}", id(&odd)), &admin)
        .await
        .expect(200);
}

async fn i19_synced_records_are_checked_as_records_people_make(b: Backend) {
    let app = spawn_app(b).await;
    let admin = app.admin().await;
    let (_, secret) = key(&app, &admin, "Zendesk", &["records:write"]).await;
    let (gone_id, _) = app
        .user(&admin, "gone@example.com", "Gus Gone", &["agent"], &[])
        .await;
    app.patch(
        &format!("/users/{gone_id}"),
        &admin,
        json!({"active": false}),
    )
    .await
    .expect(200);
    let put = |path: &'static str, body: serde_json::Value| {
        let app = &app;
        let secret = secret.clone();
        async move { app.put(path, &secret, body).await }
    };
    let path = "/records/case/by-external/zendesk/1";
    // The same field errors as POST /records/{type}: the validator is the records' own.
    let via_post = app
        .post(
            "/records/case",
            &admin,
            json!({"fields": {"colour": "red"}}),
        )
        .await
        .expect(422)
        .body;
    let via_put = put(path, json!({"fields": {"colour": "red"}}))
        .await
        .expect(422)
        .body;
    assert_eq!(via_put["errors"], via_post["errors"]);
    put(path, json!({"fields": {"priority": "high"}}))
        .await
        .problem(422, "title")
        .field_error("value.missing");
    put(
        path,
        json!({"fields": {"title": "x", "priority": "extreme"}}),
    )
    .await
    .field_error("value.option");
    put(
        path,
        json!({"fields": {"title": "x", "ticket_number": "CAS-9"}}),
    )
    .await
    .field_error("value.read_only");
    put(path, json!({"fields": {"title": "x\u{202E}"}}))
        .await
        .field_error("value.characters");
    put(path, json!({"fields": {"title": "x"}, "state": "lost"}))
        .await
        .problem(422, "state");
    put(
        path,
        json!({"fields": {"title": "x", "account": "no-such-account"}}),
    )
    .await
    .problem(422, "account")
    .field_error("value.not_found");
    // The host's names in the path and body.
    for (bad, field) in [
        ("/records/case/by-external/Zendesk/1", "source"),
        ("/records/case/by-external/zen%20desk/1", "source"),
        ("/records/case/by-external/zendesk/%20x", "external_id"),
    ] {
        let res = app
            .put(bad, &secret, json!({"fields": {"title": "x"}}))
            .await
            .expect(422);
        assert_eq!(res.body["errors"][0]["field"], field, "{bad}: {}", res.text);
    }
    let long = format!("/records/case/by-external/zendesk/{}", "x".repeat(201));
    app.put(&long, &secret, json!({"fields": {"title": "x"}}))
        .await
        .field_error("value.too_long");
    put(
        path,
        json!({"fields": {"title": "x"}, "url": "javascript:alert(1)"}),
    )
    .await
    .problem(422, "url")
    .field_error("value.format");
    app.put(
        "/records/nothing/by-external/zendesk/1",
        &secret,
        json!({"fields": {"title": "x"}}),
    )
    .await
    .expect(404);
    // Owners: named by e-mail, id or team, exactly one, existing and active.
    put(
        path,
        json!({"fields": {"title": "x"}, "owner": {"email": "nobody@example.com"}}),
    )
    .await
    .problem(422, "nobody@example.com")
    .field_error("value.not_found");
    put(
        path,
        json!({"fields": {"title": "x"}, "owner": {"user_id": "no-such-user"}}),
    )
    .await
    .problem(422, "no-such-user");
    put(
        path,
        json!({"fields": {"title": "x"}, "owner": {"team_id": "no-such-team"}}),
    )
    .await
    .problem(422, "no-such-team");
    put(
        path,
        json!({"fields": {"title": "x"}, "owner": {"email": "gone@example.com"}}),
    )
    .await
    .field_error("value.deactivated");
    put(
        path,
        json!({"fields": {"title": "x"}, "owner": {"email": "gone@example.com", "user_id": gone_id}}),
    )
    .await
    .problem(422, "exactly one");
    put(
        path,
        json!({"fields": {"title": "x"}, "owner": {"email": "not an address"}}),
    )
    .await
    .field_error("value.email");
    put(path, json!({"fields": {"title": "x"}, "colour": "red"}))
        .await
        .expect(422);
    // Nothing of all that was written.
    app.get(path, &secret).await.expect(404);
    assert!(audited(&app, &admin, "record.synced").await.is_empty());
}

async fn i19_a_synced_change_reaches_the_product_like_any_other(b: Backend) {
    let app = spawn_app(b).await;
    let admin = app.enable_collaboration().await;
    let (_, secret) = key(&app, &admin, "Zendesk", &["records:write"]).await;
    let (olga_id, olga) = app
        .user(&admin, "olga@example.com", "Olga Berg", &["agent"], &[])
        .await;
    let (bo_id, bo) = app
        .user(&admin, "bo@example.com", "Bo Lind", &["agent"], &[])
        .await;
    app.put(
        "/record-types/case/settings",
        &admin,
        json!({"hand_over_chats": true}),
    )
    .await
    .expect(200);
    let path = "/records/case/by-external/zendesk/77";
    let case = app
        .put(
            path,
            &secret,
            json!({"fields": {"title": "Walrus printer", "priority": "normal"}, "owner": {"user_id": olga_id}}),
        )
        .await
        .expect(201)
        .body;
    let (cy_id, _) = app
        .user(&admin, "cy@example.com", "Cy Berg", &["agent"], &[])
        .await;
    let chat = app
        .post(
            "/chats",
            &olga,
            json!({"member_ids": [cy_id], "record": {"type": "case", "id": id(&case)}}),
        )
        .await
        .expect(201)
        .body;
    let chat_id = id(&chat);
    let mut olga_events = app.events(&olga).await;
    let mut bo_events = app.events(&bo).await;

    // R23: the changed priority is told in the connected chat, signed with the key's name.
    app.put(path, &secret, json!({"fields": {"priority": "high"}}))
        .await
        .expect(200);
    let told = olga_events.expect("message.created").await;
    assert_eq!(told["chat_id"], json!(chat_id));
    let text = told["message"]["body"].as_str().unwrap();
    assert!(
        text.starts_with("Priority changed from") && text.ends_with("by Zendesk"),
        "{text}"
    );
    // A repeat tells nobody anything.
    app.put(path, &secret, json!({"fields": {"priority": "high"}}))
        .await
        .expect(200);
    olga_events.expect_silence(300).await;

    // R25: a new owner named by e-mail is handed the connected chat.
    let moved = app
        .put(
            path,
            &secret,
            json!({"fields": {}, "owner": {"email": "bo@example.com"}}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(moved["owner"]["user_id"], json!(bo_id));
    let added = bo_events.expect("chat.created").await;
    assert_eq!(added["chat"]["id"], json!(chat_id));
    let messages = app
        .get(&format!("/chats/{chat_id}/messages"), &bo)
        .await
        .expect(200)
        .body;
    assert!(
        messages["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["body"]
                .as_str()
                .unwrap()
                .starts_with("Zendesk reassigned Case CAS-00001 to Bo Lind")),
        "{messages}"
    );
    // The record finder and the owner's list know the synced record.
    let mine = app
        .get("/records/case?filter=mine", &bo)
        .await
        .expect(200)
        .body;
    assert_eq!(mine["items"][0]["id"], case["id"]);
    let found = app.get("/records?q=walrus", &bo).await.expect(200).body;
    assert!(
        found["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["id"] == case["id"]),
        "{found}"
    );
    // An administrator's session syncs too, signed with their name.
    app.put(path, &admin, json!({"fields": {"priority": "urgent"}}))
        .await
        .expect(200);
    let entries = audited(&app, &admin, "record.synced").await;
    assert_eq!(entries[0]["actor"]["name"], "Ada Admin");
    assert!(entries[0]["api_key"].is_null());
}

async fn i19_upserts_at_once_make_one_record(b: Backend) {
    let app = spawn_app(b).await;
    let admin = app.admin().await;
    let (_, secret) = key(&app, &admin, "Zendesk", &["records:write"]).await;
    let path = "/records/case/by-external/zendesk/race";
    let answers = futures_util::future::join_all((0..6).map(|i| {
        let app = &app;
        let secret = secret.clone();
        async move {
            app.put(
                path,
                &secret,
                json!({"fields": {"title": "Raced", "product": format!("p{}", i % 2)}}),
            )
            .await
        }
    }))
    .await;
    let statuses: Vec<u16> = answers.iter().map(|r| r.status.as_u16()).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| [200, 201].contains(s)),
        "{statuses:?}"
    );
    let ids: std::collections::BTreeSet<String> = answers
        .iter()
        .map(|r| r.body["id"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(ids.len(), 1, "one record: {ids:?}");
}
