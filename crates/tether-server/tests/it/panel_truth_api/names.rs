//! What each viewer reads: intro cards (R10), search snippets and mention toasts, transcripts
//! (R26), and the upload limit.

use super::*;

async fn r10_intro_card_is_computed_per_viewer(b: Backend) {
    let w = world(b).await;
    w.settings(json!({"intro_message": {"enabled": true, "fields": ["priority"]}}))
        .await;
    let mut dan_events = w.app.events(&w.dan).await;
    let mut bo_events = w.app.events(&w.bo).await;
    let chat = w
        .app
        .post(
            "/chats",
            &w.olga,
            json!({"member_ids": [w.bo_id, w.dan_id], "record": {"type": "case", "id": w.case_id}, "send_intro": true}),
        )
        .await
        .expect(201)
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let intro_of = |items: &Value| -> Value {
        items["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["kind"] == "intro")
            .cloned()
            .expect("an intro message")
    };
    // A reader of the record sees the card with its fields.
    let bo_intro = intro_of(
        &w.app
            .get(&format!("/chats/{chat}/messages"), &w.bo)
            .await
            .expect(200)
            .body,
    );
    assert!(bo_intro["html"].as_str().unwrap().contains("Printer jams"));
    assert!(bo_intro.to_string().contains("High"));
    // A member who cannot read it sees that a record was introduced, and nothing of it.
    let dan_intro = intro_of(
        &w.app
            .get(&format!("/chats/{chat}/messages"), &w.dan)
            .await
            .expect(200)
            .body,
    );
    let all = dan_intro.to_string();
    assert!(!all.contains("Printer"), "{all}");
    assert!(!all.contains("High"), "{all}");
    assert!(!all.contains("Priority"), "{all}");
    assert!(
        dan_intro["body"]
            .as_str()
            .unwrap()
            .contains("A record was introduced")
    );
    assert_eq!(dan_intro["data"]["card"]["kind"], "link");
    // The same holds for the live events each of them receives.
    let live = |e: &Value| e["message"]["kind"] == "intro";
    let mut dan_live = None;
    for _ in 0..10 {
        let e = dan_events.expect("message.created").await;
        if live(&e) {
            dan_live = Some(e);
            break;
        }
    }
    let dan_live = dan_live.expect("Dan receives the intro live").to_string();
    assert!(!dan_live.contains("Printer") && !dan_live.contains("High"));
    let mut bo_live = None;
    for _ in 0..10 {
        let e = bo_events.expect("message.created").await;
        if live(&e) {
            bo_live = Some(e);
            break;
        }
    }
    assert!(
        bo_live
            .expect("Bo receives the intro live")
            .to_string()
            .contains("Printer jams")
    );
    // Once Dan may read the case (shared with him), he sees the card in full.
    w.app
        .post(
            &format!("{}/shares", w.case()),
            &w.olga,
            json!({"user_id": w.dan_id, "access": "read"}),
        )
        .await
        .expect(201);
    let dan_intro = intro_of(
        &w.app
            .get(&format!("/chats/{chat}/messages"), &w.dan)
            .await
            .expect(200)
            .body,
    );
    assert!(dan_intro["html"].as_str().unwrap().contains("Printer jams"));
}

#[tokio::test]
async fn r10_intro_card_is_computed_per_viewer_sqlite() {
    r10_intro_card_is_computed_per_viewer(Backend::Sqlite).await;
}

#[tokio::test]
async fn r10_intro_card_is_computed_per_viewer_postgres() {
    r10_intro_card_is_computed_per_viewer(Backend::Postgres).await;
}

async fn search_snippets_and_mention_toasts_show_names(b: Backend) {
    let w = world(b).await;
    let chat = w
        .app
        .post(
            "/chats",
            &w.bo,
            json!({"member_ids": [w.eve_id], "name": "Tray"}),
        )
        .await
        .expect(201)
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut eve_events = w.app.events(&w.eve).await;
    w.app
        .post(
            &format!("/chats/{chat}/messages"),
            &w.bo,
            json!({"body": format!("<@{}> the **printer** jams again", w.eve_id)}),
        )
        .await
        .expect(201);
    // The mention toast reads the name, without markdown.
    let toast = eve_events.expect("notification").await;
    assert_eq!(toast["kind"], "mention");
    assert_eq!(toast["text"], "@Eve Ny the printer jams again");
    let hits = w
        .app
        .get("/search?q=printer", &w.eve)
        .await
        .expect(200)
        .body;
    let snippet = hits["items"][0]["snippet"].as_str().unwrap().to_owned();
    assert!(snippet.contains("@Eve Ny"), "{snippet}");
    assert!(!snippet.contains(&w.eve_id), "{snippet}");
    assert!(!snippet.contains("**"), "{snippet}");

    // A long body (its snippet is made away from the request's task) whose match is at the
    // very end: the snippet is cut around the match, in plain text.
    let long = format!(
        "{}and then <@{}> found the *misfeed* at last",
        "A **long** note about the printers. ".repeat(150),
        w.eve_id
    );
    assert!(long.len() > 5_000);
    w.app
        .post(
            &format!("/chats/{chat}/messages"),
            &w.bo,
            json!({"body": long}),
        )
        .await
        .expect(201);
    let hits = w
        .app
        .get("/search?q=misfeed", &w.eve)
        .await
        .expect(200)
        .body;
    let snippet = hits["items"][0]["snippet"].as_str().unwrap().to_owned();
    assert!(snippet.starts_with('…'), "{snippet}");
    assert!(snippet.contains("misfeed"), "{snippet}");
    assert!(snippet.contains("@Eve Ny"), "{snippet}");
    assert!(
        !snippet.contains("**") && !snippet.contains('*'),
        "{snippet}"
    );
}

#[tokio::test]
async fn search_snippets_and_mention_toasts_show_names_sqlite() {
    search_snippets_and_mention_toasts_show_names(Backend::Sqlite).await;
}

#[tokio::test]
async fn search_snippets_and_mention_toasts_show_names_postgres() {
    search_snippets_and_mention_toasts_show_names(Backend::Postgres).await;
}

async fn r26_transcripts_read_names_and_the_savers_time(b: Backend) {
    let w = world(b).await;
    let chat = w
        .app
        .post(
            "/chats",
            &w.bo,
            json!({"member_ids": [w.eve_id], "name": "Tray"}),
        )
        .await
        .expect(201)
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    w.connect(&w.bo, &chat).await;
    w.app
        .post(
            &format!("/chats/{chat}/messages"),
            &w.bo,
            json!({"body": format!("<@{}> **see** tray 2", w.eve_id)}),
        )
        .await
        .expect(201);
    let path = format!("/chats/{chat}/transcript");
    let record = json!({"type": "case", "id": w.case_id});
    // A zone the tz database does not know is refused with a reason.
    w.app
        .post(
            &path,
            &w.bo,
            json!({"record": record, "time_zone": "Mars/Olympus"}),
        )
        .await
        .problem(422, "IANA");
    let note = w
        .app
        .post(
            &path,
            &w.bo,
            json!({"record": record, "time_zone": "Europe/Stockholm"}),
        )
        .await
        .expect(201)
        .body;
    let body = note["body"].as_str().unwrap();
    assert!(body.contains("Bo Lind: @Eve Ny **see** tray 2"), "{body}");
    assert!(!body.contains(&w.eve_id), "{body}");
    // Stockholm is CET or CEST, never UTC.
    assert!(
        body.lines()
            .all(|l| l.contains(" CET] ") || l.contains(" CEST] ")),
        "{body}"
    );
    // Without a zone, UTC.
    let note = w
        .app
        .post(&path, &w.bo, json!({"record": record}))
        .await
        .expect(201)
        .body;
    assert!(
        note["body"]
            .as_str()
            .unwrap()
            .contains(" UTC] Bo Lind: @Eve Ny")
    );
    // Without a zone in the request, the zone the saver chose in their settings.
    w.app
        .patch("/me", &w.bo, json!({"time_zone": "Asia/Tokyo"}))
        .await
        .expect(200);
    let note = w
        .app
        .post(&path, &w.bo, json!({"record": record}))
        .await
        .expect(201)
        .body;
    let body = note["body"].as_str().unwrap();
    assert!(body.contains(" JST] Bo Lind: @Eve Ny"), "{body}");
}

#[tokio::test]
async fn r26_transcripts_read_names_and_the_savers_time_sqlite() {
    r26_transcripts_read_names_and_the_savers_time(Backend::Sqlite).await;
}

#[tokio::test]
async fn r26_transcripts_read_names_and_the_savers_time_postgres() {
    r26_transcripts_read_names_and_the_savers_time(Backend::Postgres).await;
}

/// The upload limit a client checks before sending is the server's own (not a copy).
#[tokio::test]
async fn me_names_the_servers_upload_limit() {
    let app = common::spawn_app_with(Backend::Sqlite, |c| c.max_attachment_bytes = 1234).await;
    let admin = app.admin().await;
    let me = app.get("/me", &admin).await.expect(200).body;
    assert_eq!(me["max_attachment_bytes"], json!(1234));
}
