//! Located errors: what is wrong with a deal sheet, and where.

use std::fmt;
use std::ops::Range;

/// What kind of mistake a [`DealError`] reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// A key the deal-sheet format does not have: a typo (the help suggests the
    /// nearest known key) or a key written in the wrong section.
    UnknownKey,
    /// A required key is absent (methodology section 1, "Required"). The error points
    /// at the table that should hold it.
    MissingKey,
    /// A value of the wrong TOML type: a string where a table is expected, a float
    /// where a whole number is expected, a time where a date is expected.
    WrongType,
    /// A value of the right type that is not acceptable on its own: a negative money
    /// amount, price or rate; a share outside [0, 1]; a count that is not a positive
    /// whole number; a name outside a closed list (frequency, day count, profile,
    /// lock-up action); money with more than two decimals; a value above 1e15.
    InvalidValue,
    /// Values that are each acceptable but do not fit together or with the calendar:
    /// payment shares not summing to 1, a term that is not a multiple of the period
    /// length, an empty repayment window, a capex payment after a repayment deadline,
    /// commitments above total capex, both `amount` and `sizing`, and the like.
    Inconsistent,
    /// Two facilities with the same name, or of the same rank.
    Duplicate,
    /// A name that refers to nothing in the sheet: a facility's `rate.index` that
    /// names no `[curves.NAME]`.
    UnknownReference,
    /// The file is not valid TOML.
    Syntax,
    /// The file is not UTF-8; the error points at the first invalid byte.
    NotUtf8,
    /// The file is over the 10 MiB limit ([`crate::MAX_FILE_BYTES`]).
    TooLarge,
    /// The file could not be opened or read; it has no location.
    Io,
}

impl ErrorKind {
    /// A short label for the underlined part of the source, as shown by a renderer.
    ///
    /// ```
    /// use boxflow_deal::ErrorKind;
    /// assert_eq!(ErrorKind::UnknownKey.label(), "unknown key");
    /// ```
    pub fn label(self) -> &'static str {
        match self {
            ErrorKind::UnknownKey => "unknown key",
            ErrorKind::MissingKey => "required key missing in this table",
            ErrorKind::WrongType => "wrong type",
            ErrorKind::InvalidValue => "invalid value",
            ErrorKind::Inconsistent => "inconsistent",
            ErrorKind::Duplicate => "duplicate",
            ErrorKind::UnknownReference => "not defined in this deal sheet",
            ErrorKind::Syntax => "invalid TOML",
            ErrorKind::NotUtf8 => "not UTF-8",
            ErrorKind::TooLarge => "file too large",
            ErrorKind::Io => "could not read",
        }
    }
}

/// One located error in a deal sheet.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{line}:{column}: {message}")]
pub struct DealError {
    /// What kind of mistake this is.
    pub kind: ErrorKind,
    /// Byte range in [`DealErrors::source`] of the key or value at fault (empty for
    /// errors with no location, such as [`ErrorKind::Io`]).
    pub span: Range<usize>,
    /// 1-based line of `span.start`; 0 when the error has no location.
    pub line: usize,
    /// 1-based column of `span.start`, counted in characters; 0 when the error has no
    /// location.
    pub column: usize,
    /// What is wrong, in the methodology's words.
    pub message: String,
    /// What would be right, when there is something to say.
    pub help: Option<String>,
}

impl DealError {
    /// An error located at `span` in `source`; line and column are computed from it.
    pub fn at(
        kind: ErrorKind,
        source: &str,
        span: Range<usize>,
        message: impl Into<String>,
        help: Option<String>,
    ) -> DealError {
        let (line, column) = line_column(source, span.start);
        DealError {
            kind,
            span,
            line,
            column,
            message: message.into(),
            help,
        }
    }

    /// An error at `span` whose line and column are not computed yet: [`locate`] fills
    /// them in for a whole list at once, in one pass over the source.
    pub(crate) fn pending(
        kind: ErrorKind,
        span: Range<usize>,
        message: impl Into<String>,
        help: Option<String>,
    ) -> DealError {
        DealError {
            kind,
            span,
            line: 0,
            column: 0,
            message: message.into(),
            help,
        }
    }

