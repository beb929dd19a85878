//! Several nodes: two servers over one PostgreSQL database run the digest task side by side;
//! each person still gets one e-mail for what they missed, wave after wave.

use super::{SmtpServer, email_to, group, people, say};
use crate::common::spawn_app_with;
use std::time::Duration;
use tether_server::{AppState, Config};
use tether_store::Backend;
use tokio::sync::oneshot;

#[tokio::test]
async fn i19_two_nodes_send_each_persons_email_once() {
    let smtp = SmtpServer::start();
    let delay = Duration::from_secs(3);
    let app = spawn_app_with(Backend::Postgres, email_to(smtp.port, delay)).await;
    // A second node on the same database, with the same settings.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let dir = crate::common::fresh_data_dir();
    let mut config = Config::new(base, dir.clone());
    email_to(smtp.port, delay)(&mut config);
    let state = AppState::new(app.store.clone(), config).unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let second = tokio::spawn(tether_server::serve(listener, state, async move {
        let _ = stopped.await;
    }));

    let p = people(&app).await;
    let chat = group(&app, &p.anna, "Busy", &[&p.bo, &p.cy, &p.dee]).await;
    for wave in 1..=2 {
        for who in [&p.bo, &p.cy, &p.dee] {
            say(
                &app,
                &p.anna,
                &chat,
                &format!("<@{}> wave {wave}", who.id),
                "normal",
            )
            .await;
        }
        say(
            &app,
            &p.anna,
            &chat,
            &format!("all hands, wave {wave}"),
            "urgent",
        )
        .await;
        for who in [&p.bo, &p.cy, &p.dee] {
            smtp.wait_for(&who.email, wave, Duration::from_secs(20))
                .await;
        }
        // Several more rounds of both nodes.
        tokio::time::sleep(Duration::from_millis(1500)).await;
        for who in [&p.bo, &p.cy, &p.dee] {
            let got = smtp.mails_to(&who.email);
            assert_eq!(got.len(), wave, "{}: {got:?}", who.email);
            let text = got
                .iter()
                .map(|m| m["text"].as_str().unwrap().to_owned())
                .find(|t| t.contains(&format!("wave {wave}")))
                .expect("this wave's e-mail");
            assert!(text.contains(&format!("all hands, wave {wave}")), "{text}");
        }
    }
    assert!(smtp.mails_to(&p.anna.email).is_empty());
    let _ = stop.send(());
    let _ = second.await;
    let _ = std::fs::remove_dir_all(dir);
}
