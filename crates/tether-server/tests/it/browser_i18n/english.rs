//! In English, the page says what the server says.

use super::*;

/// In English the page writes every kind of system message from its stored facts (system.js)
/// exactly as the server's English text says it, and the panel says why a colleague is
/// suggested from the reason codes (panel.js) as the server's English reasons do: chats that
/// were started, started from a case, renamed, grew and lost members, were connected to a
/// second case, joined from it, saw field changes and a hand-over, and were disconnected.
#[tokio::test]
async fn in_english_the_page_says_what_the_server_says() {
    let app = spawn_app(Backend::Sqlite).await;
    let admin = app.enable_collaboration().await;
    // Olga and Lars share a team, so Lars may write (and join the chats of) Olga's cases.
    let team = app
        .post("/teams", &admin, json!({"name": "Support"}))
        .await
        .expect(201)
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (olga_id, olga) = app
        .user(
            &admin,
            "olga@example.com",
            "Olga Berg",
            &["agent"],
            &[&team],
        )
        .await;
    let (per_id, per) = app
        .user(&admin, "per@example.com", "Per Lind", &["agent"], &[])
        .await;
    let (lars_id, lars) = app
        .user(
            &admin,
            "lars@example.com",
            "Lars Hansen",
            &["agent"],
            &[&team],
        )
        .await;
    // Per owned the printer case and logged a call on it before it went to Olga.
    let case = |title: &str, owner: &str| json!({"fields": {"title": title, "priority": "high"}, "owner": {"user_id": owner}});
    let printer = app
        .post("/records/case", &admin, case("Printer in Malmö", &per_id))
        .await
        .expect(201)
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let scanner = app
        .post("/records/case", &admin, case("Scanner in Lund", &olga_id))
        .await
        .expect(201)
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.post(
        &format!("/records/case/{printer}/activities"),
        &per,
        json!({"kind": "phone_call", "subject": "Called the customer"}),
    )
    .await
    .expect(201);
    app.patch(
        &format!("/records/case/{printer}"),
        &admin,
        json!({"owner": {"user_id": olga_id}}),
    )
    .await
    .expect(200);

    app.put(
        "/record-types/case/settings",
        &admin,
        json!({"hand_over_chats": true}),
    )
    .await
    .expect(200);

    // Every kind of system message: a group chat started in the chat app, and a connected one.
    let group = app
        .post(
            "/chats",
            &olga,
            json!({"member_ids": [per_id, lars_id], "name": "Coffee"}),
        )
        .await
        .expect(201)
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let chat = app
        .post(
            "/chats",
            &olga,
            json!({"member_ids": [per_id], "name": "Printers", "record": {"type": "case", "id": printer}}),
        )
        .await
        .expect(201)
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let chat_path = format!("/chats/{chat}");
    app.patch(&chat_path, &olga, json!({"name": "Printer group"}))
        .await
        .expect(200);
    let add = |history: Value| json!({"user_ids": [lars_id], "history": history});
    app.post(&format!("{chat_path}/members"), &olga, add(json!("none")))
        .await
        .expect(200);
    app.send(
        reqwest::Method::DELETE,
        &format!("{chat_path}/members/{lars_id}"),
        Some(&lars),
        None,
    )
    .await
    .expect(204);
    app.post(
        &format!("/records/case/{scanner}/chats"),
        &olga,
        json!({"chat_id": chat}),
    )
    .await
    .expect(200);
    app.post(
        &format!("{chat_path}/join"),
        &lars,
        json!({"record": {"type": "case", "id": scanner}}),
    )
    .await
    .expect(200);
    app.send(
        reqwest::Method::DELETE,
        &format!("{chat_path}/members/{lars_id}"),
        Some(&olga),
        None,
    )
    .await
    .expect(204);
    app.patch(
        &format!("/records/case/{printer}"),
        &admin,
        json!({"fields": {"priority": "low"}, "state": "resolved"}),
    )
    .await
    .expect(200);
    app.patch(
        &format!("/records/case/{printer}"),
        &admin,
        json!({"owner": {"user_id": lars_id}}),
    )
    .await
    .expect(200);
    app.send(
        reqwest::Method::DELETE,
        &format!("/records/case/{scanner}/chats/{chat}"),
        Some(&olga),
        None,
    )
    .await
    .expect(204);
    let mut server = Vec::new();
    for id in [&group, &chat] {
        let messages = app
            .get(&format!("/chats/{id}/messages?limit=100"), &olga)
            .await
            .expect(200)
            .body;
        let mut said: Vec<(String, String)> = messages["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["kind"] == "system")
            .map(|m| {
                (
                    m["data"]["event"].as_str().unwrap_or_default().to_owned(),
                    m["body"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect();
        said.reverse();
        server.push(said);
    }
    let all = server.concat();
    let events: Vec<&str> = all.iter().map(|(e, _)| e.as_str()).collect();
    for event in [
        "chat.created",
        "connection.added",
        "chat.renamed",
        "member.added",
        "member.left",
        "member.joined",
        "member.removed",
        "record.field_changed",
        "connection.removed",
    ] {
        assert!(events.contains(&event), "no {event} among {events:?}");
    }
    assert!(
        all.iter().any(|(_, body)| body.contains(" reassigned ")),
        "no hand-over among {all:?}"
    );

    let driver = Driver::start().await;
    let b = driver.browser().await;
    b.accept_language("en-GB,en;q=0.9").await;
    sign_in(&b, &app.base, "olga@example.com").await;
    for (id, said) in [&group, &chat].into_iter().zip(&server) {
        b.goto(&format!("{}/chats/{id}", app.base)).await;
        b.wait_text(
            ".chat:not([hidden]) .msg-system .sys-text",
            &said[said.len() - 1].1,
        )
        .await;
        let shown = b
            .js(
                "return [...document.querySelectorAll('.chat:not([hidden]) .msg-system .sys-text')].map((x) => x.textContent)",
                vec![],
            )
            .await;
        let said: Vec<&str> = said.iter().map(|(_, body)| body.as_str()).collect();
        assert_eq!(shown, json!(said));
    }

    // Why Per is suggested to Lars, who now owns the printer case that Per owned and logged a
    // call on: the page's English words are the server's.
    let suggested = app
        .get(
            &format!("/records/case/{printer}/suggested-contacts"),
            &lars,
        )
        .await
        .expect(200)
        .body;
    let per_reasons: Vec<Value> = suggested["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["user"]["id"] == per_id.as_str())
        .and_then(|s| s["reasons"].as_array().cloned())
        .unwrap_or_default();
    assert!(per_reasons.len() >= 2, "{suggested}");
    let lars_browser = driver.browser().await;
    lars_browser.accept_language("en-GB,en;q=0.9").await;
    sign_in(&lars_browser, &app.base, "lars@example.com").await;
    lars_browser
        .js(
            "localStorage.setItem('tether.tour.panel.' + document.body.dataset.userId, 'done')",
            vec![],
        )
        .await;
    lars_browser
        .goto(&format!("{}/records/case/{printer}", app.base))
        .await;
    let css = format!("#section-suggested .suggestion[data-user-id='{per_id}'] .reasons li");
    lars_browser
        .wait_text(&css, per_reasons[0].as_str().unwrap())
        .await;
    assert_eq!(
        reason_texts(&lars_browser, &css).await,
        json!(per_reasons),
        "the page's reasons against the server's"
    );

    let defects = [
        b.console_defects().await,
        lars_browser.console_defects().await,
    ]
    .concat();
    if !defects.is_empty() {
        b.screenshot(&screenshot_path("i18n-english")).await;
    }
    assert_eq!(defects, Vec::<String>::new());
}
