use super::*;

#[test]
fn r12_distinctive_terms_are_the_rare_ones_that_others_share() {
    let counted = |v: &[(&str, i64)]| -> Vec<(String, i64)> {
        v.iter().map(|(t, n)| ((*t).to_owned(), *n)).collect()
    };
    let c = counted(&[
        ("printer", 500),
        ("jam", 40),
        ("uniqueword", 1),
        ("tray", 40),
        ("customer", 2000),
    ]);
    assert_eq!(distinctive_terms(&c, 2000, 2), vec!["jam", "tray"]);
    assert_eq!(
        distinctive_terms(&c, 2000, 10),
        vec!["jam", "tray", "printer"]
    );
    // Only common terms: a few of them still rank.
    let common = counted(&[
        ("customer", 2000),
        ("please", 2000),
        ("thanks", 2000),
        ("help", 2000),
    ]);
    assert_eq!(distinctive_terms(&common, 2000, 10).len(), 3);
    // Nothing shared with another record: nothing to rank by.
    assert!(distinctive_terms(&counted(&[("x1", 1), ("x2", 0)]), 2000, 10).is_empty());
}

fn p(id: &str) -> Person {
    Person {
        id: id.into(),
        name: format!("Person {id}"),
        active: true,
    }
}

fn logged(author: Person, kind: &str, at: &str, day: &str) -> LoggedActivity {
    LoggedActivity {
        author,
        kind: kind.into(),
        at: at.into(),
        day: day.into(),
    }
}

/// Every suggestion has one `why` for each reason, in the same order.
fn assert_parallel(s: &[Suggestion]) {
    for x in s {
        assert_eq!(x.reasons.len(), x.why.len(), "{x:?}");
    }
}

#[test]
fn r12_rule_reasons_in_words_and_order() {
    let f = RuleFacts {
        record_type: "case".into(),
        type_word: "case".into(),
        owner: Some(p("owner")),
        previous_owners: vec![p("prev")],
        team: None,
        activities: vec![logged(
            p("caller"),
            "phone_call",
            "2026-11-12T09:30:00Z",
            "12 Nov",
        )],
        connectors: vec![p("conn")],
        related_owners: vec![RelatedRecord {
            owner: p("acc"),
            record_type: "account".into(),
            type_word: "account".into(),
            name: "Contoso".into(),
        }],
    };
    let s = rule_based(&f, &DEFAULT_RULES);
    let ids: Vec<&str> = s.iter().map(|x| x.user_id.as_str()).collect();
    assert_eq!(ids, ["owner", "prev", "conn", "caller", "acc"]);
    assert_eq!(s[0].reasons, ["Owns this case"]);
    assert_eq!(s[3].reasons, ["Logged a phone call on 12 Nov"]);
    assert_eq!(s[4].reasons, ["Owns account Contoso"]);
    let reordered = rule_based(&f, &[Rule::RelatedOwners, Rule::Owner]);
    assert_eq!(reordered[0].user_id, "acc");
    assert_eq!(reordered.len(), 3, "rules left out contribute nothing");
    let merged = merge(s, Vec::new(), "caller");
    assert!(
        merged.iter().all(|x| x.user_id != "caller"),
        "never the asking user"
    );
}

#[test]
fn r12_rule_reasons_as_codes_with_their_facts() {
    let f = RuleFacts {
        record_type: "case".into(),
        type_word: "ticket".into(),
        owner: Some(p("owner")),
        previous_owners: vec![p("prev")],
        activities: vec![
            logged(p("caller"), "phone_call", "2026-11-12T09:30:00Z", "12 Nov"),
            logged(p("odd"), "chat_summary", "2026-11-13T09:30:00Z", "13 Nov"),
        ],
        connectors: vec![p("conn")],
        related_owners: vec![RelatedRecord {
            owner: p("acc"),
            record_type: "account".into(),
            type_word: "customer".into(),
            name: "Contoso".into(),
        }],
        ..Default::default()
    };
    let s = rule_based(&f, &DEFAULT_RULES);
    assert_parallel(&s);
    let why: Vec<&Reason> = s.iter().flat_map(|x| &x.why).collect();
    let case = || "case".to_owned();
    assert_eq!(
        why,
        [
            &Reason::Owner {
                record_type: case()
            },
            &Reason::PreviousOwner {
                record_type: case()
            },
            &Reason::ConnectedConversation {
                record_type: case()
            },
            &Reason::LoggedActivity {
                what: "phone_call".into(),
                at: "2026-11-12T09:30:00Z".into()
            },
            &Reason::LoggedActivity {
                what: "chat_summary".into(),
                at: "2026-11-13T09:30:00Z".into()
            },
            &Reason::RelatedOwner {
                record_type: "account".into(),
                name: "Contoso".into()
            },
        ],
        "the type's API name, not its words; the activity's kind, not its words"
    );
    // The English names the type in words, and an unknown kind as an activity.
    assert_eq!(s[0].reasons, ["Owns this ticket"]);
    assert_eq!(s[4].reasons, ["Logged an activity on 13 Nov"]);
    assert_eq!(s[5].reasons, ["Owns customer Contoso"]);
    // As the API writes them: a `code` beside the facts.
    assert_eq!(
        serde_json::to_value(&s[3].why).unwrap(),
        serde_json::json!([{"code": "logged_activity", "what": "phone_call", "at": "2026-11-12T09:30:00Z"}])
    );
    assert_eq!(
        serde_json::to_value(&s[5].why).unwrap(),
        serde_json::json!([{"code": "related_owner", "record_type": "account", "name": "Contoso"}])
    );
}

