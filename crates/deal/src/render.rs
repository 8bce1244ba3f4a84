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

use crate::error::line_starts;
use crate::{count_errors, DealError, DealErrors};

/// Spaces per tab when a source line is shown.
const TAB: &str = "    ";

/// The most characters of a source line shown: a longer line shows about this many
/// around the caret, cut with `...` at either end.
pub const SNIPPET_WIDTH: usize = 200;

/// Renders every error of `errors`, in order, then (when some were omitted, beyond
/// [`crate::MAX_ERRORS`]) the line `... and N more errors`, then the line
/// ``error: could not read deal sheet `FILE`: N errors`` counting every error.
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
/// Lines end at `\n`, `\r\n` or a lone `\r`; a line longer than [`SNIPPET_WIDTH`]
/// characters is cut around the caret.
pub fn render(errors: &DealErrors) -> String {
    let mut out = String::new();
    let source = errors.source.as_deref();
    let starts = source.map(line_starts).unwrap_or_default();
    for error in &errors.errors {
        render_one(&mut out, &errors.file, source, &starts, error);
        out.push('\n');
    }
    if errors.omitted > 0 {
        let s = if errors.omitted == 1 { "" } else { "s" };
        let _ = writeln!(out, "... and {} more error{s}\n", errors.omitted);
    }
    let _ = writeln!(
        out,
        "error: could not read deal sheet `{}`: {}",
        errors.file,
        count_errors(errors.total())
    );
    out
}

fn render_one(
    out: &mut String,
    file: &str,
    source: Option<&str>,
    starts: &[usize],
    error: &DealError,
) {
    render_block(
        out,
        file,
        source,
        starts,
        "error",
        error.kind.label(),
        error,
    );
}

/// One block: `HEAD: message`, the location, the source line with carets labelled
/// `label`, the help. `starts` are the source's line starts ([`line_starts`]).
pub(crate) fn render_block(
    out: &mut String,
    file: &str,
    source: Option<&str>,
    starts: &[usize],
    head: &str,
    label: &str,
    error: &DealError,
) {
    let _ = writeln!(out, "{head}: {}", error.message);
    let snippet = source
        .filter(|_| error.is_located())
        .and_then(|s| snippet(s, starts, error));
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

/// The source line of the error (tabs expanded; cut around the caret when longer than
/// [`SNIPPET_WIDTH`] characters), the caret's indent and the number of carets, in
/// characters: the span's part on its first line, at least one. The work is bounded by
/// the width, not by the length of the line.
fn snippet(source: &str, starts: &[usize], error: &DealError) -> Option<(String, usize, usize)> {
    let begin = *starts.get(error.line.checked_sub(1)?)?;
    let end = starts.get(error.line).copied().unwrap_or(source.len());
    let line = source.get(begin..end)?;
    let line = line.trim_end_matches(['\n', '\r']);
    let mut at = error.span.start.clamp(begin, begin + line.len());
    while at > begin && !source.is_char_boundary(at) {
        at -= 1;
    }
    let (before, after) = (source.get(begin..at)?, source.get(at..begin + line.len())?);

    let span_end = error.span.end.clamp(at, source.len());
    let spanned = source.get(at..span_end).unwrap_or("");
    let first_line = spanned.split(['\n', '\r']).next().unwrap_or("");
    let caret_text: String = first_line.chars().take(SNIPPET_WIDTH).collect();
    let carets = expand(&caret_text).chars().count().max(1);

    let short = line.chars().take(SNIPPET_WIDTH + 1).count() <= SNIPPET_WIDTH;
    if short {
        let indent = expand(before).chars().count();
        return Some((expand(line), indent, carets));
    }
    // A long line: up to half the width before the caret, the rest after it.
    let half = SNIPPET_WIDTH / 2;
    let mut shown_before: Vec<char> = before.chars().rev().take(half + 1).collect();
    let cut_left = shown_before.len() > half;
    shown_before.truncate(half);
    shown_before.reverse();
    let room = SNIPPET_WIDTH - shown_before.len();
    let mut shown_after: Vec<char> = after.chars().take(room + 1).collect();
    let cut_right = shown_after.len() > room;
    shown_after.truncate(room);

    let left: String = shown_before.into_iter().collect();
    let right: String = shown_after.into_iter().collect();
    let prefix = if cut_left { "..." } else { "" };
    let suffix = if cut_right { "..." } else { "" };
    let indent = prefix.len() + expand(&left).chars().count();
    let text = format!("{prefix}{}{}{suffix}", expand(&left), expand(&right));
    Some((
        text,
        indent,
        carets.min(expand(&right).chars().count().max(1)),
    ))
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
            omitted: 0,
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
    fn a_long_line_shows_a_window_around_the_caret() {
        let source = format!("{}BAD{}\n", "x".repeat(1000), "y".repeat(1000));
        let e = DealError::at(ErrorKind::UnknownKey, &source, 1000..1003, "bad", None);
        let text = render(&errors(&source, vec![e]));
        // 100 characters before the caret, 200 in all, `...` at each cut end
        let line = format!("{}BAD{}", "x".repeat(100), "y".repeat(97));
        let expected = format!("1 | ...{line}...\n  | {}^^^ unknown key\n", " ".repeat(103));
        assert!(text.contains(&expected), "{text}");
    }

    #[test]
    fn unlocated_errors_name_the_file() {
        let e = DealError::unlocated(ErrorKind::TooLarge, "the file is over 10 MiB", None);
        let text = render(&DealErrors {
            file: "big.toml".to_string(),
            source: None,
            errors: vec![e],
            omitted: 0,
        });
        assert_eq!(
            text,
            "error: the file is over 10 MiB\n --> big.toml\n\nerror: could not read deal sheet `big.toml`: 1 error\n"
        );
    }
}
