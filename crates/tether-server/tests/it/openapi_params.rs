//! The served OpenAPI document declares each parameter where it travels (issue 15): every
//! `in: path` parameter is a `{name}` of its path, every `{name}` of a path is declared as a
//! path parameter, and the query strings of the API are declared `in: query`.

use crate::common::spawn_app;
use reqwest::Method;
use std::collections::BTreeSet;
use tether_store::Backend;

#[tokio::test]
async fn path_parameters_are_in_their_paths_and_query_parameters_in_the_query() {
    let app = spawn_app(Backend::Sqlite).await;
    let doc = app
        .send(Method::GET, "/api/v1/openapi.json", None, None)
        .await
        .expect(200)
        .body;
    let mut wrong = Vec::new();
    let mut query = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        let in_path: BTreeSet<&str> = path
            .split('{')
            .skip(1)
            .filter_map(|s| s.split_once('}').map(|(name, _)| name))
            .collect();
        for (method, op) in item.as_object().unwrap() {
            let params = op["parameters"].as_array().cloned().unwrap_or_default();
            let mut declared = BTreeSet::new();
            for p in &params {
                let name = p["name"].as_str().unwrap().to_owned();
                match p["in"].as_str().unwrap() {
                    "path" if !in_path.contains(name.as_str()) => {
                        wrong.push(format!("{method} {path}: `{name}` is declared in: path"));
                    }
                    "path" => {
                        declared.insert(name);
                    }
                    "query" => {
                        query.insert(format!("{method} {path} {name}"));
                    }
                    _ => {}
                }
            }
            for name in &in_path {
                if !declared.contains(*name) {
                    wrong.push(format!("{method} {path}: `{{{name}}}` is not declared"));
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    // A few of API.md's query parameters, where clients look for them.
    for expected in [
        "get /api/v1/search q",
        "get /api/v1/chats/{id}/messages before",
        "get /api/v1/records/{type} q",
        "get /api/v1/events token",
    ] {
        assert!(query.contains(expected), "{expected} is not in: query");
    }
}
