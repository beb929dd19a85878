//! Administration (SPEC R19, R22): people and roles, teams, settings and record types, the
//! audit log, and what host systems use (API keys, people kept by a host). Every change needs the `admin` privilege, checked here (`Caller::require_admin`)
//! whatever the entry point, and is audited by the store in the same transaction. The people
//! picker, teams and record types can be read by any signed-in user, since every client needs
//! them to render records.

pub mod audit;
pub mod integrations;
pub mod keys;
pub mod people;
pub mod synced_people;
pub mod teams;
pub mod types;
