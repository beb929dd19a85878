//! `tether import`: records (or people) from a host system's CSV or JSON Lines export, upserted
//! by external id into the configured database — the same use cases as the API's bulk upsert
//! and people upsert (`tether_server::app::records::external`,
//! `tether_server::app::admin::synced_people`), with the operator's authority, as `tether admin`
//! has. Records go a thousand to a transaction; a progress bar shows the lines done; the summary
//! names every refused line with its number and reason.
//!
//! CSV: a header row; `external_id` is required, `source` (default `--source`), `owner_email`,
//! `owner_user_id`, `owner_team_id`, `state` and `url` are read as such, every other column is
//! the record type's field of that name (an empty cell leaves the field as it is; numbers and
//! yes/no become the field's kind). People: `external_id`, `name`, `email`, `roles` (separated
//! by `;`). JSON Lines: one object a line, in the API's bulk item shape (`source` optional), or
//! `{external_id, name, email, roles?}` for people.

use anyhow::{Context, Result, anyhow};
use serde_json::{Map, Value, json};
use std::path::{Path, PathBuf};
use tether_domain::integration::{ExternalId, MAX_BULK_ITEMS, Source};
use tether_domain::people::{Email, Name};
use tether_domain::record_type::{FieldKind, RecordTypeDef};
use tether_server::api::external::parse_row;
use tether_server::app::admin::synced_people::{self, SyncedPerson};
use tether_server::app::records::external::{self as sync, Done};
use tether_server::auth::Integrator;
use tether_server::error::ApiError;
use tether_server::{AppState, Config};
use tether_store::Store;
use tether_store::people::external::Upserted;

/// The kind of file to read.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Csv,
    Jsonl,
}

/// What to import and from where.
pub struct Import {
    /// The record type; `None` imports people.
    pub record_type: Option<String>,
    pub source: String,
    /// Owner (by e-mail) of new records that name none.
    pub owner: Option<String>,
    pub file: PathBuf,
    pub format: Option<Format>,
}

/// One line's item, as the API's JSON, with the line it was read from.
struct Line {
    number: usize,
    item: Result<Value, String>,
}

/// What became of the lines.
#[derive(Default)]
struct Summary {
    created: usize,
    updated: usize,
    unchanged: usize,
    /// (line, external id, reason).
    refused: Vec<(usize, String, String)>,
}

impl Summary {
    fn count(&mut self, line: usize, external_id: String, done: Result<Done, String>) {
        match done {
            Ok(Done::Created) => self.created += 1,
            Ok(Done::Updated) => self.updated += 1,
            Ok(Done::Unchanged) => self.unchanged += 1,
            Err(reason) => self.refused.push((line, external_id, reason)),
        }
    }
}

/// The largest file one import reads: the file and its parsed lines are held in memory at
/// once (about five times the file's size), so a larger export is split first.
pub const MAX_IMPORT_BYTES: u64 = 256 * 1024 * 1024;

/// The file's text, refused past [`MAX_IMPORT_BYTES`] before more than that is read.
fn read_bounded(file: &Path) -> Result<String> {
    use std::io::Read;
    let opened =
        std::fs::File::open(file).with_context(|| format!("cannot read {}", file.display()))?;
    let too_big = |file: &Path| {
        anyhow!(
            "{} is larger than {} MiB, the most one import reads; split it (for example \
             `split -l 200000 --additional-suffix=.csv {} part-`, repeating the CSV header \
             line at the top of each part) and import the parts one after another",
            file.display(),
            MAX_IMPORT_BYTES / (1024 * 1024),
            file.display()
        )
    };
    if opened.metadata().is_ok_and(|m| m.len() > MAX_IMPORT_BYTES) {
        return Err(too_big(file));
    }
    // Bounded again while reading: the file may grow meanwhile.
    let mut text = String::new();
    opened
        .take(MAX_IMPORT_BYTES + 1)
        .read_to_string(&mut text)
        .with_context(|| format!("cannot read {} as UTF-8 text", file.display()))?;
    if text.len() as u64 > MAX_IMPORT_BYTES {
        return Err(too_big(file));
    }
    Ok(text)
}

