//! The record finder's substring index (issue 18): a longer text is looked up in it, and when it
//! matches few records those are read and sorted instead of walking every record; when it
//! matches many, the finder walks newest first as before. The same records either way.

use crate::{sys, u, user};
use serde_json::json;
use std::collections::BTreeMap;
use tether_domain::access::ReadScope;
use tether_domain::record::RecordState;
use tether_domain::{Access, Owner, RecordId, UserId};
use tether_store::bulk::{BulkOwner, BulkRecord};
use tether_store::records::{NewRecord, RecordPatch};
use tether_store::test_support::TestDb;
use tether_store::{Backend, Store};

both_backends!(
    r4_a_rare_substring_or_number_fragment_is_found_and_the_read_scope_still_hides,
    a_renamed_record_is_found_by_its_new_name_and_a_deleted_one_not_at_all,
    a_text_with_more_matches_than_the_cap_is_walked_newest_first_to_the_page,
    a_changed_text_field_is_found_by_its_new_words_only_and_a_deleted_record_not_at_all,
);

/// More than the finder reads and sorts (its `FEW_MATCHES`, 2,000).
const MANY: usize = 2_100;

/// A case titled `title` with `description`, changed last at `at`.
async fn case_at(
    s: &Store,
    title: &str,
    description: Option<&str>,
    owner: Owner,
    at: i64,
) -> RecordId {
    let def = s.record_type("case").await.unwrap().unwrap().def;
    let mut fields = BTreeMap::from([("title".to_owned(), json!(title))]);
    if let Some(d) = description {
        fields.insert("description".to_owned(), json!(d));
    }
    s.create_record(
        &def,
        &NewRecord {
            fields,
            owner,
            state: RecordState::Active,
            created_by: None,
            at: Some(at),
        },
    )
    .await
    .unwrap()
    .id
}

/// `titles.len()` cases at once through the bulk loader (one `INSERT` of many rows, as the
/// demo and benchmark data sets are written), the i-th changed last at `t0 + i`, each with
/// `description` if any.
async fn bulk_cases(
    s: &Store,
    owner: &UserId,
    titles: &[String],
    description: Option<&str>,
    t0: i64,
) {
    let def = s.record_type("case").await.unwrap().unwrap().def;
    let records: Vec<BulkRecord> = titles
        .iter()
        .zip(t0..)
        .map(|(title, at)| BulkRecord {
            id: tether_store::new_id(),
            fields: BTreeMap::from_iter(
                [
                    ("title", Some(title.as_str())),
                    ("description", description),
                ]
                .into_iter()
                .filter_map(|(k, v)| Some((k.to_owned(), json!(v?)))),
            ),
            owners: vec![BulkOwner {
                owner: u(owner),
                changed_by: None,
                at,
            }],
            state: RecordState::Active,
            created_by: None,
            created_at: at,
            resolution: None,
            updated_at: None,
        })
        .collect();
    s.bulk_insert_records(&def, &records).await.unwrap();
}

/// The read scopes `search_records` gets for `viewer`, as the server builds them.
async fn read_scopes(s: &Store, viewer: &UserId) -> Vec<(String, ReadScope)> {
    let subject = s.subject(viewer).await.unwrap().unwrap();
    s.record_types()
        .await
        .unwrap()
        .into_iter()
        .map(|t| {
            let scope = subject.read_scope(&t.def.name);
            (t.def.name, scope)
        })
        .collect()
}

/// The names the finder answers `text` with, in its order.
async fn found(s: &Store, viewer: &UserId, text: &str, limit: i64) -> Vec<String> {
    let scopes = read_scopes(s, viewer).await;
    s.search_records(viewer, &scopes, text, limit)
        .await
        .unwrap()
        .into_iter()
        .map(|v| v.record.name)
        .collect()
}

