//! Filtered, sorted and paged lists, and the states offered and enforced per type.

use super::*;

both_backends!(
    lists_filter_by_mine_teams_and_state_sort_and_page,
    states_are_offered_and_enforced_per_type,
);

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
