//! Kept similarity rankings (R12): the type's generation advances with every change to its
//! resolved records, a change to a record's text forgets its ranking, and a ranking computed
//! from an older state of the record is not kept.

use crate::{case, sys, u, user};
use serde_json::json;
use std::collections::BTreeMap;
use tether_domain::record::RecordState;
use tether_store::Backend;
use tether_store::dialect::SimilarRow;
use tether_store::records::RecordPatch;
use tether_store::test_support::TestDb;

both_backends!(kept_rankings_follow_records_and_resolutions);

fn rows(ids: &[&str]) -> Vec<SimilarRow> {
    ids.iter()
        .enumerate()
        .map(|(i, id)| SimilarRow {
            id: (*id).to_owned(),
            score: 10.0 - i as f64,
        })
        .collect()
}

fn state(state: RecordState) -> RecordPatch {
    RecordPatch {
        state: Some(state),
        ..Default::default()
    }
}

async fn kept_rankings_follow_records_and_resolutions(b: Backend) {
    let db = TestDb::new(b).await;
    let store = db.store().await;
    let s = &store;
    let a = user(s, "a@x.se", "A", &["agent"]).await;
    let def = s.record_type("case").await.unwrap().unwrap().def;
    let open = case(s, "VPN drops every hour", u(&a)).await;
    let other = case(s, "VPN drops at night", u(&a)).await;

    // Nothing kept yet; the type has no generation yet.
    let k = s.kept_similar("case", &open.id).await.unwrap();
    assert!(k.kept.is_none() && !k.is_current());
    let g0 = k.generation;
    let unranked = s
        .unranked_records(&["case".to_owned()], 0, 100)
        .await
        .unwrap();
    assert_eq!(unranked.len(), 2, "both cases wait for a ranking");
    assert!(
        s.unranked_records(&["account".to_owned()], 0, 100)
            .await
            .unwrap()
            .is_empty(),
        "only the types asked for"
    );

    // Kept, read back as it was written, and no longer waiting.
    let ranked = rows(&[other.id.as_str()]);
    assert!(
        s.keep_similar("case", &open.id, open.updated_at, g0, &ranked)
            .await
            .unwrap()
    );
    let k = s.kept_similar("case", &open.id).await.unwrap();
    assert!(k.is_current());
    let (g, kept) = k.kept.unwrap();
    assert_eq!(g, g0);
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].id, other.id.as_str());
    assert_eq!(kept[0].score, 10.0);
    let unranked = s
        .unranked_records(&["case".to_owned()], 0, 100)
        .await
        .unwrap();
    assert_eq!(unranked.len(), 1);
    assert_eq!(unranked[0].id, other.id.as_str());

    // A ranking computed from the record as it was before a change is not kept.
    assert!(
        !s.keep_similar("case", &other.id, other.updated_at - 1, g0, &[])
            .await
            .unwrap()
    );
    assert!(
        !s.keep_similar("account", &other.id, other.updated_at, g0, &[])
            .await
            .unwrap(),
        "nor under the wrong type"
    );

    // Resolving a case advances the generation: the kept ranking is served but stale.
    s.update_record(&def, &other.id, &state(RecordState::Resolved), Some(&a))
        .await
        .unwrap();
    let k = s.kept_similar("case", &open.id).await.unwrap();
    assert!(k.generation > g0);
    assert!(k.kept.is_some() && !k.is_current());
    let g1 = k.generation;
    assert_eq!(s.similar_generation("case").await.unwrap(), g1);
    assert_eq!(s.similar_generation("account").await.unwrap(), 0);
    // A later ranking replaces it; an older one never overwrites a later one.
    let after = s
        .record_views(std::slice::from_ref(&open.id), None)
        .await
        .unwrap();
    let updated_at = after[0].record.updated_at;
    assert!(
        s.keep_similar("case", &open.id, updated_at, g1, &rows(&["x", "y"]))
            .await
            .unwrap()
    );
    assert!(
        !s.keep_similar("case", &open.id, updated_at, g0, &rows(&["old"]))
            .await
            .unwrap()
    );
    assert_eq!(
        s.kept_similar("case", &open.id)
            .await
            .unwrap()
            .kept
            .unwrap()
            .1
            .len(),
        2
    );

    // A change that is not about text or resolution leaves both as they are.
    let mut owner_only = RecordPatch::default();
    let bo = user(s, "bo@x.se", "Bo", &["agent"]).await;
    owner_only.owner = Some(u(&bo));
    s.update_record(&def, &open.id, &owner_only, Some(&a))
        .await
        .unwrap();
    let k = s.kept_similar("case", &open.id).await.unwrap();
    assert!(k.is_current(), "an owner change keeps the ranking");
    assert_eq!(k.generation, g1);

    // A new text forgets the record's ranking.
    let mut text = BTreeMap::new();
    text.insert("title".to_owned(), json!("Printer jams"));
    s.update_record(
        &def,
        &open.id,
        &RecordPatch {
            fields: text.clone(),
            ..Default::default()
        },
        Some(&a),
    )
    .await
    .unwrap();
    assert!(
        s.kept_similar("case", &open.id)
            .await
            .unwrap()
            .kept
            .is_none()
    );
    assert_eq!(
        s.kept_similar("case", &open.id).await.unwrap().generation,
        g1,
        "an open record's text is not the resolved set's"
    );
    // A resolved record's new text, its reopening and a deletion each advance it.
    s.update_record(
        &def,
        &other.id,
        &RecordPatch {
            fields: text,
            ..Default::default()
        },
        Some(&a),
    )
    .await
    .unwrap();
    let g2 = s.kept_similar("case", &open.id).await.unwrap().generation;
    assert!(g2 > g1);
    s.update_record(&def, &other.id, &state(RecordState::Active), Some(&a))
        .await
        .unwrap();
    let g3 = s.kept_similar("case", &open.id).await.unwrap().generation;
    assert!(g3 > g2);
    s.delete_record("case", &other.id, &a, &sys("deleted"))
        .await
        .unwrap();
    assert!(s.kept_similar("case", &open.id).await.unwrap().generation > g3);
    // Another type's generation is its own.
    assert_eq!(
        s.kept_similar("account", &open.id)
            .await
            .unwrap()
            .generation,
        0
    );
}
