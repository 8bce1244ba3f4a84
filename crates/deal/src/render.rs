//! Renders deal-sheet errors the way rustc and cargo do: one block per error with the
//! file, line and column, the source line, a caret under the key or value at fault, and
//! a help line; then one summary line. Plain text, no colour.
//!
//! ```
//! let sheet = boxflow_deal::TEMPLATE.replace("\"quarterly\"", "\"quartely\"");
//! let errors = boxflow_deal::parse(&sheet, "deal.toml").unwrap_err();
//! let text = boxflow_deal::render(&errors);
//! assert!(text.starts_with("error: unknown frequency \"quartely\"\n  --> deal.toml:"));
//! assert!(text.contains("^^^^^^^^^^ invalid value\n"));
//! assert!(text.contains("= help: did you mean \"quarterly\"?"));
//! assert!(text.ends_with("error: could not read deal sheet `deal.toml`: 1 error\n"));
//! ```

use std::fmt::Write as _;

use crate::{count_errors, DealError, DealErrors};

/// Spaces per tab when a source line is shown.
const TAB: &str = "    ";

/// Renders every error of `errors`, in order, then the line
/// ``error: could not read deal sheet `FILE`: N errors``.
///
/// Each error shows as:
///
/// ```text
/// error: unknown key `escalater` in [contract]
///   --> fixtures/invalid/unknown-key.toml:12:1
///    |
/// 12 | escalater = "0.02"
///    | ^^^^^^^^^ unknown key
///    |
///    = help: did you mean `escalator`?
/// ```
///
/// An error with no location (the file could not be read) shows the file name alone.
pub fn render(errors: &DealErrors) -> String {
    let mut out = String::new();
    for error in &errors.errors {
        render_one(&mut out, &errors.file, errors.source.as_deref(), error);
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "error: could not read deal sheet `{}`: {}",
        errors.file,
        count_errors(errors.errors.len())
    );
    out
}

fn render_one(out: &mut String, file: &str, source: Option<&str>, error: &DealError) {
    render_block(out, file, source, "error", error.kind.label(), error);
}

/// One block: `HEAD: message`, the location, the source line with carets labelled
/// `label`, the help.
pub(crate) fn render_block(
    out: &mut String,
    file: &str,
    source: Option<&str>,
    head: &str,
    label: &str,
    error: &DealError,
) {
    let _ = writeln!(out, "{head}: {}", error.message);
    let snippet = source
        .filter(|_| error.is_located())
        .and_then(|s| snippet(s, error));
    let width = if error.is_located() {
        error.line.to_string().len()
    } else {
        1
    };
    let pad = " ".repeat(width);
    if error.is_located() {
        let _ = writeln!(out, "{pad}--> {file}:{}:{}", error.line, error.column);
    } else {
        let _ = writeln!(out, "{pad}--> {file}");
    }
    if let Some((text, indent, carets)) = snippet {
        let _ = writeln!(out, "{pad} |");
        let _ = writeln!(out, "{} | {}", error.line, text.trim_end());
        let _ = writeln!(
            out,
            "{pad} | {}{} {}",
            " ".repeat(indent),
            "^".repeat(carets),
            label
        );
    }
    if let Some(help) = &error.help {
        let _ = writeln!(out, "{pad} |");
        let _ = writeln!(out, "{pad} = help: {help}");
    }
}

/// The source line of the error (tabs expanded), the caret's indent and the number of
/// carets, in characters: the span's part on its first line, at least one.
fn snippet(source: &str, error: &DealError) -> Option<(String, usize, usize)> {
    let line = source.lines().nth(error.line.checked_sub(1)?)?;
    let line = line.strip_suffix('\r').unwrap_or(line);
    let before: String = line.chars().take(error.column.saturating_sub(1)).collect();
    let indent = expand(&before).chars().count();

    let start = error.span.start.min(source.len());
    let end = error.span.end.clamp(start, source.len());
    let spanned = source.get(start..end).unwrap_or("");
    let first_line = spanned.split('\n').next().unwrap_or("");
    let first_line = first_line.strip_suffix('\r').unwrap_or(first_line);
    let carets = expand(first_line).chars().count().max(1);
    Some((expand(line), indent, carets))
}

fn expand(s: &str) -> String {
    s.replace('\t', TAB)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    fn errors(source: &str, list: Vec<DealError>) -> DealErrors {
        DealErrors {
            file: "deal.toml".to_string(),
            source: Some(source.to_string()),
            errors: list,
        }
    }

    #[test]
    fn two_digit_lines_widen_the_gutter() {
        let source = format!("{}escalater = \"0.02\"\n", "\n".repeat(11));
        let start = 11;
        let e = DealError::at(
            ErrorKind::UnknownKey,
            &source,
            start..start + 9,
            "unknown key `escalater` in [contract]",
            Some("did you mean `escalator`?".to_string()),
        );
        assert_eq!(
            render(&errors(&source, vec![e])),
            "error: unknown key `escalater` in [contract]\n  --> deal.toml:12:1\n   |\n12 | escalater = \"0.02\"\n   | ^^^^^^^^^ unknown key\n   |\n   = help: did you mean `escalator`?\n\nerror: could not read deal sheet `deal.toml`: 1 error\n"
        );
    }

    #[test]
    fn multi_line_spans_underline_their_first_line() {
        let source = "points = [\n  1,\n]\n";
        let e = DealError::at(ErrorKind::WrongType, source, 9..source.len(), "bad", None);
        let text = render(&errors(source, vec![e]));
        assert!(
            text.contains("1 | points = [\n  |          ^ wrong type\n"),
            "{text}"
        );
    }

    #[test]
    fn tabs_and_wide_characters_keep_the_caret_in_place() {
        let source = "\tname = \"é\" # x\n";
        let start = source.find('"').unwrap();
        let e = DealError::at(ErrorKind::WrongType, source, start..start + 4, "bad", None);
        let text = render(&errors(source, vec![e]));
        assert!(
            text.contains("1 |     name = \"é\" # x\n  |            ^^^ wrong type\n"),
            "{text}"
        );
    }

    #[test]
    fn unlocated_errors_name_the_file() {
        let e = DealError::unlocated(ErrorKind::TooLarge, "the file is over 10 MiB", None);
        let text = render(&DealErrors {
            file: "big.toml".to_string(),
            source: None,
            errors: vec![e],
        });
        assert_eq!(
            text,
            "error: the file is over 10 MiB\n --> big.toml\n\nerror: could not read deal sheet `big.toml`: 1 error\n"
        );
    }
}
