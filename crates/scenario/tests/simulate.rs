//! Monte Carlo (`simulate`) checked against closed forms: the default month's law,
//! the market price path without volatility, the base case when nothing is drawn,
//! and the same figures whatever the number of threads.

mod common;

use boxflow_core::{Decimal, Money, Share};
use boxflow_model::Simulation;
use boxflow_scenario::simulate::{self, draw, simulate_runs, summarize, SimulatedRun};
use boxflow_scenario::{Base, Outcome};
use common::*;

fn reference() -> Base {
    Base::new(fixture("reference.toml")).unwrap()
}

/// `|share - q| <= 4 · sqrt(q (1 - q) / n)`: a share of `n` independent draws
/// within four standard errors of its probability `q` (a false alarm about once in
/// 16,000 checks).
fn within_4_standard_errors(hits: usize, n: usize, q: f64) {
    let share = hits as f64 / n as f64;
    let se = (q * (1.0 - q) / n as f64).sqrt();
    assert!(
        (share - q).abs() <= 4.0 * se,
        "share {share} vs closed form {q} (4 standard errors: {})",
        4.0 * se
    );
}

#[test]
fn default_months_follow_the_closed_form() {
    // With a flat annual probability p and no re-lease, the share of runs whose
    // customer defaults in months 1..t is 1 - (1 - p)^(t/12).
    let base = reference();
    for p in ["0.04", "0.30"] {
        let sim = Simulation {
            default_probability: Share::new(d(p)),
            seed: 11,
            ..Simulation::default()
        };
        let n = 20_000;
        let months: Vec<Option<u32>> = (0..n).map(|i| draw(&base, &sim, i).default_month).collect();
        let p: f64 = p.parse().unwrap();
        for t in [1_u32, 6, 12, 24, 36, 60] {
            let hits = months.iter().filter(|m| m.is_some_and(|m| m <= t)).count();
            let q = 1.0 - (1.0 - p).powf(f64::from(t) / 12.0);
            within_4_standard_errors(hits, n as usize, q);
        }
        // Never after the 60-month term.
        assert!(months.iter().flatten().all(|m| *m <= 60));
    }
}

#[test]
fn the_summary_counts_defaults_as_the_closed_form_says() {
    // Through whole runs: 2,000 runs at p = 0.30 a year over 60 months:
    // q = 1 - 0.7^5 = 0.83193.
    let base = reference();
    let sim = Simulation {
        runs: 2_000,
        seed: 3,
        default_probability: Share::new(d("0.30")),
        ..Simulation::default()
    };
    let runs = simulate_runs(&base, &sim, &|| {}).unwrap();
    let s = summarize(&sim, &runs);
    let hits = runs.iter().filter(|r| r.default_period.is_some()).count();
    within_4_standard_errors(hits, 2_000, 1.0 - 0.7_f64.powi(5));
    assert_eq!(
        s.probability_of_customer_default,
        Decimal::from(hits) / Decimal::from(2_000)
    );
    // A customer that walks away with nobody to replace it costs the lender in
    // some runs, and only runs with a default lose anything.
    assert!(runs
        .iter()
        .filter(|r| r.default_period.is_none())
        .all(|r| r.lender_loss.is_zero()));
    let defaulted: Vec<Money> = runs
        .iter()
        .filter(|r| r.default_period.is_some())
        .map(|r| r.lender_loss)
        .collect();
    let total: Money = defaulted.iter().copied().sum();
    assert_eq!(
        s.loss_given_customer_default,
        Some(Money::round2(
            total.amount() / Decimal::from(defaulted.len())
        ))
    );
    assert_eq!(
        s.expected_lender_loss,
        Money::round2(total.amount() / Decimal::from(2_000))
    );
}

