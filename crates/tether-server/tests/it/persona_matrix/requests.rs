//! One row's request as one persona: the concrete path and body, what is prepared before it
//! and undone after, and the event socket that listens for leaks.

use super::*;

/// The path with its placeholders filled in. An unknown placeholder fails loudly: a new
/// endpoint shape needs a binding here.
fn concrete(path: &str, b: &BTreeMap<&'static str, String>) -> String {
    let segs: Vec<&str> = path.split('/').collect();
    segs.iter()
        .enumerate()
        .map(|(i, seg)| {
            let key = match *seg {
                "{type}" => "type",
                "{id}" => match segs[i - 1] {
                    "{type}" => "case",
                    "chats" => "chat",
                    "teams" => "team",
                    "users" => "helper",
                    "attachments" => "attachment",
                    "channels" => "channel",
                    "api-keys" => "key",
                    "integrations" => "integration",
                    "webhooks" => "webhook",
                    other => panic!("{path}: no binding for {{id}} after {other}"),
                },
                "{chat_id}" => "chat",
                "{channel_id}" => "channel",
                "{message_id}" => "message",
                "{delivery_id}" => "delivery",
                "{user_id}" => "helper",
                "{source}" => "source",
                "{external_id}" => "external_id",
                s if s.starts_with('{') => panic!("{path}: no binding for {s}"),
                s => return s.to_owned(),
            };
            b[key].clone()
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn fill(template: &str, b: &BTreeMap<&'static str, String>) -> String {
    let mut out = template.to_owned();
    for (k, v) in b {
        out = out.replace(&format!("{{{k}}}"), v);
    }
    assert!(
        !out.contains("{uniq}") && !out.contains("\"{"),
        "unfilled placeholder in {template}"
    );
    out
}

impl World {
    pub(super) fn token(&self, p: usize) -> Option<&str> {
        self.tokens[p].as_deref()
    }

    pub(super) fn chat_path(&self, rest: &str) -> String {
        format!("/chats/{}{rest}", self.bindings["chat"])
    }

    async fn helper_out(&self) {
        let path = self.chat_path(&format!("/members/{}", self.bindings["helper"]));
        let res = self
            .app
            .send(Method::DELETE, &path, self.token(OWNER), None)
            .await;
        assert!([204, 404].contains(&res.status.as_u16()), "{}", res.text);
    }

    async fn helper_in(&self) {
        let res = self
            .app
            .post(
                &self.chat_path("/members"),
                self.token(OWNER).unwrap(),
                json!({"user_ids": [self.bindings["helper"]], "history": "all"}),
            )
            .await;
        assert!([200, 422].contains(&res.status.as_u16()), "{}", res.text);
    }

    async fn chat_connected(&self) {
        self.app
            .post(
                &format!("/records/case/{}/chats", self.bindings["case"]),
                self.token(CONNECTOR).unwrap(),
                json!({"chat_id": self.bindings["chat"]}),
            )
            .await
            .expect(200);
    }

    async fn channel_connected(&self) {
        self.app
            .post(
                &format!("/records/case/{}/channels", self.bindings["case"]),
                self.token(TEAM_ADMIN).unwrap(),
                json!({"channel_id": self.bindings["channel"]}),
            )
            .await
            .expect(200);
    }

    /// Sets the world up for one call; returns the token to call with.
    pub(super) async fn prepare(
        &self,
        prep: Prep,
        who: usize,
        b: &mut BTreeMap<&'static str, String>,
    ) -> Option<String> {
        match prep {
            Prep::None | Prep::LeaveAfterJoin => {}
            Prep::FreshSession => {
                return match who {
                    ANON | GONE => self.tokens[who].clone(),
                    _ => Some(self.app.login(&self.emails[who], PASSWORD).await),
                };
            }
            Prep::FreshMessage => {
                let m = self
                    .app
                    .post(
                        &self.chat_path("/messages"),
                        self.token(OWNER).unwrap(),
                        json!({"body": "Walrus note to delete"}),
                    )
                    .await
                    .expect(201)
                    .body;
                b.insert("message", id(&m));
            }
            Prep::HelperOut => self.helper_out().await,
            Prep::HelperIn => self.helper_in().await,
            Prep::ChatConnected => self.chat_connected().await,
            Prep::ChannelConnected => self.channel_connected().await,
            Prep::FreshCase
            | Prep::FreshTeamCase
            | Prep::SharedForWrite
            | Prep::TeamSharedForWrite => {
                let mut body = json!({"fields": {"title": "Spare case to change or delete"}});
                if matches!(prep, Prep::FreshTeamCase | Prep::TeamSharedForWrite) {
                    body["owner"] = json!({"team_id": self.bindings["team"]});
                }
                let c = self
                    .app
                    .post("/records/case", self.token(OWNER).unwrap(), body)
                    .await
                    .expect(201)
                    .body;
                let case = id(&c);
                if matches!(prep, Prep::SharedForWrite | Prep::TeamSharedForWrite) && who != ANON {
                    self.app
                        .post(
                            &format!("/records/case/{case}/shares"),
                            self.token(OWNER).unwrap(),
                            json!({"user_id": self.user_ids[who], "access": "write"}),
                        )
                        .await
                        .expect(201);
                }
                b.insert("case", case);
            }
        }
        self.tokens[who].clone()
    }

    /// Undoes what one call changed that later calls depend on.
    pub(super) async fn after_call(&self, prep: Prep, who: usize, status: u16) {
        if prep == Prep::LeaveAfterJoin && status == 200 {
            let path = self.chat_path(&format!("/members/{}", self.user_ids[who]));
            self.app
                .send(Method::DELETE, &path, self.token(who), None)
                .await
                .expect(204);
        }
    }

    /// Puts back the baseline after a row: Hal outside the chat, chat and channel connected.
    pub(super) async fn after_row(&self, prep: Prep) {
        match prep {
            Prep::HelperIn | Prep::HelperOut => self.helper_out().await,
            Prep::ChatConnected => self.chat_connected().await,
            Prep::ChannelConnected => self.channel_connected().await,
            _ => {}
        }
    }

    /// One cell: the status and the raw body text.
    pub(super) async fn call(
        &self,
        row: &Row,
        who: usize,
        b: &BTreeMap<&'static str, String>,
        token: Option<&str>,
    ) -> (u16, String) {
        let mut path = concrete(row.path, b);
        if !row.query.is_empty() {
            path = format!("{path}?{}", row.query);
        }
        let method = Method::from_bytes(row.method.to_uppercase().as_bytes()).unwrap();
        let res = match row.body {
            Body::Socket => return open_socket(&self.app, token).await,
            Body::Upload => upload(&self.app, token, "matrix.txt", b"matrix upload").await,
            Body::None => self.app.send(method, &path, token, None).await,
            Body::Login => {
                let body = json!({"email": self.emails[who], "password": PASSWORD});
                self.app.send(method, &path, token, Some(body)).await
            }
            Body::Json(template) => {
                let body: Value = serde_json::from_str(&fill(template, b)).unwrap_or_else(|e| {
                    panic!("{} {}: bad body template: {e}", row.method, row.path)
                });
                self.app.send(method, &path, token, Some(body)).await
            }
        };
        (res.status.as_u16(), res.text)
    }
}

/// Opens `/api/v1/events` as a real WebSocket: the handshake's status and any error body.
async fn open_socket(app: &TestApp, token: Option<&str>) -> (u16, String) {
    let url = match token {
        Some(t) => format!("ws://{}/api/v1/events?token={t}", app.addr),
        None => format!("ws://{}/api/v1/events", app.addr),
    };
    match tokio_tungstenite::connect_async(url).await {
        Ok((_socket, res)) => (res.status().as_u16(), String::new()),
        Err(tokio_tungstenite::tungstenite::Error::Http(res)) => (
            res.status().as_u16(),
            String::from_utf8_lossy(res.body().as_deref().unwrap_or_default()).into_owned(),
        ),
        Err(e) => panic!("event socket handshake failed: {e}"),
    }
}

/// Reads a socket in the background (answering pings) and keeps every event.
pub(super) fn collect(
    mut events: common::Events,
) -> (tokio::task::JoinHandle<()>, Arc<Mutex<Vec<Value>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    let task = tokio::spawn(async move {
        while let Some(e) = events.next(Duration::from_secs(600)).await {
            sink.lock().unwrap().push(e);
        }
    });
    (task, seen)
}
