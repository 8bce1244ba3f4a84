//! Reads boxflow deal sheets (TOML) into a validated [`Deal`], with located errors.
//!
//! A deal sheet describes one box: the capacity contract, the purchase orders, the data
//! centers, costs, facilities, reserve, covenants and index curves (methodology
//! section 1). This crate reads it:
//!
//! - [`parse`], [`parse_bytes`], [`read_file`]: text, bytes or a file to a [`Deal`],
//!   with every default applied, or every error of the file at once as [`DealErrors`],
//!   each [`DealError`] located at the line and column of the key or value at fault.
//! - [`validate`]: the semantic rules of section 1 on a [`Deal`] however it was built,
//!   as [`Invalid`] values keyed by deal-sheet path (`facility[0].repay_by`).
//! - [`sheet`]: every section and key of the format, its type, default, unit and rules,
//!   written once; the reader, the schema and the documentation's key tables read it.
//! - [`parse_with_warnings`], [`read_file_with_warnings`]: the same, as a [`Sheet`] that
//!   also holds the sheet's [`DealWarning`]s: values that are valid but almost certainly
//!   a unit slip (a margin of `3.75` for `0.0375`), located like errors;
//!   [`render_warnings`] shows them as `warning:` blocks.
//! - [`json_schema`]: a JSON Schema (draft 2020-12) of the deal sheet, for editors.
//! - [`TEMPLATE`]: a commented deal sheet to start from (`boxflow init`).
//!
//! Numbers are read exactly from their text, never through a binary float: `2.20`,
//! `"2.20"` and `2.2` are the same value, and `99999999999999.99` stays exact.
//!
//! ```
//! use boxflow_deal::{parse, ErrorKind};
//!
//! let deal = parse(boxflow_deal::TEMPLATE, "template.toml").unwrap();
//! assert_eq!(deal.currency, "USD");
//!
//! let broken = boxflow_deal::TEMPLATE.replace("term_months = 36", "term_months = 35");
//! let errors = parse(&broken, "broken.toml").unwrap_err();
//! let e = &errors.errors[0];
//! assert_eq!(e.kind, ErrorKind::Inconsistent);
//! assert!(e.message.contains("not a multiple of the period length"));
//! assert!(e.line > 1);
//! ```

mod error;
mod number;
mod reader;
mod render;
mod schema;
pub mod sheet;
mod syntax;
mod warnings;

use std::io::Read;
use std::path::Path;

pub use boxflow_model::{Deal, Invalid, ValidDeal};
pub use error::{count_errors, DealError, DealErrors, ErrorKind};
pub use render::{render, SNIPPET_WIDTH};
pub use schema::json_schema;
pub use warnings::{
    parse_with_warnings, read_file_with_rules, read_file_with_warnings, render_warnings,
    DealWarning, Sheet,
};

/// The largest deal sheet read: 10 MiB.
pub const MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;

/// The most errors reported for one file: the first 100 in order of position;
/// [`DealErrors::omitted`] counts the rest.
pub const MAX_ERRORS: usize = 100;

/// The largest sheet whose tree is built before its syntax errors are counted: a
/// broken sheet this small makes at most some tens of thousands of errors in the tree
/// (a 10 MiB one, millions: it is counted first, without building them).
const TREE_FIRST_BYTES: usize = 32 * 1024;

/// A commented template deal sheet (a smaller box than the reference deal) that parses
/// and validates; `boxflow init` writes it.
///
/// ```
/// let deal = boxflow_deal::parse(boxflow_deal::TEMPLATE, "template.toml").unwrap();
/// assert!(boxflow_model::validate(&deal).is_empty());
/// ```
pub const TEMPLATE: &str = include_str!("template.toml");

/// Reads a deal sheet from text. `file` is the name used in messages.
///
/// Returns the [`Deal`] with every default of methodology section 1 applied, or every
/// error found in the file: TOML syntax errors alone when the file is not TOML, else
/// each unknown key, missing key, wrong type, invalid value and broken rule, in order
/// of position.
///
/// ```
/// let sheet = r#"
/// [deal]
/// name = "Tiny"
/// close = 2026-01-01
/// frequency = "monthly"
///
/// [contract]
/// customer = "Lab"
/// term_months = 12
///
/// [[contract.capacity]]
/// gpus = 8
/// price_per_gpu_hour = 2.20
///
/// [[purchase_order]]
/// units = 1
/// unit_cost = "300000"
/// payments = [{ date = 2026-01-01, share = "1" }]
/// useful_life_months = 72
/// "#;
/// let deal = boxflow_deal::parse(sheet, "tiny.toml").unwrap();
/// assert_eq!(deal.contract.capacity[0].price_per_gpu_hour.to_string(), "2.2");
/// assert_eq!(deal.contract.capacity[0].online, deal.close); // default: close
/// ```
pub fn parse(source: &str, file: &str) -> Result<ValidDeal, DealErrors> {
    parse_with_rules(source, file, &no_rules)
}

