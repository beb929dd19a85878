//! Who gets nothing: a person who read in time, one who opted out (`PATCH /me
//! {email_digest: false}`), a deactivated one, everyone while collaboration is off (R1), and —
//! R2 — a person removed from a chat before the e-mail went gets nothing of that chat.

use super::{SmtpServer, email_to, group, people, say};
use crate::common::spawn_app_with;
use reqwest::Method;
use serde_json::json;
use std::time::Duration;
use tether_store::Backend;

both_backends!(
    i19_nothing_is_emailed_for_what_was_read_in_time_nor_to_opted_out_or_deactivated_people,
    r2_i19_a_person_removed_from_a_chat_before_the_email_gets_nothing_of_it,
    r1_i19_nothing_is_emailed_while_collaboration_is_off,
);

async fn i19_nothing_is_emailed_for_what_was_read_in_time_nor_to_opted_out_or_deactivated_people(
    b: Backend,
) {
    let smtp = SmtpServer::start();
    let app = spawn_app_with(b, email_to(smtp.port, Duration::from_secs(2))).await;
    let p = people(&app).await;

    let me = app.get("/me", &p.cy.token).await.expect(200).body;
    assert_eq!(
        (me["email_digest"].clone(), me["email_available"].clone()),
        (json!(true), json!(true))
    );
    let off = app
        .patch("/me", &p.cy.token, json!({"email_digest": false}))
        .await
        .expect(200)
        .body;
    assert_eq!(off["email_digest"], false);
    assert_eq!(
        app.get("/me", &p.cy.token).await.expect(200).body["email_digest"],
        false
    );
    app.patch("/me", &p.cy.token, json!({"email_digest": "no"}))
        .await
        .expect(422);

    let team = group(&app, &p.anna, "Team", &[&p.bo, &p.cy, &p.dee]).await;
    let m = say(
        &app,
        &p.anna,
        &team,
        &format!("<@{}> <@{}> <@{}> now!", p.bo.id, p.cy.id, p.dee.id),
        "urgent",
    )
    .await;
    // Dee is deactivated before the delay is up.
    app.patch(
        &format!("/users/{}", p.dee.id),
        &p.admin,
        json!({"active": false}),
    )
    .await
    .expect(200);
    // Bo reads it before the delay is up.
    app.post(
        &format!("/chats/{team}/read"),
        &p.bo.token,
        json!({"message_id": m["id"]}),
    )
    .await
    .expect(200);

    // What does arrive (Anna is mentioned elsewhere) shows the digest is running.
    let control = group(&app, &p.bo, "Control", &[&p.anna]).await;
    say(
        &app,
        &p.bo,
        &control,
        &format!("<@{}> ok?", p.anna.id),
        "normal",
    )
    .await;
    let anna = smtp
        .wait_for(&p.anna.email, 1, Duration::from_secs(20))
        .await;
    assert!(
        !anna[0]["text"].as_str().unwrap().contains(&team),
        "nothing of what she wrote herself"
    );
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let all = smtp.mails();
    assert!(
        all.iter()
            .all(|m| m["to"].as_str().unwrap().contains(&p.anna.email)),
        "only Anna's: {all:?}"
    );
}

async fn r2_i19_a_person_removed_from_a_chat_before_the_email_gets_nothing_of_it(b: Backend) {
    let smtp = SmtpServer::start();
    let app = spawn_app_with(b, email_to(smtp.port, Duration::from_secs(2))).await;
    let p = people(&app).await;
    let secret = group(&app, &p.anna, "Secret plans", &[&p.bo, &p.cy]).await;
    let open = group(&app, &p.anna, "Open chat", &[&p.bo]).await;
    say(
        &app,
        &p.anna,
        &secret,
        &format!("top secret for <@{}> and <@{}>", p.bo.id, p.cy.id),
        "urgent",
    )
    .await;
    say(
        &app,
        &p.anna,
        &open,
        &format!("hi <@{}>", p.bo.id),
        "normal",
    )
    .await;
    for who in [&p.bo, &p.cy] {
        app.send(
            Method::DELETE,
            &format!("/chats/{secret}/members/{}", who.id),
            Some(&p.anna.token),
            None,
        )
        .await
        .expect(204);
    }

    smtp.wait_for(&p.bo.email, 1, Duration::from_secs(20)).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let all = smtp.mails();
    assert!(
        all.iter()
            .all(|m| m["to"].as_str().unwrap().contains(&p.bo.email)),
        "Cy was in no other chat: no e-mail; {all:?}"
    );
    assert!(all.iter().any(|m| {
        m["text"]
            .as_str()
            .unwrap()
            .contains(&format!("/chats/{open}"))
    }));
    for mail in &all {
        assert!(!mail["subject"].as_str().unwrap().contains("urgent"));
        for part in [&mail["text"], &mail["html"]] {
            let part = part.as_str().unwrap();
            assert!(!part.contains(&secret), "{part}");
            assert!(!part.contains("Secret plans"), "{part}");
            assert!(!part.contains("top secret"), "{part}");
        }
    }
}

async fn r1_i19_nothing_is_emailed_while_collaboration_is_off(b: Backend) {
    let smtp = SmtpServer::start();
    let app = spawn_app_with(b, email_to(smtp.port, Duration::from_secs(1))).await;
    let p = people(&app).await;
    let chat = group(&app, &p.anna, "Quiet", &[&p.bo]).await;
    say(
        &app,
        &p.anna,
        &chat,
        &format!("<@{}> secret", p.bo.id),
        "urgent",
    )
    .await;
    app.put(
        "/settings",
        &p.admin,
        json!({"collaboration_enabled": false}),
    )
    .await
    .expect(200);
    // Bo's e-mail comes due and is dropped, not sent.
    let started = std::time::Instant::now();
    loop {
        if app.store.digest_backlog().await.unwrap().is_empty()
            && started.elapsed() > Duration::from_millis(1500)
        {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(20));
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(smtp.mails().is_empty(), "{:?}", smtp.mails());
}
