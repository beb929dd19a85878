//! Lookup fields are no existence oracle.

use super::*;

both_backends!(a_lookup_to_an_unreadable_record_answers_as_a_missing_one);

/// Issue 15: a lookup to a record the caller cannot read is answered exactly as a lookup to a
/// missing record (same status, same detail), on creation and on change — no existence
/// oracle, and no link that would block its owner's delete.
async fn a_lookup_to_an_unreadable_record_answers_as_a_missing_one(b: Backend) {
    let app = spawn_app(b).await;
    let admin = app.admin().await;
    app.post(
        "/roles",
        &admin,
        json!({"name": "case_only", "privileges": ["case.read:own", "case.write:own"]}),
    )
    .await
    .expect(201);
    let (_, bo) = app
        .user(&admin, "bo@example.com", "Bo Lind", &["agent"], &[])
        .await;
    let (carl_id, carl) = app
        .user(&admin, "carl@example.com", "Carl Case", &["case_only"], &[])
        .await;
    let hidden = id(&app
        .post(
            "/records/account",
            &bo,
            json!({"fields": {"name": "Hidden Corp"}}),
        )
        .await
        .expect(201)
        .body);
    let missing = "no-such-account-0000".to_owned();
    app.get(&format!("/records/account/{hidden}"), &carl)
        .await
        .expect(403);

    // The two answers, with the id each names replaced, must be identical.
    let same = |a: common::Res, a_id: &str, b: common::Res, b_id: &str| {
        assert_eq!(a.status, b.status, "{} / {}", a.text, b.text);
        assert_eq!(a.status.as_u16(), 422, "{}", a.text);
        assert_eq!(
            a.text.replace(a_id, "<id>"),
            b.text.replace(b_id, "<id>"),
            "an unreadable record answers as a missing one"
        );
        assert!(!a.text.contains("Hidden Corp"), "{}", a.text);
    };
    let create = |account: &str, related: bool| {
        let body = if related {
            json!({"fields": {"title": "Lookup probe"}, "related": {"account": account}})
        } else {
            json!({"fields": {"title": "Lookup probe", "account": account}})
        };
        app.post("/records/case", &carl, body)
    };
    for related in [true, false] {
        same(
            create(&hidden, related).await,
            &hidden,
            create(&missing, related).await,
            &missing,
        );
    }
    let case = id(&app
        .post(
            "/records/case",
            &carl,
            json!({"fields": {"title": "Carl's case"}}),
        )
        .await
        .expect(201)
        .body);
    let path = format!("/records/case/{case}");
    same(
        app.patch(&path, &carl, json!({"fields": {"account": hidden}}))
            .await,
        &hidden,
        app.patch(&path, &carl, json!({"fields": {"account": missing}}))
            .await,
        &missing,
    );
    let after = app.get(&path, &carl).await.expect(200).body;
    assert!(after["fields"].get("account").is_none(), "{after}");
    // Nothing points to the account, so its owner can still delete it.
    app.send(
        reqwest::Method::DELETE,
        &format!("/records/account/{hidden}"),
        Some(&bo),
        None,
    )
    .await
    .expect(204);

    // What Carl may read he may link — a read share counts.
    let shared = id(&app
        .post(
            "/records/account",
            &bo,
            json!({"fields": {"name": "Shared Corp"}}),
        )
        .await
        .expect(201)
        .body);
    app.post(
        &format!("/records/account/{shared}/shares"),
        &bo,
        json!({"user_id": carl_id, "access": "read"}),
    )
    .await
    .expect(201);
    app.patch(&path, &carl, json!({"fields": {"account": shared}}))
        .await
        .expect(200);
    app.post(
        "/records/case",
        &carl,
        json!({"fields": {"title": "Linked"}, "related": {"account": shared}}),
    )
    .await
    .expect(201);
}
