//! Each user's own settings for the UI: language and time zone (`PATCH /me`). Stored on the
//! user's row; `None` means "as the browser says".

use crate::{Result, Store};
use tether_domain::UserId;

/// A user's language (`"en"`, `"sv"`) and IANA time zone, each `None` when not chosen.
#[derive(Clone, Debug, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct Preferences {
    pub locale: Option<String>,
    pub time_zone: Option<String>,
}

/// A change to [`Preferences`]: `None` leaves a setting as it is, `Some(None)` clears it.
#[derive(Clone, Debug, Default)]
pub struct PreferencesPatch {
    pub locale: Option<Option<String>>,
    pub time_zone: Option<Option<String>>,
}

impl Store {
    /// The user's preferences; `None` when there is no such user.
    pub async fn preferences(&self, user_id: &UserId) -> Result<Option<Preferences>> {
        Ok(with_pool!(self, p => sqlx::query_as(
            "SELECT locale, time_zone FROM users WHERE id = $1"
        )
        .bind(user_id)
        .fetch_optional(p)
        .await)?)
    }

    /// Applies `patch` (values already checked by the caller) and returns the result; `None`
    /// when there is no such user. One statement: a setting not in the patch keeps its value.
    pub async fn set_preferences(
        &self,
        user_id: &UserId,
        patch: &PreferencesPatch,
    ) -> Result<Option<Preferences>> {
        let (set_locale, locale) = split(&patch.locale);
        let (set_zone, zone) = split(&patch.time_zone);
        with_write!(self, p => sqlx::query_as::<_, Preferences>(
            "UPDATE users SET \
               locale = CASE WHEN $2 THEN $3 ELSE locale END, \
               time_zone = CASE WHEN $4 THEN $5 ELSE time_zone END \
             WHERE id = $1 RETURNING locale, time_zone"
        )
        .bind(user_id)
        .bind(set_locale)
        .bind(locale)
        .bind(set_zone)
        .bind(zone)
        .fetch_optional(p)
        .await)
    }
}

/// Whether a patch sets the value, and the value it sets.
fn split(v: &Option<Option<String>>) -> (bool, Option<&str>) {
    match v {
        None => (false, None),
        Some(inner) => (true, inner.as_deref()),
    }
}
