//! Issue 16 items 5–7 against the real server, on both backends: disconnecting a chat one is
//! not a member of (R11a) from where the record shows it, the timeline naming who disconnected
//! and when (R15), the introduction card computed per viewer (R10 like R16), mentions as names
//! in search snippets, and the upload limit a client can read before sending.

mod names;
mod panel;

use crate::common;
use crate::common::desk::Desk;
use crate::common::{TestApp, spawn_app};
use reqwest::Method;
use serde_json::{Value, json};
use tether_store::Backend;

struct World {
    app: TestApp,
    admin: String,
    olga: String,
    bo_id: String,
    bo: String,
    eve_id: String,
    eve: String,
    dan_id: String,
    dan: String,
    cilla: String,
    sam: String,
    case_id: String,
}

/// Olga owns the case; Bo and Eve are her teammates (agents). Dan, of another team, reads only
/// his own cases. Cilla may only read cases. Sam is a supervisor of another team
/// (reads all, holds `collab.disconnect`).
async fn world(b: Backend) -> World {
    let d = Desk::open(
        spawn_app(b).await,
        json!({"title": "Printer jams on tray 2", "priority": "high"}),
    )
    .await;
    d.app
        .post(
            "/roles",
            &d.admin,
            json!({"name": "own_cases", "privileges": ["collab.use", "case.read:own", "case.write:own"]}),
        )
        .await
        .expect(201);
    let (dan_id, dan) = d
        .app
        .user(
            &d.admin,
            "dan@example.com",
            "Dan Ek",
            &["own_cases"],
            &[&d.other_team_id],
        )
        .await;
    World {
        case_id: d.case_id,
        app: d.app,
        admin: d.admin,
        olga: d.olga.token,
        bo_id: d.bo.id,
        bo: d.bo.token,
        eve_id: d.eve.id,
        eve: d.eve.token,
        dan_id,
        dan,
        cilla: d.cilla.token,
        sam: d.sam.token,
    }
}

impl World {
    fn case(&self) -> String {
        format!("/records/case/{}", self.case_id)
    }
    async fn settings(&self, body: Value) {
        self.app
            .put("/record-types/case/settings", &self.admin, body)
            .await
            .expect(200);
    }
    async fn disconnect(&self, token: &str, chat: &str) -> common::Res {
        self.app
            .send(
                Method::DELETE,
                &format!("{}/chats/{chat}", self.case()),
                Some(token),
                None,
            )
            .await
    }
    async fn connect(&self, token: &str, chat: &str) {
        self.app
            .post(
                &format!("{}/chats", self.case()),
                token,
                json!({"chat_id": chat}),
            )
            .await
            .expect(200);
    }
    /// The case's collaboration panel as `token` sees it.
    async fn panel(&self, token: &str) -> Value {
        self.app
            .get(&format!("{}/collaboration", self.case()), token)
            .await
            .expect(200)
            .body
    }
    async fn timeline(&self, token: &str) -> Vec<Value> {
        self.app
            .get(&format!("{}/timeline", self.case()), token)
            .await
            .expect(200)
            .body["items"]
            .as_array()
            .unwrap()
            .clone()
    }
}

/// The panel's entry for `chat` among the chats connected to the case, if it shows one.
fn connected_entry<'a>(panel: &'a Value, chat: &str) -> Option<&'a Value> {
    panel["connected"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == chat)
}

fn chat_entry<'a>(items: &'a [Value], kind: &str, chat: &str) -> &'a Value {
    items
        .iter()
        .find(|i| i["kind"] == kind && i["chat"]["id"] == chat)
        .unwrap_or_else(|| panic!("no {kind} entry for {chat}"))
}