/// Rules of the sheet that a crate this one does not depend on checks: given the deal
/// as read (placeholders where a value could not be read) and the paths that could
/// not be read (skip whatever reads them), each broken rule an [`Invalid`] keyed by
/// deal-sheet path. The `[[property]]` rules are such rules
/// (`boxflow_scenario::prove::property_rules`): they need the scenario crate's shocks
/// and metrics.
pub type Rules<'a> = &'a dyn Fn(&Deal, &[String]) -> Vec<Invalid>;

fn no_rules(_: &Deal, _: &[String]) -> Vec<Invalid> {
    Vec::new()
}

/// Reads a deal sheet like [`parse`], also checking `rules`: each of their errors is
/// located at its path and reported with the sheet's own errors, in order of
/// position.
///
/// ```
/// use boxflow_model::{Invalid, RuleKind};
///
/// let rule = |deal: &boxflow_deal::Deal, _: &[String]| {
///     (deal.contract.term_months > 24)
///         .then(|| Invalid::new(RuleKind::InvalidValue, "contract.term_months", "too long", "shorten it"))
///         .into_iter()
///         .collect()
/// };
/// let errors = boxflow_deal::parse_with_rules(boxflow_deal::TEMPLATE, "t.toml", &rule).unwrap_err();
/// assert_eq!(errors.errors[0].message, "too long");
/// assert!(errors.errors[0].line > 1);
/// ```
pub fn parse_with_rules(
    source: &str,
    file: &str,
    rules: Rules<'_>,
) -> Result<ValidDeal, DealErrors> {
    if source.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large(file, source.len() as u64));
    }
    let fail = |mut errors: Vec<DealError>| {
        sort(&mut errors);
        let omitted = errors.len().saturating_sub(MAX_ERRORS);
        errors.truncate(MAX_ERRORS);
        error::locate(&mut errors, source);
        DealErrors {
            file: file.to_string(),
            source: Some(source.to_string()),
            errors,
            omitted,
        }
    };

    // A small sheet (every real one) is parsed into its tree at once: without a syntax
    // error, the counting pass below would find none either (it reports the tree's
    // parser and decoding errors, without building them), and is skipped.
    let tree_first =
        (source.len() <= TREE_FIRST_BYTES).then(|| toml::de::DeTable::parse_recoverable(source));

    // The parser's own errors first, counted without building each: a file with more
    // than can be shown is reported from them alone.
    if tree_first
        .as_ref()
        .is_none_or(|(_, syntax)| !syntax.is_empty())
    {
        let parsed = syntax::check(source);
        if parsed.total > MAX_ERRORS {
            let errors: Vec<DealError> = parsed
                .first
                .into_iter()
                .map(|e| syntax_error(e.span, &e.message))
                .collect();
            let mut shown = fail(errors);
            shown.omitted = parsed.total - shown.errors.len();
            return Err(shown);
        }
    }

    // Few syntax errors or none: `toml` builds the tree, reporting the same syntax
    // errors and those it finds building it (a duplicate key, a bad escape).
    let (table, syntax) =
        tree_first.unwrap_or_else(|| toml::de::DeTable::parse_recoverable(source));
    if !syntax.is_empty() {
        // A broken file can have millions of syntax errors: they are ordered, and the
        // same one reported twice dropped, as `sort` does, then only the ones shown
        // are formatted.
        // (The parser reports them almost in order: a stable sort is about linear.)
        let mut order: Vec<(usize, usize, &str)> = syntax
            .iter()
            .map(|e| {
                let span = e.span().unwrap_or(0..0);
                (span.start, span.end, e.message())
            })
            .collect();
        order.sort_by_key(|&(start, end, _)| (start, end));
        order.dedup();
        let omitted = order.len().saturating_sub(MAX_ERRORS);
        order.truncate(MAX_ERRORS);
        let errors: Vec<DealError> = order
            .into_iter()
            .map(|(start, end, message)| syntax_error(start..end, message))
            .collect();
        let mut shown = fail(errors);
        shown.omitted += omitted;
        return Err(shown);
    }

    let outcome = reader::read(source, table.get_ref());
    let locations = reader::Locations::new(table.get_ref());
    let mut sink = error::Rules {
        found: outcome.errors,
        locations: &locations,
        source,
        span: 0..0,
    };
    let checked = boxflow_model::Checked::new(outcome.deal, &outcome.poisoned, &mut sink);
    let mut found = sink.found;
    for invalid in rules(checked.deal(), &outcome.poisoned) {
        let span = locations.span_of(&invalid.path, source);
        found.push(DealError::pending(
            invalid.kind.into(),
            span,
            invalid.message,
            Some(invalid.help),
        ));
    }
    if found.total() == 0 {
        checked.into_valid().map_err(|e| {
            // The reader's own pass found nothing, so the rules of validate() found
            // nothing either: a difference is an internal error, reported, not hidden.
            let errors: Vec<DealError> = e
                .invalid
                .into_iter()
                .map(|i| DealError::unlocated(i.kind.into(), i.message, Some(i.help)))
                .collect();
            DealErrors {
                file: file.to_string(),
                source: Some(source.to_string()),
                errors,
                omitted: 0,
            }
        })
    } else {
        let (mut errors, omitted) = found.into_sorted();
        error::locate(&mut errors, source);
        Err(DealErrors {
            file: file.to_string(),
            source: Some(source.to_string()),
            errors,
            omitted,
        })
    }
}