/// A part of a name in the middle of a word, and a fragment of a record number, find their
/// records through the substring index; a record the viewer may not read stays hidden (R4)
/// until it is shared with them.
async fn r4_a_rare_substring_or_number_fragment_is_found_and_the_read_scope_still_hides(
    b: Backend,
) {
    let db = TestDb::new(b).await;
    let s = db.store().await;
    let a = user(&s, "a@example.com", "Anna", &["agent"]).await;
    let v = user(&s, "v@example.com", "Vera", &["viewer"]).await;
    let t0 = 1_700_000_000_000;
    let titles: Vec<String> = (0..40).map(|i| format!("Office {i} printer")).collect();
    bulk_cases(&s, &a, &titles, None, t0).await; // CAS-00001 … CAS-00040
    let polaris = case_at(&s, "Slow Polaris uplink", None, u(&a), t0 + 100).await; // CAS-00041
    case_at(&s, "Reorder toner", Some("Ask Åsa first"), u(&a), t0 + 101).await; // CAS-00042

    // Inside a word, any case; not a word start, so only a longer text finds it.
    assert_eq!(found(&s, &a, "olari", 20).await, ["Slow Polaris uplink"]);
    assert_eq!(
        found(&s, &a, "OLARIS UP", 20).await,
        ["Slow Polaris uplink"]
    );
    assert_eq!(found(&s, &a, "rder", 20).await, ["Reorder toner"]);
    assert!(found(&s, &a, "olarix", 20).await.is_empty());
    // A bulk-written record is in the index too.
    assert_eq!(found(&s, &a, "ice 17 pr", 20).await, ["Office 17 printer"]);
    // Number fragments: digits, lower case, across the hyphen; the exact number first.
    assert_eq!(found(&s, &a, "0041", 20).await, ["Slow Polaris uplink"]);
    assert_eq!(found(&s, &a, "s-00041", 20).await, ["Slow Polaris uplink"]);
    assert_eq!(found(&s, &a, "00004", 20).await, ["Office 3 printer"]);
    assert_eq!(
        found(&s, &a, "cas-0004", 3).await,
        ["Reorder toner", "Slow Polaris uplink", "Office 39 printer"]
    );
    assert_eq!(
        found(&s, &a, "CAS-00004", 3).await,
        ["Office 3 printer"],
        "an exact number is one record"
    );
    // Text-field words still match, with names, newest first; wildcards are text.
    assert_eq!(found(&s, &a, "åsa", 20).await, ["Reorder toner"]);
    assert!(found(&s, &a, "p%r", 20).await.is_empty());
    assert!(found(&s, &a, "o_f", 20).await.is_empty());

    // R4: Vera reads her team's records only (she has none) and what is shared with her.
    assert!(found(&s, &v, "olari", 20).await.is_empty());
    assert!(found(&s, &v, "0041", 20).await.is_empty());
    assert!(found(&s, &v, "åsa", 20).await.is_empty());
    s.share_record("case", &polaris, &v, Access::Read, &a)
        .await
        .unwrap();
    assert_eq!(found(&s, &v, "olari", 20).await, ["Slow Polaris uplink"]);
    assert_eq!(found(&s, &v, "cas-000", 20).await, ["Slow Polaris uplink"]);
    assert!(found(&s, &v, "rder", 20).await.is_empty());
}