    /// An error with no location in the file (it could not be read at all).
    pub fn unlocated(
        kind: ErrorKind,
        message: impl Into<String>,
        help: Option<String>,
    ) -> DealError {
        DealError {
            kind,
            span: 0..0,
            line: 0,
            column: 0,
            message: message.into(),
            help,
        }
    }

    /// True when the error points into the source (line and column are 1-based).
    pub fn is_located(&self) -> bool {
        self.line > 0
    }
}

/// Every error found in one deal sheet (the first [`crate::MAX_ERRORS`] of them), with
/// the text they point into.
///
/// `Display` gives the one-line summary (`could not read deal sheet `FILE`: N errors`,
/// counting the omitted ones); a renderer shows each error with its source line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DealErrors {
    /// The file name used in messages, as given to [`crate::parse`] or [`crate::read_file`].
    pub file: String,
    /// The text the spans point into (for a file that is not UTF-8, its lossy decoding);
    /// `None` when the file could not be read.
    pub source: Option<String>,
    /// The errors, in order of position in the file: at most [`crate::MAX_ERRORS`].
    pub errors: Vec<DealError>,
    /// How many more errors the file has, after the ones in `errors`.
    pub omitted: usize,
}

impl DealErrors {
    /// Every error of the file: those in `errors` and the omitted ones.
    pub fn total(&self) -> usize {
        self.errors.len() + self.omitted
    }
}

// Display and Error are written by hand: thiserror would take the field named `source`
// for the error's cause, and the source text is not an error.
impl fmt::Display for DealErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "could not read deal sheet `{}`: {}",
            self.file,
            count_errors(self.total())
        )
    }
}

impl std::error::Error for DealErrors {}

/// `1 error`, `3 errors`.
pub fn count_errors(n: usize) -> String {
    if n == 1 {
        "1 error".to_string()
    } else {
        format!("{n} errors")
    }
}

impl From<boxflow_model::RuleKind> for ErrorKind {
    fn from(kind: boxflow_model::RuleKind) -> ErrorKind {
        match kind {
            boxflow_model::RuleKind::Inconsistent => ErrorKind::Inconsistent,
            boxflow_model::RuleKind::Duplicate => ErrorKind::Duplicate,
            boxflow_model::RuleKind::UnknownReference => ErrorKind::UnknownReference,
            _ => ErrorKind::InvalidValue,
        }
    }
}

/// The errors of one file as they are found: the first [`crate::MAX_ERRORS`] by
/// position kept, every one counted. The same error (span and message) found twice
/// while kept is kept and counted once.
///
/// Errors are found roughly in order of position, so once the list is full nearly
/// every later error is turned away by [`Found::wants`] after one comparison, before
/// its message is built: a file with a million mistakes costs a million comparisons,
/// not a million messages.
#[derive(Default)]
pub(crate) struct Found {
    /// (seq, error), at most `MAX_ERRORS`.
    kept: Vec<(usize, DealError)>,
    /// The largest (start, end, seq) kept, once the list is full.
    last: Option<(usize, usize, usize)>,
    total: usize,
}

impl Found {
    /// True when an error at `span` would be kept (shown).
    pub(crate) fn wants(&self, span: &Range<usize>) -> bool {
        self.last
            .is_none_or(|last| (span.start, span.end, self.total) < last)
    }

    /// Counts an error that is not kept, whose message was never built.
    pub(crate) fn count(&mut self) {
        self.total += 1;
    }

    /// Adds an error: kept when among the first by position, counted in any case.
    pub(crate) fn push(&mut self, error: DealError) {
        if !self.wants(&error.span) {
            self.total += 1;
            return;
        }
        if self
            .kept
            .iter()
            .any(|(_, e)| e.span == error.span && e.message == error.message)
        {
            return;
        }
        self.kept.push((self.total, error));
        self.total += 1;
        if self.kept.len() > crate::MAX_ERRORS {
            if let Some(at) = self.max() {
                self.kept.swap_remove(at);
            }
        }
        if self.kept.len() >= crate::MAX_ERRORS {
            self.last = self
                .max()
                .and_then(|at| self.kept.get(at))
                .map(|(seq, e)| (e.span.start, e.span.end, *seq));
        }
    }

