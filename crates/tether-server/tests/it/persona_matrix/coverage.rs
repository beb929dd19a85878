//! Every endpoint the OpenAPI document lists has a row, and every row an endpoint.

use super::*;

// ---------------------------------------------------------------------------------------------
// Coverage: the table and the served document name the same endpoints
// ---------------------------------------------------------------------------------------------

fn documented(doc: &Value) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in item.as_object().expect("path item").keys() {
            if ["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                out.insert((method.clone(), path.clone()));
            }
        }
    }
    out
}

pub(super) fn coverage_problems(doc: &Value) -> Vec<String> {
    let in_doc = documented(doc);
    let mut in_table = BTreeSet::new();
    let mut problems = Vec::new();
    let mut labelled = BTreeSet::new();
    for row in TABLE {
        let key = (row.method.to_owned(), row.path.to_owned());
        if !labelled.insert((key.clone(), row.label)) {
            problems.push(format!(
                "two rows for {} {} labelled {:?}",
                key.0, key.1, row.label
            ));
        }
        in_table.insert(key);
    }
    for (a, b) in SAME_ANSWER {
        for label in [a, b] {
            if !TABLE.iter().any(|r| r.label == *label) {
                problems.push(format!("SAME_ANSWER names {label:?}, which no row has"));
            }
        }
    }
    for (m, p) in in_doc.difference(&in_table) {
        problems.push(format!(
            "{} {p} is in the OpenAPI document but has no row in TABLE",
            m.to_uppercase()
        ));
    }
    for (m, p) in in_table.difference(&in_doc) {
        problems.push(format!(
            "{} {p} has a row in TABLE but is not in the OpenAPI document",
            m.to_uppercase()
        ));
    }
    problems
}

/// The coverage check on its own, so a missing row is reported without the whole matrix.
#[tokio::test]
async fn every_documented_endpoint_has_a_row() {
    let app = spawn_app(Backend::Sqlite).await;
    let doc = app
        .send(Method::GET, "/api/v1/openapi.json", None, None)
        .await
        .expect(200)
        .body;
    let problems = coverage_problems(&doc);
    assert!(
        problems.is_empty(),
        "the table must name exactly the documented endpoints:\n{}",
        problems.join("\n")
    );
    assert!(TABLE.len() >= 50, "{}", TABLE.len());
}
