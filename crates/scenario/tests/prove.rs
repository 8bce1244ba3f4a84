//! `prove`: a property's counterexample shrinks to the threshold found independently,
//! a property that holds holds, the result does not depend on the threads, and bad
//! properties say what would fix them.

use boxflow_core::Decimal;
use boxflow_scenario::prove::{check, spec_of, Property};
use boxflow_scenario::{parse_scenario, Base, Dimension, Outcome};

fn reference() -> Base {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/reference.toml");
    Base::new(boxflow_deal::read_file(std::path::Path::new(path)).unwrap()).unwrap()
}

fn min_dscr(base: &Base, haircut: Decimal) -> Option<Decimal> {
    let s = parse_scenario(&format!("haircut={haircut}")).unwrap();
    let run = base.run_scenario(&s).unwrap();
    Outcome::of("h", &run, false).min_dscr
}

#[test]
fn the_shrunk_haircut_is_where_the_minimum_dscr_crosses_one() {
    let base = reference();
    // Independently: bisect the haircut where min DSCR crosses 1.0, to 1e-6.
    let one = Decimal::ONE;
    let below = |h: Decimal| min_dscr(&base, h).is_none_or(|x| x < one);
    let (mut lo, mut hi) = (Decimal::ZERO, Decimal::new(5, 1));
    assert!(
        !below(lo) && below(hi),
        "the box must straddle the threshold"
    );
    while hi - lo > Decimal::new(1, 6) {
        let mid = (lo + hi) / Decimal::TWO;
        if below(mid) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    let p = Property::new("p", &[("price_haircut", "0..0.5")], &["min_dscr >= 1.0"]).unwrap();
    let v = check(&base, &p, 50, 1).unwrap();
    let c = v.counterexample.expect("a 50% haircut breaks a 1.0x DSCR");
    let (d, h) = c.shrunk[0];
    assert_eq!(d, Dimension::Haircut);
    let tick = Decimal::new(1, 4);
    assert!(
        h >= hi && h - hi <= tick,
        "shrunk {h}, threshold between {lo} and {hi}"
    );
    // The one-line spec reproduces the failure of the same expectation.
    let s = parse_scenario(&spec_of(&c.shrunk)).unwrap();
    let o = Outcome::of("s", &base.run_scenario(&s).unwrap(), false);
    assert!(!c.expectation.holds(&o));
    // One tick milder holds.
    let milder = parse_scenario(&format!("haircut={}", h - tick)).unwrap();
    let o = Outcome::of("m", &base.run_scenario(&milder).unwrap(), false);
    assert!(c.expectation.holds(&o));
}

#[test]
fn a_property_that_holds_holds() {
    let base = reference();
    let p = Property::new(
        "small shocks",
        &[("haircut", "0..0.02"), ("rate", "0..25")],
        &["lender_loss == 0", "payment_defaults == 0"],
    )
    .unwrap();
    let v = check(&base, &p, 20, 7).unwrap();
    assert!(v.holds(), "{v}");
    assert_eq!(v.corners, 4);
}

#[test]
fn the_result_does_not_depend_on_the_threads() {
    let base = reference();
    let p = Property::new(
        "late default",
        &[
            ("haircut", "0..0.3"),
            ("default", "10..60"),
            ("rate", "0..300"),
        ],
        &["lender_loss == 0"],
    )
    .unwrap();
    let on = |n: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .unwrap()
            .install(|| check(&base, &p, 24, 11).unwrap())
    };
    assert_eq!(on(1), on(2));
    assert_eq!(p.random_point(11, 5), p.random_point(11, 5));
    assert_ne!(p.random_point(11, 5), p.random_point(11, 6));
}

#[test]
fn bad_properties_say_what_would_fix_them() {
    let err = |vary: &[(&str, &str)], expect: &[&str]| {
        Property::new("p", vary, expect).unwrap_err().to_string()
    };
    let ok = [("haircut", "0..0.2")];
    assert!(err(&[("hiarcut", "0..0.2")], &["lender_loss == 0"]).contains("did you mean"));
    assert!(err(&[("haircut", "0.2")], &["lender_loss == 0"]).contains("not a range"));
    assert!(err(&[("haircut", "0.3..0.2")], &["lender_loss == 0"]).contains("lower bound first"));
    assert!(err(&[("default", "2.5..10")], &["lender_loss == 0"]).contains("whole number"));
    assert!(err(&ok, &["lender_los == 0"]).contains("did you mean `lender_loss`?"));
    assert!(err(&ok, &["covenants >= pass"]).contains("== or !="));
    assert!(err(&[("re_lease", "0..1")], &["lender_loss == 0"]).contains("default_period"));
    assert!(err(&ok, &[]).contains("expect"));
    assert!(err(&[("haircut", "0..1e30")], &["lender_loss == 0"]).contains("not a decimal"));
    assert!(err(&[("opex", "-2000000000..0")], &["lender_loss == 0"]).contains("outside"));
}

/// The property on the reference deal: the shrunk counterexample fails the
/// expectation, and every key one tick milder (or dropped, for a key with a neutral
/// value) holds it: the shrink is a local minimum.
#[test]
fn a_shrunk_counterexample_is_a_local_minimum() {
    let base = reference();
    let p = Property::new(
        "senior repaid by halfway under a 20% price fall and a late default",
        &[
            ("price_haircut", "0..0.20"),
            ("default_period", "25..60"),
            ("rate_shock_bps", "0..300"),
        ],
        &[
            "halfway_covenant == pass",
            "payment_defaults == 0",
            "lender_loss == 0",
            "min_dscr >= 1.05",
        ],
    )
    .unwrap();
    let v = check(&base, &p, 200, 7).unwrap();
    let c = v.counterexample.expect("a default in period 25 breaks it");
    let fails = |point: &[(Dimension, Decimal)]| {
        let s = parse_scenario(&spec_of(point)).unwrap();
        !c.expectation
            .holds(&Outcome::of("x", &base.run_scenario(&s).unwrap(), false))
    };
    assert!(fails(&c.shrunk));
    assert!(!c.shrunk.is_empty());
    for (i, (d, x)) in c.shrunk.iter().enumerate() {
        let mut milder = c.shrunk.clone();
        match d {
            Dimension::Default => milder[i].1 = x + Decimal::ONE,
            Dimension::Haircut => milder[i].1 = x - Decimal::new(1, 4),
            Dimension::Rate => milder[i].1 = x - Decimal::ONE,
            other => panic!("{other} is not varied"),
        }
        assert!(
            !fails(&milder),
            "{} is not minimal in {d}",
            spec_of(&c.shrunk)
        );
        let mut without = c.shrunk.clone();
        without.remove(i);
        if !without.is_empty() {
            assert!(!fails(&without), "{d} could be dropped");
        }
    }
}
