//! Reactions are single real emoji, bounded per message and rate limited.

use super::*;

both_backends!(
    reactions_are_one_real_emoji,
    a_message_holds_a_bounded_number_of_different_reactions,
    reactions_are_rate_limited,
);

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
