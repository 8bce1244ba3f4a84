//! A deal sheet read with its warnings: values that are valid but almost certainly a
//! unit slip ([`boxflow_model::warnings`]), each located at the line and column of the
//! value like an error, and rendered like one with `warning:` in place of `error:`.
//!
//! ```
//! let sheet = boxflow_deal::TEMPLATE.replace("margin = \"0.0450\"", "margin = \"4.00\"");
//! let read = boxflow_deal::parse_with_warnings(&sheet, "deal.toml").unwrap();
//! assert_eq!(read.warnings.len(), 1);
//! let w = &read.warnings[0];
//! assert_eq!((w.code, w.path.as_str()), ("rate_above_half", "facility[0].rate.margin"));
//! assert!(w.line > 1);
//! let text = boxflow_deal::render_warnings(&read);
//! assert!(text.starts_with("warning: a margin of 4, more than 50% a year"));
//! assert!(text.contains("= help: rates are decimals: did you mean 0.04 (4%)?"));
//! assert!(text.ends_with("warning: deal sheet `deal.toml`: 1 warning\n"));
//! ```

use std::ops::Range;
use std::path::Path;

use boxflow_model::ValidDeal;

use crate::error::{DealError, ErrorKind};
use crate::render::render_block;
use crate::{parse, parse_bytes, parse_bytes_with_rules, read_bytes, reader, DealErrors, Rules};

/// A valid deal sheet and its warnings.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Sheet {
    /// The deal, as [`crate::parse`] reads it.
    pub deal: ValidDeal,
    /// The file name used in messages.
    pub file: String,
    /// The text the warnings' spans point into.
    pub source: String,
    /// The warnings, in order of position in the file (an empty list: none).
    pub warnings: Vec<DealWarning>,
}

/// One located warning: a [`boxflow_model::Warning`] with its place in the file.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct DealWarning {
    /// The rule's stable name, e.g. `rate_above_half`.
    pub code: &'static str,
    /// Deal-sheet path of the value, e.g. `facility[0].rate.margin`.
    pub path: String,
    /// Byte range in [`Sheet::source`] of the value (or, for a value the sheet does
    /// not write, of the nearest enclosing table that it does).
    pub span: Range<usize>,
    /// 1-based line of `span.start`.
    pub line: usize,
    /// 1-based column of `span.start`, in characters.
    pub column: usize,
    /// What is unusual.
    pub message: String,
    /// The value that was likely meant, or why the value is unusual.
    pub help: String,
}

/// Reads a deal sheet from text like [`crate::parse`], with its warnings located.
///
/// Errors are exactly those of [`crate::parse`]; warnings are only looked for in a
/// valid sheet.
pub fn parse_with_warnings(source: &str, file: &str) -> Result<Sheet, DealErrors> {
    let deal = parse(source, file)?;
    Ok(sheet(deal, source.to_string(), file.to_string()))
}

/// Reads a deal-sheet file like [`crate::read_file`], with its warnings located.
///
/// ```
/// let errors = boxflow_deal::read_file_with_warnings(std::path::Path::new("no/such.toml"))
///     .unwrap_err();
/// assert_eq!(errors.errors[0].kind, boxflow_deal::ErrorKind::Io);
/// ```
pub fn read_file_with_warnings(path: &Path) -> Result<Sheet, DealErrors> {
    let (file, bytes) = read_bytes(path)?;
    let deal = parse_bytes(&bytes, &file)?;
    // parse_bytes accepted the bytes, so they are UTF-8.
    let source = String::from_utf8_lossy(&bytes).into_owned();
    Ok(sheet(deal, source, file))
}

/// Reads a deal-sheet file like [`read_file_with_warnings`], also checking `rules`
/// ([`crate::parse_with_rules`]): the CLI checks the `[[property]]` rules of
/// `boxflow_scenario::prove` this way.
pub fn read_file_with_rules(path: &Path, rules: Rules<'_>) -> Result<Sheet, DealErrors> {
    let (file, bytes) = read_bytes(path)?;
    let deal = parse_bytes_with_rules(&bytes, &file, rules)?;
    // The bytes are UTF-8 (they parsed): the text is them, not a lossy copy.
    let source = String::from_utf8(bytes)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    Ok(sheet(deal, source, file))
}

fn sheet(deal: ValidDeal, source: String, file: String) -> Sheet {
    let found = boxflow_model::warnings(&deal);
    let mut warnings = Vec::with_capacity(found.len());
    if !found.is_empty() {
        // The sheet is valid TOML: read it again for the location of each path.
        let (table, _) = toml::de::DeTable::parse_recoverable(&source);
        let locations = reader::Locations::new(table.get_ref());
        for w in found {
            let span = locations.span_of(&w.path, &source);
            let (line, column) = crate::error::line_column(&source, span.start);
            warnings.push(DealWarning {
                code: w.code,
                path: w.path,
                span,
                line,
                column,
                message: w.message,
                help: w.help,
            });
        }
        warnings.sort_by_key(|w| (w.span.start, w.span.end));
    }
    Sheet {
        deal,
        file,
        source,
        warnings,
    }
}

/// `1 warning`, `3 warnings`.
fn count_warnings(n: usize) -> String {
    if n == 1 {
        "1 warning".to_string()
    } else {
        format!("{n} warnings")
    }
}

/// Renders every warning of `sheet` like an error of [`crate::render`], with
/// `warning:` in place of `error:`, then the line
/// ``warning: deal sheet `FILE`: N warnings``; the empty string when there is none.
///
/// ```text
/// warning: a margin of 4, more than 50% a year, is most likely a percentage
///   --> deal.toml:66:38
///    |
/// 66 | rate = { index = "SOFR3M", margin = "4.00", floor = "0" }
///    |                                     ^^^^^^ unusual value
///    |
///    = help: rates are decimals: did you mean 0.04 (4%)?
/// ```
pub fn render_warnings(sheet: &Sheet) -> String {
    if sheet.warnings.is_empty() {
        return String::new();
    }
    let mut out = String::new();
    let starts = crate::error::line_starts(&sheet.source);
    for w in &sheet.warnings {
        let located = DealError {
            kind: ErrorKind::InvalidValue,
            span: w.span.clone(),
            line: w.line,
            column: w.column,
            message: w.message.clone(),
            help: Some(w.help.clone()),
        };
        render_block(
            &mut out,
            &sheet.file,
            Some(&sheet.source),
            &starts,
            "warning",
            "unusual value",
            &located,
        );
        out.push('\n');
    }
    out += &format!(
        "warning: deal sheet `{}`: {}\n",
        sheet.file,
        count_warnings(sheet.warnings.len())
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_has_no_warnings() {
        let sheet = parse_with_warnings(crate::TEMPLATE, "t.toml").unwrap();
        assert!(sheet.warnings.is_empty());
        assert_eq!(render_warnings(&sheet), "");
    }

    #[test]
    fn warnings_point_at_their_value() {
        let source = crate::TEMPLATE.replace("pue = \"1.25\"", "pue = \"125\"");
        assert_ne!(source, crate::TEMPLATE, "the template writes a PUE");
        let sheet = parse_with_warnings(&source, "t.toml").unwrap();
        assert_eq!(sheet.warnings.len(), 1);
        let w = &sheet.warnings[0];
        let at = source.find("\"125\"").unwrap();
        assert_eq!(w.span, at..at + 5);
        assert_eq!(w.help, "PUE is a ratio: did you mean 1.25?");
    }
}
