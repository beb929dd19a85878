//! Every record a user may read is reachable, and owners and shares are managed from the
//! record (issue 16, items 1 and 2): the search over all types, the filtered list of one type,
//! shares listed and removed, the owner picker's options, the hand-over report, and the states
//! each type has. Runs on SQLite and on PostgreSQL.

use crate::common::{TestApp, spawn_app};
use reqwest::Method;
use serde_json::{Value, json};
use tether_store::Backend;

both_backends!(
    the_record_search_finds_by_number_name_and_text_only_what_the_caller_may_read,
    lists_filter_by_mine_teams_and_state_sort_and_page,
    shares_are_listed_and_removed_only_by_writers_of_the_record,
    owner_options_offer_only_owners_the_write_depth_covers_and_hand_over_is_reported,
    states_are_offered_and_enforced_per_type,
);

struct World {
    app: TestApp,
    admin: String,
    anna_id: String,
    anna: String,
    bo_id: String,
    bo: String,
    vera_id: String,
    vera: String,
    dora_id: String,
    dora: String,
    cilla_id: String,
    cilla: String,
    team_a: String,
    team_b: String,
}

/// Anna, Bo (agents) and Vera (viewer: reads her teams' records) are in team A; Dora (agent)
/// is in team B; Cilla has only `case.read:own`/`case.write:own` and no team.
async fn world(b: Backend) -> World {
    let app = spawn_app(b).await;
    let admin = app.admin().await;
    app.post(
        "/roles",
        &admin,
        json!({"name": "solo", "privileges": ["case.read:own", "case.write:own"]}),
    )
    .await
    .expect(201);
    let team_a = id(&app
        .post("/teams", &admin, json!({"name": "Alpha"}))
        .await
        .expect(201)
        .body);
    let team_b = id(&app
        .post("/teams", &admin, json!({"name": "Beta"}))
        .await
        .expect(201)
        .body);
    let (anna_id, anna) = app
        .user(
            &admin,
            "anna@example.com",
            "Anna Ek",
            &["agent"],
            &[&team_a],
        )
        .await;
    let (bo_id, bo) = app
        .user(&admin, "bo@example.com", "Bo Lind", &["agent"], &[&team_a])
        .await;
    let (vera_id, vera) = app
        .user(
            &admin,
            "vera@example.com",
            "Vera Holm",
            &["viewer"],
            &[&team_a],
        )
        .await;
    let (dora_id, dora) = app
        .user(
            &admin,
            "dora@example.com",
            "Dora Nyström",
            &["agent"],
            &[&team_b],
        )
        .await;
    let (cilla_id, cilla) = app
        .user(&admin, "cilla@example.com", "Cilla Berg", &["solo"], &[])
        .await;
    World {
        app,
        admin,
        anna_id,
        anna,
        bo_id,
        bo,
        vera_id,
        vera,
        dora_id,
        dora,
        cilla_id,
        cilla,
        team_a,
        team_b,
    }
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

fn names(v: &Value) -> Vec<String> {
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap().to_owned())
        .collect()
}

async fn case(app: &TestApp, token: &str, title: &str, extra: Value) -> Value {
    let mut body = json!({"fields": {"title": title}});
    if let Value::Object(m) = extra {
        for (k, v) in m {
            if k == "fields" {
                for (fk, fv) in v.as_object().unwrap() {
                    body["fields"][fk] = fv.clone();
                }
            } else {
                body[k] = v;
            }
        }
    }
    app.post("/records/case", token, body)
        .await
        .expect(201)
        .body
}