/// The index follows a record's changes: a new name is found and the old one no longer; a
/// change that keeps the name keeps the record found; a deleted record is found by nothing.
async fn a_renamed_record_is_found_by_its_new_name_and_a_deleted_one_not_at_all(b: Backend) {
    let db = TestDb::new(b).await;
    let s = db.store().await;
    let a = user(&s, "a@example.com", "Anna", &["agent"]).await;
    let def = s.record_type("case").await.unwrap().unwrap().def;
    let t0 = 1_700_000_000_000;
    let id = case_at(&s, "Printer jams daily", None, u(&a), t0).await; // CAS-00001
    let other = case_at(&s, "Scanner jams", None, u(&a), t0 + 1).await; // CAS-00002
    assert_eq!(found(&s, &a, "inter ja", 20).await, ["Printer jams daily"]);

    let rename = |title: &str, at: i64| RecordPatch {
        fields: BTreeMap::from([("title".to_owned(), json!(title))]),
        owner: None,
        state: None,
        at: Some(at),
    };
    s.update_record(&def, &id, &rename("Plotter stalls daily", t0 + 2), None)
        .await
        .unwrap();
    assert_eq!(
        found(&s, &a, "otter st", 20).await,
        ["Plotter stalls daily"]
    );
    assert!(found(&s, &a, "inter ja", 20).await.is_empty());
    assert_eq!(found(&s, &a, "jams", 20).await, ["Scanner jams"]);
    assert_eq!(found(&s, &a, "s-00001", 20).await, ["Plotter stalls daily"]);
    // A change of something else keeps it found by name and number.
    let state_only = RecordPatch {
        fields: BTreeMap::new(),
        owner: None,
        state: Some(RecordState::Resolved),
        at: Some(t0 + 3),
    };
    s.update_record(&def, &id, &state_only, Some(&a))
        .await
        .unwrap();
    assert_eq!(found(&s, &a, "tall", 20).await, ["Plotter stalls daily"]);
    assert_eq!(found(&s, &a, "00001", 20).await, ["Plotter stalls daily"]);

    s.delete_record("case", &id, &a, &sys("deleted"))
        .await
        .unwrap();
    assert!(found(&s, &a, "tall", 20).await.is_empty());
    assert!(found(&s, &a, "00001", 20).await.is_empty());
    assert_eq!(found(&s, &a, "s-0000", 20).await, ["Scanner jams"]);
    // The next record is indexed afresh (its key is not the deleted one's entry).
    case_at(&s, "Stalled queue", None, u(&a), t0 + 4).await;
    assert_eq!(found(&s, &a, "tall", 20).await, ["Stalled queue"]);
    s.delete_record("case", &other, &a, &sys("deleted"))
        .await
        .unwrap();
    assert!(found(&s, &a, "jams", 20).await.is_empty());
}

/// The words of a record's text fields follow its changes: its full-text entry is replaced on
/// every change of its text and removed with it (on SQLite by the record's integer key,
/// migration 0017), whether the record was written one at a time or by the bulk loader.
async fn a_changed_text_field_is_found_by_its_new_words_only_and_a_deleted_record_not_at_all(
    b: Backend,
) {
    let db = TestDb::new(b).await;
    let s = db.store().await;
    let a = user(&s, "a@example.com", "Anna", &["agent"]).await;
    let def = s.record_type("case").await.unwrap().unwrap().def;
    let t0 = 1_700_000_000_000;
    bulk_cases(&s, &a, &["Bulk one".to_owned()], Some("Quokka habitat"), t0).await;
    let id = case_at(&s, "Single", Some("Wombat burrow"), u(&a), t0 + 1).await;
    let other = case_at(&s, "Other", Some("Wombat den"), u(&a), t0 + 2).await;
    assert_eq!(found(&s, &a, "quokka", 20).await, ["Bulk one"]);
    assert_eq!(found(&s, &a, "wombat", 20).await, ["Other", "Single"]);

    let describe = |text: &str, at: i64| RecordPatch {
        fields: BTreeMap::from([("description".to_owned(), json!(text))]),
        owner: None,
        state: None,
        at: Some(at),
    };
    s.update_record(&def, &id, &describe("Numbat nest", t0 + 3), None)
        .await
        .unwrap();
    assert_eq!(found(&s, &a, "numbat", 20).await, ["Single"]);
    assert_eq!(found(&s, &a, "wombat", 20).await, ["Other"]);
    assert_eq!(found(&s, &a, "burrow", 20).await, Vec::<String>::new());
    // The other records' entries are untouched by the change.
    assert_eq!(found(&s, &a, "quokka", 20).await, ["Bulk one"]);
    assert_eq!(found(&s, &a, "den", 20).await, ["Other"]);

    s.delete_record("case", &id, &a, &sys("deleted"))
        .await
        .unwrap();
    assert!(found(&s, &a, "numbat", 20).await.is_empty());
    assert_eq!(found(&s, &a, "wombat", 20).await, ["Other"]);
    // A record made after the deletion gets an entry of its own.
    case_at(&s, "Later", Some("Numbat again"), u(&a), t0 + 4).await;
    assert_eq!(found(&s, &a, "numbat", 20).await, ["Later"]);
    s.delete_record("case", &other, &a, &sys("deleted"))
        .await
        .unwrap();
    assert!(found(&s, &a, "wombat", 20).await.is_empty());
}

