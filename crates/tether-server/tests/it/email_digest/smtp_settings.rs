//! The SMTP settings against real servers: credentials are sent and a server that requires
//! them takes the e-mail (a wrong password gets nothing through, and the e-mail waits for a
//! retry); `starttls` sends nothing, credentials included, to a server that cannot upgrade;
//! STARTTLS to a server whose certificate a private CA signed works with that CA's file and
//! sends nothing without it.

use super::{SmtpServer, email_to, group, people, say, test_ca_file};
use crate::common::spawn_app_with;
use std::time::{Duration, Instant};
use tether_server::Config;
use tether_server::app::digest::{SmtpPassword, SmtpTls};
use tether_store::Backend;

fn with_login(port: u16, user: &str, password: &str, tls: SmtpTls) -> impl FnOnce(&mut Config) {
    let (user, password) = (user.to_owned(), password.to_owned());
    move |c: &mut Config| {
        email_to(port, Duration::from_millis(300))(c);
        if let Some(smtp) = c.email.smtp.as_mut() {
            smtp.tls = tls;
            smtp.username = Some(user);
            smtp.password = Some(SmtpPassword::new(password));
        }
    }
}

/// Sends Bo something to miss; answers his address.
async fn bo_misses_something(app: &crate::common::TestApp) -> (String, String) {
    let p = people(app).await;
    let chat = group(app, &p.anna, "Login", &[&p.bo]).await;
    say(app, &p.anna, &chat, &format!("<@{}> hi", p.bo.id), "normal").await;
    (p.bo.id.clone(), p.bo.email.clone())
}

/// Waits until Bo's e-mail has failed at least once.
async fn failed_once(app: &crate::common::TestApp, bo: &str) {
    let started = Instant::now();
    loop {
        let backlog = app.store.digest_backlog().await.unwrap();
        if backlog
            .iter()
            .any(|(u, _, attempts)| u == bo && *attempts >= 1)
        {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "a failed attempt recorded: {backlog:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn i19_the_smtp_credentials_are_sent_and_a_wrong_password_gets_nothing_through() {
    let smtp = SmtpServer::start_with_login("tether", "right-password");
    let app = spawn_app_with(
        Backend::Sqlite,
        with_login(smtp.port, "tether", "right-password", SmtpTls::None),
    )
    .await;
    let (_, bo) = bo_misses_something(&app).await;
    smtp.wait_for(&bo, 1, Duration::from_secs(20)).await;

    let wrong = SmtpServer::start_with_login("tether", "right-password");
    let app = spawn_app_with(
        Backend::Sqlite,
        with_login(wrong.port, "tether", "wrong-password", SmtpTls::None),
    )
    .await;
    let (bo_id, _) = bo_misses_something(&app).await;
    failed_once(&app, &bo_id).await;
    assert!(wrong.mails().is_empty());
}

#[tokio::test]
async fn i19_starttls_sends_nothing_to_a_server_that_cannot_upgrade() {
    // aiosmtpd without a certificate offers no STARTTLS.
    let smtp = SmtpServer::start();
    let app = spawn_app_with(
        Backend::Sqlite,
        with_login(smtp.port, "tether", "secret", SmtpTls::StartTls),
    )
    .await;
    let (bo_id, _) = bo_misses_something(&app).await;
    failed_once(&app, &bo_id).await;
    assert!(smtp.mails().is_empty(), "nothing in plain text");
}

#[tokio::test]
async fn i19_starttls_delivers_to_a_server_signed_by_the_ca_file_and_nothing_without_it() {
    let smtp = SmtpServer::start_with_starttls();
    let trusting = |ca: bool| {
        let port = smtp.port;
        move |c: &mut Config| {
            with_login(port, "tether", "secret", SmtpTls::StartTls)(c);
            if let Some(s) = c.email.smtp.as_mut() {
                // aiosmtpd's Mailbox takes any login once the connection is encrypted.
                s.username = None;
                s.password = None;
                s.ca_file = ca.then(test_ca_file);
            }
        }
    };
    let app = spawn_app_with(Backend::Sqlite, trusting(true)).await;
    let (_, bo) = bo_misses_something(&app).await;
    let got = smtp.wait_for(&bo, 1, Duration::from_secs(20)).await;
    assert_eq!(got.len(), 1);

    // The system's roots alone do not know the test CA: the certificate is refused, nothing
    // is sent, and the e-mail waits for a retry.
    let other = spawn_app_with(Backend::Sqlite, trusting(false)).await;
    let (bo_id, bo_address) = bo_misses_something(&other).await;
    failed_once(&other, &bo_id).await;
    let errors = other.store.digest_backlog().await.unwrap();
    assert!(errors.iter().any(|(u, _, _)| u == &bo_id), "{errors:?}");
    assert_eq!(smtp.mails_to(&bo_address).len(), 1, "only the first app's");
}