async fn the_record_search_finds_by_number_name_and_text_only_what_the_caller_may_read(b: Backend) {
    let w = world(b).await;
    let app = &w.app;
    let doras = case(
        app,
        &w.dora,
        "Printer jams on tray 2",
        json!({"fields": {"description": "Toner smudges every page"}}),
    )
    .await;
    let number = doras["number"].as_str().unwrap().to_owned();
    app.post(
        "/records/account",
        &w.anna,
        json!({"fields": {"name": "Printer Palace AB"}}),
    )
    .await
    .expect(201);

    // Anna reads everything: both types, each item says its type.
    let found = app
        .get("/records?q=printer", &w.anna)
        .await
        .expect(200)
        .body;
    let mut types: Vec<&str> = found["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["type"].as_str().unwrap())
        .collect();
    types.sort_unstable();
    assert_eq!(types, ["account", "case"]);
    // By exact number, first; by a word of a text field (a prefix of it, too).
    let by_number = app
        .get(&format!("/records?q={number}"), &w.anna)
        .await
        .expect(200)
        .body;
    assert_eq!(by_number["items"][0]["id"], doras["id"]);
    let by_text = app.get("/records?q=smudg", &w.anna).await.expect(200).body;
    assert_eq!(names(&by_text), ["Printer jams on tray 2"]);

    // Vera reads only her team's records: Anna's account, not Dora's case.
    let vera = app
        .get("/records?q=printer", &w.vera)
        .await
        .expect(200)
        .body;
    assert_eq!(names(&vera), ["Printer Palace AB"]);
    let vera_text = app.get("/records?q=toner", &w.vera).await.expect(200).body;
    assert!(names(&vera_text).is_empty(), "text of an unreadable record");
    // Cilla reads nothing of anyone else's, until Dora shares the case with her.
    assert!(
        names(
            &app.get("/records?q=printer", &w.cilla)
                .await
                .expect(200)
                .body
        )
        .is_empty()
    );
    app.post(
        &format!("/records/case/{}/shares", id(&doras)),
        &w.dora,
        json!({"user_id": w.cilla_id, "access": "read"}),
    )
    .await
    .expect(201);
    assert_eq!(
        names(
            &app.get("/records?q=printer", &w.cilla)
                .await
                .expect(200)
                .body
        ),
        ["Printer jams on tray 2"]
    );

    // Bad input says what to do; the limit is bounded.
    app.get("/records?q=%20", &w.anna)
        .await
        .problem(422, "search for");
    app.get(&format!("/records?q={}", "x".repeat(201)), &w.anna)
        .await
        .problem(422, "at most 200");
    app.get("/records", &w.anna).await.expect(400);
    for i in 0..3 {
        case(app, &w.anna, &format!("Printer {i}"), json!({})).await;
    }
    let one = app
        .get("/records?q=printer&limit=1", &w.anna)
        .await
        .expect(200)
        .body;
    assert_eq!(one["items"].as_array().unwrap().len(), 1);
    // Special characters are text, not query syntax.
    app.get("/records?q=%22printer%22%20OR%20*%25_", &w.anna)
        .await
        .expect(200);
}

async fn lists_filter_by_mine_teams_and_state_sort_and_page(b: Backend) {
    let w = world(b).await;
    let app = &w.app;
    for t in ["Beta case", "Alpha case", "Gamma case"] {
        case(app, &w.anna, t, json!({})).await;
    }
    case(app, &w.bo, "Bo's case", json!({})).await;
    case(
        app,
        &w.bo,
        "Team case",
        json!({"owner": {"team_id": w.team_a}}),
    )
    .await;
    let doras = case(app, &w.dora, "Dora's case", json!({})).await;

    let list = |q: &'static str, token: &str| {
        let token = token.to_owned();
        async move {
            app.get(&format!("/records/case?{q}"), &token)
                .await
                .expect(200)
                .body
        }
    };
    let mut mine = names(&list("filter=mine&sort=name", &w.anna).await);
    assert_eq!(mine, ["Alpha case", "Beta case", "Gamma case"]);
    mine = names(&list("filter=teams&sort=name", &w.anna).await);
    assert_eq!(
        mine,
        [
            "Alpha case",
            "Beta case",
            "Bo's case",
            "Gamma case",
            "Team case"
        ]
    );
    assert_eq!(names(&list("filter=all", &w.anna).await).len(), 6);
    assert_eq!(
        names(&list("", &w.anna).await)[0],
        "Dora's case",
        "newest change first"
    );
    assert_eq!(
        names(&list("sort=created", &w.anna).await)[0],
        "Dora's case"
    );
    let by_number = list("sort=number", &w.anna).await;
    assert_eq!(by_number["items"][0]["number"], doras["number"]);
    let team_only = names(&list("owner_team=", &w.anna).await);
    assert_eq!(team_only.len(), 6, "an empty owner_team is no filter");
    let team = app
        .get(&format!("/records/case?owner_team={}", w.team_a), &w.anna)
        .await
        .expect(200)
        .body;
    assert_eq!(names(&team), ["Team case"]);

    // State.
    app.patch(
        &format!("/records/case/{}", id(&doras)),
        &w.dora,
        json!({"state": "resolved"}),
    )
    .await
    .expect(200);
    assert_eq!(
        names(&list("state=resolved", &w.anna).await),
        ["Dora's case"]
    );
    assert_eq!(names(&list("state=active", &w.anna).await).len(), 5);

    // Pages.
    let first = list("sort=name&limit=2", &w.anna).await;
    assert_eq!(names(&first), ["Alpha case", "Beta case"]);
    assert_eq!(first["next_offset"], json!(2));
    let last = list("sort=name&limit=2&offset=4", &w.anna).await;
    assert_eq!(names(&last), ["Gamma case", "Team case"]);
    assert!(last.get("next_offset").is_none());

    // The read scope is never widened by a filter: Vera (team depth) sees no Dora, Cilla
    // (own depth) only her own.
    assert!(!names(&list("filter=all", &w.vera).await).contains(&"Dora's case".to_owned()));
    case(app, &w.cilla, "Cilla's own", json!({})).await;
    assert_eq!(names(&list("filter=all", &w.cilla).await), ["Cilla's own"]);
    assert_eq!(
        names(&list("filter=teams", &w.cilla).await),
        ["Cilla's own"]
    );

    // Bad input names the parameter.
    for (q, needle) in [
        ("filter=everyone", "mine, teams or all"),
        ("sort=size", "updated, created, name or number"),
        ("state=closed", "active, resolved or cancelled"),
        ("offset=10001", "between 0 and 10000"),
        ("offset=-1", "between 0 and 10000"),
    ] {
        let res = app
            .get(&format!("/records/case?{q}"), &w.anna)
            .await
            .problem(422, needle);
        assert!(
            res.text.contains(q.split('=').next().unwrap()),
            "{}",
            res.text
        );
    }
}

