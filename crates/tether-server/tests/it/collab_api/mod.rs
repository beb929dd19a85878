//! Record-connected collaboration against the real server (SPEC R1, R3–R11a, R13–R15, R22,
//! R23): the panel's sections and locks, new connected chats, connect and disconnect rights,
//! join, timeline entries, channels and field-change notices.

mod channels;
mod connect;
mod disconnect;
mod panel;

use crate::common::desk::Desk;
use crate::common::{TestApp, spawn_app};
use reqwest::Method;
use serde_json::{Value, json};
use tether_store::Backend;

struct World {
    app: TestApp,
    admin: String,
    olga_id: String,
    olga: String,
    bo_id: String,
    bo: String,
    eve_id: String,
    eve: String,
    cilla_id: String,
    cilla: String,
    sam: String,
    team_id: String,
    case_id: String,
    other_case_id: String,
}

/// Olga owns the case. Bo and Eve are her teammates (agents: team write). Cilla may only read
/// cases. Sam is a supervisor in another team (read all, `collab.disconnect`). `other_case` is
/// owned by Sam's team, so Cilla… can read it, but a second private type shows unreadable links.
async fn world(b: Backend) -> World {
    let d = Desk::open(
        spawn_app(b).await,
        json!({"title": "Printer jams on tray 2", "priority": "normal"}),
    )
    .await;
    let other_case_id = d
        .app
        .create(
            "/records/case",
            &d.sam.token,
            json!({"fields": {"title": "VPN drops"}, "owner": {"team_id": d.other_team_id}}),
        )
        .await;
    World {
        case_id: d.case_id,
        other_case_id,
        app: d.app,
        admin: d.admin,
        olga_id: d.olga.id,
        olga: d.olga.token,
        bo_id: d.bo.id,
        bo: d.bo.token,
        eve_id: d.eve.id,
        eve: d.eve.token,
        cilla_id: d.cilla.id,
        cilla: d.cilla.token,
        sam: d.sam.token,
        team_id: d.team_id,
    }
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

fn section<'a>(panel: &'a Value, name: &str) -> Vec<&'a Value> {
    panel[name].as_array().unwrap().iter().collect()
}

fn find<'a>(panel: &'a Value, name: &str, chat: &str) -> Option<&'a Value> {
    section(panel, name)
        .into_iter()
        .find(|c| c["id"] == json!(chat))
}

impl World {
    fn case(&self) -> String {
        format!("/records/case/{}", self.case_id)
    }
    async fn panel(&self, token: &str) -> Value {
        self.app
            .get(&format!("{}/collaboration", self.case()), token)
            .await
            .expect(200)
            .body
    }
    async fn connected_chat(&self, token: &str, members: &[&str], intro: bool) -> Value {
        self.app
            .post("/chats", token, json!({"member_ids": members, "record": {"type": "case", "id": self.case_id}, "send_intro": intro}))
            .await
            .expect(201)
            .body
    }
    async fn texts(&self, chat: &str, token: &str) -> Vec<String> {
        let page = self
            .app
            .get(&format!("/chats/{chat}/messages?limit=100"), token)
            .await
            .expect(200)
            .body;
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["body"].as_str().unwrap_or("").to_owned())
            .collect()
    }
}
