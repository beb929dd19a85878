//! People a host system keeps (issue 19): upserted by (source, external id), so that the
//! host's records can name their owners. Found by external id, else by e-mail address (an
//! account made before is linked), else created without a password — they sign in once an
//! administrator sets one, or through a launch. Roles are set only when given; the rules of
//! `tether_domain::roles` hold as on the administrator's user edit: the last administrator
//! keeps `admin`, and a key changes no administrator and makes none.

use crate::AppState;
use crate::app::admin::people::UserOut;
use crate::auth::Integrator;
use crate::error::ApiResult;
use tether_domain::integration::{ExternalId, Scope, Source};
use tether_domain::people::{Email, Name};
use tether_store::people::external::{ExternalUser, Upserted};

/// A person as the host system describes them, parsed.
pub struct SyncedPerson {
    pub source: Source,
    pub external_id: ExternalId,
    pub name: Name,
    pub email: Email,
    /// The complete new set of role names; absent keeps a known person's roles.
    pub roles: Option<Vec<String>>,
}

/// # Upsert one person (`PUT /users/by-external/{source}/{external_id}`)
///
/// Needs an administrator's session or a `users:write` key. Answers the person and whether
/// they were created, changed or already so.
pub async fn upsert(
    state: &AppState,
    by: &Integrator,
    person: SyncedPerson,
) -> ApiResult<Upserted<UserOut>> {
    by.require(Scope::UsersWrite)?;
    let actor = crate::app::actor::Actor::sync(by);
    let changed_by = actor.changed_by();
    let done = state
        .store
        .upsert_external_user(
            &ExternalUser {
                source: person.source.to_string(),
                external_id: person.external_id.to_string(),
                name: person.name.into_string(),
                email: person.email.as_str().to_owned(),
                role_names: person.roles,
            },
            changed_by,
        )
        .await?;
    if let Upserted::Updated(user) = &done {
        // Their name, address or roles changed: every node reads their sessions afresh.
        state.forget_callers(Some(&user.id));
    }
    Ok(match done {
        Upserted::Created(u) => Upserted::Created(u.into()),
        Upserted::Updated(u) => Upserted::Updated(u.into()),
        Upserted::Unchanged(u) => Upserted::Unchanged(u.into()),
    })
}