async fn shares_are_listed_and_removed_only_by_writers_of_the_record(b: Backend) {
    let w = world(b).await;
    let app = &w.app;
    let c = case(app, &w.anna, "Shared case", json!({})).await;
    let shares = format!("/records/case/{}/shares", id(&c));
    app.post(
        &shares,
        &w.anna,
        json!({"user_id": w.cilla_id, "access": "read"}),
    )
    .await
    .expect(201);
    let list = app.get(&shares, &w.anna).await.expect(200).body;
    assert_eq!(list["items"][0]["user"]["name"], "Cilla Berg");
    assert_eq!(list["items"][0]["access"], "read");
    assert_eq!(list["items"][0]["granted_by"]["name"], "Anna Ek");
    // A teammate who may write it may manage its shares too.
    assert_eq!(
        app.get(&shares, &w.bo).await.expect(200).body["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // Everyone who may not add a share may neither list nor remove one: a reader (Vera), the
    // holder of a read share (Cilla), an agent of another team (Dora, who reads all).
    let one = format!("{shares}/{}", w.cilla_id);
    for (who, token) in [("vera", &w.vera), ("cilla", &w.cilla), ("dora", &w.dora)] {
        let get = app.get(&shares, token).await;
        assert_eq!(get.status.as_u16(), 403, "{who} GET: {}", get.text);
        assert!(!get.text.contains("Cilla Berg"), "{who} learns nothing");
        let post = app
            .post(
                &shares,
                token,
                json!({"user_id": w.bo_id, "access": "read"}),
            )
            .await;
        assert_eq!(post.status.as_u16(), 403, "{who} POST: {}", post.text);
        let del = app.send(Method::DELETE, &one, Some(token), None).await;
        assert_eq!(del.status.as_u16(), 403, "{who} DELETE: {}", del.text);
    }
    // Unknown records answer 404 on every sibling path.
    let nowhere = "/records/case/00000000000000000000000000000000/shares";
    app.get(nowhere, &w.anna).await.expect(404);
    app.send(
        Method::DELETE,
        &format!("{nowhere}/{}", w.cilla_id),
        Some(&w.anna),
        None,
    )
    .await
    .expect(404);

    // Removing ends the access at once; removing again is 404.
    app.get(&format!("/records/case/{}", id(&c)), &w.cilla)
        .await
        .expect(200);
    app.send(Method::DELETE, &one, Some(&w.anna), None)
        .await
        .expect(204);
    app.get(&format!("/records/case/{}", id(&c)), &w.cilla)
        .await
        .expect(403);
    app.send(Method::DELETE, &one, Some(&w.anna), None)
        .await
        .problem(404, "not shared");
    assert!(
        app.get(&shares, &w.anna).await.expect(200).body["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let audit = app
        .get(&format!("/audit?record={}", id(&c)), &w.admin)
        .await
        .expect(200);
    assert!(audit.text.contains("record.unshared"), "{}", audit.text);
}

async fn owner_options_offer_only_owners_the_write_depth_covers_and_hand_over_is_reported(
    b: Backend,
) {
    let w = world(b).await;
    let app = &w.app;
    let c = case(app, &w.anna, "Reassign me", json!({})).await;
    let path = format!("/records/case/{}", id(&c));
    let options = |token: &str, q: &str| {
        let (token, q) = (token.to_owned(), q.to_owned());
        let path = path.clone();
        async move {
            app.get(&format!("{path}/owner-options?q={q}"), &token)
                .await
        }
    };
    let ids = |v: &Value| -> Vec<(String, String, bool)> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| {
                (
                    o["kind"].as_str().unwrap().to_owned(),
                    o["id"].as_str().unwrap().to_owned(),
                    o["current"].as_bool().unwrap(),
                )
            })
            .collect()
    };
    // Anna writes cases of her team: herself, Bo, Vera and team Alpha — not Dora, not Beta.
    let anna = ids(&options(&w.anna, "").await.expect(200).body);
    let offered: Vec<&str> = anna.iter().map(|(_, i, _)| i.as_str()).collect();
    for want in [&w.anna_id, &w.bo_id, &w.vera_id, &w.team_a] {
        assert!(offered.contains(&want.as_str()), "{want} in {offered:?}");
    }
    for not in [&w.dora_id, &w.team_b, &w.cilla_id] {
        assert!(!offered.contains(&not.as_str()), "{not} in {offered:?}");
    }
    assert!(
        anna.iter()
            .any(|(k, i, cur)| k == "user" && *i == w.anna_id && *cur)
    );
    let bo_only = ids(&options(&w.anna, "bo").await.expect(200).body);
    assert_eq!(bo_only, [("user".to_owned(), w.bo_id.clone(), false)]);
    // What the picker leaves out, the PATCH refuses: a team writer cannot hand to another team.
    app.patch(&path, &w.anna, json!({"owner": {"user_id": w.dora_id}}))
        .await
        .problem(403, "owner");
    app.patch(&path, &w.anna, json!({"owner": {"team_id": w.team_b}}))
        .await
        .problem(403, "owner");

    // A share never grants an owner change, not even a write share.
    app.post(
        &format!("{path}/shares"),
        &w.anna,
        json!({"user_id": w.dora_id, "access": "write"}),
    )
    .await
    .expect(201);
    options(&w.dora, "").await.problem(403, "share");
    app.patch(&path, &w.dora, json!({"owner": {"user_id": w.dora_id}}))
        .await
        .problem(403, "share");
    // A reader and a stranger get what they get from the record itself.
    options(&w.vera, "").await.expect(403);
    options(&w.cilla, "").await.expect(403);
    app.get(
        "/records/case/00000000000000000000000000000000/owner-options",
        &w.anna,
    )
    .await
    .expect(404);
    // An administrator (write all) is offered everyone active and every team.
    let admin = ids(&options(&w.admin, "").await.expect(200).body);
    let offered: Vec<&str> = admin.iter().map(|(_, i, _)| i.as_str()).collect();
    for want in [&w.dora_id, &w.team_b, &w.cilla_id, &w.team_a] {
        assert!(offered.contains(&want.as_str()), "admin: {want}");
    }

    // R25, visibly: with hand-over on, the PATCH says which chats went to the new owner.
    app.enable_collaboration().await;
    app.put(
        "/record-types/case/settings",
        &w.admin,
        json!({"hand_over_chats": true}),
    )
    .await
    .expect(200);
    app.post(
        "/chats",
        &w.anna,
        json!({"member_ids": [w.dora_id], "name": "About the reassignment", "record": {"type": "case", "id": id(&c)}}),
    )
    .await
    .expect(201);
    let moved = app
        .patch(&path, &w.anna, json!({"owner": {"user_id": w.bo_id}}))
        .await
        .expect(200)
        .body;
    assert_eq!(moved["owner"]["name"], "Bo Lind");
    assert_eq!(moved["handed_over"]["to"]["name"], "Bo Lind");
    assert_eq!(moved["handed_over"]["chats"], json!(1));
    // A change that is no owner change reports nothing.
    let same = app
        .patch(&path, &w.bo, json!({"fields": {"product": "Printer"}}))
        .await
        .expect(200)
        .body;
    assert!(same.get("handed_over").is_none(), "{same}");
}

async fn states_are_offered_and_enforced_per_type(b: Backend) {
    let w = world(b).await;
    let app = &w.app;
    let types = app.get("/record-types", &w.anna).await.expect(200).body;
    let states = |name: &str| -> Vec<String> {
        types["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == name)
            .unwrap()["states"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(states("case"), ["active", "resolved", "cancelled"]);
    assert_eq!(states("account"), ["active", "cancelled"]);

    let res = app
        .post(
            "/records/account",
            &w.anna,
            json!({"fields": {"name": "Contoso"}, "state": "resolved"}),
        )
        .await
        .problem(422, "active, cancelled");
    assert!(
        res.text.contains("\"state\""),
        "names the field: {}",
        res.text
    );
    let account = app
        .post(
            "/records/account",
            &w.anna,
            json!({"fields": {"name": "Contoso"}}),
        )
        .await
        .expect(201)
        .body;
    let path = format!("/records/account/{}", id(&account));
    app.patch(&path, &w.anna, json!({"state": "resolved"}))
        .await
        .problem(422, "active, cancelled");
    assert_eq!(
        app.patch(&path, &w.anna, json!({"state": "cancelled"}))
            .await
            .expect(200)
            .body["state"],
        "cancelled"
    );
    let c = case(app, &w.anna, "A case", json!({})).await;
    app.patch(
        &format!("/records/case/{}", id(&c)),
        &w.anna,
        json!({"state": "resolved"}),
    )
    .await
    .expect(200);
}
