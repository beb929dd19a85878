//! Write transactions as a handle (`Store::begin`): what is written on one stands or falls
//! together and is seen inside it before the commit; a record change reads the record inside its
//! transaction, so two changes at once to different fields both stand.

use crate::{case, sys, u, user};
use serde_json::{Map, Value, json};
use tether_domain::RecordId;
use tether_domain::UserId;
use tether_domain::chat::ChatKind;
use tether_store::chats::NewChat;
use tether_store::records::RecordPatch;
use tether_store::test_support::TestDb;
use tether_store::{Backend, Store};

both_backends!(
    what_a_transaction_wrote_is_seen_inside_and_gone_without_a_commit,
    changes_to_different_fields_at_once_both_stand,
);

fn patch(field: &str, value: Value) -> RecordPatch {
    let mut fields = Map::new();
    fields.insert(field.to_owned(), value);
    RecordPatch {
        fields: fields.into_iter().collect(),
        ..RecordPatch::default()
    }
}

async fn what_a_transaction_wrote_is_seen_inside_and_gone_without_a_commit(b: Backend) {
    let db = TestDb::new(b).await;
    let s = db.store().await;
    let a = user(&s, "a@example.com", "Anna", &["agent"]).await;
    let bo = user(&s, "b@example.com", "Bo", &["agent"]).await;
    let rec = case(&s, "Printer jams", u(&a)).await;
    let def = s.record_type("case").await.unwrap().unwrap().def;
    let (chat, _) = s
        .create_chat(
            &NewChat {
                kind: ChatKind::Group,
                name: Some("Printer".into()),
                team_id: None,
                created_by: a.clone(),
                members: vec![(a.clone(), 0)],
            },
            Some(&sys("Anna started the chat")),
        )
        .await
        .unwrap();
    let seq_before = s.chat(&chat.id).await.unwrap().unwrap().last_seq;

    for commit in [false, true] {
        let mut tx = s.begin().await.unwrap();
        let change = tx
            .update_record(
                &def,
                &rec.id,
                &patch("description", json!("jams")),
                Some(&a),
            )
            .await
            .unwrap();
        assert_eq!(change.after.fields["description"], json!("jams"));
        let notice = tx
            .post_system(&chat.id, &sys("Description changed"))
            .await
            .unwrap();
        let added = tx
            .add_members(&chat.id, &[(bo.clone(), 0)], Some(&a), &sys("Bo was added"))
            .await
            .unwrap();
        assert_eq!(added.users, std::slice::from_ref(&bo));
        // Inside, the transaction sees what it wrote…
        let inside: Vec<UserId> = tx
            .members(&chat.id)
            .await
            .unwrap()
            .into_iter()
            .map(|m| m.user_id)
            .collect();
        assert_eq!(inside.len(), 2, "{inside:?}");
        assert_eq!(
            tx.chat(&chat.id).await.unwrap().unwrap().last_seq,
            seq_before + 2
        );
        if commit {
            tx.commit().await.unwrap();
            assert_eq!(s.members(&chat.id).await.unwrap().len(), 2);
            assert!(s.message(&notice).await.unwrap().is_some());
            assert_eq!(
                record_field(&s, &rec.id, "description").await,
                Some(json!("jams"))
            );
        } else {
            // …and dropped without a commit, none of it happened.
            drop(tx);
            assert_eq!(s.members(&chat.id).await.unwrap().len(), 1);
            assert!(s.message(&notice).await.unwrap().is_none());
            assert_eq!(
                s.chat(&chat.id).await.unwrap().unwrap().last_seq,
                seq_before
            );
            assert_eq!(record_field(&s, &rec.id, "description").await, None);
            assert_eq!(s.owner_history(&rec.id).await.unwrap().len(), 1);
        }
    }
}

async fn changes_to_different_fields_at_once_both_stand(b: Backend) {
    let db = TestDb::new(b).await;
    let s = db.store().await;
    let a = user(&s, "a@example.com", "Anna", &["agent"]).await;
    let rec = case(&s, "VPN drops", u(&a)).await;
    let def = s.record_type("case").await.unwrap().unwrap().def;
    for round in 0..10 {
        let description = patch("description", json!(format!("drops {round}")));
        let product = patch("product", json!(format!("VPN {round}")));
        let (x, y) = tokio::join!(
            s.update_record(&def, &rec.id, &description, Some(&a)),
            s.update_record(&def, &rec.id, &product, Some(&a)),
        );
        x.unwrap();
        y.unwrap();
        assert_eq!(
            record_field(&s, &rec.id, "description").await,
            Some(json!(format!("drops {round}"))),
            "round {round}"
        );
        assert_eq!(
            record_field(&s, &rec.id, "product").await,
            Some(json!(format!("VPN {round}"))),
            "round {round}"
        );
    }
}

async fn record_field(s: &Store, id: &RecordId, field: &str) -> Option<Value> {
    let view = s
        .record_views(std::slice::from_ref(id), None)
        .await
        .unwrap()
        .pop()
        .unwrap();
    view.record.fields.get(field).cloned()
}