/// Runs the import; prints the summary, and fails when a line was refused.
pub async fn run(store: Store, import: Import) -> Result<()> {
    let text = read_bounded(&import.file)?;
    let format = match import.format {
        Some(f) => f,
        None => format_of(&import.file)?,
    };
    let source = Source::parse(&import.source).map_err(|e| anyhow!("--source: {e}"))?;
    let default_owner = match &import.owner {
        Some(email) => {
            let email = Email::parse(email).map_err(|e| anyhow!("--owner: {e}"))?;
            let user = store
                .user_credentials(email.as_str())
                .await?
                .ok_or_else(|| anyhow!("--owner: there is no user with e-mail {email}"))?;
            Some(user.id)
        }
        None => None,
    };
    let dir = std::env::temp_dir().join(format!("tether-import-{}", std::process::id()));
    let state = AppState::new(store, Config::new("http://localhost", dir.clone()))?;
    let by = Integrator::CommandLine { default_owner };
    let summary = match &import.record_type {
        Some(ty) => {
            let rt = tether_server::app::records::load_type(&state, ty)
                .await
                .map_err(|e| anyhow!("--type: {e}"))?;
            let lines = match format {
                Format::Csv => csv_records(&text, &rt.def, &source)?,
                Format::Jsonl => jsonl(&text, Some(&source)),
            };
            import_records(&state, &by, &rt, lines).await?
        }
        None => {
            let lines = match format {
                Format::Csv => csv_people(&text)?,
                Format::Jsonl => jsonl(&text, None),
            };
            import_people(&state, &by, &source, lines).await?
        }
    };
    let _ = std::fs::remove_dir_all(&dir);
    let mut summary = summary;
    summary.refused.sort_by_key(|(line, _, _)| *line);
    println!(
        "{} created, {} updated, {} already so, {} refused",
        summary.created,
        summary.updated,
        summary.unchanged,
        summary.refused.len()
    );
    for (line, external_id, reason) in &summary.refused {
        println!("line {line} ({external_id}): {reason}");
    }
    if summary.refused.is_empty() {
        Ok(())
    } else {
        Err(anyhow!(
            "{} line(s) refused (listed above); the others were imported",
            summary.refused.len()
        ))
    }
}

fn format_of(file: &Path) -> Result<Format> {
    match file.extension().and_then(|e| e.to_str()) {
        Some("csv") => Ok(Format::Csv),
        Some("jsonl" | "ndjson") => Ok(Format::Jsonl),
        _ => Err(anyhow!(
            "{}: name the format with --format csv or --format jsonl (or end the file's name in .csv or .jsonl)",
            file.display()
        )),
    }
}

fn progress(len: usize) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(u64::try_from(len).unwrap_or(u64::MAX));
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} lines, {per_sec}, {eta} left")
    {
        bar.set_style(style);
    }
    bar
}

/// Records a thousand at a time, each batch one transaction.
async fn import_records(
    state: &AppState,
    by: &Integrator,
    rt: &tether_store::record_types::RecordType,
    lines: Vec<Line>,
) -> Result<Summary> {
    let bar = progress(lines.len());
    let mut summary = Summary::default();
    for batch in lines.chunks(MAX_BULK_ITEMS) {
        let mut numbers = Vec::with_capacity(batch.len());
        let mut items = Vec::with_capacity(batch.len());
        for line in batch {
            match &line.item {
                Ok(v) => {
                    numbers.push(line.number);
                    items.push(parse_row(&rt.def.name, v.clone()));
                }
                Err(reason) => summary.count(line.number, String::new(), Err(reason.clone())),
            }
        }
        let (first, last) = (
            batch.first().map_or(0, |l| l.number),
            batch.last().map_or(0, |l| l.number),
        );
        let rows = sync::bulk(state, by, rt, items)
            .await
            .map_err(|e| anyhow!("lines {first}–{last}: {e}; the lines before were imported"))?
            .value;
        for (number, row) in numbers.into_iter().zip(rows) {
            summary.count(number, row.external_id, row.done.map_err(|e| e.to_string()));
        }
        bar.inc(u64::try_from(batch.len()).unwrap_or(0));
    }
    bar.finish_and_clear();
    Ok(summary)
}

/// People one at a time (each its own transaction, as the API's upsert).
async fn import_people(
    state: &AppState,
    by: &Integrator,
    source: &Source,
    lines: Vec<Line>,
) -> Result<Summary> {
    let bar = progress(lines.len());
    let mut summary = Summary::default();
    for line in lines {
        let item = match line.item {
            Ok(v) => v,
            Err(reason) => {
                summary.count(line.number, String::new(), Err(reason));
                continue;
            }
        };
        let external_id = text(&item, "external_id");
        let done = match person(source, &item) {
            Ok(p) => match synced_people::upsert(state, by, p).await {
                Ok(Upserted::Created(_)) => Ok(Done::Created),
                Ok(Upserted::Updated(_)) => Ok(Done::Updated),
                Ok(Upserted::Unchanged(_)) => Ok(Done::Unchanged),
                Err(e) => Err(e.to_string()),
            },
            Err(e) => Err(e.to_string()),
        };
        summary.count(line.number, external_id, done);
        bar.inc(1);
    }
    bar.finish_and_clear();
    Ok(summary)
}

