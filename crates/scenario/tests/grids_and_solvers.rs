//! One-line scenarios, grids, and the solvers: each answer is checked here
//! independently, by running the found point and the point one step beyond with the
//! engine directly, and the default solver against a scan of every period.

mod common;

use boxflow_core::{Money, Share};
use boxflow_model::{CustomerDefault, ReLease, Scenario};
use boxflow_scenario::solve::{earliest_safe_default, first_true, max_rate_shock, min_price};
use boxflow_scenario::{parse_scenario, run_grid, Base, Dimension, Grid};
use boxflow_waterfall::{run, Plan};
use common::*;
use rust_decimal::Decimal;
use std::sync::atomic::{AtomicUsize, Ordering};

#[test]
fn grid_values_are_exact_and_inclusive() {
    let g = Grid::parse("price=1.60..2.60:0.10,default=6..60:6").unwrap();
    assert_eq!(g.axes[0].dimension, Dimension::Price);
    let prices: Vec<String> = g.axes[0].values.iter().map(|v| v.to_string()).collect();
    assert_eq!(
        prices,
        ["1.60", "1.70", "1.80", "1.90", "2.00", "2.10", "2.20", "2.30", "2.40", "2.50", "2.60"]
    );
    assert_eq!(g.axes[1].values.len(), 10); // 6, 12, ..., 60
    assert_eq!(g.len(), 110);
    // The last axis varies fastest.
    assert_eq!(
        g.point(1),
        [(Dimension::Price, d("1.60")), (Dimension::Default, d("12"))]
    );
    assert_eq!(
        g.point(10),
        [(Dimension::Price, d("1.70")), (Dimension::Default, d("6"))]
    );
    // A step that does not land on the end stops before it; lists and single values.
    let g =
        Grid::parse("rate=0..250:100, haircut=0|0.05|0.1, gap=6,re_lease=0.5,default=12").unwrap();
    assert_eq!(g.axes[0].values, [d("0"), d("100"), d("200")]);
    assert_eq!(g.len(), 9);
    let s = g.scenario(8).unwrap();
    assert_eq!(s.name, "rate=200,haircut=0.1,gap=6,re_lease=0.5,default=12");
    assert_eq!(
        s.customer_default,
        Some(CustomerDefault {
            period: 12,
            re_lease: Some(ReLease {
                after_periods: 6,
                price_share: Share::new(d("0.5"))
            })
        })
    );
    // Long names work too.
    let g = Grid::parse("default_period=3,rate_shock_bps=-50").unwrap();
    assert_eq!(g.axes[1].dimension, Dimension::Rate);
}

#[test]
fn bad_grids_and_lines_are_errors() {
    for spec in [
        "",
        "prize=1..2",
        "price=2..1",
        "price=1..2:0",
        "price=1..2:-1",
        "price=a..b",
        "default=1.5",
        "delay=-1",
        "price=1,price=2",
        "rate=0..2000000:1",
        "price=0..1:0.000001,rate=0..1000",
        "price",
    ] {
        assert!(Grid::parse(spec).is_err(), "{spec}");
    }
    let deal = fixture("reference.toml");
    for spec in [
        "default=61",
        "haircut=1.5",
        "gap=3,re_lease=0.5",
        "default=3,gap=3",
        "opex=-1",
    ] {
        let g = Grid::parse(spec).unwrap();
        assert!(g.check(&deal).is_err(), "{spec}");
    }
    assert!(Grid::parse("default=1..60,re_lease=0|1")
        .unwrap()
        .check(&deal)
        .is_ok());
    for line in [
        "",
        "default",
        "default=x",
        "gap=2",
        "default=2,gap=2",
        "nope=1",
    ] {
        assert!(parse_scenario(line).is_err(), "{line}");
    }
    let s = parse_scenario("name=Rates up,rate=300").unwrap();
    assert_eq!((s.name.as_str(), s.rate_shock_bps), ("Rates up", d("300")));
}

#[test]
fn a_grid_runs_every_point_in_order_with_progress() {
    let b = Base::new(fixture("reference.toml")).unwrap();
    let grid = Grid::parse("price=1.80..2.60:0.40,default=20|40").unwrap();
    let done = AtomicUsize::new(0);
    let rows = run_grid(&b, &grid, true, &|| {
        done.fetch_add(1, Ordering::Relaxed);
    });
    assert_eq!(done.load(Ordering::Relaxed), 6);
    assert_eq!(rows.len(), 6);
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(row.values, grid.point(i));
        let o = row.outcome.as_ref().unwrap();
        assert_eq!(o.violations, Some(0));
        // Each row is the run of its own scenario.
        let direct = b.run_scenario(&grid.scenario(i).unwrap()).unwrap();
        assert_eq!(o.lender_loss, direct.summary.lender_loss);
        assert_eq!(o.min_dscr, direct.summary.min_dscr);
    }
}

#[test]
fn bisection_finds_the_first_true_point() {
    let (x, n) = first_true(0, 100, |x| Ok::<_, ()>(x >= 37)).unwrap();
    assert_eq!(x, 37);
    assert!(n <= 7);
    let (x, _) = first_true(0, 1, |_| Ok::<_, ()>(true)).unwrap();
    assert_eq!(x, 1);
}

