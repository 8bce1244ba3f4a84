//! The syntax pass: the TOML parser's own errors, counted all and kept bounded.
//!
//! `toml` reports every error of a file as an allocated error with its message, and
//! cannot be stopped early: a 10 MiB file of `= =` lines makes eight million of them.
//! This pass runs the same lexer and parser (`toml_parser`) into a sink that counts
//! every error and keeps only the first [`MAX_ERRORS`] in order of position, so a
//! broken file costs one pass and no allocation per error. It also decodes every key
//! and scalar value as `toml` does building its tree (escapes in strings, numbers),
//! so that a file of many bad escapes is counted here too; only a duplicate key, which
//! needs the tree, is left to `toml`.

use std::ops::Range;

use toml_parser::decoder::Encoding;
use toml_parser::parser::{EventReceiver, RecursionGuard, ValidateWhitespace};
use toml_parser::{ErrorSink, Expected, ParseError, Raw, Source, Span};

use crate::MAX_ERRORS;

/// The deepest nesting of arrays and inline tables `toml` accepts.
const MAX_DEPTH: u32 = 80;

/// A syntax error as the parser reports it: where, and what (its message is built
/// only for the errors kept).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SyntaxError {
    pub span: Range<usize>,
    pub message: String,
}

/// The first [`MAX_ERRORS`] syntax errors of a file by position, and how many it has.
#[derive(Default)]
pub(crate) struct Syntax {
    /// At most [`MAX_ERRORS`], in order of position.
    pub first: Vec<SyntaxError>,
    /// Every syntax error of the file, the kept ones included.
    pub total: usize,
}

/// Lexes and parses `source` as `toml` does, counting its syntax errors; when the
/// parser finds none, the errors of decoding its keys and values instead.
pub(crate) fn check(source: &str) -> Syntax {
    let source = Source::new(source);
    let tokens = source.lex().into_vec();
    let mut sink = Sink::default();
    let mut events = Decode {
        source,
        sink: Sink::default(),
        broken: false,
    };
    let mut whitespace = ValidateWhitespace::new(&mut events, source);
    let mut guard = RecursionGuard::new(&mut whitespace, MAX_DEPTH);
    toml_parser::parser::parse_document(&tokens, &mut guard, &mut sink);
    if sink.total == 0 {
        events.sink.finish()
    } else {
        sink.finish()
    }
}

/// Decodes each key and scalar value of the parse into its own sink, as `toml` does
/// when it builds the tree of a file without syntax errors: a bad escape, a malformed
/// number. (Of a file with syntax errors, `toml` skips what it cannot place, so these
/// are only used when the parser found none.) The decoded text itself is not kept.
struct Decode<'i> {
    source: Source<'i>,
    sink: Sink,
    /// True after the parser met an error: what follows is not decoded (a file of
    /// millions of `= =` lines costs no decoding).
    broken: bool,
}

impl<'i> Decode<'i> {
    fn raw(&self, span: Span, kind: Option<Encoding>) -> Option<Raw<'i>> {
        if self.broken {
            return None;
        }
        self.source
            .input()
            .get(span.start()..span.end())
            .map(|s| Raw::new_unchecked(s, kind, span))
    }
}

impl EventReceiver for Decode<'_> {
    fn simple_key(&mut self, span: Span, kind: Option<Encoding>, _: &mut dyn ErrorSink) {
        if let Some(raw) = self.raw(span, kind) {
            raw.decode_key(&mut (), &mut self.sink);
        }
    }

    fn error(&mut self, _: Span, _: &mut dyn ErrorSink) {
        self.broken = true;
    }

    fn scalar(&mut self, span: Span, kind: Option<Encoding>, _: &mut dyn ErrorSink) {
        if let Some(raw) = self.raw(span, kind) {
            let _kind = raw.decode_scalar(&mut (), &mut self.sink);
        }
    }
}

/// Keeps the first [`MAX_ERRORS`] errors by (start, end), the earlier reported first on
/// a tie; counts all. The parser reports errors almost in order, so a full sink turns
/// nearly every later error away after one comparison.
#[derive(Default)]
struct Sink {
    kept: Vec<((usize, usize), usize, ParseError)>,
    /// The largest (key, seq) of `kept`, when it is full.
    last: Option<((usize, usize), usize)>,
    /// The previous error turned away, to count an error reported twice in a row once.
    previous: Option<((usize, usize), ParseError)>,
    total: usize,
}

impl toml_parser::ErrorSink for Sink {
    fn report_error(&mut self, error: ParseError) {
        let key = error.unexpected().map_or((0, 0), |s| (s.start(), s.end()));
        if self.kept.iter().any(|(k, _, e)| *k == key && *e == error)
            || self
                .previous
                .as_ref()
                .is_some_and(|(k, e)| *k == key && *e == error)
        {
            return;
        }
        let seq = self.total;
        self.total += 1;
        if let Some(last) = self.last {
            if (key, seq) > last {
                self.previous = Some((key, error));
                return;
            }
        }
        self.kept.push((key, seq, error));
        if self.kept.len() > MAX_ERRORS {
            if let Some(at) = self.max() {
                self.kept.swap_remove(at);
            }
        }
        if self.kept.len() == MAX_ERRORS {
            self.last = self
                .max()
                .and_then(|at| self.kept.get(at))
                .map(|(k, s, _)| (*k, *s));
        }
    }
}

impl Sink {
    /// The kept errors in order of position, with their messages, and the count.
    fn finish(self) -> Syntax {
        let mut first = self.kept;
        first.sort_by_key(|(key, seq, _)| (*key, *seq));
        Syntax {
            first: first
                .into_iter()
                .map(|((start, end), _, e)| SyntaxError {
                    span: start..end,
                    message: message(&e),
                })
                .collect(),
            total: self.total,
        }
    }