fn text(v: &Value, key: &str) -> String {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// A person's line, parsed by the domain's parsers (as the API parses its body).
fn person(source: &Source, v: &Value) -> Result<SyncedPerson, ApiError> {
    let known = ["external_id", "name", "email", "roles", "source"];
    if let Some(other) = v
        .as_object()
        .and_then(|m| m.keys().find(|k| !known.contains(&k.as_str())))
    {
        return Err(ApiError::BadRequest(format!(
            "unknown member {other}; a person has external_id, name, email and roles"
        )));
    }
    let source = match v.get("source").and_then(Value::as_str) {
        Some(s) => Source::parse(s).map_err(|e| ApiError::refused("source", e))?,
        None => source.clone(),
    };
    let roles = match v.get("roles") {
        None | Some(Value::Null) => None,
        Some(Value::Array(a)) => Some(
            a.iter()
                .map(|r| r.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| ApiError::BadRequest("roles: a list of role names".into()))?,
        ),
        Some(_) => return Err(ApiError::BadRequest("roles: a list of role names".into())),
    };
    Ok(SyncedPerson {
        source,
        external_id: ExternalId::parse(&text(v, "external_id"))
            .map_err(|e| ApiError::refused("external_id", e))?,
        name: Name::parse("name", &text(v, "name")).map_err(|e| ApiError::refused("name", e))?,
        email: Email::parse(&text(v, "email")).map_err(|e| ApiError::refused("email", e))?,
        roles,
    })
}

/// JSON Lines: one object a line; blank lines are skipped. `source` fills a missing `source`
/// of a record's line.
fn jsonl(text: &str, source: Option<&Source>) -> Vec<Line> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| Line {
            number: i + 1,
            item: match serde_json::from_str::<Value>(l) {
                Ok(Value::Object(mut m)) => {
                    if let Some(s) = source {
                        m.entry("source").or_insert_with(|| json!(s.as_str()));
                    }
                    Ok(Value::Object(m))
                }
                Ok(_) => Err("not a JSON object".into()),
                Err(e) => Err(format!("not JSON: {e}")),
            },
        })
        .collect()
}

/// One CSV row's cells by column, or why the row cannot be read.
type Cells = Result<Map<String, Value>, String>;

/// A CSV file's rows after the header, each as a map from column to cell (empty cells left
/// out); a row with another number of cells than the header is refused.
fn csv_rows(text: &str) -> Result<Vec<(usize, Cells)>> {
    let mut rows = tether_domain::csv::rows(text)?.into_iter();
    let header = rows.next().ok_or_else(|| anyhow!("the file is empty"))?;
    if !header.cells.iter().any(|c| c == "external_id") {
        return Err(anyhow!("the header row has no external_id column"));
    }
    Ok(rows
        .map(|row| {
            if row.cells.len() != header.cells.len() {
                let msg = format!(
                    "has {} cells where the header has {}",
                    row.cells.len(),
                    header.cells.len()
                );
                return (row.line, Err(msg));
            }
            let cells = header
                .cells
                .iter()
                .zip(row.cells)
                .filter(|(_, cell)| !cell.is_empty())
                .map(|(column, cell)| (column.clone(), Value::String(cell)))
                .collect();
            (row.line, Ok(cells))
        })
        .collect())
}

