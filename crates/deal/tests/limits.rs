//! The reader's limits (docs/limits.md, "Deal sheets"): at most `MAX_ERRORS` errors
//! reported per file, then one line for the rest; a lone CR ends a line; a long
//! source line is cut around the caret.

use boxflow_deal::{parse, render, MAX_ERRORS, TEMPLATE};

/// The template with `n` unknown keys `zz0 = 1`, `zz1 = 1`, ... in `[deal]`: exactly
/// `n` errors.
fn with_unknown_keys(n: usize) -> String {
    let keys: String = (0..n).map(|i| format!("zz{i} = 1\n")).collect();
    TEMPLATE.replacen("[deal]\n", &format!("[deal]\n{keys}"), 1)
}

#[test]
fn errors_are_capped_with_one_line_for_the_rest() {
    assert_eq!(MAX_ERRORS, 100);
    let sheet = with_unknown_keys(250);
    let errors = parse(&sheet, "many.toml").unwrap_err();
    assert_eq!(errors.errors.len(), 100);
    assert_eq!(errors.omitted, 150);
    assert_eq!(errors.total(), 250);
    // the first 100 in order of position: zz0 .. zz99
    assert!(errors.errors[99].message.contains("`zz99`"));
    let text = render(&errors);
    assert_eq!(text.matches("\nerror: unknown key").count() + 1, 100);
    assert!(text.ends_with(
        "... and 150 more errors\n\nerror: could not read deal sheet `many.toml`: 250 errors\n"
    ));
    assert_eq!(
        errors.to_string(),
        "could not read deal sheet `many.toml`: 250 errors"
    );
}

#[test]
fn exactly_the_cap_shows_no_more_line() {
    let errors = parse(&with_unknown_keys(100), "full.toml").unwrap_err();
    assert_eq!((errors.errors.len(), errors.omitted), (100, 0));
    assert!(!render(&errors).contains("more error"));
}

#[test]
fn an_unclosed_array_over_many_lines_reports_a_bounded_list() {
    // 12,000 lines after `a = [` printed 48,001 errors (9.9 MB) before the cap.
    let sheet = format!("a = [\n{}", "x = 1\n".repeat(12_000));
    let errors = parse(&sheet, "open.toml").unwrap_err();
    assert_eq!(errors.errors.len(), MAX_ERRORS);
    assert!(errors.omitted > 0);
    assert!(render(&errors).len() < 100 * 400);
}

#[test]
fn a_lone_carriage_return_ends_a_line() {
    // TOML wants LF or CRLF: each lone CR is an error, just after it, at the start of
    // the next line. Before, the file was one line and each snippet printed all of it.
    let lf = TEMPLATE.replace("\"quarterly\"", "\"quartely\"");
    let cr = lf.replace('\n', "\r");
    let errors = parse(&cr, "mac.toml").unwrap_err();
    let e = &errors.errors[0];
    assert_eq!((e.line, e.column), (2, 1));
    assert_eq!((errors.errors[1].line, errors.errors[1].column), (3, 1));
    let text = render(&errors);
    let second = lf.lines().nth(1).unwrap();
    assert!(
        text.contains(&format!("\n2 | {second}\n  | ^ invalid TOML\n")),
        "{text}"
    );
    assert!(text.contains("= help: save the deal sheet with LF or CRLF line endings"));
    // each snippet is one line, not the whole file
    assert!(text.lines().all(|l| l.len() < 250), "{text}");
}

#[test]
fn a_long_line_is_cut_around_the_caret() {
    // an unknown key in an inline table, 3,000 characters into one line
    let filler: String = (0..1000).map(|i| format!("a{i} = 1, ")).collect::<String>();
    let at = filler.len();
    let sheet = TEMPLATE.replace(
        "[covenants]",
        &format!("[covenants]\nzz = {{ {filler}bad = 1 }}"),
    );
    let errors = parse(&sheet, "long.toml").unwrap_err();
    let text = render(&errors);
    let line = text
        .lines()
        .find(|l| l.contains(" | ") && l.contains("zz = {"))
        .or_else(|| text.lines().find(|l| l.contains("...")))
        .unwrap_or_else(|| panic!("{text}"));
    // every printed line is at most the width, plus the gutter and the two `...`
    for l in text.lines() {
        assert!(l.chars().count() <= 200 + 6 + 10, "{l}");
    }
    assert!(at > 200 && line.contains("..."), "{line}");
}
