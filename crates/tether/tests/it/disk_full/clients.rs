//! The clients of the test: eight senders retrying until each message gets its 201, and the
//! other writes (sign-ins, teams, uploads) tried while the disk is full, with their answers.

use super::{AFTER_FREE, WAIT};
use crate::support::{PASSWORD, Server, User, http};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;
use tokio::time::Instant;

/// What the clients share with the test.
#[derive(Default)]
pub(super) struct Shared {
    pub(super) acked: AtomicUsize,
    pub(super) refused: AtomicUsize,
    /// Set once the disk is free again: from then on each client counts its acknowledgements.
    pub(super) freed: AtomicBool,
    /// Clients that got [`AFTER_FREE`] acknowledgements after the disk was freed.
    pub(super) done_after_free: AtomicUsize,
}

/// A message a client got a 201 for.
#[derive(Clone, Debug)]
pub(super) struct Acked {
    pub(super) body: String,
    pub(super) id: String,
}

/// What a client saw.
pub(super) struct Report {
    pub(super) acked: Vec<Acked>,
    /// Answers other than 201, 503 and 507, or 5xx answers that are no proper refusal.
    pub(super) wrong: Vec<String>,
}

/// Checks a refusal: a problem document with a `Retry-After`. Returns what is wrong with it.
async fn check_refusal(what: &str, res: reqwest::Response) -> Option<String> {
    let status = res.status().as_u16();
    let retry_after = res.headers().get("retry-after").cloned();
    let content_type = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let body = res.text().await.unwrap_or_default();
    if status != 503 && status != 507 {
        return Some(format!("{what}: {status} {body}"));
    }
    if retry_after.is_none() || content_type != "application/problem+json" {
        return Some(format!(
            "{what}: {status} without Retry-After or problem document ({content_type}): {body}"
        ));
    }
    None
}

/// Sends `s{sender}-{n}` for n = 0, 1, …, each until a 201 comes back, with its body as
/// Idempotency-Key; stops once the disk was freed and [`AFTER_FREE`] more were acknowledged.
pub(super) async fn client(
    sender: usize,
    who: User,
    addr: String,
    chat: String,
    shared: Arc<Shared>,
) -> Report {
    let http = http();
    let mut acked = Vec::new();
    let mut wrong = Vec::new();
    let mut after_free = 0;
    let mut n = 0;
    let give_up = Instant::now() + 3 * WAIT;
    while after_free < AFTER_FREE {
        let body = format!("s{sender}-{n}");
        loop {
            assert!(
                Instant::now() < give_up,
                "client {sender} gave up on {body}"
            );
            let freed_before = shared.freed.load(Ordering::SeqCst);
            let res = http
                .post(format!("http://{addr}/api/v1/chats/{chat}/messages"))
                .bearer_auth(&who.token)
                .header("Idempotency-Key", &body)
                .json(&json!({ "body": body }))
                .send()
                .await;
            match res {
                Ok(res) if res.status() == 201 => {
                    let m: Value = res.json().await.unwrap();
                    assert_eq!(m["body"], json!(body));
                    acked.push(Acked {
                        body: body.clone(),
                        id: m["id"].as_str().unwrap().to_owned(),
                    });
                    shared.acked.fetch_add(1, Ordering::SeqCst);
                    if freed_before {
                        after_free += 1;
                    }
                    break;
                }
                Ok(res) => {
                    if let Some(w) = check_refusal(&body, res).await {
                        wrong.push(w);
                    }
                    shared.refused.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                Err(e) => {
                    wrong.push(format!("{body}: no answer: {e}"));
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        }
        n += 1;
    }
    shared.done_after_free.fetch_add(1, Ordering::SeqCst);
    Report { acked, wrong }
}

/// `/healthz`: its status and body.
pub(super) async fn health(server: &Server) -> (u16, Value) {
    let res = http()
        .get(format!("http://{}/healthz", server.addr))
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// Waits until `cond` holds, failing with `what` after [`WAIT`].
pub(super) async fn wait_until(what: &str, server: &mut Server, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + WAIT;
    while !cond() {
        assert!(Instant::now() < deadline, "{what}: not within {WAIT:?}");
        server.assert_running();
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Writes made while the disk was full, besides messages, and how they were answered.
#[derive(Default)]
pub(super) struct OtherWrites {
    /// Teams whose creation got 201 (name), and those refused.
    pub(super) teams_created: Vec<String>,
    pub(super) teams_refused: Vec<String>,
    /// Tokens of sign-ins that got 200.
    pub(super) sign_ins: Vec<String>,
    pub(super) sign_ins_refused: usize,
    /// Uploads that got 201 (id, the uploader's token), and how many were refused.
    pub(super) uploads: Vec<(String, String)>,
    pub(super) uploads_refused: usize,
    /// The case whose description each attempt changes, and each change in order with whether
    /// it got 200 (a record change, its notices and hand-over are one transaction).
    pub(super) case_id: String,
    pub(super) case_changes: Vec<(String, bool)>,
    pub(super) wrong: Vec<String>,
}

impl OtherWrites {
    /// Signs in as `who` and creates a team as the administrator `admin`, noting the answers.
    pub(super) async fn attempt(&mut self, server: &Server, who: &User, admin: &str, i: usize) {
        // A fresh client per request: a refused upload's connection is closed unread.
        let res = http()
            .post(server.url("/auth/login"))
            .json(&json!({"email": who.email, "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        if res.status() == 200 {
            let v: Value = res.json().await.unwrap();
            self.sign_ins.push(v["token"].as_str().unwrap().to_owned());
        } else {
            self.sign_ins_refused += 1;
            self.wrong
                .extend(check_refusal(&format!("sign-in {i}"), res).await);
        }
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(vec![b'x'; 64 * 1024])
                .file_name(format!("notes-{i}.txt")),
        );
        let res = http()
            .post(server.url("/attachments"))
            .bearer_auth(&who.token)
            .multipart(form)
            .send()
            .await
            .unwrap();
        if res.status() == 201 {
            let v: Value = res.json().await.unwrap();
            self.uploads
                .push((v["id"].as_str().unwrap().to_owned(), who.token.clone()));
        } else {
            self.uploads_refused += 1;
            self.wrong
                .extend(check_refusal(&format!("upload {i}"), res).await);
        }
        let description = format!("Changed while testing the disk, attempt {i}");
        let res = http()
            .patch(server.url(&format!("/records/case/{}", self.case_id)))
            .bearer_auth(admin)
            .json(&json!({"fields": {"description": description}}))
            .send()
            .await
            .unwrap();
        let changed = res.status() == 200;
        if !changed {
            self.wrong
                .extend(check_refusal(&format!("record change {i}"), res).await);
        }
        self.case_changes.push((description, changed));
        let name = format!("Full disk team {i}");
        let res = http()
            .post(server.url("/teams"))
            .bearer_auth(admin)
            .json(&json!({"name": name, "admin_ids": [], "member_ids": []}))
            .send()
            .await
            .unwrap();
        if res.status() == 201 {
            self.teams_created.push(name);
        } else {
            self.teams_refused.push(name.clone());
            self.wrong
                .extend(check_refusal(&format!("team {i}"), res).await);
        }
    }
}
