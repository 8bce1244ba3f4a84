//! Whatever the deal-sheet reader accepts, the engine runs: `check` refuses everything
//! `run`, `size`, `report` and `stress` would refuse on the base case. Sheets are the
//! bundled reference deal with some of its numbers replaced by extreme values (0,
//! 1e-28, 1e15, 99999999999999.99, huge counts, ...).
//!
//! A second property damages the sheet's bytes (replaced, cut, repeated) to fuzz the
//! reader itself: it never panics, and what it accepts runs.
//!
//! The case count is `BOXFLOW_FUZZ_CASES` (default 64); CI runs more (.ci/run).

use boxflow_scenario::Base;
use proptest::prelude::*;

const REFERENCE: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../fixtures/reference.toml"
));

fn cases() -> u32 {
    std::env::var("BOXFLOW_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64)
}

/// The byte spans of the numbers of a sheet: runs of `[0-9.eE+-]` starting with a digit,
/// not inside a word (`H100`), not dates, not in comments.
fn number_spans(text: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let code = line.find('#').map_or(line, |i| &line[..i]);
        let bytes = code.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let starts = bytes[i].is_ascii_digit()
                && (i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_'));
            if !starts {
                i += 1;
                continue;
            }
            let mut j = i;
            while j < bytes.len()
                && matches!(bytes[j], b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-')
            {
                j += 1;
            }
            let token = &code[i..j];
            let date = token.len() >= 10 && token.as_bytes()[4] == b'-';
            let in_word = j < bytes.len() && bytes[j].is_ascii_alphabetic();
            if !date && !in_word {
                spans.push((offset + i, offset + j));
            }
            i = j;
        }
        offset += line.len();
    }
    spans
}

const EXTREMES: [&str; 12] = [
    "0",
    "1e-28",
    "0.0000000000000000000000000001",
    "1e15",
    "1000000000000000",
    "999999999999999",
    "99999999999999.99",
    "4294967295",
    "1",
    "600",
    "0.5",
    "123456789.123456789",
];

/// The reference sheet with the numbers at `picks` (indices into its numbers, modulo
/// their count) replaced by extremes.
fn mutated(picks: &[(usize, usize)]) -> String {
    let spans = number_spans(REFERENCE);
    let mut chosen: Vec<(usize, usize, &str)> = picks
        .iter()
        .map(|(n, e)| {
            let (a, b) = spans[n % spans.len()];
            (a, b, EXTREMES[e % EXTREMES.len()])
        })
        .collect();
    chosen.sort_by_key(|c| std::cmp::Reverse(c.0));
    chosen.dedup_by_key(|c| c.0);
    let mut text = REFERENCE.to_string();
    for (a, b, v) in chosen {
        text.replace_range(a..b, v);
    }
    text
}

/// Whatever `parse` accepts runs without error, with every invariant, and gives a base
/// case for the scenarios.
fn runs_if_accepted(text: &str) -> Result<(), String> {
    let Ok(deal) = boxflow_deal::parse(text, "fuzz.toml") else {
        return Ok(());
    };
    let run = boxflow_waterfall::run(&deal).map_err(|e| format!("run: {e}"))?;
    let violations = run.verify();
    if !violations.is_empty() {
        return Err(format!("invariants: {violations:?}"));
    }
    Base::new(deal).map_err(|e| format!("Base::new: {e}"))?;
    Ok(())
}

#[test]
fn the_scanner_finds_the_reference_numbers() {
    let spans = number_spans(REFERENCE);
    let numbers: Vec<&str> = spans.iter().map(|(a, b)| &REFERENCE[*a..*b]).collect();
    assert!(numbers.contains(&"2048"), "{numbers:?}");
    assert!(numbers.contains(&"1.30"), "{numbers:?}");
    assert!(
        !numbers.iter().any(|n| n.starts_with("2026-")),
        "{numbers:?}"
    );
    assert_eq!(runs_if_accepted(REFERENCE), Ok(()));
}

/// Found by this fuzz in CI: a price of 0 on every line leaves CFADS at minus the
/// operating costs each period, and the sizing cap CFADS / dscr with a dscr of 1e-28 is
/// about -1e7 / 1e-28 = -1e35, beyond any amount: `check` bounded the cap by the
/// revenue alone (0 here), so it passed and `run` failed. |CFADS| is now bounded by
/// the revenue plus the operating costs.
#[test]
fn a_price_of_zero_and_a_tiny_dscr_are_refused_by_check() {
    let text = REFERENCE
        .replace(
            "price_per_gpu_hour = \"2.20\"",
            "price_per_gpu_hour = \"0\"",
        )
        .replacen("dscr = \"1.30\"", "dscr = \"1e-28\"", 1);
    assert_eq!(text.matches("price_per_gpu_hour = \"0\"").count(), 2);
    let Err(errors) = boxflow_deal::parse(&text, "x.toml") else {
        panic!("a sizing cap of about -1e35 passed check");
    };
    // One error, on the dscr's line (81 of the reference sheet).
    assert_eq!(errors.total(), 1, "{errors:?}");
    assert!(
        errors.errors[0].message.contains("sizing.dscr"),
        "{errors:?}"
    );
    assert_eq!(errors.errors[0].line, 81, "{errors:?}");
    assert_eq!(runs_if_accepted(&text), Ok(()));
}

#[test]
fn known_sheets_that_passed_check_and_failed_run() {
    for (from, to) in [
        ("units = 2048", "units = 1000000000000000"),
        ("pue = \"1.30\"", "pue = \"999999999999999\""),
        ("dscr = \"1.30\"", "dscr = \"1e-28\""),
        // Found by this fuzz: an escalator that compounds beyond any decimal.
        (
            "escalator = \"0.03\"               # annual",
            "escalator = \"999999999999999\" #",
        ),
        // Found by this fuzz: a close two thousand years after the data center's
        // `start`, from which its 3% escalator has compounded 2,005 times by the
        // contract's end (1.03^2005, about 5.5e25, beyond any amount).
        ("close = 2026-01-01", "close = 4026-01-01"),
    ] {
        assert!(REFERENCE.contains(from), "{from}");
        let text = REFERENCE.replacen(from, to, 1);
        assert!(boxflow_deal::parse(&text, "x.toml").is_err(), "{to}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn whatever_parses_runs(picks in proptest::collection::vec((any::<usize>(), any::<usize>()), 1..4)) {
        let text = mutated(&picks);
        if let Err(e) = runs_if_accepted(&text) {
            prop_assert!(false, "{e}\n{text}");
        }
    }

    /// The reader on damaged sheets: bytes of the reference replaced, cut or repeated.
    /// It never panics, and what it accepts runs.
    #[test]
    fn the_reader_survives_damaged_sheets(
        edits in proptest::collection::vec((any::<usize>(), 0usize..4, any::<char>()), 1..6)
    ) {
        let mut text: Vec<char> = REFERENCE.chars().collect();
        for (at, how, c) in edits {
            let i = at % text.len().max(1);
            match how {
                0 => text[i] = c,
                1 => { text.remove(i); }
                2 => text.insert(i, c),
                _ => {
                    let end = (i + 40).min(text.len());
                    let piece: Vec<char> = text[i..end].to_vec();
                    text.splice(i..i, piece);
                }
            }
        }
        let text: String = text.into_iter().collect();
        if let Err(e) = runs_if_accepted(&text) {
            prop_assert!(false, "{e}\n{text}");
        }
    }
}
