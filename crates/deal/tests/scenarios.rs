//! `[[scenario]]` tables: reading, defaults, located errors and the rules of
//! docs/deal-sheet.md, on the bundled stress fixture and on small sheets.

use boxflow_core::{Quantity, Rate, Share};
use boxflow_deal::{parse, ErrorKind};
use boxflow_model::{validate, validate_scenario, CustomerDefault, ReLease, Scenario};
use rust_decimal::Decimal;
use std::str::FromStr;

const STRESS: &str = include_str!("../../../fixtures/stress.toml");
const REFERENCE: &str = include_str!("../../../fixtures/reference.toml");

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

/// The reference deal with `extra` appended (one or more `[[scenario]]` tables).
fn with(extra: &str) -> String {
    format!("{REFERENCE}\n{extra}")
}

/// The first line of the reference deal after it, 1-based: where `extra` starts.
fn first_line_of_extra() -> usize {
    REFERENCE.lines().count() + 2
}

#[test]
fn the_stress_fixture_reads_every_scenario_as_written() {
    let deal = parse(STRESS, "stress.toml").unwrap();
    assert!(validate(&deal).is_empty());
    let s = &deal.scenarios;
    assert_eq!(s.len(), 7);
    assert_eq!(
        s[0].name,
        "Default in month 18, re-let at 60% after 6 months"
    );
    assert_eq!(
        s[0].customer_default,
        Some(CustomerDefault {
            period: 18,
            re_lease: Some(ReLease {
                after_periods: 6,
                price_share: Share::new(d("0.60")),
            }),
        })
    );
    assert_eq!(
        s[1].customer_default,
        Some(CustomerDefault {
            period: 31,
            re_lease: None
        })
    );
    assert_eq!(s[2].price_haircut, Share::new(d("0.15")));
    assert_eq!(s[3].online_delay_months, 3);
    assert_eq!(s[4].opex_shock, Rate::new(d("0.20")));
    assert_eq!(s[4].power_shock, Rate::new(d("0.40")));
    assert_eq!(s[5].rate_shock_bps, d("300"));
    assert_eq!(s[5].rate_shock(), d("0.03"));
    assert_eq!(s[6].useful_life_months, Some(16));
    assert_eq!(s[6].residual_share, Some(Share::ZERO));
    // Each changes one thing: what is not written stays neutral.
    assert!(s[2].customer_default.is_none() && s[2].online_delay_months == 0);
    assert!(s.iter().all(|x| !x.is_neutral()));
}

#[test]
fn a_scenario_with_a_name_alone_is_neutral_and_the_base_case_has_none() {
    let deal = parse(&with("[[scenario]]\nname = \"as is\"\n"), "s.toml").unwrap();
    assert_eq!(deal.scenarios, vec![Scenario::new("as is")]);
    assert!(deal.scenarios[0].is_neutral());
    assert!(!deal.scenarios[0].changes_operations());
    assert!(parse(REFERENCE, "r.toml").unwrap().scenarios.is_empty());
}

#[test]
fn a_re_lease_defaults_to_no_gap_and_prices_stay_exact() {
    let sheet = with(
        "[[scenario]]\nname = \"x\"\ndefault_period = 1\nre_lease_price_share = 1\n\
         price_per_gpu_hour = \"1.6050\"\nrate_shock_bps = \"-12.5\"\n",
    );
    let s = &parse(&sheet, "s.toml").unwrap().scenarios[0];
    let r = s
        .customer_default
        .as_ref()
        .unwrap()
        .re_lease
        .as_ref()
        .unwrap();
    assert_eq!(r.after_periods, 0);
    assert_eq!(r.price_share, Share::ONE);
    assert_eq!(s.price_per_gpu_hour, Some(Quantity::new(d("1.605"))));
    assert_eq!(s.rate_shock(), d("-0.00125"));
}

/// Parses `extra` after the reference deal; returns (kind, line relative to `extra`
/// (1-based), message) of every error.
fn errors(extra: &str) -> Vec<(ErrorKind, usize, String)> {
    let e = parse(&with(extra), "s.toml").unwrap_err();
    e.errors
        .iter()
        .map(|e| {
            (
                e.kind,
                e.line + 1 - first_line_of_extra(),
                e.message.clone(),
            )
        })
        .collect()
}

