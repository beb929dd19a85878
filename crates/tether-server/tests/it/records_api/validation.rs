//! Records are validated and access checked (R4, R16, R19).

use super::*;

both_backends!(records_are_validated_and_access_checked);

async fn records_are_validated_and_access_checked(b: Backend) {
    let w = world(b).await;
    let app = &w.app;
    let account = app
        .post(
            "/records/account",
            &w.bo,
            json!({"fields": {"name": "Contoso"}}),
        )
        .await
        .expect(201)
        .body;
    let created = app
        .post("/records/case", &w.anna, json!({"fields": {"title": "Printer jams on tray 2", "priority": "high"}, "related": {"account": id(&account)}}))
        .await
        .expect(201)
        .body;
    assert_eq!(created["number"], "CAS-00001");
    assert_eq!(created["fields"]["ticket_number"], "CAS-00001");
    assert_eq!(created["name"], "Printer jams on tray 2");
    assert_eq!(
        created["owner"],
        json!({"user_id": w.anna_id, "name": "Anna Ek"})
    );
    assert_eq!(created["state"], "active");
    assert_eq!(created["fields"]["account"], json!(id(&account)));
    assert_eq!(
        created["url"],
        json!(format!("{}/records/case/{}", app.base, id(&created)))
    );
    let case_id = id(&created);

    // 422s name the field, and say why with a code (and what its words need).
    app.post(
        "/records/case",
        &w.anna,
        json!({"fields": {"priority": "high"}}),
    )
    .await
    .problem(422, "title")
    .field_error("value.missing");
    app.post(
        "/records/case",
        &w.anna,
        json!({"fields": {"title": "x", "colour": "red"}}),
    )
    .await
    .problem(422, "colour")
    .field_error("value.unknown_field");
    app.post(
        "/records/case",
        &w.anna,
        json!({"fields": {"title": "x", "priority": 3}}),
    )
    .await
    .problem(422, "priority")
    .field_error("value.option");
    app.post(
        "/records/case",
        &w.anna,
        json!({"fields": {"title": "x", "ticket_number": "CAS-9"}}),
    )
    .await
    .problem(422, "ticket_number")
    .field_error("value.read_only");
    app.post(
        "/records/case",
        &w.anna,
        json!({"fields": {"title": "x"}, "related": {"account": "nope"}}),
    )
    .await
    .problem(422, "account")
    .field_error("value.not_found");
    app.post(
        "/records/case",
        &w.anna,
        json!({"fields": {"title": "x"}, "related": {"title": "nope"}}),
    )
    .await
    .problem(422, "not a lookup")
    .field_error("value.unknown_field");
    app.post(
        "/records/case",
        &w.anna,
        json!({"fields": {"title": "x"}, "state": "closed"}),
    )
    .await
    .problem(422, "state")
    .field_error("value.option");
    app.post(
        "/records/case",
        &w.anna,
        json!({"fields": {"title": "<script>alert(1)</script>\u{202e}"}}),
    )
    .await
    .problem(422, "title")
    .field_error("value.characters");
    app.post(
        "/records/case",
        &w.anna,
        json!({"fields": {"title": "x".repeat(600)}}),
    )
    .await
    .problem(422, "title")
    .field_error("value.too_long")
    .param("max", json!(500));
    app.post(
        "/records/work_order",
        &w.anna,
        json!({"fields": {"title": "x"}}),
    )
    .await
    .problem(404, "work_order");
    let big = json!({"fields": {"title": "x", "description": "y".repeat(2 * 1024 * 1024)}});
    app.post("/records/case", &w.anna, big)
        .await
        .problem(413, "too large");

    // 403: write depth `own` cannot create a record owned by someone else; viewer cannot write.
    app.post(
        "/records/case",
        &w.anna,
        json!({"fields": {"title": "For Bo"}, "owner": {"user_id": w.bo_id}}),
    )
    .await
    .problem(403, "own");
    app.post(
        "/records/case",
        &w.cilla,
        json!({"fields": {"title": "Viewer"}}),
    )
    .await
    .problem(403, "no write privilege");
    app.post(
        "/records/case",
        &w.bo,
        json!({"fields": {"title": "x"}, "owner": {"user_id": "ghost"}}),
    )
    .await
    .problem(422, "owner");

    // Bo (team write) creates a case for the team; Anna can read it (team read) but not write (own write).
    let team_case = app
        .post(
            "/records/case",
            &w.bo,
            json!({"fields": {"title": "Team case"}, "owner": {"team_id": w.team_id}}),
        )
        .await
        .expect(201)
        .body;
    let team_case_id = id(&team_case);
    let read = app
        .get(&format!("/records/case/{team_case_id}"), &w.anna)
        .await
        .expect(200)
        .body;
    assert_eq!(read["can_write"], json!(false));
    app.patch(
        &format!("/records/case/{team_case_id}"),
        &w.anna,
        json!({"fields": {"priority": "low"}}),
    )
    .await
    .problem(403, "records you own");

    // Cilla (viewer, team depth, no teams) cannot read either case: 403, not the record.
    let denied = app
        .get(&format!("/records/case/{case_id}"), &w.cilla)
        .await
        .problem(403, "records of your teams");
    assert!(
        !denied.text.contains("Printer"),
        "a denial never carries the record"
    );
    app.get("/records/case/does-not-exist", &w.cilla)
        .await
        .problem(404, "no case record");
    // The right id under the wrong type is not found.
    app.get(&format!("/records/account/{case_id}"), &w.admin)
        .await
        .expect(404);

    // Lists push the scope into the query.
    let cilla_list = app.get("/records/case", &w.cilla).await.expect(200).body;
    assert!(cilla_list["items"].as_array().unwrap().is_empty());
    let anna_list = app
        .get("/records/case?q=PRINTER", &w.anna)
        .await
        .expect(200)
        .body;
    assert_eq!(anna_list["items"].as_array().unwrap().len(), 1);
    let mine = app
        .get("/records/case?owner=me", &w.anna)
        .await
        .expect(200)
        .body;
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);

    // Sharing grants exactly what it says.
    app.post(
        &format!("/records/case/{case_id}/shares"),
        &w.anna,
        json!({"user_id": "ghost", "access": "read"}),
    )
    .await
    .problem(422, "user");
    app.post(
        &format!("/records/case/{case_id}/shares"),
        &w.anna,
        json!({"user_id": w.bo_id, "access": "admin"}),
    )
    .await
    .problem(422, "access");
    let cilla_id = app.get("/users?q=cilla", &w.admin).await.body["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.post(
        &format!("/records/case/{case_id}/shares"),
        &w.cilla,
        json!({"user_id": cilla_id, "access": "write"}),
    )
    .await
    .expect(403);
    app.post(
        &format!("/records/case/{case_id}/shares"),
        &w.anna,
        json!({"user_id": cilla_id, "access": "read"}),
    )
    .await
    .expect(201);
    let shared = app
        .get(&format!("/records/case/{case_id}"), &w.cilla)
        .await
        .expect(200)
        .body;
    assert_eq!(shared["can_write"], json!(false));
    assert_eq!(
        app.get("/records/case", &w.cilla).await.body["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    app.patch(
        &format!("/records/case/{case_id}"),
        &w.cilla,
        json!({"fields": {"priority": "low"}}),
    )
    .await
    .expect(403);
    app.post(
        &format!("/records/case/{case_id}/shares"),
        &w.anna,
        json!({"user_id": cilla_id, "access": "write"}),
    )
    .await
    .expect(201);
    app.patch(
        &format!("/records/case/{case_id}"),
        &w.cilla,
        json!({"fields": {"priority": "low"}}),
    )
    .await
    .expect(200);
    let audit = app
        .get(&format!("/audit?record={case_id}"), &w.admin)
        .await
        .expect(200)
        .body;
    assert_eq!(
        audit["items"].as_array().unwrap().len(),
        2,
        "shares are audited"
    );

    // Owner changes are checked like creation: Anna's `own` depth cannot give her case to Bo,
    // and Cilla's write share lets her edit it, never take it.
    app.patch(
        &format!("/records/case/{case_id}"),
        &w.anna,
        json!({"owner": {"user_id": w.bo_id}}),
    )
    .await
    .problem(403, "records you own");
    app.patch(
        &format!("/records/case/{case_id}"),
        &w.cilla,
        json!({"owner": {"user_id": cilla_id}}),
    )
    .await
    .problem(403, "change this record's owner");
    // Bo (team depth covers his teammate's case and himself): owner change, state change,
    // clear a field.
    let patched = app
        .patch(&format!("/records/case/{case_id}"), &w.bo, json!({"owner": {"user_id": w.bo_id}, "state": "resolved", "fields": {"priority": null}}))
        .await
        .expect(200)
        .body;
    assert_eq!(patched["owner"]["name"], "Bo Lind");
    assert_eq!(patched["state"], "resolved");
    assert!(patched["fields"].get("priority").is_none());
    let anna_view = app
        .get(&format!("/records/case/{case_id}"), &w.anna)
        .await
        .expect(200)
        .body;
    assert_eq!(
        anna_view["can_write"],
        json!(false),
        "Bo took the case from Anna"
    );
    app.patch(
        &format!("/records/case/{case_id}"),
        &w.bo,
        json!({"fields": {"title": null}}),
    )
    .await
    .problem(422, "title");
    app.patch(
        &format!("/records/case/{case_id}"),
        &w.bo,
        json!({"owner": {"team_id": "ghost"}}),
    )
    .await
    .problem(422, "owner");
}