/// Records from CSV, in the API's bulk item shape.
fn csv_records(text: &str, def: &RecordTypeDef, source: &Source) -> Result<Vec<Line>> {
    Ok(csv_rows(text)?
        .into_iter()
        .map(|(number, cells)| {
            let mut cells = match cells {
                Ok(c) => c,
                Err(reason) => {
                    return Line {
                        number,
                        item: Err(reason),
                    };
                }
            };
            let mut item = Map::new();
            for key in ["external_id", "state", "url"] {
                if let Some(v) = cells.remove(key) {
                    item.insert(key.into(), v);
                }
            }
            item.insert(
                "source".into(),
                cells
                    .remove("source")
                    .unwrap_or_else(|| json!(source.as_str())),
            );
            for (column, key) in [
                ("owner_email", "email"),
                ("owner_user_id", "user_id"),
                ("owner_team_id", "team_id"),
            ] {
                if let Some(v) = cells.remove(column) {
                    item.insert("owner".into(), json!({ key: v }));
                }
            }
            let fields: Map<String, Value> = cells
                .into_iter()
                .map(|(name, v)| {
                    let kind = def.field(&name).map(|f| f.kind);
                    (name, typed(kind, v))
                })
                .collect();
            item.insert("fields".into(), Value::Object(fields));
            Line {
                number,
                item: Ok(Value::Object(item)),
            }
        })
        .collect())
}

/// A CSV cell as the field's kind takes it: numbers and yes/no become JSON numbers and
/// booleans; what does not read as one stays text, for the validator to refuse by name.
fn typed(kind: Option<FieldKind>, cell: Value) -> Value {
    let Some(text) = cell.as_str() else {
        return cell;
    };
    match kind {
        Some(FieldKind::Number) => text
            .trim()
            .parse::<i64>()
            .map(Value::from)
            .or_else(|_| text.trim().parse::<f64>().map(Value::from))
            .unwrap_or(cell),
        Some(FieldKind::Boolean) => match text.trim().to_lowercase().as_str() {
            "true" | "yes" | "1" => Value::Bool(true),
            "false" | "no" | "0" => Value::Bool(false),
            _ => cell,
        },
        _ => cell,
    }
}

/// People from CSV: `external_id`, `name`, `email`, `roles` (separated by `;`).
fn csv_people(text: &str) -> Result<Vec<Line>> {
    Ok(csv_rows(text)?
        .into_iter()
        .map(|(number, cells)| {
            let mut cells = match cells {
                Ok(c) => c,
                Err(reason) => {
                    return Line {
                        number,
                        item: Err(reason),
                    };
                }
            };
            if let Some(roles) = cells.remove("roles") {
                let list: Vec<String> = roles
                    .as_str()
                    .unwrap_or_default()
                    .split(';')
                    .map(str::trim)
                    .filter(|r| !r.is_empty())
                    .map(str::to_owned)
                    .collect();
                cells.insert("roles".into(), json!(list));
            }
            Line {
                number,
                item: Ok(Value::Object(cells)),
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_become_the_apis_items() {
        let def = tether_domain::record_type::standard_record_types()
            .into_iter()
            .find(|t| t.name == "case")
            .unwrap_or_else(|| panic!("the case type"));
        let source = Source::parse("zammad").unwrap_or_else(|e| panic!("{e}"));
        let lines = csv_records(
            "external_id,title,priority,owner_email,url,source\r\n\
             1,Printer jams,high,olga@example.com,https://z.example.com/1,\r\n\
             2,\"VPN, again\",,,,other\r\n",
            &def,
            &source,
        )
        .unwrap_or_default();
        let items: Vec<Value> = lines.into_iter().filter_map(|l| l.item.ok()).collect();
        assert_eq!(
            items[0],
            json!({"external_id": "1", "source": "zammad", "url": "https://z.example.com/1",
                   "owner": {"email": "olga@example.com"},
                   "fields": {"title": "Printer jams", "priority": "high"}})
        );
        assert_eq!(
            items[1],
            json!({"external_id": "2", "source": "other", "fields": {"title": "VPN, again"}})
        );
        assert_eq!(typed(Some(FieldKind::Number), json!("42")), json!(42));
        assert_eq!(typed(Some(FieldKind::Number), json!("4.5")), json!(4.5));
        assert_eq!(typed(Some(FieldKind::Number), json!("many")), json!("many"));
        assert_eq!(typed(Some(FieldKind::Boolean), json!("Yes")), json!(true));
        assert_eq!(typed(Some(FieldKind::Text), json!("42")), json!("42"));
    }

    #[test]
    fn a_csv_file_needs_an_external_id_column() {
        assert!(csv_people("name,email\r\nOlga,olga@example.com\r\n").is_err());
        let people =
            csv_people("external_id,name,email,roles\n7,Olga,o@example.com,agent; supervisor\n")
                .unwrap_or_default();
        assert_eq!(
            people[0].item.as_ref().ok(),
            Some(
                &json!({"external_id": "7", "name": "Olga", "email": "o@example.com",
                         "roles": ["agent", "supervisor"]})
            )
        );
    }
}