/// A syntax error as shown: `invalid TOML: ` and the parser's message on one line.
fn syntax_error(span: std::ops::Range<usize>, message: &str) -> DealError {
    let message = message.trim().replace('\n', "; ");
    DealError::pending(
        ErrorKind::Syntax,
        span,
        format!("invalid TOML: {message}"),
        syntax_help(&message),
    )
}

/// Reads a deal sheet from bytes: like [`parse`], after checking the size (at most
/// [`MAX_FILE_BYTES`]) and that the bytes are UTF-8 (else one [`ErrorKind::NotUtf8`]
/// error at the line and column of the first invalid byte).
///
/// ```
/// let errors = boxflow_deal::parse_bytes(b"[deal]\nname = \"\xff\"\n", "bad.toml").unwrap_err();
/// let e = &errors.errors[0];
/// assert_eq!(e.kind, boxflow_deal::ErrorKind::NotUtf8);
/// assert_eq!((e.line, e.column), (2, 9));
/// ```
pub fn parse_bytes(bytes: &[u8], file: &str) -> Result<ValidDeal, DealErrors> {
    parse_bytes_with_rules(bytes, file, &no_rules)
}

/// [`parse_bytes`] with [`Rules`] of other crates, as [`parse_with_rules`].
pub fn parse_bytes_with_rules(
    bytes: &[u8],
    file: &str,
    rules: Rules<'_>,
) -> Result<ValidDeal, DealErrors> {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large(file, bytes.len() as u64));
    }
    match std::str::from_utf8(bytes) {
        Ok(source) => parse_with_rules(source, file, rules),
        Err(e) => {
            let at = e.valid_up_to();
            let lossy = String::from_utf8_lossy(bytes).into_owned();
            // The lossy text equals the bytes up to `at`, then shows U+FFFD.
            let end = at + '\u{FFFD}'.len_utf8();
            let error = DealError::at(
                ErrorKind::NotUtf8,
                &lossy,
                at..end.min(lossy.len()),
                format!("the file is not UTF-8: invalid byte at offset {at}"),
                Some("save the deal sheet as UTF-8 text".to_string()),
            );
            Err(DealErrors {
                file: file.to_string(),
                source: Some(lossy),
                errors: vec![error],
                omitted: 0,
            })
        }
    }
}

/// Reads a deal-sheet file: checks its size (at most [`MAX_FILE_BYTES`]) before
/// reading it whole, then [`parse_bytes`]. Errors name the file as `path` displays.
///
/// ```
/// let errors = boxflow_deal::read_file(std::path::Path::new("no/such/deal.toml")).unwrap_err();
/// assert_eq!(errors.errors[0].kind, boxflow_deal::ErrorKind::Io);
/// ```
pub fn read_file(path: &Path) -> Result<ValidDeal, DealErrors> {
    let (file, bytes) = read_bytes(path)?;
    parse_bytes(&bytes, &file)
}

/// The file's name as `path` displays and its bytes, at most [`MAX_FILE_BYTES`].
fn read_bytes(path: &Path) -> Result<(String, Vec<u8>), DealErrors> {
    let file = path.display().to_string();
    let io = |e: std::io::Error| DealErrors {
        file: file.clone(),
        source: None,
        errors: vec![DealError::unlocated(
            ErrorKind::Io,
            format!("could not read `{file}`: {e}"),
            None,
        )],
        omitted: 0,
    };
    let handle = std::fs::File::open(path).map_err(io)?;
    let size = handle.metadata().map_err(io)?.len();
    if size > MAX_FILE_BYTES {
        return Err(too_large(&file, size));
    }
    // Room for the whole file and the one byte that tells its end: read in one call
    // (from an empty vector, `read_to_end` grows it from 32 bytes, a call each time).
    let mut bytes = Vec::with_capacity(size as usize + 1);
    // Read at most one byte past the limit, in case the file grew since.
    handle
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large(&file, bytes.len() as u64));
    }
    Ok((file, bytes))
}

fn too_large(file: &str, size: u64) -> DealErrors {
    DealErrors {
        file: file.to_string(),
        source: None,
        errors: vec![DealError::unlocated(
            ErrorKind::TooLarge,
            format!("the file is over 10 MiB ({size} bytes)"),
            Some("a deal sheet is at most 10 MiB".to_string()),
        )],
        omitted: 0,
    }
}

fn syntax_help(message: &str) -> Option<String> {
    if message.contains("duplicate key") {
        Some("each key appears once in a table".to_string())
    } else if message.contains("carriage return") {
        Some("save the deal sheet with LF or CRLF line endings".to_string())
    } else if message.contains("invalid date") {
        Some("write a date as 2026-01-01".to_string())
    } else {
        Some("see the TOML format at https://toml.io".to_string())
    }
}

/// In order of position; the same error reported twice is shown once.
fn sort(errors: &mut Vec<DealError>) {
    errors.sort_by_key(|a| (a.span.start, a.span.end));
    errors.dedup_by(|a, b| a.span == b.span && a.message == b.message);
}
