//! Custom record types and the timeline.

use super::*;

both_backends!(custom_types_and_timeline);

async fn custom_types_and_timeline(b: Backend) {
    let w = world(b).await;
    let app = &w.app;
    let def = json!({
        "name": "work_order", "display_name": "Work order", "primary_field": "summary", "number_prefix": "WO",
        "fields": [
            {"name": "summary", "label": "Summary", "kind": "text", "required": true},
            {"name": "hours", "label": "Hours", "kind": "number"},
            {"name": "due", "label": "Due", "kind": "date"},
            {"name": "status", "label": "Status", "kind": "choice", "options": ["new", "done"]},
            {"name": "case", "label": "Case", "kind": "lookup", "target": "case"}
        ]
    });
    let created = app
        .post("/record-types", &w.admin, def.clone())
        .await
        .expect(201)
        .body;
    assert_eq!(created["settings"]["join_chat"], json!(false));
    app.post("/record-types", &w.admin, def)
        .await
        .problem(409, "already exists");
    app.post("/record-types", &w.admin, json!({"name": "Bad Name", "display_name": "X", "primary_field": "a", "fields": [{"name": "a", "label": "A", "kind": "text"}]}))
        .await
        .problem(422, "name");
    app.post("/record-types", &w.admin, json!({"name": "gadget", "display_name": "X", "primary_field": "a", "fields": [{"name": "a", "label": "A", "kind": "colour"}]}))
        .await
        .expect(422);
    let types = app.get("/record-types", &w.bo).await.expect(200).body;
    assert_eq!(types["items"].as_array().unwrap().len(), 7);

    // The agent role has `*.read:all` but no write on work orders.
    app.post(
        "/records/work_order",
        &w.bo,
        json!({"fields": {"summary": "Fix"}}),
    )
    .await
    .problem(403, "work_order.write");
    let wo = app.post("/records/work_order", &w.admin, json!({"fields": {"summary": "Replace pump", "hours": 2.5, "due": "2026-12-01", "status": "new"}})).await.expect(201).body;
    assert_eq!(wo["number"], "WO-00001");
    app.post(
        "/records/work_order",
        &w.admin,
        json!({"fields": {"summary": "x", "due": "2026-02-30"}}),
    )
    .await
    .problem(422, "due");
    app.post(
        "/records/work_order",
        &w.admin,
        json!({"fields": {"summary": "x", "hours": "two"}}),
    )
    .await
    .problem(422, "hours");
    app.get(&format!("/records/work_order/{}", id(&wo)), &w.bo)
        .await
        .expect(200);

    // Timeline.
    let case = app
        .post(
            "/records/case",
            &w.bo,
            json!({"fields": {"title": "VPN drops"}}),
        )
        .await
        .expect(201)
        .body;
    let case_path = format!("/records/case/{}", id(&case));
    app.post(
        &format!("{case_path}/activities"),
        &w.bo,
        json!({"kind": "phone_call", "subject": "Called the customer", "body": "No answer"}),
    )
    .await
    .expect(201);
    let note = app
        .post(
            &format!("{case_path}/activities"),
            &w.bo,
            json!({"kind": "note", "subject": "Router firmware is old"}),
        )
        .await
        .expect(201)
        .body;
    assert_eq!(note["author"]["name"], "Bo Lind");
    app.post(
        &format!("{case_path}/activities"),
        &w.bo,
        json!({"kind": "chat_connection", "subject": "x"}),
    )
    .await
    .problem(422, "kind");
    app.post(
        &format!("{case_path}/activities"),
        &w.bo,
        json!({"kind": "note", "subject": ""}),
    )
    .await
    .problem(422, "subject");
    app.post(
        &format!("{case_path}/activities"),
        &w.cilla,
        json!({"kind": "note", "subject": "x"}),
    )
    .await
    .expect(403);
    let timeline = app
        .get(&format!("{case_path}/timeline"), &w.anna)
        .await
        .expect(200)
        .body;
    let items = timeline["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(
        items[0]["subject"], "Router firmware is old",
        "newest first"
    );
    assert_eq!(items[1]["kind"], "phone_call");
    app.get(&format!("{case_path}/timeline"), &w.cilla)
        .await
        .expect(403);
    app.get(&format!("{case_path}/timeline?before=yesterday"), &w.bo)
        .await
        .problem(422, "before");
}
