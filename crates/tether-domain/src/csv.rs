//! CSV for exports and imports. Writing (the audit log): RFC 4180 quoting, and a guard against
//! formula injection — a cell a spreadsheet would run as a formula (starting with `=`, `+`, `-`,
//! `@`, tab or carriage return) is prefixed with `'` so it shows as text. Reading (`tether
//! import`): RFC 4180 rows ([`rows`]), each with the line it starts on, so a refusal can name it.

/// One cell, quoted when it needs to be and defused when a spreadsheet would evaluate it.
pub fn cell(value: &str) -> String {
    let defused = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if defused.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", defused.replace('"', "\"\""))
    } else {
        defused
    }
}

/// One line of cells, ended with CRLF (RFC 4180).
pub fn line<S: AsRef<str>>(cells: &[S]) -> String {
    let mut out = cells
        .iter()
        .map(|c| cell(c.as_ref()))
        .collect::<Vec<_>>()
        .join(",");
    out.push_str("\r\n");
    out
}

/// One row read from CSV text: its cells, and the line (from 1) it starts on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub line: usize,
    pub cells: Vec<String>,
}

/// Why CSV text cannot be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CsvError {
    #[error("line {0}: a quoted cell is not closed")]
    Unclosed(usize),
    #[error("line {0}: a closing quote is followed by '{1}' (expected a comma or a line break)")]
    AfterQuote(usize, char),
}

/// The rows of CSV text (RFC 4180: commas, CRLF or LF line breaks, cells in double quotes
/// with `""` for a quote and line breaks inside). A byte-order mark at the start and empty
/// lines are skipped; a quote inside an unquoted cell is kept as it is.
pub fn rows(text: &str) -> Result<Vec<Row>, CsvError> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    let mut line = 1;
    while chars.peek().is_some() {
        let start = line;
        let mut cells = Vec::new();
        let mut cell = String::new();
        let mut quoted_cell = false;
        loop {
            match chars.next() {
                None => {
                    cells.push(std::mem::take(&mut cell));
                    break;
                }
                Some('"') if cell.is_empty() && !quoted_cell => {
                    quoted_cell = true;
                    loop {
                        match chars.next() {
                            None => return Err(CsvError::Unclosed(start)),
                            Some('"') if chars.peek() == Some(&'"') => {
                                chars.next();
                                cell.push('"');
                            }
                            Some('"') => break,
                            Some(c) => {
                                if c == '\n' {
                                    line += 1;
                                }
                                cell.push(c);
                            }
                        }
                    }
                    match chars.peek() {
                        None | Some(',' | '\n' | '\r') => {}
                        Some(&c) => return Err(CsvError::AfterQuote(line, c)),
                    }
                }
                Some(',') => {
                    cells.push(std::mem::take(&mut cell));
                    quoted_cell = false;
                }
                Some('\r') if chars.peek() == Some(&'\n') => {}
                Some('\n' | '\r') => {
                    line += 1;
                    cells.push(std::mem::take(&mut cell));
                    break;
                }
                Some(c) => cell.push(c),
            }
        }
        let blank = !quoted_cell && cells.len() == 1 && cells.first().is_some_and(String::is_empty);
        if !blank {
            out.push(Row { line: start, cells });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_stays_as_it_is() {
        assert_eq!(cell("Ada Admin"), "Ada Admin");
        assert_eq!(cell(""), "");
    }

    #[test]
    fn commas_quotes_and_line_breaks_are_quoted() {
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("two\nlines"), "\"two\nlines\"");
    }

    #[test]
    fn formulas_are_defused() {
        assert_eq!(cell("=1+1"), "'=1+1");
        assert_eq!(cell("+46 70"), "'+46 70");
        assert_eq!(cell("-2"), "'-2");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(
            cell("=HYPERLINK(\"x\",\"y\")"),
            "\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\""
        );
    }

    #[test]
    fn a_line_joins_cells_and_ends_with_crlf() {
        assert_eq!(line(&["a", "b,c", "=d"]), "a,\"b,c\",'=d\r\n");
    }

    fn quote(value: &str) -> String {
        if value.contains([',', '"', '\n', '\r']) || value.is_empty() {
            format!("\"{}\"", value.replace('"', "\"\""))
        } else {
            value.to_owned()
        }
    }

    #[test]
    fn rows_are_read_with_the_line_they_start_on() {
        let text = "\u{FEFF}external_id,title\r\n1,\"Printer, jams\"\r\n\r\n2,\"two\nlines \"\"quoted\"\"\"\n3,last";
        let read = rows(text).unwrap();
        let cells: Vec<Vec<&str>> = read
            .iter()
            .map(|r| r.cells.iter().map(String::as_str).collect())
            .collect();
        assert_eq!(
            cells,
            [
                vec!["external_id", "title"],
                vec!["1", "Printer, jams"],
                vec!["2", "two\nlines \"quoted\""],
                vec!["3", "last"],
            ]
        );
        let lines: Vec<usize> = read.iter().map(|r| r.line).collect();
        assert_eq!(lines, [1, 2, 4, 6]);
        assert_eq!(rows("a,,\n").unwrap()[0].cells, ["a", "", ""]);
        assert_eq!(
            rows("\"\"\r\n").unwrap()[0].cells,
            [""],
            "a quoted empty cell is a row"
        );
        assert_eq!(rows("a\"b,c").unwrap()[0].cells, ["a\"b", "c"]);
    }

    #[test]
    fn broken_quotes_name_their_line() {
        assert_eq!(rows("a\n\"open,b\n"), Err(CsvError::Unclosed(2)));
        assert_eq!(rows("\"a\"b,c"), Err(CsvError::AfterQuote(1, 'b')));
    }

    proptest::proptest! {
        /// What RFC 4180 quoting writes, the reader reads back.
        #[test]
        fn rows_read_back_what_was_written(
            table in proptest::collection::vec(proptest::collection::vec("[a-z ,\"\n\r=é]{0,8}", 1..5), 1..5)
        ) {
            let text: String = table
                .iter()
                .map(|row| row.iter().map(|c| quote(c)).collect::<Vec<_>>().join(",") + "\r\n")
                .collect();
            let read: Vec<Vec<String>> = rows(&text).unwrap().into_iter().map(|r| r.cells).collect();
            proptest::prop_assert_eq!(read, table);
        }
    }
}
