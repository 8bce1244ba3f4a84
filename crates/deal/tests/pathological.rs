//! Smoke tests for the pathological sheets of `pathological/sheets.rs` at 200 KB: each
//! is read and rendered quickly, with at most `MAX_ERRORS` errors shown and a short
//! report. A regression to quadratic work makes these take minutes in a debug build;
//! the 10 MiB figures are in docs/limits.md (`examples/pathological.rs`).

#[path = "pathological/sheets.rs"]
mod sheets;

use std::time::{Duration, Instant};

#[test]
fn pathological_sheets_are_checked_quickly_with_a_short_report() {
    for kind in sheets::KINDS {
        let text = sheets::sheet(kind, 200_000).unwrap_or_default();
        assert!(
            text.len() <= 200_000 && text.len() > 150_000,
            "{kind}: {}",
            text.len()
        );
        let start = Instant::now();
        let errors = boxflow_deal::parse(&text, "p.toml").expect_err(kind);
        let report = boxflow_deal::render(&errors);
        let took = start.elapsed();
        assert!(took < Duration::from_secs(5), "{kind}: {took:?}");
        assert!(errors.errors.len() <= boxflow_deal::MAX_ERRORS, "{kind}");
        // 100 blocks of a few short lines each, whatever the sheet
        assert!(report.len() < 100_000, "{kind}: {} bytes", report.len());
    }
}

#[test]
fn a_long_key_is_quoted_short() {
    let text = sheets::sheet("long-key", 200_000).unwrap_or_default();
    let errors = boxflow_deal::parse(&text, "p.toml").expect_err("long key");
    let e = &errors.errors[0];
    let shown = format!("unknown key `{}...` at the top level", "k".repeat(80));
    assert_eq!(e.message, shown);
    assert_eq!((e.line, e.column), (1, 1));
}

#[test]
fn every_syntax_error_is_counted_and_the_first_hundred_shown() {
    // 5,000 lines `= =` after the template: one error per line at least
    let text = sheets::sheet("syntax-errors", boxflow_deal::TEMPLATE.len() + 4 * 5_000)
        .unwrap_or_default();
    let errors = boxflow_deal::parse(&text, "p.toml").expect_err("syntax");
    assert_eq!(errors.errors.len(), 100);
    assert!(errors.total() >= 5_000, "{}", errors.total());
    let lines: Vec<usize> = errors.errors.iter().map(|e| e.line).collect();
    assert!(lines.windows(2).all(|w| w[0] <= w[1]), "{lines:?}");
    let first = boxflow_deal::TEMPLATE.lines().count() + 1;
    assert_eq!(lines[0], first);
}

#[test]
fn every_bad_value_is_counted_and_the_first_hundred_shown() {
    // each added purchase order writes two bad values (units = -1, unit_cost = "-5")
    let text = sheets::sheet("bad-values", 200_000).unwrap_or_default();
    let orders = text.matches("[[purchase_order]]").count()
        - boxflow_deal::TEMPLATE.matches("[[purchase_order]]").count();
    assert!(orders > 1_000, "{orders}");
    let errors = boxflow_deal::parse(&text, "p.toml").expect_err("bad values");
    assert_eq!(errors.errors.len(), boxflow_deal::MAX_ERRORS);
    assert_eq!(errors.total(), 2 * orders);
    let report = boxflow_deal::render(&errors);
    let more = format!("... and {} more errors\n", 2 * orders - 100);
    assert!(report.contains(&more), "{more}");
    // the first shown are the first purchase order added, its units then its cost
    assert!(errors.errors[0].message.contains("purchase_order[1].units"));
    assert!(errors.errors[1]
        .message
        .contains("purchase_order[1].unit_cost"));
}

#[test]
fn every_unknown_key_is_counted_and_the_first_hundred_shown() {
    let text = sheets::sheet("unknown-keys", 200_000).unwrap_or_default();
    let keys = text.matches("escalater_").count();
    let errors = boxflow_deal::parse(&text, "p.toml").expect_err("unknown keys");
    assert_eq!(errors.errors.len(), boxflow_deal::MAX_ERRORS);
    assert_eq!(errors.total(), keys);
    // shown in order of position: escalater_0 .. escalater_99, lines 1 to 100
    let lines: Vec<usize> = errors.errors.iter().map(|e| e.line).collect();
    assert_eq!(lines, (1..=100).collect::<Vec<_>>());
}

