//! What arrives: one e-mail per person for everything they missed, grouped by chat with each
//! chat's link, in their language, as plain text and HTML; and an e-mail that could not be
//! sent at first arrives once the SMTP server is back, exactly once.

use super::{SmtpServer, email_to, free_port, group, people, say};
use crate::common::spawn_app_with;
use serde_json::json;
use std::time::Duration;
use tether_store::Backend;

both_backends!(
    i19_what_a_person_missed_comes_as_one_email_with_each_chats_link,
    i19_an_email_the_smtp_server_could_not_take_is_retried_and_arrives_once,
);

async fn i19_what_a_person_missed_comes_as_one_email_with_each_chats_link(b: Backend) {
    let smtp = SmtpServer::start();
    // Long enough for the test to write everything before the first e-mail is due, even on a
    // busy machine.
    let app = spawn_app_with(b, email_to(smtp.port, Duration::from_secs(5))).await;
    let p = people(&app).await;
    app.patch("/me", &p.cy.token, json!({"locale": "sv"}))
        .await
        .expect(200);
    let printer = group(&app, &p.anna, "Printer jams", &[&p.bo, &p.cy]).await;
    let escalation = group(&app, &p.anna, "Escalation", &[&p.bo]).await;
    say(
        &app,
        &p.anna,
        &printer,
        &format!("Can you look, <@{}>?", p.bo.id),
        "normal",
    )
    .await;
    say(&app, &p.anna, &printer, "The server is **down**!", "urgent").await;
    say(
        &app,
        &p.anna,
        &escalation,
        &format!("<@{}> see <b>this</b> & that", p.bo.id),
        "normal",
    )
    .await;

    let bo = smtp.wait_for(&p.bo.email, 1, Duration::from_secs(20)).await;
    let cy = smtp.wait_for(&p.cy.email, 1, Duration::from_secs(20)).await;
    // Another few rounds: still one e-mail each.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(smtp.mails_to(&p.bo.email).len(), 1, "{:?}", smtp.mails());
    assert_eq!(smtp.mails_to(&p.cy.email).len(), 1, "{:?}", smtp.mails());
    assert!(
        smtp.mails_to(&p.anna.email).is_empty(),
        "nothing for what one wrote oneself"
    );

    let mail = &bo[0];
    assert_eq!(mail["multipart"], "multipart/alternative");
    assert_eq!(mail["auto_submitted"], "auto-generated");
    assert!(mail["message_id"].as_str().unwrap().contains('@'), "{mail}");
    assert!(
        mail["from"]
            .as_str()
            .unwrap()
            .contains("tether@example.com")
    );
    assert!(mail["to"].as_str().unwrap().contains("Bo Lind"));
    let subject = mail["subject"].as_str().unwrap();
    assert!(subject.contains("what you missed"), "{subject}");
    assert!(subject.contains("urgent"), "{subject}");
    let text = mail["text"].as_str().unwrap();
    let html = mail["html"].as_str().unwrap();
    for chat in [&printer, &escalation] {
        let link = format!("{}/chats/{chat}", app.base);
        assert!(text.contains(&link), "{link} in {text}");
        assert!(
            html.contains(&format!("href=\"{link}\"")),
            "{link} in {html}"
        );
    }
    assert!(
        text.contains("Printer jams") && text.contains("Escalation"),
        "{text}"
    );
    assert!(text.contains("Anna Berg mentioned you"), "{text}");
    assert!(
        text.contains("Can you look, @Bo Lind?"),
        "mentions by name: {text}"
    );
    assert!(text.contains("Urgent message from Anna Berg"), "{text}");
    assert!(text.contains("Anna Berg added you to this chat"), "{text}");
    // The urgent chat first.
    assert!(
        text.find("Printer jams") < text.find("Escalation"),
        "{text}"
    );
    // The HTML part escapes what people wrote.
    assert!(!html.contains("<b>this</b>"), "{html}");
    assert!(html.contains("&#60;b&#62;this"), "{html}");

    // Cy chose Swedish, and gets nothing of the chat she is not in (R2).
    let mail = &cy[0];
    let subject = mail["subject"].as_str().unwrap();
    assert!(subject.contains("det här har du missat"), "{subject}");
    let text = mail["text"].as_str().unwrap();
    assert!(
        text.contains(&format!("{}/chats/{printer}", app.base)),
        "{text}"
    );
    assert!(
        !text.contains(&escalation) && !text.contains("Escalation"),
        "{text}"
    );
    assert!(
        text.contains("Brådskande meddelande från Anna Berg"),
        "{text}"
    );
}

async fn i19_an_email_the_smtp_server_could_not_take_is_retried_and_arrives_once(b: Backend) {
    let port = free_port();
    let mut app = spawn_app_with(b, email_to(port, Duration::from_millis(500))).await;
    let p = people(&app).await;
    let chat = group(&app, &p.anna, "Outage", &[&p.bo]).await;
    say(
        &app,
        &p.anna,
        &chat,
        &format!("<@{}> are you there?", p.bo.id),
        "normal",
    )
    .await;

    // No SMTP server yet: the e-mail fails, and waits for its next attempt.
    let started = std::time::Instant::now();
    loop {
        let backlog = app.store.digest_backlog().await.unwrap();
        if backlog
            .iter()
            .any(|(u, _, attempts)| *u == p.bo.id && *attempts >= 2)
        {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "two failed attempts recorded: {backlog:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // The server restarts meanwhile (the waiting e-mail is in the database), then the SMTP
    // server comes up.
    app.stop_server().await;
    app.start_server(email_to(port, Duration::from_millis(500)))
        .await;
    let smtp = SmtpServer::start_on(port);
    let got = smtp.wait_for(&p.bo.email, 1, Duration::from_secs(20)).await;
    assert!(
        got[0]["text"]
            .as_str()
            .unwrap()
            .contains(&format!("/chats/{chat}"))
    );
    tokio::time::sleep(Duration::from_millis(2000)).await;
    assert_eq!(
        smtp.mails_to(&p.bo.email).len(),
        1,
        "delivered once: {:?}",
        smtp.mails()
    );
    assert!(app.store.digest_backlog().await.unwrap().is_empty());
}
