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