/// The 1-based numbers of the lines of `text` that are `line`.
fn lines_equal_to(text: &str, line: &str) -> Vec<usize> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| *l == line)
        .map(|(i, _)| i + 1)
        .collect()
}

#[test]
fn every_duplicate_scenario_name_is_counted_and_the_first_hundred_shown() {
    // each added `[[scenario]]` is named "same": every one after the first is a
    // duplicate (a rule of the model, not of the reader)
    let text = sheets::sheet("duplicate-scenarios", 200_000).unwrap_or_default();
    let same = lines_equal_to(&text, "name = \"same\"");
    assert!(same.len() > 5_000, "{}", same.len());
    let errors = boxflow_deal::parse(&text, "p.toml").expect_err("duplicates");
    assert_eq!(errors.total(), same.len() - 1);
    assert_eq!(errors.errors.len(), boxflow_deal::MAX_ERRORS);
    // shown in order: the 2nd to the 101st "same", at the value (column 8)
    let shown: Vec<(usize, usize)> = errors.errors.iter().map(|e| (e.line, e.column)).collect();
    let expected: Vec<(usize, usize)> = same.iter().skip(1).take(100).map(|&l| (l, 8)).collect();
    assert_eq!(shown, expected);
    for e in &errors.errors {
        assert_eq!(e.kind, boxflow_deal::ErrorKind::Duplicate);
        assert_eq!(e.message, "two scenarios are named `same`");
        assert_eq!(e.help.as_deref(), Some("give each scenario its own name"));
    }
    let report = boxflow_deal::render(&errors);
    let more = format!("... and {} more errors\n", same.len() - 1 - 100);
    assert!(report.contains(&more), "{more}");
}

#[test]
fn every_bad_escape_is_counted_and_the_first_hundred_shown_as_with_few() {
    // `k{i} = "\q"` lines after the template: one bad escape each, no syntax error
    let text = sheets::sheet("bad-escapes", 200_000).unwrap_or_default();
    let escapes = text.matches("\\q").count();
    assert!(escapes > 5_000, "{escapes}");
    let errors = boxflow_deal::parse(&text, "p.toml").expect_err("escapes");
    assert_eq!(errors.total(), escapes);
    assert_eq!(errors.errors.len(), boxflow_deal::MAX_ERRORS);
    // the first 100 lines added, at the `q` after the backslash
    let first = boxflow_deal::TEMPLATE.lines().count() + 1;
    let shown: Vec<(usize, usize)> = errors.errors.iter().map(|e| (e.line, e.column)).collect();
    let expected: Vec<(usize, usize)> = (0..100)
        .map(|i| (first + i, format!("k{i} = \"\\").chars().count() + 1))
        .collect();
    assert_eq!(shown, expected);
    // the same errors as a sheet with only 60 of these lines (60 errors, few enough
    // for `toml` to report them from its tree)
    let few: String = text
        .lines()
        .take(first - 1 + 60)
        .collect::<Vec<_>>()
        .join("\n");
    let few = boxflow_deal::parse(&format!("{few}\n"), "p.toml").expect_err("few");
    assert_eq!(few.total(), 60);
    for (a, b) in errors.errors.iter().zip(&few.errors) {
        assert_eq!(
            (a.line, a.column, &a.message, &a.help),
            (b.line, b.column, &b.message, &b.help)
        );
    }
    assert!(errors.errors[0]
        .message
        .starts_with("invalid TOML: missing escaped value"));
}

#[test]
fn every_duplicate_key_is_counted_and_the_first_hundred_shown() {
    // `a = 1` again and again in one table: every one after the first is a duplicate
    let text = sheets::sheet("duplicate-keys", 200_000).unwrap_or_default();
    let keys = lines_equal_to(&text, "a = 1");
    assert!(keys.len() > 5_000, "{}", keys.len());
    let errors = boxflow_deal::parse(&text, "p.toml").expect_err("duplicate keys");
    assert_eq!(errors.total(), keys.len() - 1);
    let shown: Vec<(usize, usize)> = errors.errors.iter().map(|e| (e.line, e.column)).collect();
    let expected: Vec<(usize, usize)> = keys.iter().skip(1).take(100).map(|&l| (l, 1)).collect();
    assert_eq!(shown, expected);
    assert!(errors
        .errors
        .iter()
        .all(|e| e.message == "invalid TOML: duplicate key"));
}
