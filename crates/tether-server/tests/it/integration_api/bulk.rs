//! Records in bulk: up to 1,000 in one transaction, each row's outcome in order; a refused row
//! refuses no other; a repeat writes nothing.

use super::{audited, key};
use crate::common::spawn_app;
use serde_json::{Value, json};
use tether_store::Backend;

both_backends!(
    i19_bulk_upserts_report_each_row_and_refuse_only_the_bad_ones,
    i19_a_bulk_upsert_takes_at_most_a_thousand_items,
);

fn outcomes(res: &Value) -> Vec<(String, String, bool)> {
    res["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["external_id"].as_str().unwrap_or_default().to_owned(),
                r["outcome"].as_str().unwrap().to_owned(),
                r["changed"].as_bool().unwrap(),
            )
        })
        .collect()
}

async fn i19_bulk_upserts_report_each_row_and_refuse_only_the_bad_ones(b: Backend) {
    let app = spawn_app(b).await;
    let admin = app.admin().await;
    let (_, secret) = key(&app, &admin, "Zammad import", &["records:write"]).await;
    app.user(&admin, "olga@example.com", "Olga Berg", &["agent"], &[])
        .await;
    app.put(
        "/records/case/by-external/zammad/2",
        &secret,
        json!({"fields": {"title": "Known before", "priority": "low"}}),
    )
    .await
    .expect(201);
    let items = json!({"items": [
        {"source": "zammad", "external_id": "1", "fields": {"title": "New one"},
         "owner": {"email": "olga@example.com"}, "url": "https://zammad.example.com/#ticket/1"},
        {"source": "zammad", "external_id": "2", "fields": {"priority": "high"}},
        {"source": "zammad", "external_id": "3", "fields": {"title": "Bad field", "colour": "red"}},
        {"source": "Zammad", "external_id": "4", "fields": {"title": "Bad source"}},
        {"source": "zammad", "external_id": "5", "fields": {"title": "Unknown owner"},
         "owner": {"email": "nobody@example.com"}},
        {"source": "zammad", "external_id": "6", "fields": "not an object"},
        {"source": "zammad", "external_id": "1", "fields": {"title": "Twice"}},
        {"source": "zammad", "external_id": "7", "fields": {"title": "Also new"}, "state": "resolved"},
    ]});
    let res = app
        .post("/records/case/bulk", &secret, items.clone())
        .await
        .expect(200)
        .body;
    let s = |x: &str| x.to_owned();
    assert_eq!(
        outcomes(&res),
        [
            (s("1"), s("created"), true),
            (s("2"), s("updated"), true),
            (s("3"), s("refused"), false),
            (s("4"), s("refused"), false),
            (s("5"), s("refused"), false),
            (s("6"), s("refused"), false),
            (s("1"), s("refused"), false),
            (s("7"), s("created"), true),
        ]
    );
    let rows = res["items"].as_array().unwrap();
    assert!(
        rows[2]["detail"].as_str().unwrap().contains("colour"),
        "{}",
        rows[2]
    );
    assert_eq!(rows[2]["code"], "validation.field");
    assert!(
        rows[3]["detail"].as_str().unwrap().contains("source"),
        "{}",
        rows[3]
    );
    assert!(
        rows[4]["detail"]
            .as_str()
            .unwrap()
            .contains("nobody@example.com"),
        "{}",
        rows[4]
    );
    assert!(
        rows[6]["detail"].as_str().unwrap().contains("earlier row"),
        "{}",
        rows[6]
    );
    assert!(rows[2]["id"].is_null());
    // What was written is there, in full.
    let one = app
        .get("/records/case/by-external/zammad/1", &secret)
        .await
        .expect(200)
        .body;
    assert_eq!(one["id"], rows[0]["id"]);
    assert_eq!(one["owner"]["name"], "Olga Berg");
    assert_eq!(
        one["external"]["url"],
        "https://zammad.example.com/#ticket/1"
    );
    let two = app
        .get("/records/case/by-external/zammad/2", &secret)
        .await
        .body;
    assert_eq!(
        (
            two["fields"]["title"].clone(),
            two["fields"]["priority"].clone()
        ),
        (json!("Known before"), json!("high"))
    );
    let seven = app
        .get("/records/case/by-external/zammad/7", &secret)
        .await
        .body;
    assert_eq!(seven["state"], "resolved");
    for missing in ["3", "5", "6"] {
        app.get(
            &format!("/records/case/by-external/zammad/{missing}"),
            &secret,
        )
        .await
        .expect(404);
    }
    let synced = audited(&app, &admin, "record.synced").await.len();
    assert_eq!(synced, 4, "the first PUT and three rows");

    // The same batch again: the good rows are already so, nothing is written.
    let again = app
        .post("/records/case/bulk", &secret, items)
        .await
        .expect(200)
        .body;
    let changed: Vec<bool> = outcomes(&again).into_iter().map(|o| o.2).collect();
    assert_eq!(changed, [false; 8]);
    assert_eq!(again["items"][0]["outcome"], "updated");
    assert_eq!(again["items"][0]["id"], rows[0]["id"]);
    assert_eq!(audited(&app, &admin, "record.synced").await.len(), synced);
    // A batch of nothing is an empty answer.
    let none = app
        .post("/records/case/bulk", &secret, json!({"items": []}))
        .await
        .expect(200)
        .body;
    assert_eq!(none["items"], json!([]));
}

async fn i19_a_bulk_upsert_takes_at_most_a_thousand_items(b: Backend) {
    let app = spawn_app(b).await;
    let admin = app.admin().await;
    let (_, secret) = key(&app, &admin, "Import", &["records:write"]).await;
    let batch = |n: usize| {
        json!({"items": (0..n).map(|i| json!({"source": "import", "external_id": format!("{i}"),
            "fields": {"title": format!("Imported case {i}")}})).collect::<Vec<_>>()})
    };
    let res = app
        .post("/records/case/bulk", &secret, batch(1001))
        .await
        .problem(422, "1000")
        .field_error("value.too_many")
        .param("max", json!(1000));
    assert_eq!(res.body["errors"][0]["field"], "items");
    app.get("/records/case/by-external/import/0", &secret)
        .await
        .expect(404);
    // A thousand is one transaction that writes them all, in a body past the 1 MiB other
    // requests are held to.
    let long = "A printer on the third floor jams on tray 2. ".repeat(40);
    let big = json!({"items": (0..1000).map(|i| json!({"source": "import", "external_id": format!("{i}"),
        "fields": {"title": format!("Imported case {i}"), "description": long}})).collect::<Vec<_>>()});
    assert!(big.to_string().len() > 1024 * 1024);
    let res = app
        .post("/records/case/bulk", &secret, big)
        .await
        .expect(200)
        .body;
    let items = res["items"].as_array().unwrap();
    assert_eq!(items.len(), 1000);
    assert!(
        items.iter().all(|r| r["outcome"] == "created"),
        "{}",
        items[0]
    );
    let last = app
        .get("/records/case/by-external/import/999", &secret)
        .await
        .expect(200)
        .body;
    assert_eq!(last["number"], "CAS-01000");
    // Elsewhere the limit holds.
    let huge = json!({"fields": {"title": "x", "description": "y".repeat(1100 * 1024)}});
    app.put("/records/case/by-external/import/big", &secret, huge)
        .await
        .expect(413);
}