#[test]
fn an_unknown_key_is_located_with_a_suggestion() {
    let e = parse(
        &with("[[scenario]]\nname = \"x\"\ndefault_perod = 3\n"),
        "s.toml",
    )
    .unwrap_err();
    let err = &e.errors[0];
    assert_eq!(err.kind, ErrorKind::UnknownKey);
    assert_eq!(err.line, first_line_of_extra() + 2);
    assert_eq!(err.column, 1);
    assert_eq!(err.help.as_deref(), Some("did you mean `default_period`?"));
}

#[test]
fn a_re_lease_needs_a_default_and_a_gap_needs_a_price_share() {
    let e = errors("[[scenario]]\nname = \"x\"\nre_lease_price_share = \"0.5\"\n");
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].0, ErrorKind::Inconsistent);
    assert_eq!(e[0].1, 3);
    assert!(e[0].2.contains("without `default_period`"), "{}", e[0].2);

    let e = errors("[[scenario]]\nname = \"x\"\ndefault_period = 4\nre_lease_after = 2\n");
    assert_eq!(e.len(), 1);
    assert_eq!((e[0].0, e[0].1), (ErrorKind::Inconsistent, 4));
    assert!(
        e[0].2.contains("without `re_lease_price_share`"),
        "{}",
        e[0].2
    );
}

#[test]
fn values_out_of_range_are_located_errors() {
    let e = errors(
        "[[scenario]]\nname = \"x\"\ndefault_period = 0\nprice_haircut = \"1.5\"\n\
         opex_shock = \"-1\"\npower_shock = \"-0.5\"\nrate_shock_bps = 200000\n\
         residual_share = \"-0.1\"\nuseful_life_months = 0\nprice_per_gpu_hour = \"-2\"\n\
         online_delay_months = -1\n",
    );
    let got: Vec<(ErrorKind, usize)> = e.iter().map(|(k, l, _)| (*k, *l)).collect();
    // power_shock -0.5 is fine (above -1): every other line is an error, in order.
    assert_eq!(
        got,
        [
            (ErrorKind::InvalidValue, 3),
            (ErrorKind::InvalidValue, 4),
            (ErrorKind::InvalidValue, 5),
            (ErrorKind::InvalidValue, 7),
            (ErrorKind::InvalidValue, 8),
            (ErrorKind::InvalidValue, 9),
            (ErrorKind::InvalidValue, 10),
            (ErrorKind::InvalidValue, 11),
        ]
    );
    assert!(e[2].2.contains("an escalator at or below -1"), "{}", e[2].2);
    assert!(e[3].2.contains("outside -10000 to 100000"), "{}", e[3].2);
    assert!(e[7].2.contains("0 or more"), "{}", e[7].2);
}

#[test]
fn a_default_after_the_term_and_duplicate_names_are_errors() {
    // 60 monthly periods: period 61 does not exist.
    let e =
        errors("[[scenario]]\nname = \"x\"\ndefault_period = 61\n\n[[scenario]]\nname = \"x\"\n");
    assert_eq!(e.len(), 2);
    assert_eq!((e[0].0, e[0].1), (ErrorKind::Inconsistent, 3));
    assert!(e[0]
        .2
        .contains("after the last of the contract's 60 periods"));
    assert_eq!((e[1].0, e[1].1), (ErrorKind::Duplicate, 6));
    // Period 60, the last, is fine.
    assert!(parse(
        &with("[[scenario]]\nname = \"x\"\ndefault_period = 60\n"),
        "s"
    )
    .is_ok());
}

#[test]
fn a_scenario_table_must_be_an_array_of_tables_with_a_name() {
    let e = errors("[scenario]\nname = \"x\"\n");
    assert_eq!(e[0].0, ErrorKind::WrongType);
    let e = errors("[[scenario]]\ndefault_period = 3\n");
    assert_eq!((e[0].0, e[0].1), (ErrorKind::MissingKey, 1));
}