    /// The index in `kept` of the largest (start, end, seq).
    fn max(&self) -> Option<usize> {
        self.kept
            .iter()
            .enumerate()
            .max_by_key(|(_, (seq, e))| (e.span.start, e.span.end, *seq))
            .map(|(i, _)| i)
    }

    /// Every error counted, the kept ones included.
    pub(crate) fn total(&self) -> usize {
        self.total
    }

    /// The kept errors in order of position (the earlier found first on a tie), and
    /// how many more were found.
    pub(crate) fn into_sorted(self) -> (Vec<DealError>, usize) {
        let mut kept = self.kept;
        kept.sort_by_key(|(seq, e)| (e.span.start, e.span.end, *seq));
        let errors: Vec<DealError> = kept.into_iter().map(|(_, e)| e).collect();
        let omitted = self.total - errors.len();
        (errors, omitted)
    }
}

/// The rules' broken rules located at their path and put among the reader's errors
/// ([`boxflow_model::RuleSink`]): a rule whose place is later than the first
/// [`crate::MAX_ERRORS`] errors is counted, and its message never built.
pub(crate) struct Rules<'l, 'a, 'i, 's> {
    pub found: Found,
    pub locations: &'l crate::reader::Locations<'a, 'i>,
    pub source: &'s str,
    /// The span of the rule last asked about, for [`Rules::push`].
    pub span: Range<usize>,
}

impl boxflow_model::RuleSink for Rules<'_, '_, '_, '_> {
    fn wants(&mut self, _kind: boxflow_model::RuleKind, path: &str) -> bool {
        self.span = self.locations.span_of(path, self.source);
        if self.found.wants(&self.span) {
            true
        } else {
            self.found.count();
            false
        }
    }

    fn push(&mut self, invalid: boxflow_model::Invalid) {
        let span = std::mem::replace(&mut self.span, 0..0);
        self.found.push(DealError::pending(
            invalid.kind.into(),
            span,
            invalid.message,
            Some(invalid.help),
        ));
    }
}

/// The start of every line of `source`: `\n`, `\r\n` and a lone `\r` (old Mac line
/// endings) each end a line.
pub(crate) fn line_starts(source: &str) -> Vec<usize> {
    let bytes = source.as_bytes();
    let mut starts = vec![0];
    let mut i = 0;
    while i < bytes.len() {
        match bytes.get(i) {
            Some(b'\n') => starts.push(i + 1),
            Some(b'\r') if bytes.get(i + 1) != Some(&b'\n') => starts.push(i + 1),
            _ => {}
        }
        i += 1;
    }
    starts
}

/// The 1-based line of byte `offset` and the byte where that line starts.
fn line_of(starts: &[usize], offset: usize) -> (usize, usize) {
    let line = starts.partition_point(|&s| s <= offset).max(1);
    (line, starts.get(line - 1).copied().unwrap_or(0))
}

