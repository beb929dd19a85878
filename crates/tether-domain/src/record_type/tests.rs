use super::standard::{field, lookup};
use super::validate::valid_date;
use super::*;
use serde_json::json;
use serde_json::{Map, Value};

fn case() -> RecordTypeDef {
    standard_record_types()
        .into_iter()
        .find(|t| t.name == "case")
        .unwrap()
}

fn obj(v: Value) -> Map<String, Value> {
    v.as_object().unwrap().clone()
}

#[test]
fn standard_types_are_well_formed() {
    let all = standard_record_types();
    let names: Vec<&str> = all.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "case",
            "account",
            "contact",
            "knowledge_article",
            "email",
            "conversation"
        ]
    );
    for t in &all {
        t.check_definition(&names).unwrap();
    }
}

#[test]
fn valid_case_passes_and_collects_lookups() {
    let v = case()
        .validate_fields(
            &obj(json!({"title": " Printer jams ", "priority": "high", "account": "abc123"})),
            Mode::Create,
        )
        .unwrap();
    assert_eq!(v.values["title"], json!("Printer jams"));
    assert_eq!(
        v.lookups,
        vec![("account".into(), "account".into(), "abc123".into())]
    );
}

#[test]
fn errors_name_the_field() {
    let errs = case()
        .validate_fields(
            &obj(json!({"colour": "red", "priority": "extreme", "description": 7})),
            Mode::Create,
        )
        .unwrap_err();
    let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
    assert!(fields.contains(&"colour"));
    assert!(fields.contains(&"priority"));
    assert!(fields.contains(&"description"));
    assert!(fields.contains(&"title"), "missing primary name: {errs:?}");
}

#[test]
fn update_does_not_need_primary_but_cannot_clear_it() {
    assert!(
        case()
            .validate_fields(&obj(json!({"priority": "low"})), Mode::Update)
            .is_ok()
    );
    let errs = case()
        .validate_fields(&obj(json!({"title": null})), Mode::Update)
        .unwrap_err();
    assert_eq!(errs[0].field, "title");
    let errs = case()
        .validate_fields(&obj(json!({"title": "   "})), Mode::Update)
        .unwrap_err();
    assert_eq!(errs[0].field, "title");
}

#[test]
fn read_only_and_hostile_values_are_refused() {
    let errs = case()
        .validate_fields(&obj(json!({"ticket_number": "CAS-1"})), Mode::Update)
        .unwrap_err();
    assert_eq!(errs[0].field, "ticket_number");
    for bad in ["nul\u{0}byte", "flip\u{202E}txt", "line\nbreak"] {
        assert!(
            case()
                .validate_fields(&obj(json!({"title": bad})), Mode::Update)
                .is_err(),
            "{bad:?}"
        );
    }
    assert!(
        case()
            .validate_fields(&obj(json!({"title": "x".repeat(501)})), Mode::Update)
            .is_err()
    );
    assert!(
        case()
            .validate_fields(&obj(json!({"account": "../../etc"})), Mode::Update)
            .is_err()
    );
}

#[test]
fn dates_are_real_calendar_dates() {
    for good in ["2024-02-29", "2026-12-31", "0001-01-01"] {
        assert!(valid_date(good), "{good}");
    }
    for bad in [
        "2023-02-29",
        "2026-13-01",
        "2026-00-10",
        "2026-1-1",
        "20260101",
        "2026-04-31",
        "abcd-ef-gh",
    ] {
        assert!(!valid_date(bad), "{bad}");
    }
}

#[test]
fn custom_type_definitions_are_checked() {
    let def = RecordTypeDef {
        name: "work_order".into(),
        display_name: "Work order".into(),
        primary_field: "summary".into(),
        fields: vec![
            field("summary", "Summary", FieldKind::Text),
            field("summary", "Again", FieldKind::Text),
            FieldDef {
                kind: FieldKind::Choice,
                ..field("status", "Status", FieldKind::Text)
            },
            lookup("site", "Site", "nowhere"),
        ],
        standard: false,
        number_prefix: None,
    };
    let errs = def.check_definition(&["case"]).unwrap_err();
    let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        ["fields[1].name", "fields[2].options", "fields[3].target"]
    );
}

#[test]
fn numbers_look_like_ticket_numbers() {
    assert_eq!(format_number("CAS", 1042), "CAS-01042");
}