#[test]
fn scenarios_built_in_code_are_checked_against_the_deal() {
    let deal = parse(REFERENCE, "r.toml").unwrap();
    let mut s = Scenario::new("ok");
    s.customer_default = Some(CustomerDefault {
        period: 60,
        re_lease: Some(ReLease {
            after_periods: 100,
            price_share: Share::new(d("0.5")),
        }),
    });
    s.rate_shock_bps = d("-10000");
    assert!(validate_scenario(&deal, &s).is_empty());

    s.customer_default = Some(CustomerDefault {
        period: 0,
        re_lease: None,
    });
    s.name = " ".into();
    s.price_haircut = Share::new(d("2"));
    let paths: Vec<String> = validate_scenario(&deal, &s)
        .into_iter()
        .map(|i| i.path)
        .collect();
    assert_eq!(
        paths,
        [
            "scenario.name",
            "scenario.default_period",
            "scenario.price_haircut"
        ]
    );
}

#[test]
fn a_line_target_reads_and_names_one_capacity_line() {
    let deal = parse(
        &with("[[scenario]]\nname = \"x\"\nline = \"Phase 2\"\nprice_haircut = \"0.2\"\n"),
        "s.toml",
    )
    .unwrap();
    assert_eq!(deal.scenarios[0].line.as_deref(), Some("Phase 2"));
    assert!(deal.scenarios[0].targets(&deal.contract.capacity[1]));
    assert!(!deal.scenarios[0].targets(&deal.contract.capacity[0]));
}

#[test]
fn an_unknown_line_is_a_located_error_with_a_suggestion() {
    let e = parse(
        &with("[[scenario]]\nname = \"x\"\nline = \"Phase 3\"\nprice_haircut = \"0.2\"\n"),
        "s.toml",
    )
    .unwrap_err();
    assert_eq!(e.errors.len(), 1);
    let err = &e.errors[0];
    assert_eq!(err.kind, ErrorKind::UnknownReference);
    assert_eq!(err.line, first_line_of_extra() + 2);
    assert!(
        err.message.contains("names no capacity line"),
        "{}",
        err.message
    );
    // "Phase 3" is one edit from both names: the first listed wins the tie.
    assert_eq!(err.help.as_deref(), Some("did you mean `Phase 1`?"));

    let e = errors("[[scenario]]\nname = \"x\"\nline = \"Hall B\"\ndelay = 1\n");
    // `delay` is not a key (an unknown key) and without a line shock the line is an error.
    assert!(e
        .iter()
        .any(|(k, l, _)| (*k, *l) == (ErrorKind::UnknownKey, 4)));
    let unknown = e
        .iter()
        .find(|(k, _, _)| *k == ErrorKind::UnknownReference)
        .unwrap();
    assert_eq!(unknown.1, 3);
}

#[test]
fn a_line_name_shared_by_two_lines_or_a_line_without_a_line_shock_is_an_error() {
    let twice = REFERENCE.replace("name = \"Phase 2\"", "name = \"Phase 1\"");
    let sheet =
        format!("{twice}\n[[scenario]]\nname = \"x\"\nline = \"Phase 1\"\ndefault_period = 12\n");
    let e = parse(&sheet, "s.toml").unwrap_err();
    assert_eq!(e.errors.len(), 1);
    assert_eq!(e.errors[0].kind, ErrorKind::Inconsistent);
    assert_eq!(e.errors[0].line, twice.lines().count() + 4);
    assert!(
        e.errors[0]
            .message
            .contains("the name of 2 capacity lines (contract.capacity[0], contract.capacity[1])"),
        "{}",
        e.errors[0].message
    );

    let e = errors("[[scenario]]\nname = \"x\"\nline = \"Phase 2\"\nopex_shock = \"0.1\"\n");
    assert_eq!(e.len(), 1);
    assert_eq!((e[0].0, e[0].1), (ErrorKind::Inconsistent, 3));
    assert!(e[0].2.contains("no shock a line takes"), "{}", e[0].2);
}