/// `offset` clamped into `source` and moved back to a character boundary.
fn clamp(source: &str, offset: usize) -> usize {
    let mut offset = offset.min(source.len());
    while offset > 0 && !source.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// 1-based line and character column of byte `offset` in `source`; an offset past
/// the end or inside a character is clamped to the previous character boundary.
pub(crate) fn line_column(source: &str, offset: usize) -> (usize, usize) {
    let offset = clamp(source, offset);
    let (line, start) = line_of(&line_starts(source), offset);
    let column = source.get(start..offset).map_or(0, |s| s.chars().count()) + 1;
    (line, column)
}

/// Fills in the line and column of every error of `errors`, sorted by span start, in
/// one pass over `source`: the line by binary search in the line starts, the column by
/// counting characters from the previous error on the same line. The work is linear
/// in the size of the source plus the number of errors.
pub(crate) fn locate(errors: &mut [DealError], source: &str) {
    let starts = line_starts(source);
    // (line start, offset, column) of the previous error
    let mut previous: Option<(usize, usize, usize)> = None;
    for e in errors.iter_mut() {
        let offset = clamp(source, e.span.start);
        let (line, start) = line_of(&starts, offset);
        let column = match previous {
            Some((s, o, c)) if s == start && o <= offset => {
                c + source.get(o..offset).map_or(0, |x| x.chars().count())
            }
            _ => source.get(start..offset).map_or(0, |x| x.chars().count()) + 1,
        };
        previous = Some((start, offset, column));
        e.line = line;
        e.column = column;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(start: usize, message: &str) -> DealError {
        DealError::pending(ErrorKind::InvalidValue, start..start + 1, message, None)
    }

    #[test]
    fn found_keeps_the_first_errors_by_position_and_counts_all() {
        let max = crate::MAX_ERRORS;
        let mut found = Found::default();
        // 3 * max errors, the last third out of order (before every other)
        for i in 0..2 * max {
            found.push(at(1_000 + i, "late"));
        }
        for i in 0..max {
            found.push(at(max - 1 - i, "early"));
        }
        // the same error twice while kept: once
        found.push(at(0, "early"));
        assert_eq!(found.total(), 3 * max);
        let (errors, omitted) = found.into_sorted();
        assert_eq!((errors.len(), omitted), (max, 2 * max));
        let starts: Vec<usize> = errors.iter().map(|e| e.span.start).collect();
        assert_eq!(starts, (0..max).collect::<Vec<_>>());
    }

    #[test]
    fn a_full_list_turns_later_errors_away_before_their_message_is_built() {
        let mut found = Found::default();
        for i in 0..crate::MAX_ERRORS {
            assert!(found.wants(&(i..i + 1)));
            found.push(at(i, "x"));
        }
        // later than every kept error: not wanted (so the reader only counts it)
        assert!(!found.wants(&(5_000..5_001)));
        assert!(!found.wants(&(crate::MAX_ERRORS - 1..crate::MAX_ERRORS)));
        // earlier than the last kept: wanted, and it takes the last one's place
        assert!(found.wants(&(3..3)));
        found.push(DealError::pending(ErrorKind::InvalidValue, 3..3, "y", None));
        let (errors, omitted) = found.into_sorted();
        assert_eq!(omitted, 1);
        assert_eq!(errors.get(3).map(|e| e.message.as_str()), Some("y"));
        assert_eq!(
            errors.last().map(|e| e.span.start),
            Some(crate::MAX_ERRORS - 2)
        );
    }

    #[test]
    fn lines_and_columns_are_one_based_in_characters() {
        let s = "a = 1\nné = \"x\"\n";
        assert_eq!(line_column(s, 0), (1, 1));
        assert_eq!(line_column(s, 4), (1, 5));
        assert_eq!(line_column(s, 6), (2, 1));
        // `é` is two bytes, one character
        assert_eq!(line_column(s, 9), (2, 3));
        // inside a character: clamped
        assert_eq!(line_column(s, 8), (2, 2));
        assert_eq!(line_column(s, 1000), (3, 1));
    }

    #[test]
    fn a_lone_carriage_return_ends_a_line() {
        // old Mac line endings: CR alone; Windows: CR LF (one break, not two)
        let mac = "a = 1\rb = 2\rc = 3\r";
        assert_eq!(line_column(mac, 12), (3, 1));
        assert_eq!(line_column(mac, 14), (3, 3));
        let windows = "a = 1\r\nb = 2\r\n";
        assert_eq!(line_column(windows, 7), (2, 1));
        assert_eq!(line_starts(windows), [0, 7, 14]);
    }

    #[test]
    fn locating_many_errors_at_once_agrees_with_one_at_a_time() {
        let s = "a = 1\rné = \"x\" # é\r\nc = [1, 2]\n\nlast";
        let mut offsets: Vec<usize> = (0..=s.len() + 2).collect();
        offsets.push(3); // out of order: counted again from the line start
        let mut errors: Vec<DealError> = offsets
            .iter()
            .map(|&o| DealError::pending(ErrorKind::Syntax, o..o, "x", None))
            .collect();
        errors.sort_by_key(|e| e.span.start);
        locate(&mut errors, s);
        for e in &errors {
            assert_eq!(
                (e.line, e.column),
                line_column(s, e.span.start),
                "offset {}",
                e.span.start
            );
        }
    }
}
