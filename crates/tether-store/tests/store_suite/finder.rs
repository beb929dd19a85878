//! The record finder (issue 16).

use crate::{u, user};
use serde_json::json;
use std::collections::BTreeMap;
use tether_domain::access::ReadScope;
use tether_domain::record::RecordState;
use tether_domain::{Access, Owner, UserId};
use tether_store::records::NewRecord;
use tether_store::test_support::TestDb;
use tether_store::{Backend, Store};

both_backends!(
    the_finder_matches_word_starts_when_short_and_anywhere_when_longer,
    the_finder_ranks_numbers_then_name_starts_however_many_records_match,
);

/// A record of `record_type` whose primary field is `title`, changed last at `at`.
async fn record_at(
    s: &Store,
    record_type: &str,
    title: &str,
    owner: Owner,
    at: i64,
) -> tether_domain::RecordId {
    let def = s.record_type(record_type).await.unwrap().unwrap().def;
    let mut fields = BTreeMap::new();
    fields.insert(def.primary_field.clone(), json!(title));
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

async fn found(s: &Store, viewer: &UserId, text: &str, limit: i64) -> Vec<String> {
    let scopes = read_scopes(s, viewer).await;
    s.search_records(viewer, &scopes, text, limit)
        .await
        .unwrap()
        .into_iter()
        .map(|v| v.record.name)
        .collect()
}

/// The finder (issue 16): one or two characters match names one of whose words begins with
/// them and numbers that begin with them; three or more match names and numbers anywhere and
/// the words of text fields. Only what the viewer may read, on both backends.
async fn the_finder_matches_word_starts_when_short_and_anywhere_when_longer(b: Backend) {
    let db = TestDb::new(b).await;
    let s = db.store().await;
    let a = user(&s, "a@example.com", "Anna", &["agent"]).await;
    let v = user(&s, "v@example.com", "Vera", &["viewer"]).await;
    let t0 = 1_700_000_000_000;
    record_at(&s, "case", "Reprint the invoice", u(&a), t0).await; // CAS-00001
    record_at(&s, "case", "Laser printer offline", u(&a), t0 + 1).await; // CAS-00002
    record_at(&s, "case", "VPN-printer bridge", u(&a), t0 + 2).await; // CAS-00003
    let jams = record_at(&s, "case", "Printer jams", u(&a), t0 + 3).await; // CAS-00004
    record_at(&s, "account", "Primo AB", u(&a), t0 + 4).await;
    record_at(&s, "account", "Åkesson Tryck", u(&a), t0 + 5).await;

    // Short: word starts only (start, after a space or a hyphen), names that begin first.
    assert_eq!(
        found(&s, &a, "pr", 20).await,
        [
            "Primo AB",
            "Printer jams",
            "VPN-printer bridge",
            "Laser printer offline"
        ]
    );
    assert_eq!(found(&s, &a, "P", 1).await, ["Primo AB"]);
    assert_eq!(found(&s, &a, "å", 20).await, ["Åkesson Tryck"]);
    assert_eq!(found(&s, &a, "TR", 20).await, ["Åkesson Tryck"]);
    assert!(found(&s, &a, "nt", 20).await.is_empty(), "inside words");
    // Numbers: short texts where they begin, not inside; longer ones anywhere.
    assert!(found(&s, &a, "00", 20).await.is_empty());
    assert_eq!(found(&s, &a, "ca", 20).await.len(), 4);
    assert_eq!(found(&s, &a, "00004", 20).await, ["Printer jams"]);
    // Three characters or more: anywhere in a name, and text words as before.
    assert_eq!(
        found(&s, &a, "rint", 20).await,
        [
            "Printer jams",
            "VPN-printer bridge",
            "Laser printer offline",
            "Reprint the invoice"
        ]
    );
    assert_eq!(found(&s, &a, "invoice", 20).await, ["Reprint the invoice"]);
    // Text fields: a word, or the beginning of one, ranked with the rest.
    let def = s.record_type("case").await.unwrap().unwrap().def;
    s.create_record(
        &def,
        &NewRecord {
            fields: BTreeMap::from([
                ("title".to_owned(), json!("Grey streaks")),
                (
                    "description".to_owned(),
                    json!("Toner smudges on every printout"),
                ),
            ]),
            owner: u(&a),
            state: RecordState::Active,
            created_by: None,
            at: Some(t0 - 1),
        },
    )
    .await
    .unwrap();
    assert_eq!(found(&s, &a, "smudg", 20).await, ["Grey streaks"]);
    assert_eq!(
        found(&s, &a, "printou", 20).await,
        ["Grey streaks"],
        "not the names that contain \"print\""
    );
    assert_eq!(
        found(&s, &a, "print", 20).await.last().unwrap(),
        "Grey streaks"
    );
    assert!(
        found(&s, &v, "smudg", 20).await.is_empty(),
        "text of an unreadable record"
    );
    // Wildcards are text.
    assert!(found(&s, &a, "%", 20).await.is_empty());
    assert!(found(&s, &a, "p_", 20).await.is_empty());

    // Vera reads her team's records only (she has none): nothing, until one is shared (R4).
    assert!(found(&s, &v, "pr", 20).await.is_empty());
    s.share_record("case", &jams, &v, Access::Read, &a)
        .await
        .unwrap();
    assert_eq!(found(&s, &v, "pr", 20).await, ["Printer jams"]);
    assert_eq!(found(&s, &v, "CAS-00004", 20).await, ["Printer jams"]);
    assert!(found(&s, &v, "CAS-00003", 20).await.is_empty());
}

/// The exact number comes first and names that begin with the text next, each newest first,
/// even when many newer records match otherwise (the finder stops at its page: each part of
/// its query has its own limit).
async fn the_finder_ranks_numbers_then_name_starts_however_many_records_match(b: Backend) {
    let db = TestDb::new(b).await;
    let s = db.store().await;
    let a = user(&s, "a@example.com", "Anna", &["agent"]).await;
    let t0 = 1_700_000_000_000;
    // The oldest records: CAS-00001, then two names that begin with "net".
    record_at(&s, "case", "Slow VPN", u(&a), t0).await;
    record_at(&s, "case", "Network down in Malmö", u(&a), t0 + 1).await;
    record_at(&s, "account", "Netto Logistik AB", u(&a), t0 + 2).await;
    for i in 0..30 {
        record_at(
            &s,
            "case",
            &format!("Office {i} network"),
            u(&a),
            t0 + 10 + i,
        )
        .await;
    }
    record_at(&s, "case", "CAS-00001 was reopened", u(&a), t0 + 100).await;

    let page = found(&s, &a, "net", 5).await;
    assert_eq!(
        page,
        [
            "Netto Logistik AB",
            "Network down in Malmö",
            "Office 29 network",
            "Office 28 network",
            "Office 27 network"
        ]
    );
    assert_eq!(found(&s, &a, "n", 3).await, page[..3]);
    assert_eq!(
        found(&s, &a, "cas-00001", 5).await,
        ["Slow VPN", "CAS-00001 was reopened"]
    );
    assert_eq!(found(&s, &a, "network", 50).await.len(), 31);
}
