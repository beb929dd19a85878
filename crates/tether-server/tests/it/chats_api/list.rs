//! The chat list: filters and order by activity.

use super::*;

#[tokio::test]
async fn chat_list_filters_and_orders_by_activity() {
    let p = people(spawn_app(Backend::Postgres).await).await;
    let app = &p.app;
    let a = id(&app
        .post(
            "/chats",
            &p.alice,
            json!({"member_ids": [p.bo_id], "name": "Printer escalation"}),
        )
        .await
        .expect(201)
        .body);
    let b = id(&app
        .post(
            "/chats",
            &p.alice,
            json!({"member_ids": [p.cilla_id], "name": "VPN outage"}),
        )
        .await
        .expect(201)
        .body);
    let c = id(&app
        .post("/chats", &p.alice, json!({"member_ids": [p.cilla_id]}))
        .await
        .expect(201)
        .body);
    tokio::time::sleep(Duration::from_millis(5)).await;
    app.post(
        &format!("/chats/{a}/messages"),
        &p.alice,
        json!({"body": "bump"}),
    )
    .await
    .expect(201);
    let ids = |v: Value| {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(id)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        ids(app.get("/chats", &p.alice).await.body),
        [a.clone(), c.clone(), b.clone()]
    );
    assert_eq!(
        ids(app.get("/chats?filter=PRINTER", &p.alice).await.body),
        std::slice::from_ref(&a)
    );
    assert_eq!(
        ids(app.get("/chats?filter=cilla", &p.alice).await.body),
        [c.clone(), b.clone()],
        "matches members' names too"
    );
    let first = app.get("/chats?limit=2", &p.alice).await.body;
    assert_eq!(ids(first.clone()), [a, c]);
    let next = first["next_before"].as_str().unwrap();
    assert_eq!(
        ids(app
            .get(&format!("/chats?limit=2&before={next}"), &p.alice)
            .await
            .body),
        [b]
    );
    app.get("/chats?before=soon", &p.alice).await.expect(422);
    app.post("/chats", &p.alice, json!({"member_ids": []}))
        .await
        .problem(422, "at least one");
    app.post("/chats", &p.alice, json!({"member_ids": ["ghost"]}))
        .await
        .problem(422, "unknown user");
    app.post(
        "/chats",
        &p.alice,
        json!({"member_ids": [p.bo_id], "name": "  "}),
    )
    .await
    .problem(422, "name");
    let _ = &p.admin;
}
