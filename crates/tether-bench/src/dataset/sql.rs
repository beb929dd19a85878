//! Bulk writing in plain SQL: rows collected into multi-row `INSERT` statements and sent a
//! transaction at a time, for the tables the store has no bulk path for. Every value is a
//! generated one, quoted by [`lit`].

use anyhow::{Context, Result};
use tether_store::Store;

/// Rows per INSERT statement.
const ROWS_PER_STATEMENT: usize = 500;
/// Statements per transaction: few enough that one transaction stays under sqlx's one-second
/// slow-statement warning, which would print the whole statement.
pub(super) const STATEMENTS_PER_TRANSACTION: usize = 8;

/// A SQL string literal.
pub(super) fn lit(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

pub(super) fn opt(s: Option<&str>) -> String {
    s.map_or_else(|| "NULL".into(), lit)
}

pub(super) fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Collects the rows of one table as multi-row INSERT statements.
pub(super) struct Writer {
    head: &'static str,
    rows: Vec<String>,
    statements: Vec<String>,
}

impl Writer {
    pub(super) fn new(head: &'static str) -> Writer {
        Writer {
            head,
            rows: Vec::new(),
            statements: Vec::new(),
        }
    }

    pub(super) fn push(&mut self, row: String) {
        self.rows.push(row);
        if self.rows.len() >= ROWS_PER_STATEMENT {
            self.cut();
        }
    }

    /// Full statements waiting to be written.
    pub(super) fn statements(&self) -> usize {
        self.statements.len()
    }

    fn cut(&mut self) {
        if !self.rows.is_empty() {
            self.statements
                .push(format!("{} VALUES {}", self.head, self.rows.join(", ")));
            self.rows.clear();
        }
    }
}

/// Writes what the writers hold in one transaction, in their order (parents first, so the
/// foreign keys hold at every statement).
pub(super) async fn flush(store: &Store, writers: &mut [&mut Writer]) -> Result<()> {
    let mut sql = String::from("BEGIN;");
    for w in writers.iter_mut() {
        w.cut();
        for st in w.statements.drain(..) {
            sql.push(' ');
            sql.push_str(&st);
            sql.push(';');
        }
    }
    if sql.len() == "BEGIN;".len() {
        return Ok(());
    }
    sql.push_str(" COMMIT;");
    store
        .execute_raw(&sql)
        .await
        .context("bulk write of the chat data")?;
    Ok(())
}
