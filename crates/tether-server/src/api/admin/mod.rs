//! Administration (SPEC R19, R22): users, roles, teams, settings, record types and the audit
//! log. Writes need the `admin` privilege; the people picker, teams and record types can be
//! read by any signed-in user, since every client needs them to render records.

mod audit;
mod people;
mod teams;
mod types;

use crate::AppState;
use utoipa_axum::router::OpenApiRouter;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(people::routes())
        .merge(teams::routes())
        .merge(types::routes())
        .merge(audit::routes())
}
