//! People by external id: created without a password, changed, linked to an account made
//! before by its address, left alone by a repeat; and the roles rules of every path that
//! changes roles — the last administrator keeps `admin` (here and on `PATCH /users/{id}`), and
//! a key changes no administrator and makes none.

use super::{audited, key};
use crate::common::{ADMIN_EMAIL, PASSWORD, spawn_app};
use reqwest::Method;
use serde_json::json;
use tether_store::Backend;

both_backends!(
    i19_people_are_upserted_by_external_id,
    r19_the_last_admin_keeps_admin_on_the_user_edit_and_the_upsert,
    r19_a_key_changes_no_administrator_and_makes_none,
);

async fn i19_people_are_upserted_by_external_id(b: Backend) {
    let app = spawn_app(b).await;
    let admin = app.admin().await;
    let (_, secret) = key(&app, &admin, "Zendesk agents", &["users:write"]).await;
    let path = "/users/by-external/zendesk/agent-7";
    let made = app
        .put(
            path,
            &secret,
            json!({"name": "Olga Berg", "email": "Olga@Example.com", "roles": ["agent"]}),
        )
        .await
        .expect(201)
        .body;
    assert_eq!(made["email"], "olga@example.com");
    assert_eq!(made["roles"], json!(["agent"]));
    // No password: no sign-in until an administrator sets one (as for a wrong password).
    app.send(
        Method::POST,
        "/auth/login",
        None,
        Some(json!({"email": "olga@example.com", "password": PASSWORD})),
    )
    .await
    .expect(401);
    app.post(
        &format!("/users/{}/password", made["id"].as_str().unwrap()),
        &admin,
        json!({"new_password": PASSWORD}),
    )
    .await
    .expect(204);
    let olga = app.login("olga@example.com", PASSWORD).await;
    app.get("/me", &olga).await.expect(200);

    // A repeat: 200, nothing written.
    let audits = audited(&app, &admin, "user.synced").await.len();
    app.put(
        path,
        &secret,
        json!({"name": "Olga Berg", "email": "olga@example.com", "roles": ["agent"]}),
    )
    .await
    .expect(200);
    assert_eq!(audited(&app, &admin, "user.synced").await.len(), audits);
    // A change of name; roles absent stay.
    let renamed = app
        .put(
            path,
            &secret,
            json!({"name": "Olga Lind", "email": "olga@example.com"}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(
        (
            renamed["id"].clone(),
            renamed["name"].clone(),
            renamed["roles"].clone()
        ),
        (made["id"].clone(), json!("Olga Lind"), json!(["agent"]))
    );
    assert_eq!(app.get("/me", &olga).await.body["name"], "Olga Lind");
    let entry = &audited(&app, &admin, "user.synced").await[0];
    assert_eq!(entry["api_key"]["name"], "Zendesk agents");
    assert!(entry["actor"].is_null());

    // An account made before is linked by its address, and owns records by it.
    let (bo_id, _) = app
        .user(&admin, "bo@example.com", "Bo Lind", &["agent"], &[])
        .await;
    let linked = app
        .put(
            "/users/by-external/zendesk/agent-8",
            &secret,
            json!({"name": "Bo Lind", "email": "bo@example.com"}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(linked["id"], json!(bo_id));
    // An address that is someone else's: 409; a bad value: 422 naming it.
    app.put(
        "/users/by-external/zendesk/agent-9",
        &secret,
        json!({"name": "Not Bo", "email": "bo@example.com"}),
    )
    .await
    .expect(409);
    app.put(
        path,
        &secret,
        json!({"name": "", "email": "olga@example.com"}),
    )
    .await
    .field_error("value.empty");
    app.put(path, &secret, json!({"name": "Olga", "email": "olga"}))
        .await
        .field_error("value.email");
    app.put(
        "/users/by-external/Zendesk/agent-7",
        &secret,
        json!({"name": "Olga", "email": "olga@example.com"}),
    )
    .await
    .problem(422, "source");
    app.put(
        path,
        &secret,
        json!({"name": "Olga", "email": "olga@example.com", "roles": ["wizard"]}),
    )
    .await
    .problem(422, "wizard");
    // An administrator's session may upsert people too.
    app.put(
        "/users/by-external/zendesk/agent-10",
        &admin,
        json!({"name": "Cy Berg", "email": "cy@example.com", "roles": ["agent"]}),
    )
    .await
    .expect(201);
}

async fn r19_the_last_admin_keeps_admin_on_the_user_edit_and_the_upsert(b: Backend) {
    let app = spawn_app(b).await;
    let admin = app.admin().await;
    let me = app.get("/me", &admin).await.body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // The administrators' user edit (the sibling path)…
    let res = app
        .patch(&format!("/users/{me}"), &admin, json!({"roles": ["agent"]}))
        .await
        .problem(409, "last active administrator");
    assert_eq!(res.body["code"], "user.last_admin");
    // …and the upsert of the same person, linked by address.
    let res = app
        .put(
            "/users/by-external/zendesk/ada",
            &admin,
            json!({"name": "Ada Admin", "email": ADMIN_EMAIL, "roles": ["agent"]}),
        )
        .await
        .problem(409, "last active administrator");
    assert_eq!(res.body["code"], "user.last_admin");
    assert_eq!(
        app.get("/me", &admin).await.body["roles"],
        json!(["administrator"])
    );
    // With a second administrator either path may take it.
    let (bea_id, bea) = app
        .user(
            &admin,
            "bea@example.com",
            "Bea Berg",
            &["administrator"],
            &[],
        )
        .await;
    app.put(
        "/users/by-external/zendesk/ada",
        &bea,
        json!({"name": "Ada Admin", "email": ADMIN_EMAIL, "roles": ["agent"]}),
    )
    .await
    .expect(200);
    app.patch(
        &format!("/users/{bea_id}"),
        &bea,
        json!({"roles": ["agent"]}),
    )
    .await
    .problem(409, "last active administrator");
}

async fn r19_a_key_changes_no_administrator_and_makes_none(b: Backend) {
    let app = spawn_app(b).await;
    let admin = app.admin().await;
    app.user(
        &admin,
        "bea@example.com",
        "Bea Berg",
        &["administrator"],
        &[],
    )
    .await;
    let (_, secret) = key(&app, &admin, "Zendesk agents", &["users:write"]).await;
    // Not an administrator's name or address (found by address), though another would stay…
    let res = app
        .put(
            "/users/by-external/zendesk/ada",
            &secret,
            json!({"name": "Ada Hacked", "email": ADMIN_EMAIL}),
        )
        .await
        .problem(403, "API key");
    assert_eq!(res.body["code"], "user.admin_by_key");
    // …and nobody made an administrator, new or known.
    app.put(
        "/users/by-external/zendesk/x",
        &secret,
        json!({"name": "Xena", "email": "xena@example.com", "roles": ["administrator"]}),
    )
    .await
    .problem(403, "admin");
    app.put(
        "/users/by-external/zendesk/o",
        &secret,
        json!({"name": "Olga Berg", "email": "olga@example.com", "roles": ["agent"]}),
    )
    .await
    .expect(201);
    app.put(
        "/users/by-external/zendesk/o",
        &secret,
        json!({"name": "Olga Berg", "email": "olga@example.com", "roles": ["administrator"]}),
    )
    .await
    .expect(403);
    assert_eq!(
        app.get("/me", &admin).await.body["name"],
        "Ada Admin",
        "nothing was written"
    );
    app.send(
        Method::POST,
        "/auth/login",
        None,
        Some(json!({"email": "xena@example.com", "password": PASSWORD})),
    )
    .await
    .expect(401);
}
