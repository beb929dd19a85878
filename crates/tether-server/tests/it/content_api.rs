//! Hostile content (issue 15): message bodies that would amplify into huge HTML are refused on
//! send and edit alike, edits count against the send limit, reactions are single real emoji,
//! bounded per message and rate limited, and names and passwords cannot hide behind invisible
//! or text-direction characters. Every test runs on both backends.

use crate::common;
use crate::common::{TestApp, spawn_app_with};
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use tether_store::Backend;

both_backends!(
    the_table_bomb_is_refused_on_send_and_edit_and_stores_nothing,
    edits_count_against_the_send_limit,
    reactions_are_one_real_emoji,
    a_message_holds_a_bounded_number_of_different_reactions,
    reactions_are_rate_limited,
    invisible_characters_are_refused_in_names_and_passwords,
);

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

/// The body of issue 15: a 5,000-column header makes each of 1,500 one-word lines a full row
/// (5 MB of HTML and seconds of work per send, before render was bounded).
fn table_bomb() -> String {
    "|a".repeat(5_000) + "\n" + &"|-".repeat(5_000) + "\n" + &"a\n".repeat(1_500)
}

/// A table of 100 columns and 101 rows, every cell written out: one row past the cell limit.
fn big_table() -> String {
    "|a".repeat(100) + "\n" + &"|-".repeat(100) + "\n" + &("|x".repeat(100) + "\n").repeat(100)
}

struct Pair {
    app: TestApp,
    admin: String,
    alice: String,
    bo_id: String,
    bo: String,
    /// Alice and Bo's one-on-one chat.
    chat: String,
}