/// The senior commitment sized at close with every capacity line at `price`, and
/// whether the run's halfway covenant passes: computed with the engine directly.
fn sized_at(deal: &boxflow_model::Deal, price: Decimal) -> (Money, Money, bool) {
    let mut priced = deal.clone();
    for line in &mut priced.contract.capacity {
        line.price_per_gpu_hour = boxflow_core::Quantity::new(price);
    }
    let priced = valid(priced);
    let plan = Plan::new(&priced).unwrap();
    let t = plan.total_capex;
    let r = run(&priced).unwrap();
    assert!(r.verify().is_empty());
    (r.summary.senior_commitment, t, r.summary.halfway_covenant)
}

#[test]
fn the_minimum_price_holds_and_one_hundredth_of_a_cent_less_does_not() {
    let deal = fixture("reference.toml");
    let target = Share::new(d("0.80"));
    let s = min_price(&deal, target).unwrap();
    let price = s.price.expect("a price reaches 80% gearing");
    assert!(s.checked());
    assert_eq!(price.scale(), 4);
    // The reference price, 2.20, sizes 518,926,087.20 (DSCR-bound), short of 80%.
    assert!(price > d("2.20"));
    let (c, t, halfway) = sized_at(&deal, price);
    let target_c = Money::floor2(d("0.80") * t.amount());
    assert_eq!(s.target_commitment, target_c);
    assert!(c >= target_c && halfway, "holds at {price}");
    let (c, _, halfway) = sized_at(&deal, price - d("0.0001"));
    assert!(c < target_c || !halfway, "fails at {price} - 0.0001");

    // A gearing already reached at the deal's price: a lower answer.
    let low = min_price(&deal, Share::new(d("0.40"))).unwrap();
    assert!(low.checked());
    assert!(low.price.unwrap() < d("2.20"));
    // No gearing above 80% can be sized (max_gearing caps it): no price.
    let none = min_price(&deal, Share::new(d("0.85"))).unwrap();
    assert_eq!(none.price, None);
    assert!(!none.checked());
}

fn senior_loss(b: &Base, d_: usize, re_lease: Option<&ReLease>) -> Money {
    let n = b.plan.calendar.len();
    let r = if d_ > n {
        b.run().unwrap()
    } else {
        let mut s = Scenario::new("scan");
        s.customer_default = Some(CustomerDefault {
            period: d_ as u32,
            re_lease: re_lease.cloned(),
        });
        b.run_scenario(&s).unwrap()
    };
    assert!(r.verify().is_empty());
    r.terminal.facilities[0].loss
}

#[test]
fn the_earliest_safe_default_matches_a_scan_of_every_period() {
    for (name, re_lease) in [
        ("reference.toml", None),
        (
            "reference.toml",
            Some(ReLease {
                after_periods: 12,
                price_share: Share::new(d("0.30")),
            }),
        ),
        ("quarterly.toml", None),
        ("fixed-rate.toml", None),
        // A re-lease after a gap moves with the default: here a default in period 1
        // loses less than one in period 3 (docs/scenarios.md), and the answer is
        // still the first period from which on every default is safe.
        (
            "custom.toml",
            Some(ReLease {
                after_periods: 10,
                price_share: Share::new(d("0.6525")),
            }),
        ),
    ] {
        let b = Base::new(fixture(name)).unwrap();
        let n = b.plan.calendar.len();
        let s = earliest_safe_default(&b, re_lease.clone()).unwrap();
        assert!(s.checked(), "{name}");
        // The scan: the first period from which on every default is safe.
        let losses: Vec<Money> = (1..=n + 1)
            .map(|k| senior_loss(&b, k, re_lease.as_ref()))
            .collect();
        let first_safe = (1..=n + 1)
            .find(|k| losses[k - 1..].iter().all(|l| l.is_zero()))
            .unwrap();
        assert_eq!(s.period, Some(first_safe), "{name} {re_lease:?}");
        assert_eq!(s.periods_paid, Some(first_safe - 1));
        if first_safe > 1 {
            assert!(losses[first_safe - 2].is_positive());
        }
    }
}

fn payment_defaults(b: &Base, bps: i64) -> usize {
    let mut s = Scenario::new("rate");
    s.rate_shock_bps = Decimal::from(bps);
    let r = b.run_scenario(&s).unwrap();
    assert!(r.verify().is_empty());
    r.events
        .iter()
        .filter(|e| e.name() == "payment_default")
        .count()
}

#[test]
fn the_largest_rate_shock_survives_and_one_basis_point_more_does_not() {
    let b = Base::new(fixture("reference.toml")).unwrap();
    let s = max_rate_shock(&b).unwrap();
    assert!(s.checked());
    assert!(!s.unbounded);
    let bps = s.bps.unwrap();
    assert!(bps > 300, "the SOFR +300 scenario passes: {bps}");
    assert_eq!(payment_defaults(&b, bps), 0);
    assert!(payment_defaults(&b, bps + 1) > 0);
    // Monotone around it: well below survives, well above does not.
    assert_eq!(payment_defaults(&b, bps / 2), 0);
    assert!(payment_defaults(&b, bps * 2) > 0);

    // Fixed-rate debt: no shock on an index can hurt it.
    let fixed = Base::new(fixture("fixed-rate.toml")).unwrap();
    let s = max_rate_shock(&fixed).unwrap();
    assert!(s.unbounded && s.checked());
}
