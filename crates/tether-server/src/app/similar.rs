//! Similarity rankings kept ready (R12), so that a record page reads its suggested contacts
//! with one key lookup instead of two full-text queries over the whole record type.
//!
//! A background task of each server ([`run`]) ranks the records that have no kept ranking: all
//! of them once at start (and every hour, for records written with old change times, as an
//! import does), then those changed since the last pass whenever a record is written
//! ([`Warmer::poke`]). Views that find a ranking of an older generation (a record of the type
//! was resolved or reopened since) use it and ask for it again ([`Warmer::refresh`]). The task
//! ranks one record at a time and rests as long as the ranking took, so it takes at most half
//! a core from requests. A record viewed before the task reached it is ranked by the view
//! ([`crate::app::suggestions::ranking`]).

use crate::AppState;
use crate::app::suggestions::{TermCounts, rank_with};
use std::collections::BTreeSet;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tether_domain::RecordId;
use tether_store::{Store, StoreError};
use tokio::sync::{Notify, watch};

/// Refresh requests waiting at most; more are dropped (the views keep serving the older
/// ranking, and ask again).
const MAX_PENDING: usize = 10_000;
/// Records read per step of a pass.
const PAGE: i64 = 200;
/// A full pass, also over records written with old change times.
const FULL_PASS: Duration = Duration::from_secs(3600);
/// A pass after a write looks this far back before the last pass's newest change, for writes
/// whose transaction committed after a later one.
const OVERLAP_MS: i64 = 60_000;

/// Where views and writes ask for rankings to be computed.
#[derive(Default)]
pub struct Warmer {
    pending: Mutex<BTreeSet<(String, RecordId)>>,
    wake: Notify,
}

impl Warmer {
    /// The record's kept ranking is of an older generation: compute it again.
    pub fn refresh(&self, record_type: &str, id: &RecordId) {
        if let Ok(mut p) = self.pending.lock()
            && p.len() < MAX_PENDING
        {
            p.insert((record_type.to_owned(), id.clone()));
        }
        self.wake.notify_one();
    }

    /// Records were written: rank those without a ranking.
    pub fn poke(&self) {
        self.wake.notify_one();
    }

    fn take(&self) -> Vec<(String, RecordId)> {
        self.pending
            .lock()
            .map(|mut p| std::mem::take(&mut *p).into_iter().collect())
            .unwrap_or_default()
    }
}

/// Runs until `stop` turns true.
pub async fn run(state: AppState, mut stop: watch::Receiver<bool>) {
    // The newest change time a pass has seen; a pass starts a little before it.
    let mut seen: Option<i64> = None;
    let mut full = tokio::time::interval(FULL_PASS);
    // The first tick is now: the loop's first pass is the full one.
    full.tick().await;
    loop {
        let pass = async {
            let since = seen.map_or(0, |t| t - OVERLAP_MS);
            match warm(&state.store, since, 1, true).await {
                Ok(newest) => seen = Some(newest.max(seen.unwrap_or(0))),
                Err(e) => tracing::warn!(error = %e, "ranking similar records failed"),
            }
            for (ty, id) in state.similar.take() {
                if let Err(e) = rerank(&state.store, &ty, &id).await {
                    tracing::warn!(error = %e, record = %id, "ranking similar records failed");
                }
            }
        };
        tokio::select! {
            _ = stop.changed() => return,
            () = pass => {}
        }
        tokio::select! {
            _ = stop.changed() => return,
            _ = state.similar.wake.notified() => {}
            _ = full.tick() => seen = None,
        }
    }
}

/// Ranks every record without a kept ranking changed at or after `since` (epoch ms), of the
/// types whose similarity suggestions are on, `workers` at a time; with `rest`, each worker
/// rests after each record as long as it took. Answers the newest change time it saw.
pub async fn warm(
    store: &Store,
    since: i64,
    workers: usize,
    rest: bool,
) -> Result<i64, StoreError> {
    let types: Vec<tether_store::record_types::RecordType> = store
        .record_types()
        .await?
        .into_iter()
        .filter(|t| t.settings.suggestions.similarity_based)
        .collect();
    let names: Vec<String> = types.iter().map(|t| t.def.name.clone()).collect();
    let workers = workers.max(1);
    let mut counts: Vec<TermCounts> = (0..workers).map(|_| TermCounts::default()).collect();
    let mut newest = since;
    loop {
        let page = store.unranked_records(&names, newest, PAGE).await?;
        let Some(last) = page.last() else {
            return Ok(newest);
        };
        newest = last.updated_at;
        // Each type's generation, read before the page is ranked: a resolution meanwhile
        // leaves the page's rankings stale, to be ranked again when viewed.
        let mut generations = Vec::with_capacity(types.len());
        for t in &types {
            generations.push((t, store.similar_generation(&t.def.name).await?));
        }
        let ids: Vec<RecordId> = page.iter().map(|u| RecordId::new(u.id.as_str())).collect();
        let views = store.record_views(&ids, None).await?;
        let share = views.len().div_ceil(workers).max(1);
        let done = futures_util::future::join_all(views.chunks(share).zip(counts.iter_mut()).map(
            |(chunk, counts)| {
                let generations = &generations;
                async move {
                    let mut kept = 0;
                    for view in chunk {
                        let Some((rt, generation)) = generations
                            .iter()
                            .find(|(t, _)| t.def.name == view.record.record_type)
                        else {
                            continue;
                        };
                        if rank_and_keep(store, rt, *generation, &view.record, counts, rest).await?
                        {
                            kept += 1;
                        }
                    }
                    Ok::<usize, StoreError>(kept)
                }
            },
        ))
        .await;
        let mut kept = 0;
        for d in done {
            kept += d?;
        }
        if kept == 0 {
            // Every record of the page changed while it was ranked: the next page starts
            // after them (a changed record comes again with its new change time).
            newest += 1;
        }
    }
}

/// Ranks one record again (its kept ranking is of an older generation).
async fn rerank(store: &Store, record_type: &str, id: &RecordId) -> Result<(), StoreError> {
    let Some(rt) = store.record_type(record_type).await? else {
        return Ok(());
    };
    let generation = store.similar_generation(record_type).await?;
    if let Some(view) = store
        .record_views(std::slice::from_ref(id), None)
        .await?
        .pop()
    {
        rank_and_keep(
            store,
            &rt,
            generation,
            &view.record,
            &mut TermCounts::default(),
            true,
        )
        .await?;
    }
    Ok(())
}

/// Ranks `record` and keeps the ranking under `generation` (read before ranking), then (with
/// `rest`) rests as long as that took. Answers whether it was kept (not when the record changed
/// meanwhile).
async fn rank_and_keep(
    store: &Store,
    rt: &tether_store::record_types::RecordType,
    generation: i64,
    record: &tether_store::records::Record,
    counts: &mut TermCounts,
    rest: bool,
) -> Result<bool, StoreError> {
    let started = Instant::now();
    let rows = rank_with(store, rt, record, counts).await?;
    let kept = store
        .keep_similar(
            &rt.def.name,
            &record.id,
            record.updated_at,
            generation,
            &rows,
        )
        .await?;
    if rest {
        tokio::time::sleep(started.elapsed()).await;
    }
    Ok(kept)
}