/// A text that matches more records than the finder reads and sorts is walked newest first and
/// stops at the page — the same answer, in the same order, as a text that matches few: the
/// exact number first, names that begin with the text next, then the rest newest first, and a
/// match in a text field among them. The read scope applies on the walk too.
async fn a_text_with_more_matches_than_the_cap_is_walked_newest_first_to_the_page(b: Backend) {
    let db = TestDb::new(b).await;
    let s = db.store().await;
    let a = user(&s, "a@example.com", "Anna", &["agent"]).await;
    let v = user(&s, "v@example.com", "Vera", &["viewer"]).await;
    let t0 = 1_700_000_000_000;
    // The oldest: two names that begin with "net" (one is CAS-00001), then many that contain it.
    let first = case_at(&s, "Network down in Malmö", None, u(&a), t0).await;
    case_at(&s, "Netto Logistik order", None, u(&a), t0 + 1).await;
    let titles: Vec<String> = (0..MANY).map(|i| format!("Office {i} network")).collect();
    bulk_cases(&s, &a, &titles, Some("Rack gear"), t0 + 10).await;
    // The newest: a match in a text field only, and one the viewer may read.
    let newest = t0 + 10_000;
    case_at(
        &s,
        "Grey streaks",
        Some("The network printer"),
        u(&a),
        newest,
    )
    .await;
    let shared = case_at(
        &s,
        "Office hub",
        Some("Old network gear"),
        u(&a),
        newest + 1,
    )
    .await;
    s.share_record("case", &first, &v, Access::Read, &a)
        .await
        .unwrap();
    s.share_record("case", &shared, &v, Access::Read, &a)
        .await
        .unwrap();
    let last = MANY - 1;

    assert_eq!(
        found(&s, &a, "etwor", 3).await,
        (MANY - 3..MANY)
            .rev()
            .map(|i| format!("Office {i} network"))
            .collect::<Vec<_>>(),
        "names newest first (a text field's word must begin with the text)"
    );
    assert_eq!(
        found(&s, &a, "network", 5).await,
        [
            "Network down in Malmö".to_owned(),
            "Office hub".to_owned(),
            "Grey streaks".to_owned(),
            format!("Office {last} network"),
            format!("Office {} network", last - 1),
        ],
        "a name that begins with the text, then every match newest first, text fields among names"
    );
    assert_eq!(
        found(&s, &a, "netw", 4).await,
        [
            "Network down in Malmö".to_owned(),
            "Office hub".to_owned(),
            "Grey streaks".to_owned(),
            format!("Office {last} network"),
        ],
        "names that begin with the text first"
    );
    assert_eq!(
        found(&s, &a, "CAS-00001", 2).await,
        ["Network down in Malmö"],
        "the exact number: no other record holds it"
    );
    assert_eq!(found(&s, &a, "network", 100).await.len(), 100);
    // A word of many records' text fields, in no name: walked newest first too.
    assert_eq!(
        found(&s, &a, "gear", 3).await,
        [
            "Office hub".to_owned(),
            format!("Office {last} network"),
            format!("Office {} network", last - 1),
        ]
    );
    // Few matches among the many records: read and sorted, the same order.
    assert_eq!(
        found(&s, &a, "ice 31", 20).await,
        (310..320)
            .rev()
            .map(|i| format!("Office {i} network"))
            .chain(["Office 31 network".to_owned()])
            .collect::<Vec<_>>()
    );
    // R4 on the walk: only the shared records, however many match.
    assert_eq!(
        found(&s, &v, "network", 20).await,
        ["Network down in Malmö", "Office hub"]
    );
    assert_eq!(found(&s, &v, "etwor", 20).await, ["Network down in Malmö"]);
    assert_eq!(found(&s, &v, "gear", 20).await, ["Office hub"]);
}