#[test]
fn nothing_drawn_is_the_base_case_to_the_cent() {
    for name in ["reference.toml", "stress.toml", "junior.toml"] {
        let base = Base::new(fixture(name)).unwrap();
        let run = base.run().unwrap();
        let o = Outcome::of("base case", &run, true);
        assert_eq!(o.violations, Some(0));
        let sim = Simulation {
            runs: 40,
            seed: 99,
            // a range of re-lease terms drawn, but no default to use them
            re_lease_price_share: Some((Share::new(d("0.4")), Share::new(d("0.9")))),
            re_lease_after: (1, 6),
            ..Simulation::default()
        };
        for i in 0..40 {
            let dr = draw(&base, &sim, i);
            assert!(
                dr.scenario.is_neutral(),
                "{name} run {i}: {:?}",
                dr.scenario
            );
            assert_eq!((dr.market_at_re_lease, dr.market_at_end), (1.0, 1.0));
        }
        let want = SimulatedRun::new(None, &o, &run, &simulate::lockup_periods(&run));
        assert!(!want.lockup);
        let runs = simulate_runs(&base, &sim, &|| {}).unwrap();
        assert!(runs.iter().all(|r| *r == want), "{name}");
        let s = summarize(&sim, &runs);
        assert_eq!(s.expected_lender_loss, o.lender_loss);
        assert_eq!(s.lender_loss_quantiles.p99, o.lender_loss);
        assert_eq!(s.equity_irr_quantiles.p5, o.equity_irr);
        assert_eq!(s.equity_irr_quantiles.p95, o.equity_irr);
        assert_eq!(s.loss_given_customer_default, None);
    }
}

#[test]
fn the_market_path_without_volatility_is_its_drift() {
    // p = 1: the customer defaults in month 1 (period 1); re-let after 3 periods
    // at 50% of the contract price times M(t1), t1 = (1 + 3 - 1) months = 0.25 years:
    // M = exp(-0.15 · 0.25) = 0.96319...; 0.5 · M = 0.48160 -> 0.4816 (basis points).
    // The residual value at the end of 60 months: M = exp(-0.15 · 5) = 0.47237.
    let base = reference();
    let sim = Simulation {
        default_probability: Share::ONE,
        re_lease_price_share: Some((Share::new(d("0.5")), Share::new(d("0.5")))),
        re_lease_after: (3, 3),
        market_price_drift: boxflow_core::Rate::new(d("-0.15")),
        ..Simulation::default()
    };
    let dr = draw(&base, &sim, 0);
    assert_eq!(dr.default_month, Some(1));
    assert!((dr.market_at_re_lease - (-0.0375_f64).exp()).abs() < 1e-12);
    assert!((dr.market_at_end - (-0.75_f64).exp()).abs() < 1e-12);
    let c = dr.scenario.customer_default.unwrap();
    assert_eq!(c.period, 1);
    let r = c.re_lease.unwrap();
    assert_eq!(
        (r.after_periods, r.price_share),
        (3, Share::new(d("0.4816")))
    );
    // A market that rose does not re-let above the contract price.
    let rose = Simulation {
        market_price_drift: boxflow_core::Rate::new(d("4")),
        re_lease_after: (24, 24),
        ..sim
    };
    let r = draw(&base, &rose, 0)
        .scenario
        .customer_default
        .unwrap()
        .re_lease
        .unwrap();
    assert_eq!(r.price_share, Share::ONE);
}

#[test]
fn the_same_seed_gives_the_same_runs_on_one_thread_or_two() {
    let base = reference();
    let sim = Simulation {
        runs: 300,
        seed: 7,
        default_probability: Share::new(d("0.2")),
        re_lease_price_share: Some((Share::new(d("0.4")), Share::new(d("0.9")))),
        re_lease_after: (1, 6),
        market_price_drift: boxflow_core::Rate::new(d("-0.15")),
        market_price_volatility: boxflow_core::Rate::new(d("0.30")),
        rate_shock_bps_sd: d("100"),
        opex_shock_sd: boxflow_core::Rate::new(d("0.1")),
        power_shock_sd: boxflow_core::Rate::new(d("0.2")),
        online_delay_months: (0, 2),
    };
    let on = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| simulate::simulate(&base, &sim, &|| {}).unwrap())
    };
    let one = on(1);
    assert_eq!(one, on(2));
    assert_eq!(one, on(3));
    // Another seed draws other runs.
    let other = simulate::simulate(
        &base,
        &Simulation {
            seed: 8,
            ..sim.clone()
        },
        &|| {},
    )
    .unwrap();
    assert_ne!(one, other);
}
