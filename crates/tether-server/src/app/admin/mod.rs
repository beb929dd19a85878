//! Administration (SPEC R19, R22): people and roles, teams, settings and record types, and the
//! audit log. Every change needs the `admin` privilege, checked here (`Caller::require_admin`)
//! whatever the entry point, and is audited by the store in the same transaction. The people
//! picker, teams and record types can be read by any signed-in user, since every client needs
//! them to render records.

pub mod audit;
pub mod people;
pub mod teams;
pub mod types;