#[test]
fn r12_team_rules_and_inactive_people() {
    let mut inactive = p("gone");
    inactive.active = false;
    let f = RuleFacts {
        record_type: "case".into(),
        type_word: "case".into(),
        team: Some((
            "Support".into(),
            vec![p("admin"), inactive.clone()],
            vec![p("admin"), p("member"), inactive],
        )),
        activities: vec![logged(p("member"), "note", "2026-10-01T08:00:00Z", "1 Oct")],
        ..Default::default()
    };
    let s = rule_based(&f, &DEFAULT_RULES);
    let ids: Vec<&str> = s.iter().map(|x| x.user_id.as_str()).collect();
    assert_eq!(ids, ["admin", "member"]);
    assert_eq!(
        s[1].reasons,
        [
            "In Support; logged a note on 1 Oct",
            "Logged a note on 1 Oct"
        ]
    );
    assert_parallel(&s);
    assert_eq!(
        serde_json::to_value(&s[0].why).unwrap(),
        serde_json::json!([{"code": "team_admin", "team": "Support", "record_type": "case"}])
    );
    assert_eq!(
        serde_json::to_value(&s[1].why).unwrap(),
        serde_json::json!([
            {"code": "team_member_activity", "team": "Support", "what": "note", "at": "2026-10-01T08:00:00Z"},
            {"code": "logged_activity", "what": "note", "at": "2026-10-01T08:00:00Z"}
        ])
    );
}

#[test]
fn r12_similarity_ranks_by_count_similarity_recency_and_speed() {
    let sim = |id: &str, who: &str, similarity: f64, age: f64, days: f64| SimilarResolved {
        example: ExampleRecord {
            id: id.into(),
            number: Some(format!("CAS-{id}")),
            name: Some("x".into()),
        },
        label: format!("CAS-{id} 'x'"),
        resolver: p(who),
        similarity,
        age_days: age,
        days_to_resolve: days,
    };
    let mut hidden = sim("4", "slow", 1.0, 400.0, 60.0);
    hidden.example.name = None;
    hidden.label = "CAS-4".into();
    let list = vec![
        sim("1", "expert", 0.9, 10.0, 1.0),
        sim("2", "expert", 0.8, 20.0, 2.0),
        sim("3", "once", 1.0, 10.0, 1.0),
        hidden,
    ];
    let s = similarity_based(&list, "case", "case", "cases");
    let ids: Vec<&str> = s.iter().map(|x| x.user_id.as_str()).collect();
    assert_eq!(ids, ["expert", "once", "slow"]);
    assert_eq!(s[0].reasons, ["Resolved 2 similar cases, e.g. CAS-1 'x'"]);
    assert_eq!(s[1].reasons, ["Resolved a similar case, CAS-3 'x'"]);
    assert!(s.iter().all(|x| x.confidence > 0.0 && x.confidence < 1.0));
    assert!(s[0].confidence > s[2].confidence);
    assert_parallel(&s);
    assert_eq!(
        serde_json::to_value(&s[0].why).unwrap(),
        serde_json::json!([{"code": "resolved_similar", "count": 2, "record_type": "case",
            "example": {"id": "1", "number": "CAS-1", "name": "x"}}]),
        "the most similar one is the example"
    );
    assert_eq!(
        serde_json::to_value(&s[2].why[0]).unwrap()["example"],
        serde_json::json!({"id": "4", "number": "CAS-4", "name": null}),
        "a record the asking user cannot read is named by its number only"
    );
    assert_eq!(s[0].example_record_id.as_deref(), Some("1"));
}

#[test]
fn r12_every_reason_code_is_listed_and_serialized_as_its_code() {
    let t = || "case".to_owned();
    let all = [
        Reason::Owner { record_type: t() },
        Reason::PreviousOwner { record_type: t() },
        Reason::TeamAdmin {
            team: "Support".into(),
            record_type: t(),
        },
        Reason::TeamMemberActivity {
            team: "Support".into(),
            what: "note".into(),
            at: "2026-10-01T08:00:00Z".into(),
        },
        Reason::ConnectedConversation { record_type: t() },
        Reason::LoggedActivity {
            what: "note".into(),
            at: "2026-10-01T08:00:00Z".into(),
        },
        Reason::RelatedOwner {
            record_type: "account".into(),
            name: "Contoso".into(),
        },
        Reason::ResolvedSimilar {
            count: 1,
            record_type: t(),
            example: ExampleRecord {
                id: "r1".into(),
                number: None,
                name: None,
            },
        },
    ];
    let codes: Vec<&str> = all.iter().map(Reason::code).collect();
    assert_eq!(codes, Reason::CODES, "one of each variant, in order");
    for r in &all {
        assert_eq!(serde_json::to_value(r).unwrap()["code"], r.code());
    }
}

#[test]
fn terms_are_safe_and_meaningful() {
    let t = search_terms(
        "Printer jams on tray 2; the printer \"shows\" error E-404 (tray) OR NOT",
        5,
    );
    assert_eq!(t[0], "printer");
    assert!(t.contains(&"tray".to_owned()) && t.contains(&"jams".to_owned()));
    assert!(t.iter().all(|w| w.chars().all(char::is_alphanumeric)));
    assert!(!t.contains(&"the".to_owned()));
}