async fn pair(b: Backend, tweak: impl FnOnce(&mut tether_server::Config)) -> Pair {
    let app = spawn_app_with(b, tweak).await;
    let admin = app.enable_collaboration().await;
    let (_, alice) = app
        .user(&admin, "alice@example.com", "Alice Berg", &["agent"], &[])
        .await;
    let (bo_id, bo) = app
        .user(&admin, "bo@example.com", "Bo Lind", &["agent"], &[])
        .await;
    let chat = id(&app
        .post("/chats", &alice, json!({"member_ids": [bo_id]}))
        .await
        .expect(201)
        .body);
    Pair {
        app,
        admin,
        alice,
        bo_id,
        bo,
        chat,
    }
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

async fn reactions_are_one_real_emoji(b: Backend) {
    let Pair {
        app,
        alice,
        bo_id,
        bo,
        chat,
        ..
    } = pair(b, |_| {}).await;
    let path = format!("/chats/{chat}/messages");
    let sent = app
        .post(&path, &alice, json!({"body": "hello"}))
        .await
        .expect(201)
        .body;
    let reactions = format!("{path}/{}/reactions", id(&sent));
    for bad in [
        "x",
        "\u{202E}",
        "\u{200B}",
        "👍👍",
        "👍x",
        "x👍",
        "👍\u{202E}",
        "🇸",
        "",
        "<script>",
        ":not_a_shortcode:",
    ] {
        app.post(&reactions, &bo, json!({"emoji": bad}))
            .await
            .problem(422, "one emoji");
    }
    let mut seen = Vec::new();
    for (given, stored) in [
        ("👍", "👍"),
        ("👍🏽", "👍🏽"),
        ("👩‍💻", "👩‍💻"),
        ("🧑🏿‍🚒", "🧑🏿‍🚒"),
        ("🇸🇪", "🇸🇪"),
        ("❤", "❤️"),
        ("1️⃣", "1️⃣"),
        (":tada:", "🎉"),
    ] {
        let out = app
            .post(&reactions, &bo, json!({"emoji": given}))
            .await
            .expect(200)
            .body;
        seen.push(stored);
        let emojis: Vec<&str> = out["reactions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["emoji"].as_str().unwrap())
            .collect();
        assert_eq!(emojis, seen, "after {given:?}");
    }
    // ❤ and ❤️ are one reaction.
    let out = app
        .post(&reactions, &alice, json!({"emoji": "❤️"}))
        .await
        .expect(200)
        .body;
    let heart = out["reactions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["emoji"] == "❤️")
        .unwrap()
        .clone();
    assert_eq!(heart["count"], 2);
    let removed = app
        .send(
            reqwest::Method::DELETE,
            &reactions,
            Some(&bo),
            Some(json!({"emoji": "❤"})),
        )
        .await
        .expect(200)
        .body;
    let heart = removed["reactions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["emoji"] == "❤️")
        .unwrap()
        .clone();
    assert_eq!(
        heart["user_ids"],
        json!([id(&app.get("/me", &alice).await.body)])
    );
    assert!(
        !heart["user_ids"]
            .as_array()
            .unwrap()
            .contains(&json!(bo_id))
    );
}

async fn a_message_holds_a_bounded_number_of_different_reactions(b: Backend) {
    let Pair {
        app,
        alice,
        bo,
        chat,
        ..
    } = pair(b, |_| {}).await;
    let path = format!("/chats/{chat}/messages");
    let sent = app
        .post(&path, &alice, json!({"body": "react to me"}))
        .await
        .expect(201)
        .body;
    let reactions = format!("{path}/{}/reactions", id(&sent));
    // Twenty different emoji, from U+1F600 on.
    let emoji: Vec<String> = (0x1F600..0x1F615)
        .map(|c| char::from_u32(c).unwrap().to_string())
        .collect();
    assert_eq!(emoji.len(), 21);
    for e in &emoji[..20] {
        app.post(&reactions, &alice, json!({"emoji": e}))
            .await
            .expect(200);
    }
    app.post(&reactions, &bo, json!({"emoji": emoji[20]}))
        .await
        .problem(409, "20 different reactions");
    // Joining a reaction already there is fine.
    let out = app
        .post(&reactions, &bo, json!({"emoji": emoji[0]}))
        .await
        .expect(200)
        .body;
    assert_eq!(out["reactions"].as_array().unwrap().len(), 20);
    assert_eq!(out["reactions"][0]["count"], 2);
    // Once one is taken back by everyone, a new one fits.
    app.send(
        reqwest::Method::DELETE,
        &reactions,
        Some(&alice),
        Some(json!({"emoji": emoji[19]})),
    )
    .await
    .expect(200);
    let out = app
        .post(&reactions, &bo, json!({"emoji": emoji[20]}))
        .await
        .expect(200)
        .body;
    assert_eq!(out["reactions"].as_array().unwrap().len(), 20);
}

async fn reactions_are_rate_limited(b: Backend) {
    let Pair {
        app,
        alice,
        bo,
        chat,
        ..
    } = pair(b, |c| c.limits.reactions = 3).await;
    let path = format!("/chats/{chat}/messages");
    let sent = app
        .post(&path, &alice, json!({"body": "react to me"}))
        .await
        .expect(201)
        .body;
    let reactions = format!("{path}/{}/reactions", id(&sent));
    app.post(&reactions, &bo, json!({"emoji": "👍"}))
        .await
        .expect(200);
    app.send(
        reqwest::Method::DELETE,
        &reactions,
        Some(&bo),
        Some(json!({"emoji": "👍"})),
    )
    .await
    .expect(200);
    app.post(&reactions, &bo, json!({"emoji": "🎉"}))
        .await
        .expect(200);
    let refused = app
        .post(&reactions, &bo, json!({"emoji": "👀"}))
        .await
        .problem(429, "limit of 3 reactions a minute");
    assert!(refused.headers.contains_key("retry-after"));
    let out = app
        .post(&reactions, &alice, json!({"emoji": "👀"}))
        .await
        .expect(200)
        .body;
    assert_eq!(
        out["reactions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["emoji"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["🎉", "👀"],
        "Bo's refused reaction was not stored; Alice has her own count"
    );
}

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
