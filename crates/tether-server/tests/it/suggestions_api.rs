//! Suggested contacts over HTTP (SPEC R12): each rule's reason in words and as a code with its
//! facts, similarity with its confidence and example, the settings that switch and reorder
//! them, and who is never suggested. Runs on both backends (FTS5 BM25 on SQLite, ts_rank on
//! PostgreSQL). The reason codes agree in the domain, the OpenAPI document and docs/api.md.

use crate::common::spawn_app;
use reqwest::Method;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use tether_domain::suggest::Reason;
use tether_store::Backend;

both_backends!(
    r12_rules_and_similarity_with_reasons,
    r12_kept_rankings_follow_resolutions_and_edits
);

fn find<'a>(items: &'a [Value], name: &str) -> Option<&'a Value> {
    items.iter().find(|s| s["user"]["name"] == name)
}

fn reasons(items: &[Value], name: &str) -> Vec<String> {
    find(items, name)
        .map(|s| {
            s["reasons"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r.as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// A suggestion's `why`: its reasons as codes with their facts.
fn why(items: &[Value], name: &str) -> Vec<Value> {
    find(items, name)
        .and_then(|s| s["why"].as_array().cloned())
        .unwrap_or_default()
}

async fn r12_rules_and_similarity_with_reasons(b: Backend) {
    let app = spawn_app(b).await;
    let admin = app.enable_collaboration().await;
    let team = app
        .post("/teams", &admin, json!({"name": "Support"}))
        .await
        .expect(201)
        .body;
    let team_id = team["id"].as_str().unwrap().to_owned();
    let (ann_id, ann) = app
        .user(&admin, "ann@example.com", "Ann Admin", &["supervisor"], &[])
        .await;
    app.post(
        &format!("/teams/{team_id}/members"),
        &admin,
        json!({"user_ids": [ann_id]}),
    )
    .await
    .expect(200);
    app.store
        .execute_raw(&format!(
            "UPDATE team_members SET is_admin = TRUE WHERE user_id = '{ann_id}'"
        ))
        .await
        .unwrap();
    let (prev_id, prev) = app
        .user(
            &admin,
            "prev@example.com",
            "Pia Previous",
            &["agent"],
            &[&team_id],
        )
        .await;
    let (_, caller) = app
        .user(
            &admin,
            "me@example.com",
            "Me Myself",
            &["agent"],
            &[&team_id],
        )
        .await;
    let (_, logger) = app
        .user(&admin, "log@example.com", "Lars Logger", &["agent"], &[])
        .await;
    let (_, acc_owner) = app
        .user(&admin, "acc@example.com", "Ada Account", &["agent"], &[])
        .await;
    let (_, expert) = app
        .user(&admin, "expert@example.com", "Eva Expert", &["agent"], &[])
        .await;
    let (gone_id, gone) = app
        .user(&admin, "gone@example.com", "Gus Gone", &["agent"], &[])
        .await;

    // Two resolved printer cases by Eva, one by Gus (who is then deactivated), one unrelated.
    for (token, title) in [
        (&expert, "Printer jams on tray 2 with paper"),
        (&expert, "Printer tray 2 paper jam error"),
        (&gone, "Printer paper jam in tray"),
    ] {
        let c = app.post("/records/case", token, json!({"fields": {"title": title, "description": "The office printer jams when paper is fed from tray 2."}})).await.expect(201).body;
        app.patch(
            &format!("/records/case/{}", c["id"].as_str().unwrap()),
            token,
            json!({"state": "resolved"}),
        )
        .await
        .expect(200);
    }
    let vpn = app
        .post(
            "/records/case",
            &expert,
            json!({"fields": {"title": "VPN tunnel drops hourly"}}),
        )
        .await
        .expect(201)
        .body;
    app.patch(
        &format!("/records/case/{}", vpn["id"].as_str().unwrap()),
        &expert,
        json!({"state": "resolved"}),
    )
    .await
    .expect(200);
    app.patch(
        &format!("/users/{gone_id}"),
        &admin,
        json!({"active": false}),
    )
    .await
    .expect(200);

    let account = app
        .post(
            "/records/account",
            &acc_owner,
            json!({"fields": {"name": "Contoso"}}),
        )
        .await
        .expect(201)
        .body;
    let case = app
        .post("/records/case", &prev, json!({"fields": {"title": "Printer keeps jamming on tray 2", "description": "Paper jam in the printer"}, "related": {"account": account["id"]}}))
        .await
        .expect(201)
        .body;
    let path = format!("/records/case/{}", case["id"].as_str().unwrap());
    app.patch(&path, &prev, json!({"owner": {"team_id": team_id}}))
        .await
        .expect(200);
    app.post(
        &format!("{path}/activities"),
        &caller,
        json!({"kind": "note", "subject": "Checked the rollers"}),
    )
    .await
    .expect(201);
    app.post(
        &format!("/records/case/{}/shares", case["id"].as_str().unwrap()),
        &admin,
        json!({"user_id": app.get("/me", &logger).await.body["id"], "access": "write"}),
    )
    .await
    .expect(201);
    app.post(
        &format!("{path}/activities"),
        &logger,
        json!({"kind": "phone_call", "subject": "Called the customer"}),
    )
    .await
    .expect(201);
    let chat = app
        .post(
            "/chats",
            &ann,
            json!({"member_ids": [prev_id], "name": "Printer help"}),
        )
        .await
        .expect(201)
        .body;
    app.post(
        &format!("{path}/chats"),
        &ann,
        json!({"chat_id": chat["id"]}),
    )
    .await
    .expect(200);

    let got = app
        .get(&format!("{path}/suggested-contacts"), &caller)
        .await
        .expect(200)
        .body;
    let items = got["items"].as_array().unwrap().clone();
    assert!(items.len() <= 10);
    assert!(find(&items, "Me Myself").is_none(), "never the asking user");
    assert!(
        find(&items, "Gus Gone").is_none(),
        "never a deactivated user"
    );
    assert_eq!(reasons(&items, "Pia Previous"), ["Owned this case before"]);
    assert!(
        reasons(&items, "Ann Admin").contains(&"Admin of Support, which owns this case".to_owned()),
        "{:?}",
        reasons(&items, "Ann Admin")
    );
    assert!(
        reasons(&items, "Ann Admin").contains(&"Connected a conversation to this case".to_owned())
    );
    assert!(
        reasons(&items, "Lars Logger")[0].starts_with("Logged a phone call on "),
        "{:?}",
        reasons(&items, "Lars Logger")
    );
    assert_eq!(reasons(&items, "Ada Account"), ["Owns account Contoso"]);
    let eva = find(&items, "Eva Expert")
        .expect("the expert of similar cases")
        .clone();
    assert_eq!(eva["source"], "similarity");
    let reason = eva["reasons"][0].as_str().unwrap();
    assert!(
        reason.starts_with("Resolved 2 similar cases, e.g. CAS-0000"),
        "{reason}"
    );
    assert!(reason.contains("Printer"), "{reason}");
    // The same reasons as codes with their facts, one for each English reason, in its order:
    // record types by API name, activities by kind, times in RFC 3339.
    for s in &items {
        assert_eq!(
            s["why"].as_array().map(Vec::len),
            s["reasons"].as_array().map(Vec::len),
            "{s}"
        );
    }
    assert_eq!(
        why(&items, "Pia Previous"),
        [json!({"code": "previous_owner", "record_type": "case"})]
    );
    let ann_why = why(&items, "Ann Admin");
    assert!(
        ann_why.contains(&json!({"code": "team_admin", "team": "Support", "record_type": "case"})),
        "{ann_why:?}"
    );
    assert!(
        ann_why.contains(&json!({"code": "connected_conversation", "record_type": "case"})),
        "{ann_why:?}"
    );
    let lars = why(&items, "Lars Logger");
    assert_eq!(lars[0]["code"], "logged_activity", "{lars:?}");
    assert_eq!(lars[0]["what"], "phone_call", "{lars:?}");
    let at = lars[0]["at"].as_str().unwrap();
    assert!(
        time::OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339).is_ok(),
        "{at}"
    );
    assert_eq!(
        why(&items, "Ada Account"),
        [json!({"code": "related_owner", "record_type": "account", "name": "Contoso"})]
    );
    let similar = &eva["why"][0];
    assert_eq!(similar["code"], "resolved_similar", "{similar}");
    assert_eq!(similar["count"], 2, "{similar}");
    assert_eq!(similar["record_type"], "case", "{similar}");
    assert_eq!(similar["example"]["id"], eva["example_record"]["id"]);
    assert!(
        similar["example"]["number"]
            .as_str()
            .unwrap()
            .starts_with("CAS-0000"),
        "{similar}"
    );
    assert!(
        similar["example"]["name"]
            .as_str()
            .unwrap()
            .contains("Printer"),
        "{similar}"
    );
    assert!(reason.contains(similar["example"]["name"].as_str().unwrap()));
    let confidence = eva["confidence"].as_f64().unwrap();
    assert!(confidence > 0.0 && confidence < 1.0);
    assert_eq!(eva["example_record"]["type"], "case");
    assert!(
        items
            .iter()
            .position(|s| s["source"] == "similarity")
            .unwrap()
            > items.iter().position(|s| s["source"] == "rule").unwrap(),
        "rule-based first"
    );
    let me_as_other = app
        .get(&format!("{path}/suggested-contacts"), &expert)
        .await
        .body;
    assert!(find(me_as_other["items"].as_array().unwrap(), "Eva Expert").is_none());

    // The panel carries the same suggestions.
    let panel = app
        .get(&format!("{path}/collaboration"), &caller)
        .await
        .expect(200)
        .body;
    assert_eq!(
        panel["suggested_contacts"].as_array().unwrap().len(),
        items.len()
    );
    assert_eq!(
        panel["suggested_contacts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["why"].clone())
            .collect::<Vec<_>>(),
        items.iter().map(|s| s["why"].clone()).collect::<Vec<_>>()
    );

    // Settings: similarity off removes that kind; rules can be reordered and left out.
    app.put(
        "/record-types/case/settings",
        &admin,
        json!({"suggestions": {"similarity_based": false, "rules": ["related_owners", "owner"]}}),
    )
    .await
    .expect(200);
    let got = app
        .get(&format!("{path}/suggested-contacts"), &caller)
        .await
        .body;
    let names: Vec<&str> = got["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["user"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Ada Account", "Pia Previous"]);
    app.put(
        "/record-types/case/settings",
        &admin,
        json!({"suggestions": {"rules": ["nobody"]}}),
    )
    .await
    .expect(422);
    app.put(
        "/record-types/case/settings",
        &admin,
        json!({"suggestions": {"rule_based": false}}),
    )
    .await
    .expect(200);
    let got = app
        .get(&format!("{path}/suggested-contacts"), &caller)
        .await
        .body;
    assert!(got["items"].as_array().unwrap().is_empty());
}

/// Names of the similarity suggestions of a record, as `token` gets them.
async fn similar_names(app: &crate::common::TestApp, path: &str, token: &str) -> Vec<String> {
    let got = app
        .get(&format!("{path}/suggested-contacts"), token)
        .await
        .expect(200)
        .body;
    got["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["source"] == "similarity")
        .map(|s| s["user"]["name"].as_str().unwrap().to_owned())
        .collect()
}

/// The similarity step reads a kept ranking per record (computed in the background or by the
/// first view). It follows the record's own edits at once, and a new resolution of a similar
/// record within moments (the view after it is served the older ranking and asks for a new one).
async fn r12_kept_rankings_follow_resolutions_and_edits(b: Backend) {
    let app = spawn_app(b).await;
    let admin = app.enable_collaboration().await;
    let (_, eva) = app
        .user(&admin, "eva@example.com", "Eva Expert", &["agent"], &[])
        .await;
    let (_, me) = app
        .user(&admin, "me@example.com", "Me Myself", &["agent"], &[])
        .await;
    let new_case = |title: &'static str, who: String| {
        let app = &app;
        async move {
            let c = app
                .post("/records/case", &who, json!({"fields": {"title": title, "description": "The scanner firmware update stops at 40 percent."}}))
                .await
                .expect(201)
                .body;
            format!("/records/case/{}", c["id"].as_str().unwrap())
        }
    };
    let mine = new_case("Scanner firmware update fails", me.clone()).await;
    let theirs = new_case("Scanner firmware update stops", eva.clone()).await;
    assert!(
        similar_names(&app, &mine, &me).await.is_empty(),
        "nothing similar is resolved yet"
    );

    // Eva resolves the similar case: the kept ranking is of an older generation now; views
    // get Eva within moments.
    app.patch(&theirs, &eva, json!({"state": "resolved"}))
        .await
        .expect(200);
    let mut found = false;
    for _ in 0..100 {
        if similar_names(&app, &mine, &me).await == ["Eva Expert"] {
            found = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(found, "the resolution reached the kept ranking");

    // The record's own new text is ranked again at once: nothing resolved is about printers.
    app.patch(
        &mine,
        &me,
        json!({"fields": {"title": "Printer toner smears", "description": "Toner smears on every page."}}),
    )
    .await
    .expect(200);
    assert!(similar_names(&app, &mine, &me).await.is_empty());
    // And the panel agrees with the suggestions.
    let panel = app
        .get(&format!("{mine}/collaboration"), &me)
        .await
        .expect(200)
        .body;
    assert!(
        !panel["suggested_contacts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["source"] == "similarity")
    );
}

/// The codes a suggestion's `why` can carry are the domain's list, and both the OpenAPI
/// document (the `Reason` schema, one variant per code) and docs/api.md name every one.
#[tokio::test]
async fn r12_reason_codes_agree_in_the_domain_openapi_and_api_docs() {
    let app = spawn_app(Backend::Sqlite).await;
    let doc = app
        .send(Method::GET, "/api/v1/openapi.json", None, None)
        .await
        .expect(200)
        .body;
    let schemas = &doc["components"]["schemas"];
    assert_eq!(
        schemas["SuggestionOut"]["properties"]["why"]["items"]["$ref"],
        "#/components/schemas/Reason",
        "{}",
        schemas["SuggestionOut"]
    );
    let variants = schemas["Reason"]["oneOf"]
        .as_array()
        .unwrap_or_else(|| panic!("Reason is one of its variants: {}", schemas["Reason"]));
    let mut in_openapi = BTreeSet::new();
    for v in variants {
        let code = v["properties"]["code"]["enum"][0].as_str().unwrap();
        assert!(
            v["required"].as_array().unwrap().contains(&json!("code")),
            "{v}"
        );
        in_openapi.insert(code.to_owned());
    }
    let domain: BTreeSet<String> = Reason::CODES.iter().map(|c| (*c).to_owned()).collect();
    assert_eq!(in_openapi, domain);
    assert!(schemas["ExampleRecord"]["properties"]["number"].is_object());

    let docs = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/api.md"),
    )
    .unwrap();
    let section = docs
        .split("## Suggested contacts (R12)")
        .nth(1)
        .and_then(|s| s.split("\n## ").next())
        .expect("docs/api.md has a section on suggested contacts");
    for code in Reason::CODES {
        assert!(
            section.contains(&format!("`{code}`")),
            "docs/api.md does not document the reason code {code}"
        );
    }
}
