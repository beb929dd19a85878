//! CSV cells for exports (the audit log): RFC 4180 quoting, and a guard against formula
//! injection — a cell a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`,
//! tab or carriage return) is prefixed with `'` so it shows as text.

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
}
