//! A record's timeline (activities, newest first) and its owner history.

use super::{Activity, OwnerChange, Person};
use crate::{Result, Store, StoreError, new_id, now_ms};
use tether_domain::RecordId;
use tether_domain::record::{ActivityKind, EntryKind};
use tether_domain::{Owner, TeamId, UserId};

#[derive(sqlx::FromRow)]
struct ActivityRow {
    id: String,
    record_id: String,
    kind: String,
    subject: String,
    body: Option<String>,
    author_id: Option<String>,
    author_name: Option<String>,
    at: i64,
    chat_id: Option<String>,
    data: Option<String>,
}

impl TryFrom<ActivityRow> for Activity {
    type Error = StoreError;
    /// A kind this version does not know is corrupt data, never a silent fallback.
    fn try_from(r: ActivityRow) -> Result<Self> {
        let kind: EntryKind = r.kind.parse().map_err(StoreError::Corrupt)?;
        Ok(Activity {
            chat_id: r.chat_id.map(tether_domain::ChatId::new),
            data: r.data.and_then(|d| serde_json::from_str(&d).ok()),
            id: r.id,
            record_id: r.record_id,
            kind,
            subject: r.subject,
            body: r.body,
            author: r.author_id.map(|id| Person {
                id: id.into(),
                name: r.author_name.unwrap_or_default(),
            }),
            at: r.at,
        })
    }
}

#[derive(sqlx::FromRow)]
struct OwnerRow {
    owner_user_id: Option<String>,
    owner_team_id: Option<String>,
    owner_name: Option<String>,
    changed_by: Option<String>,
    at: i64,
}

impl Store {
    /// Logs an activity on a record's timeline; `at` backdates it (demo data).
    pub async fn add_activity(
        &self,
        record_id: &RecordId,
        kind: ActivityKind,
        subject: &str,
        body: Option<&str>,
        author_id: Option<&UserId>,
        at: Option<i64>,
    ) -> Result<Activity> {
        let record_id = record_id.as_str();
        let id = new_id();
        let at = at.unwrap_or_else(now_ms);
        with_write!(self, p => sqlx::query("INSERT INTO activities (id, record_id, kind, subject, body, author_id, at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(&id).bind(record_id).bind(kind.as_str()).bind(subject).bind(body).bind(author_id.map(UserId::as_str)).bind(at)
            .execute(p).await.map(|r| r.rows_affected()))?;
        let author = match author_id {
            Some(a) => self.user(a).await?.map(|u| Person {
                id: u.id,
                name: u.name,
            }),
            None => None,
        };
        Ok(Activity {
            id,
            record_id: record_id.to_owned(),
            kind: EntryKind::Logged(kind),
            subject: subject.to_owned(),
            body: body.map(str::to_owned),
            author,
            at,
            chat_id: None,
            data: None,
        })
    }

    /// Saves a chat's transcript (R26) as a note on the record's timeline, with the
    /// `transcript.saved` webhook event (`crate::webhooks`), in one transaction.
    pub async fn add_transcript_note(
        &self,
        record_id: &RecordId,
        chat_id: &tether_domain::ChatId,
        subject: &str,
        body: &str,
        author_id: &UserId,
    ) -> Result<Activity> {
        let id = new_id();
        let at = now_ms();
        let event = crate::webhooks::WebhookEvent {
            kind: tether_domain::webhook::EventType::TranscriptSaved,
            chat_id,
            record_id: Some(record_id),
            message_id: None,
            actor_id: Some(author_id),
            note_id: Some(&id),
            at,
        };
        with_write!(self, p => {
            let mut tx = p.begin().await?;
            sqlx::query("INSERT INTO activities (id, record_id, kind, subject, body, author_id, at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                .bind(&id).bind(record_id.as_str()).bind(ActivityKind::Note.as_str()).bind(subject).bind(body).bind(author_id.as_str()).bind(at)
                .execute(&mut *tx).await?;
            crate::webhooks::outbox::webhook_event_insert!(&mut *tx, &event)?;
            tx.commit().await
        })?;
        let author = self.user(author_id).await?.map(|u| Person {
            id: u.id,
            name: u.name,
        });
        Ok(Activity {
            id,
            record_id: record_id.as_str().to_owned(),
            kind: EntryKind::Logged(ActivityKind::Note),
            subject: subject.to_owned(),
            body: Some(body.to_owned()),
            author,
            at,
            chat_id: None,
            data: None,
        })
    }

    /// A record's activities, newest first, older than `before` when given.
    pub async fn timeline(
        &self,
        record_id: &RecordId,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<Activity>> {
        let record_id = record_id.as_str();
        let rows: Vec<ActivityRow> = with_pool!(self, p => sqlx::query_as(
            "SELECT a.id, a.record_id, a.kind, a.subject, a.body, a.author_id, u.name AS author_name, a.at, a.chat_id, a.data FROM activities a \
             LEFT JOIN users u ON u.id = a.author_id WHERE a.record_id = $1 AND ($2 IS NULL OR a.at < $2) \
             ORDER BY a.at DESC, a.id DESC LIMIT $3")
            .bind(record_id).bind(before).bind(limit.clamp(1, 500)).fetch_all(p).await)?;
        rows.into_iter().map(Activity::try_from).collect()
    }

    /// Every owner a record has had, oldest first.
    pub async fn owner_history(&self, record_id: &RecordId) -> Result<Vec<OwnerChange>> {
        let record_id = record_id.as_str();
        let rows: Vec<OwnerRow> = with_pool!(self, p => sqlx::query_as(
            "SELECT h.owner_user_id, h.owner_team_id, COALESCE(u.name, t.name) AS owner_name, h.changed_by, h.at FROM owner_history h \
             LEFT JOIN users u ON u.id = h.owner_user_id LEFT JOIN teams t ON t.id = h.owner_team_id \
             WHERE h.record_id = $1 ORDER BY h.at, h.owner_user_id")
            .bind(record_id).fetch_all(p).await)?;
        rows.into_iter()
            .map(|r| {
                let owner = match (r.owner_user_id, r.owner_team_id) {
                    (Some(u), _) => Owner::User {
                        user_id: UserId::new(u),
                    },
                    (None, Some(t)) => Owner::Team {
                        team_id: TeamId::new(t),
                    },
                    (None, None) => {
                        return Err(StoreError::Corrupt("owner history without owner".into()));
                    }
                };
                Ok(OwnerChange {
                    owner,
                    owner_name: r.owner_name.unwrap_or_default(),
                    changed_by: r.changed_by,
                    at: r.at,
                })
            })
            .collect()
    }
}
