//! Record-link cards (SPEC R16), computed per viewer at read time: over HTTP, in each
//! recipient's live event, after access changes, and in the composer's preview.

use crate::common::spawn_app;
use serde_json::{Value, json};
use tether_store::Backend;

fn cards(message: &Value) -> Vec<Value> {
    message["cards"].as_array().unwrap().clone()
}

#[tokio::test]
async fn r16_cards_are_computed_for_each_viewer() {
    let app = spawn_app(Backend::Sqlite).await;
    let admin = app.enable_collaboration().await;
    app.post(
        "/roles",
        &admin,
        json!({"name": "chatter", "privileges": ["collab.use"]}),
    )
    .await
    .expect(201);
    let (olga_id, olga) = app
        .user(&admin, "olga@example.com", "Olga Berg", &["agent"], &[])
        .await;
    let (cilla_id, cilla) = app
        .user(&admin, "cilla@example.com", "Cilla Ek", &["chatter"], &[])
        .await;
    let case = app
        .post(
            "/records/case",
            &olga,
            json!({"fields": {"title": "Printer jams on tray 2", "priority": "high"}}),
        )
        .await
        .expect(201)
        .body;
    let url = case["url"].as_str().unwrap().to_owned();
    let chat = app
        .post(
            "/chats",
            &olga,
            json!({"member_ids": [cilla_id], "name": "Printers"}),
        )
        .await
        .expect(201)
        .body;
    let path = format!("/chats/{}/messages", chat["id"].as_str().unwrap());
    let mut olga_events = app.events(&olga).await;
    let mut cilla_events = app.events(&cilla).await;

    let body = format!(
        "See [this case]({url}?tab=timeline) and {url}/ and {url}#top, and https://example.org/records/case/{}",
        case["id"].as_str().unwrap()
    );
    let sent = app
        .post(&path, &olga, json!({"body": body}))
        .await
        .expect(201)
        .body;
    let mine = cards(&sent);
    assert_eq!(
        mine.len(),
        1,
        "one card per record, however often it is linked: {mine:?}"
    );
    assert_eq!(mine[0]["kind"], "record");
    assert_eq!(mine[0]["app"], "Tether");
    assert_eq!(mine[0]["record_type"], "Case");
    assert_eq!(mine[0]["title"], "CAS-00001 Printer jams on tray 2");
    assert!(
        mine[0]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["value"] == "High")
    );

    // Live: each recipient gets their own event.
    let olga_live = olga_events.expect("message.created").await;
    assert_eq!(cards(&olga_live["message"])[0]["kind"], "record");
    let cilla_live = cilla_events.expect("message.created").await;
    let theirs = cards(&cilla_live["message"]);
    assert_eq!(theirs[0]["kind"], "link");
    assert!(
        !cilla_live.to_string().contains("Printer jams"),
        "no record information for a non-reader"
    );

    // Over HTTP, the same message gives each viewer their own card.
    let cilla_page = app.get(&path, &cilla).await.expect(200).body;
    let text = cilla_page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == sent["id"])
        .unwrap()
        .clone();
    assert_eq!(
        cards(&text),
        vec![json!({"kind": "link", "url": format!("{url}?tab=timeline")})]
    );

    // Access granted, then taken away: the next read follows.
    app.post(
        &format!("/records/case/{}/shares", case["id"].as_str().unwrap()),
        &olga,
        json!({"user_id": cilla_id, "access": "read"}),
    )
    .await
    .expect(201);
    let page = app.get(&path, &cilla).await.body;
    let m = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == sent["id"])
        .unwrap()
        .clone();
    assert_eq!(cards(&m)[0]["kind"], "record");
    app.patch(
        &format!("/users/{cilla_id}"),
        &admin,
        json!({"roles": ["viewer", "chatter"]}),
    )
    .await
    .expect(200);
    let unfurled = app
        .post("/unfurl", &cilla, json!({"url": url}))
        .await
        .expect(200)
        .body;
    assert_eq!(unfurled["card"]["kind"], "record", "still shared");
    app.store
        .execute_raw(&format!(
            "DELETE FROM record_shares WHERE user_id = '{cilla_id}'"
        ))
        .await
        .unwrap();
    let page = app.get(&path, &cilla).await.body;
    let m = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == sent["id"])
        .unwrap()
        .clone();
    assert_eq!(
        cards(&m)[0]["kind"],
        "link",
        "access revoked, the card goes"
    );

    // The composer's preview, and removing a card before sending.
    let preview = app
        .post("/unfurl", &olga, json!({"url": url}))
        .await
        .expect(200)
        .body;
    assert_eq!(preview["card"]["title"], "CAS-00001 Printer jams on tray 2");
    assert_eq!(
        app.post("/unfurl", &cilla, json!({"url": url})).await.body["card"]["kind"],
        "link"
    );
    assert_eq!(
        app.post("/unfurl", &olga, json!({"url": "https://example.org/page"}))
            .await
            .body["card"],
        Value::Null
    );
    let without = app
        .post(
            &path,
            &olga,
            json!({"body": format!("No card: {url}"), "without_cards": [url]}),
        )
        .await
        .expect(201)
        .body;
    assert!(cards(&without).is_empty());
    let _ = olga_id;
}