    /// The index of the largest (key, seq) kept.
    fn max(&self) -> Option<usize> {
        (0..self.kept.len()).max_by_key(|&i| self.kept.get(i).map(|(k, s, _)| (*k, *s)))
    }
}

/// The message `toml` gives the error: its description, then what was expected.
fn message(error: &ParseError) -> String {
    let mut message = error.description().to_string();
    if let Some(expected) = error.expected() {
        message.push_str(", expected ");
        if expected.is_empty() {
            message.push_str("nothing");
        }
        for (i, e) in expected.iter().enumerate() {
            if i != 0 {
                message.push_str(", ");
            }
            match e {
                Expected::Literal(literal) => message.push_str(&literal_name(literal)),
                Expected::Description(d) => message.push_str(d),
                _ => message.push_str("etc"),
            }
        }
    }
    message
}

fn literal_name(literal: &str) -> String {
    match literal {
        "\n" => "newline".to_string(),
        "`" => "'`'".to_string(),
        s if s.chars().all(|c| c.is_ascii_control()) => format!("`{}`", s.escape_debug()),
        s => format!("`{s}`"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The syntax errors `toml` reports for `source`, as (span, message), in order.
    fn toml_errors(source: &str) -> Vec<(Range<usize>, String)> {
        let (_, errors) = toml::de::DeTable::parse_recoverable(source);
        let mut out: Vec<(Range<usize>, String)> = errors
            .iter()
            .map(|e| (e.span().unwrap_or(0..0), e.message().to_string()))
            .collect();
        out.sort_by_key(|(s, _)| (s.start, s.end));
        out.dedup();
        out
    }

    #[test]
    fn the_messages_are_those_of_toml() {
        // parser errors only (no duplicate key, no bad escape: those `toml` finds later)
        // and, in files without them, decoding errors (a bad escape, a bad number)
        for source in [
            "a = [\n",
            "= =\n",
            "[a\nb = 1\n",
            "a = {b = 1 c = 2}\n",
            "a = \"\\q\"\n",
            "\"k\\q\" = 1\n[t.\"\\x\"]\nb = 1__0\n",
            "a = [1, 0x]\nb = { c = \"\\u12\" }\n",
        ] {
            let mine: Vec<(Range<usize>, String)> = check(source)
                .first
                .into_iter()
                .map(|e| (e.span, e.message))
                .collect();
            let theirs = toml_errors(source);
            for e in &mine {
                assert!(theirs.contains(e), "{source:?}: {e:?} not in {theirs:?}");
            }
            assert!(!mine.is_empty(), "{source:?}");
        }
    }

    #[test]
    fn every_error_is_counted_and_the_first_hundred_kept_in_order() {
        // each `= =` line is at least one error; in reverse too, the first 100 are kept
        let n = 1_000;
        let source = "= =\n".repeat(n);
        let syntax = check(&source);
        assert!(syntax.total >= n, "{}", syntax.total);
        assert_eq!(syntax.first.len(), MAX_ERRORS);
        let starts: Vec<usize> = syntax.first.iter().map(|e| e.span.start).collect();
        assert!(starts.windows(2).all(|w| w[0] <= w[1]));
        // the first error of the file is the first kept: on the first line
        assert!(starts.first().is_some_and(|&s| s < 4), "{starts:?}");
        // every kept error lies within the first 100 lines' worth of errors
        let all = toml_errors(&source);
        let parser_errors: Vec<&(Range<usize>, String)> = all
            .iter()
            .filter(|(s, m)| syntax.first.iter().any(|e| e.span == *s && e.message == *m))
            .collect();
        assert_eq!(parser_errors.len(), MAX_ERRORS);
    }

    #[test]
    fn every_bad_escape_of_a_file_without_syntax_errors_is_counted() {
        // 1,000 distinct keys, each with one bad escape: no parser error, 1,000
        // decoding errors, the first 100 kept in order with `toml`'s messages
        let n = 1_000;
        let source: String = (0..n).map(|i| format!("k{i} = \"\\q\"\n")).collect();
        let syntax = check(&source);
        assert_eq!(syntax.total, n);
        assert_eq!(syntax.first.len(), MAX_ERRORS);
        let theirs = toml_errors(&source);
        assert_eq!(theirs.len(), n);
        let mine: Vec<(Range<usize>, String)> = syntax
            .first
            .into_iter()
            .map(|e| (e.span, e.message))
            .collect();
        assert_eq!(mine, theirs[..MAX_ERRORS]);
    }

    #[test]
    fn an_error_reported_out_of_order_still_takes_its_place() {
        let mut sink = Sink::default();
        let e = |at: usize| {
            ParseError::new("x").with_unexpected(toml_parser::Span::new_unchecked(at, at + 1))
        };
        for at in 10..10 + MAX_ERRORS + 50 {
            toml_parser::ErrorSink::report_error(&mut sink, e(at));
        }
        toml_parser::ErrorSink::report_error(&mut sink, e(3));
        // the same error again, right after: counted once
        toml_parser::ErrorSink::report_error(&mut sink, e(3));
        assert_eq!(sink.total, MAX_ERRORS + 51);
        assert_eq!(sink.kept.len(), MAX_ERRORS);
        let mut starts: Vec<usize> = sink.kept.iter().map(|(k, _, _)| k.0).collect();
        starts.sort_unstable();
        assert_eq!(starts.first(), Some(&3));
        assert_eq!(starts.last(), Some(&(10 + MAX_ERRORS - 2)));
    }
}
