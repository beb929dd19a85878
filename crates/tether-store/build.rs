//! `sqlx::migrate!` embeds the migration folders when the crate compiles; without this, a new
//! migration file would not make cargo compile the crate again, and a build would silently
//! ship without it (as sqlx's documentation advises).
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