#[tokio::test]
async fn r16_look_alike_and_malformed_links_give_no_record_card() {
    let app = spawn_app(Backend::Sqlite).await;
    let admin = app.enable_collaboration().await;
    let (bo_id, _) = app
        .user(&admin, "bo@example.com", "Bo Lind", &["agent"], &[])
        .await;
    let case = app
        .post(
            "/records/case",
            &admin,
            json!({"fields": {"title": "Secret"}}),
        )
        .await
        .expect(201)
        .body;
    let id = case["id"].as_str().unwrap();
    let base = app.base.clone();
    let host = base.trim_start_matches("http://");
    let chat = app
        .post(
            "/chats",
            &admin,
            json!({"member_ids": [bo_id], "name": "x"}),
        )
        .await
        .expect(201)
        .body;
    let path = format!("/chats/{}/messages", chat["id"].as_str().unwrap());
    for body in [
        format!("https://evil.example/records/case/{id}"),
        format!("http://{host}.evil.example/records/case/{id}"),
        format!("http://evil.example@{host}/x http://{host}@evil.example/records/case/{id}"),
        format!("{base}/records/case/{id}/extra"),
        format!("{base}/records/case"),
        format!("{base}/records/case/..%2F{id}"),
        format!("`{base}/records/case/{id}`"),
        format!("javascript://{host}/records/case/{id}"),
    ] {
        let m = app
            .post(&path, &admin, json!({"body": body}))
            .await
            .expect(201)
            .body;
        assert!(
            cards(&m).iter().all(|c| c["kind"] != "record"),
            "{body} gave {:?}",
            cards(&m)
        );
    }
    for body in [
        format!("{base}/records/case/does-not-exist"),
        format!("{base}/records/gadget/{id}"),
        format!("{base}/records/account/{id}"),
    ] {
        let m = app
            .post(&path, &admin, json!({"body": body}))
            .await
            .expect(201)
            .body;
        assert_eq!(
            cards(&m),
            vec![json!({"kind": "link", "url": body})],
            "unknown records are bare links"
        );
    }
}

