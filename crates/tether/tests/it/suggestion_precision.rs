//! R12 quality, measured: over the generated demo data set (cases fall into topics with topic
//! experts), the similarity-based suggestions for a topic's cases must rank one of the topic's
//! experts in the top three for at least 80% of the cases. The precision is computed and
//! printed, not assumed.

use std::collections::BTreeSet;
use tether::demo::{DemoOptions, generate};
use tether_store::{ConnectOptions, Store};

struct TempDb(std::path::PathBuf);

impl Drop for TempDb {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[tokio::test]
async fn r12_topic_experts_rank_in_the_top_three_for_80_percent_of_cases() {
    let dir = std::env::temp_dir().join(format!("tether-precision-{}", tether_store::new_id()));
    let _guard = TempDb(dir.clone());
    let url = format!("sqlite://{}", dir.join("t.db").display());
    let store = Store::connect(&url, &ConnectOptions::default())
        .await
        .unwrap();
    store.prepare().await.unwrap();
    let summary = generate(
        &store,
        &DemoOptions {
            scale: 1,
            password_hash: "x".into(),
            seed: 42,
            now: tether_store::now_ms(),
        },
    )
    .await
    .unwrap();

    let admin = store
        .user_credentials("admin@demo.tether.test")
        .await
        .unwrap()
        .expect("demo admin");
    let subject = store.subject(&admin.id).await.unwrap().unwrap();
    let rt = store.record_type("case").await.unwrap().unwrap();
    let now = tether_store::now_ms();

    let (mut hits, mut total) = (0usize, 0usize);
    for topic in &summary.topics {
        let experts: BTreeSet<&str> = topic.experts.iter().map(|e| e.id.as_str()).collect();
        assert!(!experts.is_empty(), "topic {} has experts", topic.key);
        // Every 8th case of the topic: resolved and open ones alike.
        for case_id in topic.case_ids.iter().step_by(8) {
            let view = store
                .record_view(&tether_domain::RecordId::from(case_id.as_str()), &admin.id)
                .await
                .unwrap()
                .unwrap();
            let all =
                tether_server::app::suggestions::compute(&store, &rt, &view.record, &subject, now)
                    .await
                    .unwrap()
                    .suggestions;
            let top3: Vec<&str> = all
                .iter()
                .filter(|s| s.source == "similarity")
                .take(3)
                .map(|s| s.user_id.as_str())
                .collect();
            total += 1;
            if top3.iter().any(|u| experts.contains(u)) {
                hits += 1;
            }
        }
    }
    let precision = hits as f64 / total as f64;
    eprintln!(
        "similarity suggestions: a topic expert in the top 3 for {hits} of {total} cases ({:.1}%)",
        precision * 100.0
    );
    assert!(total >= 100, "enough cases measured: {total}");
    assert!(precision >= 0.8, "precision {precision:.3} is below 0.8");
}
