//! Bodies that would amplify into huge HTML are refused on send and edit; edits count against
//! the send limit.

use super::*;

both_backends!(
    the_table_bomb_is_refused_on_send_and_edit_and_stores_nothing,
    edits_count_against_the_send_limit,
);

/// The body of issue 15: a 5,000-column header makes each of 1,500 one-word lines a full row
/// (5 MB of HTML and seconds of work per send, before render was bounded).
fn table_bomb() -> String {
    "|a".repeat(5_000) + "\n" + &"|-".repeat(5_000) + "\n" + &"a\n".repeat(1_500)
}

/// A table of 100 columns and 101 rows, every cell written out: one row past the cell limit.
fn big_table() -> String {
    "|a".repeat(100) + "\n" + &"|-".repeat(100) + "\n" + &("|x".repeat(100) + "\n").repeat(100)
}

async fn bodies(app: &TestApp, path: &str, token: &str) -> Vec<String> {
    app.get(path, token).await.expect(200).body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["body"].as_str().unwrap().to_owned())
        .collect()
}

async fn the_table_bomb_is_refused_on_send_and_edit_and_stores_nothing(b: Backend) {
    let Pair {
        app,
        admin,
        alice,
        bo,
        chat,
        ..
    } = pair(b, |_| {}).await;
    let path = format!("/chats/{chat}/messages");
    let bomb = table_bomb();
    assert_eq!(bomb.len(), 23_002);

    let started = Instant::now();
    app.post(&path, &alice, json!({"body": bomb}))
        .await
        .problem(422, "too complex to display");
    // An unoptimised server on a busy machine; the full render took 3 to 4 s here.
    let took = started.elapsed();
    assert!(took < Duration::from_secs(2), "refusing took {took:?}");
    app.post(&path, &alice, json!({"body": big_table()}))
        .await
        .problem(422, "the limit is 10000 table cells");

    // An edit is checked exactly as a send.
    let sent = app
        .post(
            &path,
            &alice,
            json!({"body": "| a | b |\n|---|---|\n| 1 | 2 |"}),
        )
        .await
        .expect(201)
        .body;
    let edit = format!("{path}/{}", id(&sent));
    let started = Instant::now();
    app.patch(&edit, &alice, json!({"body": bomb}))
        .await
        .problem(422, "too complex to display");
    assert!(started.elapsed() < Duration::from_secs(2));
    app.patch(&edit, &alice, json!({"body": big_table()}))
        .await
        .problem(422, "10000 table cells");
    assert_eq!(
        bodies(&app, &path, &bo).await,
        ["| a | b |\n|---|---|\n| 1 | 2 |"],
        "nothing of the refused bodies was stored"
    );
    let edited = app
        .patch(&edit, &alice, json!({"body": "**fine**"}))
        .await
        .expect(200)
        .body;
    assert_eq!(edited["html"], "<p><strong>fine</strong></p>\n");

    // Channels send through the same path.
    let team = id(&app
        .post("/teams", &admin, json!({"name": "Support"}))
        .await
        .expect(201)
        .body);
    let me = app.get("/me", &alice).await.expect(200).body;
    app.post(
        &format!("/teams/{team}/members"),
        &admin,
        json!({"user_ids": [id(&me)]}),
    )
    .await;
    let channel = id(&app
        .post(
            &format!("/teams/{team}/channels"),
            &alice,
            json!({"name": "general"}),
        )
        .await
        .expect(201)
        .body);
    app.post(
        &format!("/channels/{channel}/messages"),
        &alice,
        json!({"body": bomb}),
    )
    .await
    .problem(422, "too complex to display");
}

async fn edits_count_against_the_send_limit(b: Backend) {
    let Pair {
        app,
        alice,
        bo,
        chat,
        ..
    } = pair(b, |c| c.limits.sends = 5).await;
    let path = format!("/chats/{chat}/messages");
    let sent = app
        .post(&path, &alice, json!({"body": "draft 0"}))
        .await
        .expect(201)
        .body;
    let edit = format!("{path}/{}", id(&sent));
    for i in 1..5 {
        app.patch(&edit, &alice, json!({"body": format!("draft {i}")}))
            .await
            .expect(200);
    }
    // One send and four edits: the fifth edit is the sixth message written this minute.
    let refused = app
        .patch(&edit, &alice, json!({"body": "draft 5"}))
        .await
        .problem(429, "limit of 5 messages a minute");
    let retry: u64 = refused.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry), "Retry-After {retry}");
    assert_eq!(bodies(&app, &path, &bo).await, ["draft 4"]);
    // Sends and edits share the count.
    app.post(&path, &alice, json!({"body": "new"}))
        .await
        .problem(429, "messages");
    app.post(&path, &bo, json!({"body": "Bo still sends"}))
        .await
        .expect(201);
}