/// A record synced from a helpdesk with its ticket's address (issue 19): a reader's card links
/// back to the ticket; a non-reader's bare link card says nothing of it (R16), nor of the host.
#[tokio::test]
async fn r16_a_synced_records_card_links_back_to_the_host_for_readers_only() {
    let app = spawn_app(Backend::Sqlite).await;
    let admin = app.enable_collaboration().await;
    app.post(
        "/roles",
        &admin,
        json!({"name": "chatter", "privileges": ["collab.use"]}),
    )
    .await
    .expect(201);
    let (_, olga) = app
        .user(&admin, "olga@example.com", "Olga Berg", &["agent"], &[])
        .await;
    let (cilla_id, cilla) = app
        .user(&admin, "cilla@example.com", "Cilla Ek", &["chatter"], &[])
        .await;
    let ticket = "https://acme.zendesk.example/agent/tickets/4711";
    let case = app
        .put(
            "/records/case/by-external/zendesk/4711",
            &admin,
            json!({"fields": {"title": "Printer jams on tray 2"}, "url": ticket,
                   "owner": {"email": "olga@example.com"}}),
        )
        .await
        .expect(201)
        .body;
    let url = case["url"].as_str().unwrap().to_owned();
    let chat = app
        .post("/chats", &olga, json!({"member_ids": [cilla_id]}))
        .await
        .expect(201)
        .body;
    let path = format!("/chats/{}/messages", chat["id"].as_str().unwrap());
    let sent = app
        .post(&path, &olga, json!({"body": format!("See {url}")}))
        .await
        .expect(201)
        .body;
    let mine = cards(&sent);
    assert_eq!(mine[0]["kind"], "record", "{mine:?}");
    assert_eq!(
        mine[0]["external"],
        json!({"source": "zendesk", "url": ticket})
    );
    let theirs = app.get(&path, &cilla).await.expect(200).body;
    let card = &theirs["items"][0]["cards"][0];
    assert_eq!(card, &json!({"kind": "link", "url": url}));
    assert!(!theirs.to_string().contains("zendesk.example"), "{theirs}");
    // A record synced without an address has no link back.
    let plain = app
        .put(
            "/records/case/by-external/zendesk/4712",
            &admin,
            json!({"fields": {"title": "Toner"}, "owner": {"email": "olga@example.com"}}),
        )
        .await
        .expect(201)
        .body;
    let sent = app
        .post(
            &path,
            &olga,
            json!({"body": plain["url"].as_str().unwrap()}),
        )
        .await
        .expect(201)
        .body;
    assert_eq!(cards(&sent)[0]["kind"], "record");
    assert!(cards(&sent)[0].get("external").is_none());
}

/// Each message's links are read once, long bodies away from the request's own task: a page
/// that mixes a long message with a link, a short one with a link and plain lines gives each
/// message exactly its own cards, live and when listed.
#[tokio::test]
async fn r16_long_and_short_messages_in_one_page_each_keep_their_cards() {
    let app = spawn_app(Backend::Sqlite).await;
    let admin = app.enable_collaboration().await;
    let (_, olga) = app
        .user(&admin, "olga@example.com", "Olga Berg", &["agent"], &[])
        .await;
    let (bo_id, bo) = app
        .user(&admin, "bo@example.com", "Bo Lind", &["agent"], &[])
        .await;
    let mut urls = Vec::new();
    for title in ["Printer jams", "Invoice twice"] {
        let case = app
            .post("/records/case", &olga, json!({"fields": {"title": title}}))
            .await
            .expect(201)
            .body;
        urls.push(case["url"].as_str().unwrap().to_owned());
    }
    let chat = app
        .post("/chats", &olga, json!({"member_ids": [bo_id]}))
        .await
        .expect(201)
        .body;
    let path = format!("/chats/{}/messages", chat["id"].as_str().unwrap());
    let mut bo_events = app.events(&bo).await;
    let long = format!(
        "{}\n\nSee {} too.",
        "A *long* line of notes. ".repeat(40),
        urls[1]
    );
    assert!(long.len() > 900);
    let bodies = [
        format!("Short: {}", urls[0]),
        "Just a plain line, no link at all.".to_owned(),
        long,
        "Note: the records team knows.".to_owned(),
    ];
    let want = [
        Some("CAS-00001 Printer jams"),
        None,
        Some("CAS-00002 Invoice twice"),
        None,
    ];
    for (body, title) in bodies.iter().zip(want) {
        let sent = app
            .post(&path, &olga, json!({"body": body}))
            .await
            .expect(201)
            .body;
        let live = bo_events.expect("message.created").await;
        for m in [&sent, &live["message"]] {
            let titles: Vec<Value> = cards(m).iter().map(|c| c["title"].clone()).collect();
            match title {
                Some(t) => assert_eq!(titles, vec![json!(t)], "{body}"),
                None => assert!(titles.is_empty(), "{body}"),
            }
        }
    }
    let page = app.get(&path, &bo).await.expect(200).body;
    let mut items: Vec<Value> = page["items"].as_array().unwrap().clone();
    items.reverse();
    let titles: Vec<Vec<Value>> = items
        .iter()
        .filter(|m| m["kind"] == "text")
        .map(|m| cards(m).iter().map(|c| c["title"].clone()).collect())
        .collect();
    assert_eq!(
        titles,
        vec![
            vec![json!("CAS-00001 Printer jams")],
            vec![],
            vec![json!("CAS-00002 Invoice twice")],
            vec![],
        ]
    );
}
