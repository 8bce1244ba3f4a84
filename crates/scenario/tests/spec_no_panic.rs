//! Scenario lines and grids come from the command line: whatever the text, reading it
//! returns a value or an error, never a panic. The case count is `BOXFLOW_FUZZ_CASES`
//! (default 256).

use boxflow_scenario::{parse_scenario, Grid, SpecError, MAX_GRID_POINTS};
use proptest::prelude::*;

fn cases() -> u32 {
    std::env::var("BOXFLOW_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256)
}

/// Numbers at the edges of what a decimal holds, and ordinary ones.
fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("0".to_string()),
        Just("1e-28".to_string()),
        Just("1e-27".to_string()),
        Just("1e-14".to_string()),
        Just("1e15".to_string()),
        Just("99999999999999.99".to_string()),
        Just("79228162514264337593543950335".to_string()),
        Just("-79228162514264337593543950335".to_string()),
        Just("4294967296".to_string()),
        Just("-1".to_string()),
        (0u64..10_000).prop_map(|n| n.to_string()),
        (0u64..10_000, 0u32..6)
            .prop_map(|(n, s)| format!("{}", rust_decimal::Decimal::new(n as i64, s))),
        "[-0-9.e]{1,12}",
    ]
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("price"),
        Just("haircut"),
        Just("default"),
        Just("gap"),
        Just("re_lease"),
        Just("delay"),
        Just("opex"),
        Just("power"),
        Just("rate"),
        Just("residual"),
        Just("life"),
        Just("name"),
        Just("nope"),
    ]
    .prop_map(str::to_string)
}

fn values() -> impl Strategy<Value = String> {
    prop_oneof![
        number(),
        (number(), number()).prop_map(|(a, b)| format!("{a}..{b}")),
        (number(), number(), number()).prop_map(|(a, b, c)| format!("{a}..{b}:{c}")),
        proptest::collection::vec(number(), 1..4).prop_map(|v| v.join("|")),
    ]
}

fn spec() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::collection::vec((key(), values()), 0..4).prop_map(|pairs| pairs
            .into_iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(",")),
        "[a-z_=.,:|0-9e -]{0,40}",
        any::<String>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn reading_a_spec_never_panics(spec in spec()) {
        if let Ok(grid) = Grid::parse(&spec) {
            prop_assert!(!grid.is_empty() && grid.len() <= MAX_GRID_POINTS);
            let _ = grid.scenario(0);
            let _ = grid.scenario(grid.len() - 1);
        }
        let _ = parse_scenario(&spec);
    }
}

#[test]
fn steps_too_small_for_a_decimal_are_errors() {
    for spec in [
        "price=0..10:1e-28",
        "price=0..1000:1e-27",
        "price=0..1e15:1e-14",
    ] {
        let e: SpecError = Grid::parse(spec).unwrap_err();
        assert!(e.0.contains("more than 1000000 values"), "{spec}: {e}");
    }
}

#[test]
fn a_key_given_twice_in_a_scenario_is_refused() {
    let e = parse_scenario("price=1,price=2").unwrap_err();
    assert_eq!(e.0, "`price` appears twice in the scenario");
    // A key and its long name are one key.
    assert!(parse_scenario("price=1,price_per_gpu_hour=2").is_err());
}

#[test]
fn a_count_beyond_u32_is_refused() {
    assert!(parse_scenario("life=4294967296").is_err());
    assert!(parse_scenario("life=4294967295").is_ok());
    assert!(Grid::parse("default=4294967296").is_err());
}
