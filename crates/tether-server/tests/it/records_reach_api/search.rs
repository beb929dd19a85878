//! The record search over all types finds only what the caller may read.

use super::*;

both_backends!(the_record_search_finds_by_number_name_and_text_only_what_the_caller_may_read);

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
